/**
 * Issue 22, root cause 1: policies embedded in a governed role (`managed_policy_arns`,
 * `inline_policy`) are part of its integrity. Real plans from the real Terraform where the shape
 * matters: HCL roles at create, a CDKTF synth with addOverride planned by Terraform, and update
 * plans from a prior state (an edit, and drift read back from AWS).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { renderIdentity, RenderedIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { evaluate } from "../../src/engine/evaluate";
import { planToInput } from "../../src/adapters/terraform-plan";
import { resource } from "../../testing/resources";
import { governedChanges, plan, change, configResource, ref } from "../fixtures/plans/builder";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { clock, inDays, spec, validSpec } from "../helpers";
import { expectBypass } from "./catalogue";
import { gate, scratch } from "./gate";
import { governedRoleHcl, jsonHcl } from "./hcl";

const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
const lambdaRole = (name: string, extra: Record<string, unknown> = {}): RenderedIdentity =>
  renderIdentity(spec({ name, credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" }, ...extra }), resolveConfig({}));
const passAdmin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/admin" }] };

describeWithTerraform("root cause 1 on real plans: what a governed role embeds", () => {
  let planFile: string;
  beforeAll(() => {
    const { planFile: file } = terraformPlan({
      "main.tf": `${awsProviderHcl()}
${governedRoleHcl("managed", lambdaRole("bypass-managed"), { extra: `  managed_policy_arns = ["${S3_FULL}"]` })}
${governedRoleHcl("inline", lambdaRole("bypass-inline"), { extra: `  inline_policy {\n    name   = "pass-admin"\n    policy = ${jsonHcl(passAdmin)}\n  }` })}
resource "aws_iam_policy" "admin" {
  name   = "customer-admin"
  policy = ${jsonHcl({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })}
}
${governedRoleHcl("customer", lambdaRole("bypass-customer"), { extra: "  managed_policy_arns = [aws_iam_policy.admin.arn]" })}
${governedRoleHcl("clean", lambdaRole("bypass-clean"))}
`,
    });
    planFile = file;
  }, 120_000);

  it("the control: the same role, as rendered, passes (the seal verifies on Terraform's plan)", async () => {
    const run = await gate(["plan", planFile]);
    const clean = run.report?.resources.filter((r) => r.address.endsWith(".clean"));
    expect(clean?.map((r) => [r.address, r.governed, r.via])).toEqual([
      ["aws_iam_role.clean", "governed", "seal"],
      ["aws_iam_role_policy.clean", "governed", "principal"],
    ]);
    expect(run.report?.findings.filter((f) => f.address.endsWith(".clean"))).toEqual([]);
  });

  it("RC1-01: managed_policy_arns on a sealed role at create", async () => {
    const run = await gate(["plan", planFile]);
    expect(run.code).toBe(1);
    expectBypass("RC1-01", run.report!);
    // The message says what the policy grants, from AWS's published document.
    expect(run.report!.findings.find((f) => f.address === "aws_iam_role.managed")?.message).toMatch(/AWS managed policy AmazonS3FullAccess \(allows .*s3:\*.* on \*\)/);
    // The role is not governed, so what hangs off it is not either.
    expect(run.report!.resources.find((r) => r.address === "aws_iam_role.managed")).toMatchObject({ governed: "ungoverned" });
  });

  it("RC1-02: an inline_policy block on a sealed role at create", async () => {
    expectBypass("RC1-02", (await gate(["plan", planFile])).report!);
  });

  it("RC1-03: a customer admin policy created in the same plan, named in managed_policy_arns", async () => {
    expectBypass("RC1-03", (await gate(["plan", planFile])).report!);
  });
});

describe("root cause 1 in CDKTF: addOverride and the escape hatch", () => {
  const S3 = S3_FULL;
  function stack(): { app: App; stack: TerraformStack; outdir: string } {
    const outdir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "nhi-rc1-"));
    const app = new App({ outdir });
    const s = new TerraformStack(app, "app");
    new AwsProvider(s, "aws", { region: "eu-west-1", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true });
    const deployer = new GovernedIdentity(s, "deployer", { ...validSpec({ name: "rc1-deployer" }), clock });
    deployer.resources.principal.addOverride("managed_policy_arns", [S3]);
    const hatch = new GovernedIdentity(s, "hatch", { ...validSpec({ name: "rc1-hatch" }), clock });
    (hatch.resources.principal as import("@cdktf/provider-aws/lib/iam-role").IamRole).putInlinePolicy([{ name: "escape", policy: JSON.stringify(passAdmin) }]);
    return { app, stack: s, outdir };
  }

  it("RC1-04 / RC1-05: the aspect fails synth on the role", () => {
    const { app, stack: s, outdir } = stack();
    NhiGovernance.of(s).enforce({}, { clock });
    expect(() => app.synth()).toThrow(/NHI-GOV-002\[ManagedPolicy::arn:aws:iam::aws:policy\/AmazonS3FullAccess\]/);
    const report = NhiGovernance.of(s).lastReport!;
    expectBypass("RC1-04", report);
    expectBypass("RC1-05", report);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("RC1-04 / RC1-05: nhi-gate synth on cdk.tf.json finds the same", async () => {
    const { stack: s } = stack();
    const dir = scratch();
    const file = dir.write("cdk.tf.json", Testing.synth(s));
    const run = await gate(["synth", file]);
    expect(run.code).toBe(1);
    expectBypass("RC1-04", run.report!);
    expectBypass("RC1-05", run.report!);
  });

  describeWithTerraform("planned by the real Terraform", () => {
    it("RC1-04: the override survives into the plan, and nhi-gate plan fails on it", async () => {
      const { stack: s } = stack();
      const tf = JSON.parse(Testing.synth(s));
      // The stack's provider bindings are for hashicorp/aws 6.x; the offline mirror has 5.100.0, which has the same role schema.
      tf.terraform.required_providers.aws.version = "5.100.0";
      delete tf.terraform.backend;
      const { plan: p, planFile } = terraformPlan({ "cdk.tf.json": JSON.stringify(tf) });
      const role = p.resource_changes.find((c: { address: string }) => /^aws_iam_role\.deployer_role_/.test(c.address));
      expect(role.change.after.managed_policy_arns).toEqual([S3]);
      const run = await gate(["plan", planFile]);
      expect(run.code).toBe(1);
      expectBypass("RC1-04", run.report!);
      expectBypass("RC1-05", run.report!);
    }, 120_000);
  });
});

describeWithTerraform("root cause 1 on update plans from a prior state", () => {
  // Deployed: two governed roles, each with its own policy. `edited` is then given
  // managed_policy_arns in the configuration; `drifted` had AmazonS3FullAccess attached in the
  // console (AWS reads it back into the state), and the next plan recertifies it.
  const edited = lambdaRole("rc1-edited");
  const before = lambdaRole("rc1-drifted");
  const after = lambdaRole("rc1-drifted", { recertifyBy: inDays(120) });
  const roleState = (tfName: string, r: RenderedIdentity, managed: string[]) => ({
    mode: "managed",
    type: "aws_iam_role",
    name: tfName,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [
      {
        schema_version: 0,
        attributes: {
          arn: `arn:aws:iam::123456789012:role/nhi/${r.principal.name}`,
          assume_role_policy: r.principal.assumeRolePolicyJson,
          create_date: "2026-05-01T00:00:00Z",
          description: "",
          force_detach_policies: false,
          id: r.principal.name,
          inline_policy: [{ name: r.policy.name, policy: r.policy.json }],
          managed_policy_arns: managed,
          max_session_duration: r.principal.maxSessionDuration,
          name: r.principal.name,
          name_prefix: "",
          path: r.principal.path,
          permissions_boundary: r.principal.permissionsBoundary,
          tags: r.principal.tags,
          tags_all: r.principal.tags,
          unique_id: `AROA${tfName.toUpperCase()}`,
        },
      },
    ],
  });
  const policyState = (tfName: string, r: RenderedIdentity) => ({
    mode: "managed",
    type: "aws_iam_role_policy",
    name: tfName,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 0, attributes: { id: `${r.principal.name}:${r.policy.name}`, name: r.policy.name, name_prefix: "", policy: r.policy.json, role: r.principal.name }, dependencies: [`aws_iam_role.${tfName}`] }],
  });
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: "6a0f3c1e-0000-4000-8000-000000000022",
    outputs: {},
    resources: [roleState("edited", edited, []), policyState("edited", edited), roleState("drifted", before, [S3_FULL]), policyState("drifted", before)],
  };
  let planFile: string;
  let stateJson: string;
  beforeAll(() => {
    const files = {
      "main.tf": `${awsProviderHcl()}
${governedRoleHcl("edited", edited, { extra: `  managed_policy_arns = ["${S3_FULL}"]` })}
${governedRoleHcl("drifted", after)}
`,
      "terraform.tfstate": JSON.stringify(state),
    };
    const result = terraformPlan(files);
    planFile = result.planFile;
    stateJson = result.tf.run(["show", "-json", "-no-color", "terraform.tfstate"]).stdout;
  }, 120_000);

  it("Terraform plans both roles as updates, the drift in the drifted role's after values", () => {
    const p = JSON.parse(fs.readFileSync(planFile, "utf8"));
    const byAddress = Object.fromEntries(p.resource_changes.map((c: { address: string; change: unknown }) => [c.address, c.change]));
    expect(byAddress["aws_iam_role.edited"].actions).toEqual(["update"]);
    expect(byAddress["aws_iam_role.drifted"].actions).toEqual(["update"]);
    expect(byAddress["aws_iam_role.drifted"].after.managed_policy_arns).toEqual([S3_FULL]);
  });

  it("RC1-06: managed_policy_arns added to a deployed governed role", async () => {
    const run = await gate(["plan", planFile]);
    expectBypass("RC1-06", run.report!);
    expect(run.report!.findings.find((f) => f.findingId === "NHI-GOV-019[Widened::managed_policy_arns]")?.message).toMatch(/grants \d+ more than before in managed_policy_arns \(s3-object-lambda:\w+ on \*/);
  });

  it("RC1-07: drift read back from AWS, in the plan and in the state", async () => {
    expectBypass("RC1-07", (await gate(["plan", planFile])).report!);
    const dir = scratch();
    expectBypass("RC1-07", (await gate(["state", dir.write("state.json", stateJson)])).report!);
    // The recertified own policy is attributed to its aws_iam_role_policy (read back with its old document).
    expect((await gate(["plan", planFile])).report!.findings.filter((f) => f.findingId.includes("InlinePolicy"))).toEqual([]);
  });
});

