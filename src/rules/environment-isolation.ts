import { TAG } from "../spec/tags";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { tagsOf } from "../engine/props";
import { accountOf, parseDocument, ROLE_TYPES, trustSource } from "./support";

export const environmentIsolation = defineRule({
  id: "NHI-GOV-017",
  title: "Identity crosses environments",
  severity: "high",
  controls: { owasp: ["NHI8"], nistCsf: ["PR.IR-01", "PR.AA-05"] },
  rationale:
    "An identity tagged for one environment that is trusted from another environment's identity or account, or that lives in another environment's account, lets a compromise in a test or development environment reach production.",
  remediation:
    "Create one identity per environment, each trusted only from its own environment. Map accounts to environments in the gate config (environmentAccounts) so the gate can tell.",
  appliesTo: { types: ROLE_TYPES },
  check(r, ctx) {
    const env = tagsOf(r)?.[TAG.environment];
    if (!env) return notApplicable("no nhi:environment tag (NHI-GOV-003 reports it)");
    const accountEnvs = (account: string) => Object.entries(ctx.config.environmentAccounts).filter(([, accounts]) => accounts.includes(account)).map(([e]) => e);
    const findings: RuleFinding[] = [];
    // Where the identity itself lives.
    for (const f of ["arn", "permissions_boundary"]) {
      const v = r.props[f];
      if (typeof v !== "string" || isUnknownAt(r, f)) continue;
      const account = accountOf(v);
      const envs = account ? accountEnvs(account) : [];
      if (account && envs.length && !envs.includes(env)) {
        findings.push({ key: `Account::${account}`, field: f, message: `${r.address} is tagged ${TAG.environment}=${env} but lives in account ${account}, which the gate config maps to ${envs.join(", ")}; expected an identity per environment in that environment's account` });
      }
      break;
    }
    // Who may assume it.
    const parsed = parseDocument(r, trustSource(r));
    if ("finding" in parsed) return findings.length ? fail(...findings) : notApplicable("trust policy not readable (NHI-GOV-009/010 report it)");
    for (const st of parsed.policy.Statement) {
      if (st.Effect !== "Allow" || !st.Principal || st.Principal === "*") continue;
      for (const p of st.Principal.AWS ?? []) {
        const isPrincipal = (o: IdentityResource) => o !== r && o.entry.kind === "principal";
        const byArn = ctx.graph.withValue(p).filter((o) => isPrincipal(o) && o.props.arn === p);
        const byName = p.includes(":role/") ? ctx.graph.withValue(p.slice(p.lastIndexOf("/") + 1)).filter((o) => isPrincipal(o) && accountOf(p) === accountOf(String(o.props.arn ?? p))) : [];
        const trusted = byArn[0] ?? byName[0];
        const trustedEnv = trusted ? tagsOf(trusted)?.[TAG.environment] : undefined;
        if (trusted && trustedEnv && trustedEnv !== env) {
          findings.push({ key: `Principal::${p}`, message: `${r.address} (${TAG.environment}=${env}) trusts ${trusted.address} (${TAG.environment}=${trustedEnv}); expected trust only from the same environment. Fix: give each environment its own identity` });
          continue;
        }
        const account = accountOf(p);
        const envs = account ? accountEnvs(account) : [];
        if (account && envs.length && !envs.includes(env)) {
          findings.push({ key: `Principal::${p}`, message: `${r.address} (${TAG.environment}=${env}) trusts ${p} in account ${account}, which the gate config maps to ${envs.join(", ")}; expected trust only from ${env} accounts. Fix: give each environment its own identity` });
        }
      }
    }
    return fail(...findings);
  },
});
