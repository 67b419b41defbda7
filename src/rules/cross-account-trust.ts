import { conditionValues } from "../iam/policy";
import { isUnknownAt } from "../engine/model";
import { defineRule, fail, RuleFinding } from "./rule";
import { accountOf, parseDocument, ROLE_TYPES, trustSource } from "./support";

export const crossAccountTrust = defineRule({
  id: "NHI-GOV-015",
  title: "Cross-account trust without an external id",
  severity: "high",
  controls: { owasp: ["NHI3"], nistCsf: ["PR.AA-05", "PR.AA-03"] },
  rationale:
    "A role trusted by another account (a vendor, a SaaS, another team) is exposed to the confused-deputy problem: the other side can be tricked into assuming your role on someone else's behalf. sts:ExternalId, agreed with the third party, closes that.",
  remediation: "Set trust.externalId in the spec's aws-role trust (it renders a StringEquals sts:ExternalId condition) with the value agreed with the other account.",
  appliesTo: { types: ROLE_TYPES },
  check(r) {
    const source = trustSource(r);
    const parsed = parseDocument(r, source);
    if ("finding" in parsed) return fail(parsed.finding);
    // The role's own account: from its ARN, else from a customer-managed boundary ARN.
    let own: string | undefined;
    for (const f of ["arn", "permissions_boundary"]) {
      const v = r.props[f];
      if (!own && typeof v === "string" && !isUnknownAt(r, f)) own = accountOf(v);
    }
    const findings: RuleFinding[] = [];
    for (const st of parsed.policy.Statement) {
      if (st.Effect !== "Allow" || st.Principal === "*" || !st.Principal) continue;
      const ext = conditionValues(st, /^(ForAnyValue:)?StringEquals$/, "sts:ExternalId");
      if (ext && ext.length) continue;
      for (const p of st.Principal.AWS ?? []) {
        const acct = accountOf(p);
        if (!acct || acct === own) continue;
        findings.push({
          key: `Principal::${p}`,
          field: source.field,
          message: `${r.address} trusts ${p} in account ${acct}${own ? `, not its own account ${own},` : " (its own account is not known at plan time, so treated as another)"} without an sts:ExternalId condition; expected StringEquals sts:ExternalId for cross-account trust. Fix: set trust.externalId in the spec`,
        });
      }
    }
    return fail(...findings);
  },
});
