import { conditionsOf, RawStatement, readDocument, stringsOf } from "./document";

/*
 * A role's trust policy to one of the spec's trust kinds, only when the kind renders exactly the
 * same trust (statement ids aside). Anything else (several principals, extra actions or
 * conditions, wildcards, a whole account, everyone) is left for a person: mapping it would
 * narrow or widen who may assume the role without anyone deciding it.
 */

export type TrustInput =
  | { kind: "github-oidc"; repository: string; ref?: string; environment?: string; oidcProviderArn: string }
  | { kind: "aws-service"; service: string; sourceAccount?: string }
  | { kind: "aws-role"; roleArn: string; externalId?: string }
  | { kind: "eks-pod-identity"; clusterName: string; namespace: string; serviceAccount: string };

export type TrustMapping =
  | { trust: TrustInput; open?: undefined; reason?: undefined }
  /** Why the trust cannot be mapped; `open` when it lets everyone, or a whole account, assume the role. */
  | { trust?: undefined; reason: string; open: boolean; guess?: TrustInput["kind"]; principal?: string };

const GITHUB = "token.actions.githubusercontent.com";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const GITHUB_PROVIDER = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const SERVICE = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;
const ACCOUNT = /^\d{12}$/;
const SUB = /^repo:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+):(?:ref:(refs\/(?:heads|tags)\/[^*?]+)|environment:([^*?:]+))$/;

const lower = (xs: string[]) => xs.map((x) => x.toLowerCase()).sort();
const sameSet = (a: string[], b: string[]) => JSON.stringify(lower(a)) === JSON.stringify(lower(b));

/** Condition blocks with operator and key names compared case-insensitively (as IAM does for keys). */
function conditionEntries(st: RawStatement): { op: string; key: string; values: string[] }[] | undefined {
  const c = conditionsOf(st.Condition);
  if (!c) return undefined;
  return Object.entries(c).flatMap(([op, block]) => Object.entries(block).map(([key, values]) => ({ op, key: key.toLowerCase(), values })));
}

function principalOf(st: RawStatement): { type: string; value: string } | { open: true } | { several: string } | undefined {
  const p = st.Principal;
  if (p === "*") return { open: true };
  if (!p || typeof p !== "object" || Array.isArray(p)) return undefined;
  const entries = Object.entries(p as Record<string, unknown>).map(([type, v]) => [type, stringsOf(v) ?? []] as const);
  const all = entries.flatMap(([type, vs]) => vs.map((v) => `${type} ${v}`));
  if (entries.some(([type, vs]) => type === "AWS" && vs.includes("*"))) return { open: true };
  if (all.length !== 1) return { several: all.join(", ") || "none" };
  const [type, [value]] = entries.find(([, vs]) => vs.length) as readonly [string, string[]];
  return { type, value };
}

