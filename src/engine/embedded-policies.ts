import { awsManagedPolicy, isAwsManagedPolicyArn } from "../iam/managed-policies";
import { canonicalJson, normalizePolicy, NormalPolicy } from "../iam/policy";
import { ResourceGraph } from "./graph";
import { IdentityResource, isUnknownAt } from "./model";
import type { IntegrityProblem } from "./provenance";

/**
 * Policies embedded in a principal: `managed_policy_arns` and `inline_policy` on `aws_iam_role`
 * (Pulumi `managedPolicyArns` / `inlinePolicies`), `managed_policy_arns` and `policies` on the
 * awscc / aws-native role and user. Whatever they hold grants the principal access, so for a
 * governed principal they are part of its integrity, like the sealed fields: the spec renders
 * nothing there (its access is its one sealed own policy, a separate resource), so they must
 * hold nothing, except what the provider reads back from separate resources that attach it
 * (its own policy resource, an attachment), which are judged themselves. The seal's payload
 * (v1) is unchanged: deployed seals stay valid, and these attributes are checked beside it.
 */

interface EmbeddedShape {
  managed: string;
  inline: { list: string; name: string; document: string };
  /** Separate resources that put an inline policy on the principal: type to [name attribute, document attribute]. */
  inlineFrom: Record<string, [string, string]>;
}

const SHAPES: Record<string, EmbeddedShape> = {
  aws_iam_role: { managed: "managed_policy_arns", inline: { list: "inline_policy", name: "name", document: "policy" }, inlineFrom: { aws_iam_role_policy: ["name", "policy"] } },
  awscc_iam_role: { managed: "managed_policy_arns", inline: { list: "policies", name: "policy_name", document: "policy_document" }, inlineFrom: { awscc_iam_role_policy: ["policy_name", "policy_document"] } },
  awscc_iam_user: { managed: "managed_policy_arns", inline: { list: "policies", name: "policy_name", document: "policy_document" }, inlineFrom: { awscc_iam_user_policy: ["policy_name", "policy_document"] } },
};

/** Separate resources that attach managed policies, and the attribute(s) naming them. */
const ATTACHERS: Record<string, string> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
};

export const EMBEDDED_POLICY_TYPES = Object.keys(SHAPES);

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");
const at = (o: unknown, k: string): unknown => (o && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined);

function canonical(doc: unknown): string | undefined {
  try {
    return canonicalJson(normalizePolicy(doc));
  } catch {
    return undefined;
  }
}

const sampleOf = (xs: readonly string[], n = 4) => (xs.length > n ? `${xs.slice(0, n).join(", ")} and ${xs.length - n} more` : xs.join(", "));

/** "allows s3:*, s3-object-lambda:* on *": what a policy document grants, in one phrase. */
export function grantSummary(doc: unknown): string {
  let policy: NormalPolicy;
  try {
    policy = normalizePolicy(doc);
  } catch {
    return "a document that cannot be parsed";
  }
  const actions = new Set<string>();
  const resources = new Set<string>();
  for (const st of policy.Statement) {
    if (st.Effect !== "Allow") continue;
    for (const a of st.Action ?? []) actions.add(a);
    if (st.NotAction) actions.add(`everything but ${st.NotAction.join(", ")}`);
    for (const r of st.Resource ?? ["*"]) resources.add(r);
    if (st.NotResource) resources.add(`everything but ${st.NotResource.join(", ")}`);
  }
  if (!actions.size) return "no Allow statement";
  return `allows ${sampleOf([...actions])} on ${sampleOf([...resources], 3)}`;
}

/** A managed policy ARN described by what it grants: AWS managed from its published document, customer managed from the plan. */
export function describeManagedPolicy(arn: string, graph: ResourceGraph): string {
  if (isAwsManagedPolicyArn(arn)) {
    let hit;
    try {
      hit = awsManagedPolicy(arn);
    } catch {
      hit = undefined;
    }
    return hit ? `AWS managed policy ${hit.name} (${grantSummary(hit.document)})` : `AWS managed policy ${arn} (its document is not in the managed-policy data)`;
  }
  const customer = graph.withValue(arn).find((x) => x.entry.id === "aws_iam_policy");
  if (customer && !isUnknownAt(customer, "policy")) return `customer managed policy ${String(customer.props.name ?? arn)} (${grantSummary(customer.props.policy)})`;
  return `managed policy ${arn} (its document is not in this plan)`;
}

/**
 * What a governed principal's embedded policy attributes hold beyond what separate resources
 * in this evaluation attach to it: each such managed policy or inline policy is a problem, an
 * unknown attribute a "cannot verify" problem. `whose` names the principal in messages.
 */
