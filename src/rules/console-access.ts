import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { hasNhiTags } from "./support";

export const consoleAccess = defineRule({
  id: "NHI-GOV-013",
  title: "Console login on a non-human identity",
  severity: "critical",
  controls: { owasp: ["NHI10"], nistCsf: ["PR.AA-01", "PR.AA-02"] },
  rationale:
    "A console password on a workload identity means a person logs in as the workload: actions are no longer attributable, and the identity's lifetime follows the person's habits rather than the workload. Humans sign in through the identity provider as themselves.",
  remediation: "Remove the login profile. People use their own federated (SSO) identity; workloads use credentials from their spec.",
  appliesTo: { kinds: ["credential"] },
  check(r, ctx) {
    if (!r.entry.consoleAccess) return notApplicable(`${r.entry.id} gives no console access`);
    const findings: RuleFinding[] = [];
    let sawOwner = false;
    for (const link of ctx.graph.links(r)) {
      if (link.unknown) return fail(cannotEvaluate(link.field));
      for (const t of link.targets) {
        sawOwner = true;
        if (hasNhiTags(t)) {
          findings.push({
            key: `Owner::${t.address}`,
            field: link.field,
            message: `${r.address} gives console (password) access to ${t.address}, a non-human identity (it carries nhi:* tags); expected no human login on a workload identity. Fix: remove the login profile; people sign in with their own SSO identity`,
          });
        }
      }
      if (!link.targets.length && link.external.length) {
        return fail(cannotEvaluate(link.field, `it names ${link.external.join(", ")}, outside this evaluation, so the gate cannot tell whether it is a non-human identity`));
      }
    }
    if (!sawOwner && !findings.length) return fail(cannotEvaluate((r.entry.principalProps ?? ["user"])[0], "the user it belongs to is not named"));
    return findings.length ? fail(...findings) : notApplicable("the user carries no nhi:* tags (a human user)");
  },
});