/** Map a trust policy (JSON text or object) to a trust kind, or say why it cannot be. */
export function mapTrust(doc: unknown): TrustMapping {
  const read = readDocument(doc);
  if ("error" in read) return { reason: `the trust policy cannot be read (${read.error})`, open: false };
  const allows = read.statements.filter((s) => s.Effect === "Allow");
  const denies = read.statements.length - allows.length;
  if (denies) return { reason: `the trust policy has ${denies} Deny statement${denies === 1 ? "" : "s"}, which no trust kind renders`, open: false };
  if (allows.length !== 1) {
    const open = allows.some((s) => "open" in (principalOf(s) ?? {}));
    return { reason: `the trust policy has ${allows.length} statements; a governed identity has one trust (one service, role, repository or service account)`, open };
  }
  const st = allows[0];
  if (st.NotPrincipal !== undefined || st.NotAction !== undefined) return { reason: "the trust policy uses NotPrincipal or NotAction, which no trust kind renders", open: st.NotPrincipal !== undefined };
  const principal = principalOf(st);
  if (!principal) return { reason: "the trust policy's Principal cannot be read", open: false };
  if ("open" in principal) return { reason: "the trust policy lets any AWS principal assume the role (Principal \"*\")", open: true };
  if ("several" in principal) return { reason: `the trust policy names several principals (${principal.several}); a governed identity has one`, open: false };
  const actions = stringsOf(st.Action) ?? [];
  const conds = conditionEntries(st);
  if (!conds) return { reason: "the trust policy's Condition cannot be read", open: false };
  const label = `${principal.type} ${principal.value}`;
  const unexpected = (allowed: { op: string; key: string }[]) =>
    conds.filter((c) => !allowed.some((a) => a.op === c.op && a.key === c.key.toLowerCase())).map((c) => `${c.op} ${c.key}`);
  const single = (key: string, op = "StringEquals") => {
    const hit = conds.filter((c) => c.op === op && c.key === key.toLowerCase());
    return hit.length === 1 && hit[0].values.length === 1 ? hit[0].values[0] : undefined;
  };

  if (principal.type === "Service") {
    const service = principal.value;
    if (service === "pods.eks.amazonaws.com") {
      const keys = ["aws:RequestTag/eks-cluster-name", "aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"];
      const [clusterName, namespace, serviceAccount] = keys.map((k) => single(k));
      const extra = unexpected(keys.map((k) => ({ op: "StringEquals", key: k.toLowerCase() })));
      if (!sameSet(actions, ["sts:AssumeRole", "sts:TagSession"])) return { reason: `the EKS Pod Identity trust allows ${actions.join(", ") || "no action"}; the eks-pod-identity kind renders sts:AssumeRole and sts:TagSession`, open: false, guess: "eks-pod-identity", principal: label };
      if (!clusterName || !namespace || !serviceAccount || extra.length) {
        return {
          reason: "the trust lets every EKS Pod Identity association in the account use the role; the eks-pod-identity kind names one cluster, namespace and service account, which would narrow it",
          open: false,
          guess: "eks-pod-identity",
          principal: label,
        };
      }
      return { trust: { kind: "eks-pod-identity", clusterName, namespace, serviceAccount } };
    }
    if (!SERVICE.test(service)) return { reason: `the service principal ${service} is not a *.amazonaws.com service`, open: false, principal: label };
    if (!sameSet(actions, ["sts:AssumeRole"])) return { reason: `the trust allows ${actions.join(", ") || "no action"} for ${service}; the aws-service kind renders sts:AssumeRole only`, open: false, guess: "aws-service", principal: label };
    const extra = unexpected([{ op: "StringEquals", key: "aws:sourceaccount" }]);
    const sourceAccount = single("aws:SourceAccount");
    if (extra.length || (conds.length && !(sourceAccount && ACCOUNT.test(sourceAccount)))) {
      return { reason: `the trust of ${service} has conditions (${(extra.length ? extra : conds.map((c) => `${c.op} ${c.key}`)).join(", ")}) that the aws-service kind does not render`, open: false, guess: "aws-service", principal: label };
    }
    return { trust: sourceAccount ? { kind: "aws-service", service, sourceAccount } : { kind: "aws-service", service } };
  }

  if (principal.type === "AWS") {
    const who = principal.value;
    if (ACCOUNT.test(who) || /:root$/.test(who)) return { reason: `the trust lets the whole account ${who.replace(/^arn:aws[a-z-]*:iam::(\d{12}):root$/, "$1")} assume the role; the aws-role kind names one role`, open: true, guess: "aws-role", principal: label };
    if (!ROLE_ARN.test(who)) return { reason: `the trust names ${who}, not a role; the aws-role kind names one role`, open: false, guess: "aws-role", principal: label };
    if (!sameSet(actions, ["sts:AssumeRole"])) return { reason: `the trust allows ${actions.join(", ") || "no action"}; the aws-role kind renders sts:AssumeRole only`, open: false, guess: "aws-role", principal: label };
    const extra = unexpected([{ op: "StringEquals", key: "sts:externalid" }]);
    const externalId = single("sts:ExternalId");
    if (extra.length || (conds.length && !externalId)) return { reason: `the trust has conditions (${(extra.length ? extra : conds.map((c) => `${c.op} ${c.key}`)).join(", ")}) that the aws-role kind does not render`, open: false, guess: "aws-role", principal: label };
    return { trust: externalId ? { kind: "aws-role", roleArn: who, externalId } : { kind: "aws-role", roleArn: who } };
  }

  if (principal.type === "Federated") {
    const provider = principal.value;
    if (!GITHUB_PROVIDER.test(provider)) return { reason: `the trust federates ${provider}; the spec's federated trust kinds are GitHub Actions OIDC and EKS Pod Identity`, open: false, principal: label };
    if (!sameSet(actions, ["sts:AssumeRoleWithWebIdentity"])) return { reason: `the GitHub OIDC trust allows ${actions.join(", ") || "no action"}; the github-oidc kind renders sts:AssumeRoleWithWebIdentity only`, open: false, guess: "github-oidc", principal: label };
    const aud = single(`${GITHUB}:aud`);
    const subs = conds.filter((c) => c.key === `${GITHUB}:sub` && (c.op === "StringEquals" || c.op === "StringLike"));
    const extra = conds.filter((c) => !(c.op === "StringEquals" && c.key === `${GITHUB}:aud`) && !subs.includes(c)).map((c) => `${c.op} ${c.key}`);
    const sub = subs.length === 1 && subs[0].values.length === 1 ? subs[0].values[0] : undefined;
    const m = sub !== undefined ? SUB.exec(sub) : null;
    if (aud !== "sts.amazonaws.com" || !m || extra.length) {
      const why =
        aud !== "sts.amazonaws.com"
          ? "it does not require the audience sts.amazonaws.com"
          : !sub
            ? "it has no single subject condition"
            : !m
              ? `its subject ${sub} is not one exact repository ref or environment`
              : `it has other conditions (${extra.join(", ")})`;
      return { reason: `the GitHub OIDC trust cannot be rendered exactly by the github-oidc kind: ${why}; narrowing it is for a person to decide`, open: !sub || /[*?]/.test(sub ?? ""), guess: "github-oidc", principal: label };
    }
    const [, repository, ref, environment] = m;
    return { trust: ref ? { kind: "github-oidc", repository, ref, oidcProviderArn: provider } : { kind: "github-oidc", repository, environment, oidcProviderArn: provider } };
  }
  return { reason: `the trust names a ${principal.type} principal, which no trust kind renders`, open: false, principal: label };
}