export function embeddedPolicyProblems(p: IdentityResource, graph: ResourceGraph, whose: string): IntegrityProblem[] {
  const shape = SHAPES[p.entry.id];
  if (!shape) return [];
  const managedList = strings(p.props[shape.managed]);
  const inlineList = list(p.props[shape.inline.list]);
  // Nothing embedded and neither attribute unknown: the common case, decided without looking further.
  if (!managedList.length && !inlineList.length && !isUnknownAt(p, shape.managed) && !isUnknownAt(p, shape.inline.list)) return [];
  const problems: IntegrityProblem[] = [];
  const dependents = graph.dependentsOf(p);
  // An exclusive-management resource in this evaluation (an adopted identity's, `adopt.exclusive`)
  // removes at apply every inline policy, or every managed policy attachment, it does not list:
  // what the principal holds beyond its list is on its way out, not access beside the seal. The
  // resource itself is judged (provenance's exclusiveProblem: it may list only the own policy).
  const keptBy = (types: string[], field: string): Set<string> | undefined => {
    const removers = dependents.filter((d) => types.includes(d.entry.id) && d.action !== "delete" && !isUnknownAt(d, field));
    return removers.length ? new Set(removers.flatMap((d) => strings(d.props[field]))) : undefined;
  };
  const managedKept = keptBy(["aws_iam_role_policy_attachments_exclusive", "aws_iam_user_policy_attachments_exclusive"], "policy_arns");
  const inlineKept = keptBy(["aws_iam_role_policies_exclusive", "aws_iam_user_policies_exclusive"], "policy_names");
  const outside = "a governed identity's access is its one sealed own policy, rendered from its spec. It was set on the principal itself (addOverride, an escape hatch, a Pulumi transform) or attached outside this configuration and read back from AWS. Fix: remove it, and widen access through the spec's access statements";

  // Managed policies.
  if (isUnknownAt(p, shape.managed)) {
    problems.push({ key: `Unknown::${shape.managed}`, field: shape.managed, message: `cannot verify ${whose}: ${shape.managed} is unknown until apply, and whatever it attaches grants the identity access` });
  } else if (managedList.length) {
    const attached = new Set<string>();
    for (const d of dependents) {
      const field = ATTACHERS[d.entry.id];
      if (!field) continue;
      for (const v of [...strings(d.props[field]), ...strings(at(d.before, field))]) attached.add(v);
    }
    for (const arn of managedList) {
      if (attached.has(arn)) continue;
      if (managedKept && !managedKept.has(arn)) continue; // detached at apply by the exclusive resource
      problems.push({ key: `ManagedPolicy::${arn}`, message: `${shape.managed} of ${whose} holds ${describeManagedPolicy(arn, graph)}, which its spec does not render: ${outside}` });
    }
  }

  // Inline policies.
  const { list: listField, name: nameField, document: docField } = shape.inline;
  if (isUnknownAt(p, listField) && !list(p.props[listField]).length) {
    problems.push({ key: `Unknown::${listField}`, field: listField, message: `cannot verify ${whose}: ${listField} is unknown until apply, and whatever it holds grants the identity access` });
    return problems;
  }
  if (!inlineList.length) return problems;
  const own = new Map<string, Set<string>>();
  for (const d of dependents) {
    const from = shape.inlineFrom[d.entry.id];
    if (!from) continue;
    const [n, docAttr] = from;
    const name = d.props[n];
    if (typeof name !== "string") continue;
    const docs = own.get(name) ?? new Set<string>();
    for (const doc of [d.props[docAttr], at(d.before, docAttr)]) {
      const c = doc === undefined || doc === null ? undefined : canonical(doc);
      if (c) docs.add(c);
    }
    own.set(name, docs);
  }
  inlineList.forEach((item, i) => {
    const name = at(item, nameField);
    const doc = at(item, docField);
    const field = `${listField}.${i}.${docField}`;
    if ((name === undefined || name === null || name === "") && (doc === undefined || doc === null || doc === "") && !isUnknownAt(p, `${listField}.${i}`)) return; // an empty block: removes all inline policies
    if (isUnknownAt(p, `${listField}.${i}`)) {
      problems.push({ key: `Unknown::${field}`, field, message: `cannot verify ${whose}: ${field} is unknown until apply, and whatever it holds grants the identity access` });
      return;
    }
    const c = canonical(doc);
    if (typeof name === "string" && c && own.get(name)?.has(c)) return;
    if (inlineKept && typeof name === "string" && !inlineKept.has(name)) return; // deleted at apply by the exclusive resource
    const label = typeof name === "string" && name !== "" ? name : `#${i}`;
    problems.push({ key: `InlinePolicy::${label}`, message: `${listField} of ${whose} holds inline policy ${label} (${grantSummary(doc)}), which its spec does not render: ${outside}` });
  });
  return problems;
}

/**
 * A governed credential's secret renders no resource policy: only the identity reads it, through
 * its own sealed policy. A `policy` on the secret itself, other than the read-back of a separate
 * `aws_secretsmanager_secret_policy` in this evaluation (which is judged itself), is a problem.
 */
export function secretPolicyProblems(secret: IdentityResource, graph: ResourceGraph, whose: string): IntegrityProblem[] {
  if (isUnknownAt(secret, "policy")) return [{ key: "Unknown::policy", field: "policy", message: `cannot verify ${whose}: its resource policy is unknown until apply, and whatever it grants reads the credential` }];
  const v = secret.props.policy;
  if (v === undefined || v === null || v === "") return [];
  const c = canonical(v);
  const separate = graph.dependentsOf(secret).filter((d) => d.entry.id === "aws_secretsmanager_secret_policy");
  if (c && separate.some((d) => [d.props.policy, at(d.before, "policy")].some((doc) => doc !== undefined && doc !== null && canonical(doc) === c))) return [];
  return [
    {
      key: "ResourcePolicy::policy",
      message: `${whose} has a resource policy (${grantSummary(v)}), which its construct does not render: only the identity itself may read its credential, through its own policy. Fix: remove the policy`,
    },
  ];
}
