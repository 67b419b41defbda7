import { canonicalJson, normalizePolicy, NormalStatement } from "../iam/policy";
import { GITHUB_OIDC_HOST, policyName, renderTrust } from "../render/aws";
import { computeSeal, SealInput } from "../render/seal";
import { durationSeconds, isDuration } from "../spec/duration";
import { TrustSpec } from "../spec/identity";
import { TAG } from "../spec/tags";

/**
 * What drifted, when a deployed identity's seal no longer matches its live properties. The seal
 * is a digest, so it cannot say what changed by itself; but the identity's own tags say what
 * GovernedIdentity rendered for some fields (the session length is its `nhi:ttl`, access lapses
 * at `nhi:recertify-by` plus the grace period, only `nhi:*` tags are rendered, a boundary and the
 * one `<name>-access` policy are always there, the trust policy is one of four shapes). Each
 * field that breaks what the tags claim is named; where putting back what the tags claim makes
 * the seal verify again, the message says that nothing else changed.
 */
export function explainSealMismatch(input: SealInput & { declared: string }): string[] {
  const found: string[] = [];
  const restored: SealInput = { ...input, tags: { ...input.tags } };
  const tags = input.tags;

  // Tags: GovernedIdentity writes nhi:* tags only.
  const foreign = Object.keys(tags).filter((k) => !k.startsWith("nhi:")).sort();
  if (foreign.length) {
    found.push(
      `tag${foreign.length > 1 ? "s" : ""} ${foreign.join(", ")} ${foreign.length > 1 ? "are" : "is"} not written by GovernedIdentity (which writes only nhi:* tags): added after deploy, or by the provider's default tags (list those keys in the gate config's defaultTagKeys)`,
    );
    for (const k of foreign) delete restored.tags[k];
  }
  for (const key of [TAG.owner, TAG.purpose, TAG.environment, TAG.recertifyBy, TAG.credential, TAG.ttl, TAG.governedBy]) {
    if (tags[key] === undefined) found.push(`lifecycle tag ${key} was removed`);
  }

  // Session length: for a role, nhi:ttl is the rendered maximum session duration.
  const ttl = tags[TAG.ttl];
  if (input.principalType === "role" && ttl !== undefined && isDuration(ttl)) {
    const expected = durationSeconds(ttl);
    if (input.maxSessionDuration !== expected) {
      found.push(`maximum session duration is ${input.maxSessionDuration} s, but its ${TAG.ttl} tag says ${ttl} (${expected} s)`);
      restored.maxSessionDuration = expected;
    }
  }

  if (!input.permissionsBoundary) found.push("permissions boundary was removed (GovernedIdentity always sets one)");

  // The one own policy, every statement time-bound at the same instant.
  const own = policyName({ name: input.name });
  if (!input.policies.length) found.push(`its own policy ${own} was deleted`);
  else if (input.policies.length > 1) found.push(`it has ${input.policies.length} policies named ${own}`);
  else {
    try {
      const doc = normalizePolicy(input.policies[0]);
      const bounds = new Set<string>();
      doc.Statement.forEach((st, i) => {
        const bound = st.Condition?.DateLessThan?.["aws:CurrentTime"];
        if (!bound?.length) found.push(`statement ${st.Sid ?? `#${i + 1}`} of ${own} has no DateLessThan aws:CurrentTime bound (added or edited after deploy)`);
        else bound.forEach((b) => bounds.add(b));
      });
      const recertifyBy = tags[TAG.recertifyBy];
      if (bounds.size > 1) found.push(`the statements of ${own} lapse at different times (${[...bounds].sort().join(", ")}); GovernedIdentity renders one time bound`);
      else if (bounds.size === 1 && recertifyBy && [...bounds][0].slice(0, 10) < recertifyBy && !tags[TAG.emergencyExpires]) {
        found.push(`${own} lapses at ${[...bounds][0]}, before the ${TAG.recertifyBy} tag's ${recertifyBy}`);
      }
    } catch {
      found.push(`its own policy ${own} is not a valid policy document`);
    }
  }

  if (input.principalType === "role") {
    const why = trustShapeProblem(input.trustPolicy);
    if (why) found.push(why);
  }

  // Putting back what the tags claim: does the seal verify again?
  let exact = false;
  if (found.length && (foreign.length || restored.maxSessionDuration !== input.maxSessionDuration)) {
    try {
      exact = computeSeal(restored) === input.declared;
    } catch {
      exact = false;
    }
  }
  if (exact) found.push("with that undone the seal verifies, so nothing else changed");
  else if (!found.length) {
    found.push("not pinpointed: the trust policy, the permissions boundary, the own policy's statements or a lifecycle tag's value was edited within the shapes GovernedIdentity renders");
  }
  return found;
}

/** Why a trust policy is not one the renderer produces, or undefined when it is. */
export function trustShapeProblem(trust: unknown): string | undefined {
  let doc;
  try {
    doc = normalizePolicy(trust);
  } catch {
    return "its trust policy is not a valid policy document";
  }
  if (doc.Statement.length !== 1) return `its trust policy has ${doc.Statement.length} statements; GovernedIdentity renders one (a statement was added or removed after deploy)`;
  const st = doc.Statement[0];
  const spec = trustSpecOf(st);
  if (!spec) return `its trust policy statement ${st.Sid ?? "#1"} is not one GovernedIdentity renders (edited after deploy)`;
  if (canonicalJson(normalizePolicy(renderTrust(spec))) !== canonicalJson(doc)) return `its trust policy statement ${st.Sid ?? "#1"} differs from what GovernedIdentity renders for that trust (a principal, action or condition was edited after deploy)`;
  return undefined;
}

/** The trust spec a rendered statement came from, read back from its Sid and values. */
function trustSpecOf(st: NormalStatement): TrustSpec | undefined {
  const principal = st.Principal === "*" ? undefined : st.Principal;
  const one = (list: string[] | undefined) => (list && list.length === 1 ? list[0] : undefined);
  const eq = st.Condition?.StringEquals ?? {};
  switch (st.Sid) {
    case "GitHubOidc": {
      const provider = one(principal?.Federated);
      const sub = one(eq[`${GITHUB_OIDC_HOST}:sub`]);
      const m = sub ? /^repo:([^:]+\/[^:]+):(ref|environment):(.+)$/.exec(sub) : null;
      if (!provider || !m) return undefined;
      return m[2] === "ref"
        ? ({ kind: "github-oidc", oidcProviderArn: provider, repository: m[1], ref: m[3] } as TrustSpec)
        : ({ kind: "github-oidc", oidcProviderArn: provider, repository: m[1], environment: m[3] } as TrustSpec);
    }
    case "AwsService": {
      const service = one(principal?.Service);
      const sourceAccount = one(eq["aws:SourceAccount"]);
      return service ? ({ kind: "aws-service", service, ...(sourceAccount ? { sourceAccount } : {}) } as TrustSpec) : undefined;
    }
    case "AwsRole": {
      const roleArn = one(principal?.AWS);
      const externalId = one(eq["sts:ExternalId"]);
      return roleArn ? ({ kind: "aws-role", roleArn, ...(externalId ? { externalId } : {}) } as TrustSpec) : undefined;
    }
    case "EksPodIdentity": {
      const clusterName = one(eq["aws:RequestTag/eks-cluster-name"]);
      const namespace = one(eq["aws:RequestTag/kubernetes-namespace"]);
      const serviceAccount = one(eq["aws:RequestTag/kubernetes-service-account"]);
      return clusterName && namespace && serviceAccount ? ({ kind: "eks-pod-identity", clusterName, namespace, serviceAccount } as TrustSpec) : undefined;
    }
    default:
      return undefined;
  }
}
