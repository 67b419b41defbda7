import { escalationsMatching, expandAction, expansionFacts, isWildcard, PRIVILEGE_ESCALATION_ACTIONS, actionMatches } from "../iam/actions";
import { Severity } from "../spec/config";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, managedPolicySources, partOfAdminFinding, perManagedPolicy, policySources, PolicySource, POLICY_TYPES, sample, where } from "./support";


export const wildcardActions = defineRule({
  id: "NHI-GOV-005",
  title: "Wildcard actions in a policy",
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "A wildcard grants every action that matches it today and every one AWS adds tomorrow. `iam:*` or `iam:Pass*` include privilege-escalation actions (PassRole, CreatePolicyVersion, AttachRolePolicy...) that let a workload make itself administrator. An Allow with NotAction is a wildcard in disguise. Attached AWS managed policies are judged by their documents, one finding per policy.",
  remediation:
    "List the exact actions the workload calls (IAM Access Analyzer policy generation or CloudTrail history helps) in the spec's access statements; never grant IAM write actions to a workload identity.",
  appliesTo: { types: POLICY_TYPES },
  check(r, ctx) {
    const findings: RuleFinding[] = [];
    // Made when a managed policy's document has a finding (most resources have none).
    let managed: Map<PolicySource, { finding: RuleFinding; actions: number }[]> | undefined;
    // Its own documents, and those of the AWS managed policies it attaches (by their content).
    for (const { source, st } of allowStatements(r, [...policySources(r, ctx.graph), ...managedPolicySources(r, ctx.graph)], findings)) {
      const partOf = partOfAdminFinding(r, source);
      const add = (f: RuleFinding, actions = 0) => {
        if (!source.managed) findings.push(f);
        else (managed ??= new Map()).set(source, [...(managed.get(source) ?? []), { finding: f, actions }]);
      };
      for (const pattern of st.Action ?? []) {
        if (!isWildcard(pattern)) continue;
        const exp = expandAction(pattern);
        if (!exp.actions.length) {
          const why = exp.unknownServices.length ? `service ${exp.unknownServices.join(", ")} is not in the IAM action data` : "it matches no known action";
          add({
            key: `Action::${pattern}`,
            field: source.field,
            partOf,
            summary: `allows ${pattern}, which the gate cannot evaluate: ${why}`,
            message: `${r.address} allows ${pattern} in ${where(source)}, and the gate cannot evaluate it: ${why}. Expected: explicit actions. Fix: list the exact actions`,
          });
          continue;
        }
        const esc = escalationsMatching(pattern);
        const { writes, names } = expansionFacts(exp);
        const severity: Severity = esc.length ? "critical" : writes.length ? "high" : "medium";
        const what = esc.length ? `including privilege-escalation actions ${sample(esc)}` : writes.length ? `including write actions ${sample(writes)}` : `read/list actions ${sample(names)}`;
        add({
          key: `Action::${pattern}`,
          field: source.field,
          partOf,
          severity,
          summary: `allows ${pattern}: ${exp.actions.length} actions ${what}`,
          message: `${r.address} allows ${pattern} in ${where(source)}: ${exp.actions.length} actions ${what}. Expected: the exact actions the workload needs. Fix: replace ${pattern} with an explicit list in the spec's access`,
        }, exp.actions.length);
      }
      if (st.NotAction) {
        const esc = PRIVILEGE_ESCALATION_ACTIONS.filter((a) => !st.NotAction!.some((p) => actionMatches(p, a)));
        const grants = `it grants every other action of every service${esc.length ? `, including privilege-escalation actions ${sample(esc)}` : ""}`;
        add({
          key: `NotAction::${st.NotAction.join(",")}`,
          field: source.field,
          partOf,
          severity: esc.length ? "critical" : "high",
          summary: `has an Allow with NotAction [${st.NotAction.join(", ")}]: ${grants}`,
          message: `${r.address} has an Allow with NotAction [${st.NotAction.join(", ")}] in ${where(source)}: ${grants}. Expected: Allow with an explicit Action list. Fix: rewrite the statement as Action with the exact actions`,
        }, Number.MAX_SAFE_INTEGER);
      }
    }
    return fail(...findings, ...(managed ? perManagedPolicy(r, managed, "the exact actions the workload needs") : []));
  },
});
