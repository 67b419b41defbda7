import { defineRule, fail } from "./rule";

export const orphanedDependents = defineRule({
  id: "NHI-GOV-016",
  title: "Principal deleted while its credentials or grants remain",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["ID.AM-08", "PR.AA-01"] },
  rationale:
    "Offboarding an identity means removing everything that belongs to it. Deleting a role or user while its access keys, policies, attachments or secrets stay in the configuration leaves orphans that are recreated against a re-created principal of the same name, or fail half-way.",
  remediation: "Remove the principal's credentials, policies, attachments and secrets in the same change (removing a GovernedIdentity removes all of them).",
  appliesTo: { kinds: ["principal"], actions: ["delete"] },
  check(r, ctx) {
    const remaining = ctx.graph.dependentsOf(r).filter((d) => d.action !== "delete");
    return fail(
      ...remaining.map((d) => ({
        key: `Dependent::${d.address}`,
        message: `${r.address} is being deleted, but ${d.entry.description} ${d.address} that belongs to it stays (${d.action}); expected it removed in the same change. Fix: delete ${d.address} too, or keep the principal`,
      })),
    );
  },
});
