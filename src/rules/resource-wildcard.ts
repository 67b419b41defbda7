import { expandAction, expansionFacts } from "../iam/actions";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, managedPolicySources, partOfAdminFinding, perManagedPolicy, policySources, PolicySource, POLICY_TYPES, sample, where } from "./support";


export const resourceWildcard = defineRule({
  id: "NHI-GOV-006",
  title: 'Resource "*" on write or permissions-management actions',
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    'Write and permissions-management actions on `Resource: "*"` reach every bucket, table, key and role in the account, including the ones of other teams and the identity\'s own permissions. Access levels come from the AWS Service Authorization Reference; actions that cannot be scoped to a resource are not reported. Attached AWS managed policies are judged by their documents, one finding per policy.',
  remediation: 'Name the resource ARNs (or ARN patterns with the workload\'s prefix) the workload writes to in the spec\'s access statements instead of "*".',
  appliesTo: { types: POLICY_TYPES },
  check(r, ctx) {
    const findings: RuleFinding[] = [];
    // Made when a managed policy's document has a finding (most resources have none).
    let managed: Map<PolicySource, { finding: RuleFinding; actions: number }[]> | undefined;
    // Its own documents, and those of the AWS managed policies it attaches (by their content).
    for (const { source, st } of allowStatements(r, [...policySources(r, ctx.graph), ...managedPolicySources(r, ctx.graph)], findings)) {
      const everywhere = (st.Resource ?? []).includes("*") || st.NotResource !== undefined;
      if (!everywhere) continue;
      const partOf = partOfAdminFinding(r, source);
      const add = (f: RuleFinding, actions = 0) => {
        if (!source.managed) findings.push(f);
        else (managed ??= new Map()).set(source, [...(managed.get(source) ?? []), { finding: f, actions }]);
      };
      const on = st.NotResource ? `NotResource [${st.NotResource.join(", ")}]` : 'Resource "*"';
      if (st.NotAction) {
        add({ key: `NotAction::${st.NotAction.join(",")}`, field: source.field, partOf, severity: "critical", summary: `allows everything except [${st.NotAction.join(", ")}] on ${on}`, message: `${r.address} allows everything except [${st.NotAction.join(", ")}] on ${on} in ${where(source)}. Expected: explicit actions on named resources. Fix: list the actions and resource ARNs` }, Number.MAX_SAFE_INTEGER);
      }
      for (const pattern of st.Action ?? []) {
        const exp = expandAction(pattern);
        if (!exp.actions.length) {
          const why = exp.unknownServices.length ? `service ${exp.unknownServices.join(", ")} is not in the IAM action data` : "it matches no known action";
          add({
            key: `Unknown::action:${pattern}`,
            field: source.field,
            partOf,
            summary: `allows ${pattern} on ${on}, whose access level the gate cannot evaluate: ${why}`,
            message: `cannot evaluate the access level of ${pattern} on ${on} in ${r.address}: ${why}. Fix: check the action name, or exempt this finding with a ticket`,
          });
          continue;
        }
        const { scopedWrites: writes, scopedWriteEscalations: esc } = expansionFacts(exp);
        if (!writes.length) continue;
        const what = `write or permissions-management actions ${sample(esc.length ? esc : writes)} on every resource in the account`;
        add({
          key: `Action::${pattern}`,
          field: source.field,
          partOf,
          severity: esc.length ? "critical" : "high",
          summary: `allows ${pattern} on ${on}: ${what}`,
          message: `${r.address} allows ${pattern} on ${on} in ${where(source)}: ${what}. Expected: the resource ARNs it writes to. Fix: replace "*" with those ARNs`,
        }, writes.length);
      }
    }
    return fail(...findings, ...(managed ? perManagedPolicy(r, managed, "the resource ARNs it writes to") : []));
  },
});
