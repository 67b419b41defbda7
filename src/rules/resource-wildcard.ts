import { expandAction, expansionFacts } from "../iam/actions";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, policySources, POLICY_TYPES, sample } from "./support";


export const resourceWildcard = defineRule({
  id: "NHI-GOV-006",
  title: 'Resource "*" on write or permissions-management actions',
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    'Write and permissions-management actions on `Resource: "*"` reach every bucket, table, key and role in the account, including the ones of other teams and the identity\'s own permissions. Access levels come from the AWS Service Authorization Reference; actions that cannot be scoped to a resource are not reported.',
  remediation: 'Name the resource ARNs (or ARN patterns with the workload\'s prefix) the workload writes to in the spec\'s access statements instead of "*".',
  appliesTo: { types: POLICY_TYPES },
  check(r) {
    const findings: RuleFinding[] = [];
    for (const { source, st } of allowStatements(r, policySources(r), findings)) {
      const everywhere = (st.Resource ?? []).includes("*") || st.NotResource !== undefined;
      if (!everywhere) continue;
      const on = st.NotResource ? `NotResource [${st.NotResource.join(", ")}]` : 'Resource "*"';
      if (st.NotAction) {
        findings.push({ key: `NotAction::${st.NotAction.join(",")}`, field: source.field, severity: "critical", message: `${r.address} allows everything except [${st.NotAction.join(", ")}] on ${on} in ${source.field}. Expected: explicit actions on named resources. Fix: list the actions and resource ARNs` });
      }
      for (const pattern of st.Action ?? []) {
        const exp = expandAction(pattern);
        if (!exp.actions.length) {
          findings.push({
            key: `Unknown::action:${pattern}`,
            field: source.field,
            message: `cannot evaluate the access level of ${pattern} on ${on} in ${r.address}: ${exp.unknownServices.length ? `service ${exp.unknownServices.join(", ")} is not in the IAM action data` : "it matches no known action"}. Fix: check the action name, or exempt this finding with a ticket`,
          });
          continue;
        }
        const { scopedWrites: writes, scopedWriteEscalations: esc } = expansionFacts(exp);
        if (!writes.length) continue;
        findings.push({
          key: `Action::${pattern}`,
          field: source.field,
          severity: esc.length ? "critical" : "high",
          message: `${r.address} allows ${pattern} on ${on} in ${source.field}: write or permissions-management actions ${sample(esc.length ? esc : writes)} on every resource in the account. Expected: the resource ARNs it writes to. Fix: replace "*" with those ARNs`,
        });
      }
    }
    return fail(...findings);
  },
});
