import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, isAccountRoot, ROLE_TYPES, trustSource } from "./support";

export const openTrust = defineRule({
  id: "NHI-GOV-009",
  title: "Trust policy open to everyone or to a whole account",
  severity: "critical",
  controls: { owasp: ["NHI3", "NHI6"], nistCsf: ["PR.AA-05", "PR.AA-03"] },
  rationale:
    'A trust policy with Principal "*" (or AWS: "*") lets any AWS principal in any account assume the role. An account root principal (arn:aws:iam::123456789012:root, or a bare account id) without conditions delegates the decision to every administrator of that account, which for another account means a third party decides who acts as your workload.',
  remediation:
    "Name the exact role, service or federated identity that may assume the role (the spec's trust kinds), and add conditions (sts:ExternalId, aws:SourceAccount, aws:PrincipalOrgID) when a whole account must be trusted.",
  appliesTo: { types: ROLE_TYPES },
  check(r) {
    const findings: RuleFinding[] = [];
    for (const { source, st } of allowStatements(r, [trustSource(r)], findings)) {
      const conditioned = st.Condition !== undefined && Object.keys(st.Condition).length > 0;
      const principals = st.Principal === "*" ? ["*"] : [...(st.Principal?.AWS ?? []), ...(st.Principal?.["*"] ?? [])];
      if (st.NotPrincipal) {
        findings.push({ key: "Principal::NotPrincipal", field: source.field, message: `${r.address} trusts every principal except those in NotPrincipal; expected named principals. Fix: replace NotPrincipal with Principal naming who may assume the role` });
      }
      for (const p of principals) {
        if (p === "*") {
          findings.push({
            key: "Principal::*",
            field: source.field,
            severity: conditioned ? "medium" : "critical",
            message: conditioned
              ? `${r.address} trusts Principal "*" restricted only by conditions (${Object.keys(st.Condition ?? {}).join(", ")}); expected named principals. Fix: name the role, service or federated identity that assumes it`
              : `${r.address} trusts Principal "*" without conditions: any AWS principal in any account can assume it. Expected: named principals. Fix: name the role, service or federated identity that assumes it`,
          });
        } else if (isAccountRoot(p) && !conditioned) {
          findings.push({
            key: `Principal::${p}`,
            field: source.field,
            severity: "high",
            message: `${r.address} trusts account root ${p} without conditions: every principal that account's administrators allow can assume it. Expected: a named role (or conditions such as sts:ExternalId or aws:PrincipalArn). Fix: trust the specific role ARN`,
          });
        }
      }
    }
    return fail(...findings);
  },
});
