import { compareGrants, iamDataExpander } from "../iam/grants";
import { PolicyParseError } from "../iam/policy";
import { defineRule, fail, notApplicable, pass, RuleFinding } from "./rule";
import { policySources, POLICY_TYPES } from "./support";

export const privilegeRatchet = defineRule({
  id: "NHI-GOV-019",
  title: "Change widens an identity's access",
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "Access only ever grows unless someone looks. A change that grants an existing identity more than it had (compared by what the policies grant, with wildcards expanded against AWS's action list, not by string) needs an explicit approval; a change that narrows access passes.",
  remediation:
    "Get the widening approved: exempt this finding id for this resource with the approver, ticket and a short expiry (the exemption is the audit record), or narrow the change.",
  appliesTo: { types: POLICY_TYPES, actions: ["update", "replace"] },
  check(r) {
    if (!r.before) return notApplicable("the tool gives no previous values");
    const findings: RuleFinding[] = [];
    for (const source of policySources(r)) {
      if (source.unknown) {
        findings.push({ key: `Unknown::${source.field}`, field: source.field, message: `cannot compare ${source.field} of ${r.address} with its previous version: unknown until apply` });
        continue;
      }
      const before = source.field.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), r.before);
      try {
        const { widened } = compareGrants(before ?? null, source.value, iamDataExpander);
        if (widened.length) {
          findings.push({
            key: `Widened::${source.field}`,
            field: source.field,
            message: `${r.address} grants ${widened.length} more than before in ${source.field} (${widened.slice(0, 5).join(", ")}${widened.length > 5 ? ", ..." : ""}); expected an approved widening. Fix: narrow the change, or record the approval as an exemption for this finding id with the approver and ticket`,
          });
        }
      } catch (e) {
        findings.push({ key: `Unparsable::${source.field}`, field: source.field, message: `cannot compare ${source.field} of ${r.address} with its previous version: ${e instanceof PolicyParseError ? e.message : String(e)}` });
      }
    }
    return findings.length ? fail(...findings) : pass();
  },
});
