import { defineRule, fail, pass } from "./rule";

export const unseenModule = defineRule({
  id: "NHI-GOV-031",
  title: "Module call whose identities cannot be seen before plan",
  severity: "high",
  controls: { owasp: ["NHI1", "NHI6"], nistCsf: ["PR.AA-01", "PR.PS-01"] },
  rationale:
    "A synth-time gate (the CDKTF aspect, nhi-gate synth) sees a Terraform module call (TerraformHclModule, `module` in cdk.tf.json) as a source and inputs: the roles, users and keys it creates exist only when Terraform plans it. A public module can create an administrator role that no synth-time check sees. Only a module source the platform team approved (approvedModuleSources, matched as for plans) may pass unseen; nhi-gate plan judges the module's resources themselves.",
  remediation:
    "Use an approved module source (approvedModuleSources in the gate config), create the identities with GovernedIdentity, or gate the plan (terraform plan, then nhi-gate plan), which sees the module's resources; where the pipeline gates the plan, severityOverrides can lower this finding at synth.",
  appliesTo: { kinds: ["container"], types: ["module"] },
  check(r, ctx) {
    if (ctx.provenance(r).status === "governed") return pass();
    const source = r.origin.module?.source;
    return fail({
      key: `Source::${source ?? "unknown"}`,
      field: "source",
      message: `${r.address} calls module source ${JSON.stringify(source ?? "(none)")}, which is not an approved module source, so the identities it creates cannot be seen before plan. Expected: a source in approvedModuleSources. Fix: approve the source, create the identities with GovernedIdentity, or gate the plan with nhi-gate plan`,
    });
  },
});
