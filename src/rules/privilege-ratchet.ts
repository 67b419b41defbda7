import { defineRule, fail, notApplicable, pass, RuleFinding } from "./rule";
import { managedPolicyChanges, MANAGED_POLICY_ARN_FIELDS, policyChanges, POLICY_TYPES } from "./support";

export const privilegeRatchet = defineRule({
  id: "NHI-GOV-019",
  title: "Change widens an identity's access",
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "Access only ever grows unless someone looks. A change that grants an existing identity more than it had (compared by what the policies grant, with wildcards expanded against AWS's action list, not by string) needs an explicit approval; a change that narrows access passes.",
  remediation:
    "Get the widening approved: exempt this finding id for this resource with the approver, ticket and a short expiry (the exemption is the audit record), or narrow the change.",
  appliesTo: { types: [...new Set([...POLICY_TYPES, ...Object.keys(MANAGED_POLICY_ARN_FIELDS)])], actions: ["update", "replace"] },
  check(r, ctx) {
    if (!r.before) return notApplicable("the tool gives no previous values");
    const findings: RuleFinding[] = [];
    // Inline documents, and the managed policies attached (`managed_policy_arns`, `policy_arn`), by their documents.
    for (const change of [...policyChanges(r), ...managedPolicyChanges(r, ctx.graph)]) {
      const field = change.field;
      if ("unknown" in change) {
        findings.push({ key: `Unknown::${field}`, field, message: `cannot compare ${field} of ${r.address} with its previous version: unknown until apply` });
      } else if ("error" in change) {
        findings.push({ key: `Unparsable::${field}`, field, message: `cannot compare ${field} of ${r.address} with its previous version: ${change.error}` });
      } else if (change.widened.length) {
        const { widened } = change;
        findings.push({
          key: `Widened::${field}`,
          field,
          message: `${r.address} grants ${widened.length} more than before in ${field} (${widened.slice(0, 5).join(", ")}${widened.length > 5 ? ", ..." : ""}); expected an approved widening. Fix: narrow the change, or record the approval as an exemption for this finding id with the approver and ticket`,
        });
      }
    }
    return findings.length ? fail(...findings) : pass();
  },
});
