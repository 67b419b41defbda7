import { conditionValues } from "../iam/policy";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, ROLE_TYPES, trustSource } from "./support";

const GITHUB_HOST = "token.actions.githubusercontent.com";

export const githubOidcTrust = defineRule({
  id: "NHI-GOV-010",
  title: "GitHub OIDC trust without audience or exact subject",
  severity: "critical",
  controls: { owasp: ["NHI4", "NHI6"], nistCsf: ["PR.AA-03", "PR.AA-05"] },
  rationale:
    "GitHub's OIDC provider signs tokens for every repository on github.com. Without a `sub` condition naming one repository and branch or environment, any workflow anywhere (a fork, someone else's repository) can assume the role; without `aud`, tokens minted for other audiences are accepted.",
  remediation:
    "Use trust kind github-oidc in the spec with a repository and a ref or environment: it renders StringEquals on token.actions.githubusercontent.com:aud (sts.amazonaws.com) and an exact :sub (repo:owner/name:ref:refs/heads/main or :environment:name).",
  appliesTo: { types: ROLE_TYPES },
  check(r) {
    const findings: RuleFinding[] = [];
    for (const { source, st } of allowStatements(r, [trustSource(r)], findings)) {
      if (st.Principal === "*" || !st.Principal) continue;
      for (const fed of st.Principal.Federated ?? []) {
        const host = fed.includes("oidc-provider/") ? fed.slice(fed.indexOf("oidc-provider/") + "oidc-provider/".length) : fed;
        if (!host.startsWith(GITHUB_HOST)) continue;
        const aud = conditionValues(st, /^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?$/, `${host}:aud`);
        if (!aud || !aud.length) {
          findings.push({
            key: "Condition::aud",
            field: source.field,
            message: `${r.address} trusts GitHub OIDC (${host}) without a ${host}:aud condition; expected StringEquals ${host}:aud = sts.amazonaws.com. Fix: use the spec's github-oidc trust, which renders it`,
          });
        }
        const exact = conditionValues(st, /^(ForAnyValue:)?StringEquals(IgnoreCase)?$/, `${host}:sub`) ?? [];
        const like = conditionValues(st, /^(ForAnyValue:|ForAllValues:)?StringLike$/, `${host}:sub`) ?? [];
        const subs = [...exact, ...like];
        const wild = subs.filter((s) => s.includes("*") || s.includes("?"));
        if (!subs.length) {
          findings.push({
            key: "Condition::sub",
            field: source.field,
            message: `${r.address} trusts GitHub OIDC (${host}) without a ${host}:sub condition: any workflow in any repository on GitHub can assume it. Expected: an exact subject such as repo:owner/name:ref:refs/heads/main. Fix: use the spec's github-oidc trust with repository and ref or environment`,
          });
        } else if (wild.length) {
          findings.push({
            key: "Condition::sub",
            field: source.field,
            message: `${r.address} trusts GitHub OIDC subjects matching ${wild.join(", ")}: wildcards let other branches, pull requests or repositories assume it. Expected: exact subjects (repo:owner/name:ref:refs/heads/main or repo:owner/name:environment:prod). Fix: use the spec's github-oidc trust with repository and ref or environment`,
          });
        }
      }
    }
    return fail(...findings);
  },
});
