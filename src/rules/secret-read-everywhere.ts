import { actionMatches } from "../iam/actions";
import { NormalStatement } from "../iam/policy";
import { defineRule, fail, RuleFinding } from "./rule";
import { allowStatements, policySources, POLICY_TYPES, sample } from "./support";

/**
 * Actions that return secret material, by service, and the resource-type prefix of their ARNs
 * (`secret:`, `parameter/`, `key/`): granted on every resource, they read every secret of the
 * account, the other teams' and the other identities' credentials included.
 */
export const SECRET_READ_ACTIONS: Record<string, { actions: string[]; arnTypes: string[] }> = {
  secretsmanager: { actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"], arnTypes: ["secret:"] },
  ssm: { actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"], arnTypes: ["parameter/", "parameter"] },
  kms: { actions: ["kms:Decrypt"], arnTypes: ["key/", "alias/"] },
};

/** Condition keys that confine a read to some secrets (by tag, key use or name), so it no longer reads every one. */
const NARROWING = [/^aws:resourcetag\//, /^secretsmanager:resourcetag\//, /^ssm:resourcetag\//, /^kms:viaservice$/, /^kms:encryptioncontext:/, /^kms:encryptioncontextkeys$/, /^secretsmanager:secretid$/];

/** Whether an action pattern can match a secret-read action: its service part is a wildcard or one of theirs. */
function mayReadSecrets(pattern: string): boolean {
  const i = pattern.indexOf(":");
  const service = i < 0 ? pattern : pattern.slice(0, i);
  return service.includes("*") || service.includes("?") || Object.prototype.hasOwnProperty.call(SECRET_READ_ACTIONS, service.toLowerCase());
}

/**
 * `*`, `*:*` and `<service>:*` grant every action of the service, secret reads among them:
 * NHI-GOV-005 reports those as the wildcards they are (one finding per problem), so this rule
 * judges the patterns that look like reads (`secretsmanager:GetSecretValue`, `ssm:GetParameter*`).
 */
const wholeService = (pattern: string) => pattern === "*" || /^[^:]*:\*$/.test(pattern);

const narrowed = (st: NormalStatement) => Object.values(st.Condition ?? {}).some((block) => Object.keys(block).some((k) => NARROWING.some((re) => re.test(k.toLowerCase()))));

/** Whether a resource pattern covers every resource of the service's secret type. */
export function coversEverySecret(resource: string, service: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  if (!actionMatches(parts[2], service)) return false; // the ARN's service, possibly a wildcard
  let rest = parts.slice(5).join(":");
  if (rest.startsWith("*")) return true;
  for (const prefix of SECRET_READ_ACTIONS[service].arnTypes) {
    if (rest.toLowerCase().startsWith(prefix)) {
      rest = rest.slice(prefix.length);
      return rest === "" || rest.startsWith("*") || rest === "/*";
    }
  }
  return false;
}

export const secretReadEverywhere = defineRule({
  id: "NHI-GOV-020",
  title: "Reads every secret",
  severity: "high",
  controls: { owasp: ["NHI2", "NHI5"], nistCsf: ["PR.AA-05", "PR.DS-01"] },
  rationale:
    'secretsmanager:GetSecretValue, ssm:GetParameter* and kms:Decrypt are read actions, so the write-on-"*" rule lets them through, yet on every resource they hand over every credential of the account: database passwords, other identities\' keys, API tokens. One leaked workload credential then leaks them all.',
  remediation:
    "Name the secrets, parameters and keys the workload reads (ARNs with its own prefix: secret:nhi/<name>-??????, parameter/<app>/*, the key ARN) in the spec's access, or confine the statement with an aws:ResourceTag, kms:ViaService or kms:EncryptionContext condition.",
  appliesTo: { types: POLICY_TYPES },
  check(r) {
    const findings: RuleFinding[] = [];
    const hits = new Map<string, { patterns: Set<string>; on: Set<string>; field: string }>();
    for (const { source, st } of allowStatements(r, policySources(r), findings)) {
      // Most statements name other services: skip them before any matching.
      if (!st.NotAction && !(st.Action ?? []).some(mayReadSecrets)) continue;
      if (narrowed(st)) continue;
      const resources = st.NotResource ? [`NotResource [${st.NotResource.join(", ")}]`] : (st.Resource ?? []);
      for (const [service, { actions }] of Object.entries(SECRET_READ_ACTIONS)) {
        const patterns = (st.Action ?? []).filter((p) => !wholeService(p) && actions.some((a) => actionMatches(p, a)));
        const notAction = st.NotAction && actions.some((a) => !st.NotAction!.some((p) => actionMatches(p, a)));
        if (!patterns.length && !notAction) continue;
        const every = st.NotResource ? resources : resources.filter((res) => coversEverySecret(res, service));
        if (!every.length) continue;
        const hit = hits.get(service) ?? { patterns: new Set(), on: new Set(), field: source.field };
        for (const p of patterns) hit.patterns.add(p);
        if (notAction) hit.patterns.add(`NotAction [${st.NotAction!.join(", ")}]`);
        for (const res of every) hit.on.add(res);
        hits.set(service, hit);
      }
    }
    for (const [service, hit] of hits) {
      findings.push({
        key: `SecretRead::${service}`,
        field: hit.field,
        message: `${r.address} allows ${sample([...hit.patterns])} on ${sample([...hit.on], 3)} in ${hit.field}: it reads every ${service === "kms" ? "KMS-encrypted value (kms:Decrypt on every key)" : service === "ssm" ? "SSM parameter, SecureStrings included" : "Secrets Manager secret"} of the account, other identities' credentials included. Expected: the ARNs of the secrets it needs. Fix: name them in the spec's access (${SECRET_READ_ACTIONS[service].actions.join(", ")}), or add an aws:ResourceTag / kms:ViaService condition`,
      });
    }
    return fail(...findings);
  },
});
