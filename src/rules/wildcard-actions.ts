import { escalationsMatching, expandAction, expansionFacts, isWildcard, PRIVILEGE_ESCALATION_ACTIONS, actionMatches } from "../iam/actions";
import { Severity } from "../spec/config";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, policySources, POLICY_TYPES, sample } from "./support";


export const wildcardActions = defineRule({
  id: "NHI-GOV-005",
  title: "Wildcard actions in a policy",
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "A wildcard grants every action that matches it today and every one AWS adds tomorrow. `iam:*` or `iam:Pass*` include privilege-escalation actions (PassRole, CreatePolicyVersion, AttachRolePolicy...) that let a workload make itself administrator. An Allow with NotAction is a wildcard in disguise.",
  remediation:
    "List the exact actions the workload calls (IAM Access Analyzer policy generation or CloudTrail history helps) in the spec's access statements; never grant IAM write actions to a workload identity.",
  appliesTo: { types: POLICY_TYPES },
  check(r) {
    const findings: RuleFinding[] = [];
    for (const { source, st } of allowStatements(r, policySources(r), findings)) {
      for (const pattern of st.Action ?? []) {
        if (!isWildcard(pattern)) continue;
        const exp = expandAction(pattern);
        if (!exp.actions.length) {
          findings.push({
            key: `Action::${pattern}`,
            field: source.field,
            message: `${r.address} allows ${pattern} in ${source.field}, and the gate cannot evaluate it: ${exp.unknownServices.length ? `service ${exp.unknownServices.join(", ")} is not in the IAM action data` : "it matches no known action"}. Expected: explicit actions. Fix: list the exact actions`,
          });
          continue;
        }
        const esc = escalationsMatching(pattern);
        const { writes, names } = expansionFacts(exp);
        const severity: Severity = esc.length ? "critical" : writes.length ? "high" : "medium";
        const what = esc.length ? `including privilege-escalation actions ${sample(esc)}` : writes.length ? `including write actions ${sample(writes)}` : `read/list actions ${sample(names)}`;
        findings.push({
          key: `Action::${pattern}`,
          field: source.field,
          severity,
          message: `${r.address} allows ${pattern} in ${source.field}: ${exp.actions.length} actions ${what}. Expected: the exact actions the workload needs. Fix: replace ${pattern} with an explicit list in the spec's access`,
        });
      }
      if (st.NotAction) {
        const esc = PRIVILEGE_ESCALATION_ACTIONS.filter((a) => !st.NotAction!.some((p) => actionMatches(p, a)));
        findings.push({
          key: `NotAction::${st.NotAction.join(",")}`,
          field: source.field,
          severity: esc.length ? "critical" : "high",
          message: `${r.address} has an Allow with NotAction [${st.NotAction.join(", ")}] in ${source.field}: it grants every other action of every service${esc.length ? `, including privilege-escalation actions ${sample(esc)}` : ""}. Expected: Allow with an explicit Action list. Fix: rewrite the statement as Action with the exact actions`,
        });
      }
    }
    return fail(...findings);
  },
});