describe("root cause 1: the read-back rule, unit cases", () => {
  const rendered = lambdaRole("rb-role");
  const g = governedChanges(rendered);
  const model = (changes: Record<string, unknown>[], config: Record<string, unknown>[]) => planToInput(plan(changes, { resources: config }), "plan.json");

  it("what a separate attachment in the plan attaches is read back, not embedded: the attachment is reported, the role is not", () => {
    const role = { ...(g.changes[0] as { change: { after: Record<string, unknown> } }).change.after, managed_policy_arns: [S3_FULL] };
    const report = evaluate(
      model(
        [
          change({ address: "aws_iam_role.gov", type: "aws_iam_role", actions: ["update"], before: role, after: role }),
          g.changes[1],
          change({ address: "aws_iam_role_policy_attachment.s3", type: "aws_iam_role_policy_attachment", after: { role: rendered.principal.name, policy_arn: S3_FULL } }),
        ],
        [...g.config, configResource({ address: "aws_iam_role_policy_attachment.s3", type: "aws_iam_role_policy_attachment", expressions: { role: ref("aws_iam_role.gov.name", "aws_iam_role.gov") } })],
      ),
      { clock },
    );
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual([
      "NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.s3] @ aws_iam_role_policy_attachment.s3",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3",
    ]);
  });

  it("an adopted role (imported, exclusive-management resources beside it): what it still holds is removed at apply, so only an exclusive list beyond the seal is a finding", () => {
    const legacyInline = { name: "legacy", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) };
    const role = { ...(g.changes[0] as { change: { after: Record<string, unknown> } }).change.after, managed_policy_arns: [S3_FULL], inline_policy: [legacyInline] };
    const ownPolicy = rendered.policy.name;
    const run = (policyNames: string[], policyArns: string[]) =>
      evaluate(
        model(
          [
            change({ address: "aws_iam_role.gov", type: "aws_iam_role", actions: ["update"], before: role, after: role }),
            g.changes[1],
            change({ address: "aws_iam_role_policies_exclusive.keep", type: "aws_iam_role_policies_exclusive", after: { role_name: rendered.principal.name, policy_names: policyNames } }),
            change({ address: "aws_iam_role_policy_attachments_exclusive.keep", type: "aws_iam_role_policy_attachments_exclusive", after: { role_name: rendered.principal.name, policy_arns: policyArns } }),
          ],
          [
            ...g.config,
            configResource({ address: "aws_iam_role_policies_exclusive.keep", type: "aws_iam_role_policies_exclusive", expressions: { role_name: ref("aws_iam_role.gov.name", "aws_iam_role.gov") } }),
            configResource({ address: "aws_iam_role_policy_attachments_exclusive.keep", type: "aws_iam_role_policy_attachments_exclusive", expressions: { role_name: ref("aws_iam_role.gov.name", "aws_iam_role.gov") } }),
          ],
        ),
        { clock },
      ).findings.map((f) => `${f.findingId} @ ${f.address}`);
    // Only the own policy kept, no attachment: the legacy inline policy and AmazonS3FullAccess go at
    // apply, so no integrity finding. The substance rules still judge what the plan shows the role
    // holding until then (what it already had: the team's next step, as adopt says).
    expect(run([ownPolicy], [])).toEqual([
      "NHI-GOV-005[Action::s3:*] @ aws_iam_role.gov",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.gov",
      "NHI-GOV-006[Action::s3:*] @ aws_iam_role.gov",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.gov",
    ]);
    // Keeping more than the seal covers is a grant beside it, on the exclusive resource.
    expect(run([ownPolicy, "legacy"], [S3_FULL])).toEqual([
      "NHI-GOV-002[InlinePolicy::legacy] @ aws_iam_role.gov",
      "NHI-GOV-005[Action::s3:*] @ aws_iam_role.gov",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.gov",
      "NHI-GOV-006[Action::s3:*] @ aws_iam_role.gov",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.gov",
      // The role is no longer governed, so what hangs off it is not either.
      "NHI-GOV-002[Owner::aws_iam_role.gov] @ aws_iam_role_policies_exclusive.keep",
      "NHI-GOV-002[Owner::aws_iam_role.gov] @ aws_iam_role_policy.gov",
      "NHI-GOV-002[Owner::aws_iam_role.gov] @ aws_iam_role_policy_attachments_exclusive.keep",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachments_exclusive.keep",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachments_exclusive.keep",
    ]);
  });

  it("a Pulumi stack export reads back the role's own inline policy: attributed to its RolePolicy, no finding", () => {
    const r = resource("aws_iam_role", "aws_iam_role.gov", { name: rendered.principal.name, path: rendered.principal.path, tags: rendered.principal.tags, assume_role_policy: rendered.principal.assumeRolePolicyJson, permissions_boundary: rendered.principal.permissionsBoundary, max_session_duration: 3600, inline_policy: [{ name: rendered.policy.name, policy: rendered.policy.json }], managed_policy_arns: [] });
    const own = resource("aws_iam_role_policy", "aws_iam_role_policy.gov", { name: rendered.policy.name, role: rendered.principal.name, policy: rendered.policy.json });
    expect(evaluate({ resources: [r, own], scope: "all" }, { clock }).findings).toEqual([]);
    // The same name with another document is not the own policy.
    const widened = { ...r, props: { ...r.props, inline_policy: [{ name: rendered.policy.name, policy: JSON.stringify(passAdmin) }] } };
    expect(evaluate({ resources: [widened, own], scope: "all" }, { clock }).findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual([
      `NHI-GOV-002[InlinePolicy::${rendered.policy.name}] @ aws_iam_role.gov`,
      "NHI-GOV-021[Escalation::iam:PassRole] @ aws_iam_role.gov",
      "NHI-GOV-002[Owner::aws_iam_role.gov] @ aws_iam_role_policy.gov",
    ]);
  });
});
