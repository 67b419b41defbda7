/**
 * Shared reading helpers for the rules: where each resource type keeps its policy documents,
 * trust policy and tags, and how to turn them into a normalized policy or a finding.
 * (Not a rule: defines none.)
 */
import { IdentityResource, isUnknownAt } from "../engine/model";
import { tagsOf } from "../engine/props";
import { NormalPolicy, NormalStatement, normalizePolicy, PolicyParseError } from "../iam/policy";
import { ActionExpander, compareGrants, iamDataExpander } from "../iam/grants";
import { TAG } from "../spec/tags";
import { ResourceGraph } from "../engine/graph";
import { AwsManagedPolicy, awsManagedPolicy, awsManagedPolicyName, isAwsManagedPolicyArn } from "../iam/managed-policies";
import { AdminLevel, adminLevel } from "../iam/admin";
import { cannotEvaluate, RuleFinding } from "./rule";

export interface PolicySource {
  /** Dot path of the document (`policy`, `inline_policy.0.policy`), or the attribute naming a managed policy (`policy_arn`). */
  field: string;
  value: unknown;
  unknown: boolean;
  /** Where the document is, for messages, when not the field itself: `AWS managed policy AmazonS3FullAccess (v2) through policy_arn`. */
  label?: string;
  /** The AWS managed policy the document is, when it is one. */
  managed?: AwsManagedPolicy;
}

/** Where a source is, for a message. */
export const where = (s: PolicySource): string => s.label ?? s.field;

/** Resource types carrying permission policies, and the attribute that holds the document. */
const DOCUMENT_FIELD: Record<string, string> = {
  aws_iam_role_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
  aws_iam_policy: "policy",
  awscc_iam_role_policy: "policy_document",
  awscc_iam_user_policy: "policy_document",
  awscc_iam_group_policy: "policy_document",
  awscc_iam_managed_policy: "policy_document",
  // Met inside CloudFormation templates (src/engine/expand.ts).
  "AWS::IAM::Policy": "policy_document",
};

/** Resource types with embedded inline policies: attribute of the list, attribute of the document in each item. */
const EMBEDDED: Record<string, [string, string]> = {
  aws_iam_role: ["inline_policy", "policy"],
  awscc_iam_role: ["policies", "policy_document"],
  awscc_iam_user: ["policies", "policy_document"],
  awscc_iam_group: ["policies", "policy_document"],
};

/** Where each type names the managed policies it attaches. */
export const MANAGED_POLICY_FIELDS: Record<string, string> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role: "managed_policy_arns",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
  aws_iam_group_policy_attachments_exclusive: "policy_arns",
  awscc_iam_role: "managed_policy_arns",
  awscc_iam_user: "managed_policy_arns",
  awscc_iam_group: "managed_policy_arns",
};

export const POLICY_TYPES = [...new Set([...Object.keys(DOCUMENT_FIELD), ...Object.keys(EMBEDDED), ...Object.keys(MANAGED_POLICY_FIELDS)])];

/** An AWS managed policy ARN a resource attaches, with its document when the data has it. */
export interface AttachedAwsPolicy {
  arn: string;
  field: string;
  name: string;
  /** Undefined: AWS managed by its ARN, but not in the data (added by AWS after the data's release, or no such path). */
  policy?: AwsManagedPolicy;
}

/**
 * The AWS managed policies a resource attaches through its managed-policy attribute. On a role
 * or user whose `managed_policy_arns` the provider read back (a state lists every attached
 * policy there), an ARN that an attachment resource of the same evaluation attaches is left to
 * that resource, so one attachment is reported once.
 */
export function attachedAwsPolicies(r: IdentityResource, graph?: ResourceGraph): AttachedAwsPolicy[] {
  const field = MANAGED_POLICY_FIELDS[r.entry.id];
  if (!field || isUnknownAt(r, field)) return [];
  const arns = stringList(r.props[field]);
  if (!arns.length) return [];
  const byAttachments = r.entry.kind === "principal" && graph ? new Set(graph.dependentsOf(r).flatMap((d) => (MANAGED_POLICY_FIELDS[d.entry.id] === "policy_arn" ? stringList(d.props.policy_arn) : []))) : undefined;
  const out: AttachedAwsPolicy[] = [];
  for (const arn of new Set(arns)) {
    if (!isAwsManagedPolicyArn(arn) || byAttachments?.has(arn)) continue;
    out.push({ arn, field, name: awsManagedPolicyName(arn) as string, policy: awsManagedPolicy(arn) });
  }
  return out;
}

/** The documents of the AWS managed policies a resource attaches, judged like its own (unknown ARNs are NHI-GOV-007's to report). */
export function managedPolicySources(r: IdentityResource, graph?: ResourceGraph): PolicySource[] {
  return attachedAwsPolicies(r, graph).flatMap((a) =>
    a.policy ? [{ field: a.field, value: a.policy.document, unknown: false, managed: a.policy, label: `AWS managed policy ${a.name} (${a.policy.versionId}) through ${a.field}` }] : [],
  );
}

const adminLevels = new WeakMap<AwsManagedPolicy, AdminLevel | null>();

/** The admin level of an AWS managed policy's document (memoized: a plan attaches the same few many times). */
export function managedAdminLevel(p: AwsManagedPolicy): AdminLevel | undefined {
  let l = adminLevels.get(p);
  if (l === undefined) adminLevels.set(p, (l = adminLevel(normalizePolicy(p.document)) ?? null));
  return l ?? undefined;
}

/**
 * A wildcard finding in an admin-level AWS managed policy is part of NHI-GOV-007's finding on
 * that policy (one problem: the workload is administrator), not a finding of its own.
 */
export function partOfAdminFinding(r: IdentityResource, source: PolicySource): RuleFinding["partOf"] {
  if (!source.managed || !managedAdminLevel(source.managed)) return undefined;
  return { address: r.address, ruleId: "NHI-GOV-007", findingId: `NHI-GOV-007[Policy::${source.managed.name}]` };
}

/**
 * The findings a rule makes in the documents of AWS managed policies, one per policy: a managed
 * policy is one thing a resource attaches (ReadOnlyAccess alone has hundreds of wildcard
 * patterns), so it is one finding, `Policy::<name>`, naming its patterns and the widest of them.
 * Each part's `summary` is what it found (`allows s3:*: 180 actions including write actions ...`).
 */
export function perManagedPolicy(r: IdentityResource, parts: Map<PolicySource, { finding: RuleFinding; actions: number }[]>, expected: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  const rank: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  const weight = (x: { finding: RuleFinding; actions: number }) => (rank[x.finding.severity ?? "high"] ?? 3) * 1e6 + x.actions;
  for (const [source, list] of parts) {
    const p = source.managed as AwsManagedPolicy;
    // The widest: the most severe, then the one matching the most actions.
    const worst = list.reduce((a, b) => (weight(b) > weight(a) ? b : a)).finding;
    const others = list.filter((x) => x.finding !== worst).map((x) => x.finding.key?.replace(/^[^:]+::/, "") ?? "");
    out.push({
      key: `Policy::${p.name}`,
      field: source.field,
      severity: worst.severity,
      partOf: worst.partOf,
      message: `${r.address} attaches ${where(source)}, which ${worst.summary}${others.length ? `; and ${others.length} more: ${sample(others)}` : ""}. Expected: ${expected}. Fix: detach ${p.name} and grant what the workload needs in the spec's access`,
    });
  }
  return out;
}

const GROUP_TYPES = ["aws_iam_group", "awscc_iam_group"];

/** Membership resources: the attributes naming their groups and their users. */
export const MEMBERSHIP_FIELDS: Record<string, { groups: string; users: string }> = {
  aws_iam_group_membership: { groups: "group", users: "users" },
  aws_iam_user_group_membership: { groups: "groups", users: "user" },
  awscc_iam_user_to_group_addition: { groups: "group_name", users: "users" },
  // A Cloud Control user names its groups itself.
  awscc_iam_user: { groups: "groups", users: "user_name" },
};

/** The groups of this evaluation a membership resource (or a Cloud Control user) puts users in. */
export function groupsOf(r: IdentityResource, graph: ResourceGraph): IdentityResource[] {
  const m = MEMBERSHIP_FIELDS[r.entry.id];
  if (!m) return [];
  const linked = graph.links(r).find((l) => l.field === m.groups)?.targets ?? [];
  if (linked.length) return linked;
  const out: IdentityResource[] = [];
  for (const name of stringList(r.props[m.groups])) for (const g of graph.withValue(name)) if (GROUP_TYPES.includes(g.entry.id) && !out.includes(g)) out.push(g);
  return out;
}

/** What makes a group admin-level: the policy (inline, AWS managed or customer managed of this evaluation) and how it reaches the group. */
export interface GroupAdminGrant {
  level: AdminLevel;
  /** `aws_iam_group_policy_attachment.admins (AWS managed policy AdministratorAccess)`. */
  via: string;
}

const docLevel = (doc: unknown): AdminLevel | undefined => {
  try {
    return adminLevel(normalizePolicy(doc));
  } catch {
    return undefined; // an unparsable document is the wildcard rules' finding on the resource that carries it
  }
};

/**
 * The admin-level grants of a group: its inline policies, the AWS managed policies attached to it
 * (by their documents) and the customer managed policies of this evaluation attached to it.
 */
export function groupAdminGrants(g: IdentityResource, graph: ResourceGraph): GroupAdminGrant[] {
  const out: GroupAdminGrant[] = [];
  const fromManaged = (holder: IdentityResource) => {
    for (const a of attachedAwsPolicies(holder)) {
      const level = a.policy ? managedAdminLevel(a.policy) : undefined;
      if (level) out.push({ level, via: `${holder.address} (AWS managed policy ${a.name})` });
    }
    const field = MANAGED_POLICY_FIELDS[holder.entry.id];
    if (!field) return;
    const customer = [...graph.refTargets(holder, field), ...stringList(holder.props[field]).flatMap((arn) => graph.withValue(arn).filter((p) => p.entry.id === "aws_iam_policy" || p.entry.id === "awscc_iam_managed_policy"))];
    for (const p of new Set(customer)) {
      const level = docLevel(p.props[p.entry.id === "aws_iam_policy" ? "policy" : "policy_document"]);
      if (level) out.push({ level, via: `${holder.address} (${p.address})` });
    }
  };
  for (const source of policySources(g)) {
    const level = source.unknown ? undefined : docLevel(source.value);
    if (level) out.push({ level, via: `${g.address} (${source.field})` });
  }
  fromManaged(g);
  for (const d of graph.dependentsOf(g)) {
    if (d.action === "delete") continue;
    for (const source of policySources(d)) {
      const level = source.unknown ? undefined : docLevel(source.value);
      if (level) out.push({ level, via: d.address });
    }
    fromManaged(d);
  }
  return out;
}

/** Whether any resource attaches an AWS managed policy (the report then names the data the documents came from). */
export function usesAwsManagedPolicies(resources: readonly IdentityResource[]): boolean {
  return resources.some((r) => {
    const field = MANAGED_POLICY_FIELDS[r.entry.id];
    return field !== undefined && stringList(r.props[field]).some(isAwsManagedPolicyArn);
  });
}

/**
 * The permission policy documents a resource carries (its own, or embedded inline ones). With the
 * graph, an embedded inline policy that a policy resource of the same evaluation defines (a
 * state reads a role's `aws_iam_role_policy` back into its `inline_policy`) is left to that resource.
 */
export function policySources(r: IdentityResource, graph?: ResourceGraph): PolicySource[] {
  const direct = DOCUMENT_FIELD[r.entry.id];
  if (direct) return [{ field: direct, value: r.props[direct], unknown: isUnknownAt(r, direct) }];
  const embedded = EMBEDDED[r.entry.id];
  if (!embedded) return [];
  const [list, doc] = embedded;
  const raw = r.props[list];
  const out: PolicySource[] = [];
  if (Array.isArray(raw)) {
    // The names of the policy resources beside it, made only for a named inline policy (most roles have none).
    let beside: Set<unknown> | undefined;
    const definedBeside = (g: ResourceGraph) => (beside ??= new Set(g.dependentsOf(r).filter((d) => DOCUMENT_FIELD[d.entry.id] && d.entry.id !== "aws_iam_policy").map((d) => d.props.name ?? d.props.policy_name)));
    raw.forEach((item, i) => {
      const field = `${list}.${i}.${doc}`;
      const value = item && typeof item === "object" ? (item as Record<string, unknown>)[doc] : undefined;
      if (value === undefined && !isUnknownAt(r, field)) return; // an empty inline_policy block
      const itemName = item && typeof item === "object" ? ((item as Record<string, unknown>).name ?? (item as Record<string, unknown>).policy_name) : undefined;
      if (itemName !== undefined && graph && definedBeside(graph).has(itemName)) return;
      out.push({ field, value, unknown: isUnknownAt(r, field) });
    });
  } else if (isUnknownAt(r, list)) out.push({ field: list, value: undefined, unknown: true });
  return out;
}

export type Parsed = { policy: NormalPolicy } | { finding: RuleFinding };

/** Parse a policy or trust document; unknown or unparsable gives a finding, never a pass. */
export function parseDocument(r: IdentityResource, source: PolicySource): Parsed {
  if (source.unknown) return { finding: cannotEvaluate(source.field) };
  if (source.value === undefined || source.value === null || source.value === "") {
    return { finding: { key: `Unparsable::${source.field}`, field: source.field, message: `${r.address} has no ${source.field}; expected an IAM policy document. Fix: set ${source.field} to a policy JSON document` } };
  }
  try {
    return { policy: normalizePolicy(source.value) };
  } catch (e) {
    const why = e instanceof PolicyParseError ? e.message : String(e);
    return {
      finding: {
        key: `Unparsable::${source.field}`,
        field: source.field,
        message: `${r.address}: ${source.field} cannot be parsed as an IAM policy (${why}), so the gate cannot check it. Fix: give a valid IAM policy JSON document`,
      },
    };
  }
}

/**
 * The Allow statements of a resource's policy documents, each with its source. A document that
 * cannot be read adds its finding to `findings` instead (unknown until apply: "cannot
 * evaluate"; missing or unparsable: a finding naming the field), so no rule passes it silently.
 */
export function allowStatements(r: IdentityResource, sources: PolicySource[], findings: RuleFinding[]): { source: PolicySource; st: NormalStatement }[] {
  const out: { source: PolicySource; st: NormalStatement }[] = [];
  for (const source of sources) {
    const parsed = parseDocument(r, source);
    if ("finding" in parsed) {
      findings.push(parsed.finding);
      continue;
    }
    for (const st of parsed.policy.Statement) if (st.Effect === "Allow") out.push({ source, st });
  }
  return out;
}

/** Trust (assume-role) policy attribute per role type. */
const TRUST_FIELD: Record<string, string> = { aws_iam_role: "assume_role_policy", awscc_iam_role: "assume_role_policy_document" };
export const ROLE_TYPES = Object.keys(TRUST_FIELD);
export const ROLE_AND_USER_TYPES = [...ROLE_TYPES, "aws_iam_user", "awscc_iam_user"];

export function trustSource(r: IdentityResource): PolicySource {
  const field = TRUST_FIELD[r.entry.id] ?? "assume_role_policy";
  return { field, value: r.props[field], unknown: isUnknownAt(r, field) };
}

/** Whether a principal declares itself non-human through any nhi:* lifecycle tag. */
export function hasNhiTags(r: IdentityResource): boolean {
  return Object.keys(tagsOf(r) ?? {}).some((k) => k.startsWith("nhi:") && k !== TAG.seal);
}

/** The 12-digit account of an ARN (`arn:aws:iam::123456789012:role/x`) or a bare account id. */
export function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const m = /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(value);
  return m ? m[1] : undefined;
}

export const isAccountRoot = (value: string): boolean => /^\d{12}$/.test(value) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(value);

/** The values of a possibly-list attribute, as strings. */
export function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/** How one policy document of a resource changed, by what it grants (actions expanded). */
export type PolicyChange =
  | { field: string; widened: string[]; narrowed: string[] }
  | { field: string; unknown: true }
  | { field: string; error: string };

/**
 * Compare each policy document a resource carries with its previous version (`r.before`), by
 * what they grant: the privilege ratchet and the lifecycle ledger read the same answer.
 */
export function policyChanges(r: IdentityResource, expand: ActionExpander = iamDataExpander): PolicyChange[] {
  return policySources(r).map((source) => {
    if (source.unknown) return { field: source.field, unknown: true as const };
    const before = source.field.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), r.before ?? undefined);
    try {
      return { field: source.field, ...compareGrants(before ?? null, source.value, expand) };
    } catch (e) {
      return { field: source.field, error: e instanceof PolicyParseError ? e.message : String(e) };
    }
  });
}

/** The first few items of a list and how many more: "a, b, c, d, e and 14 more". */
export function sample(list: readonly string[], n = 5): string {
  return list.length > n ? `${list.slice(0, n).join(", ")} and ${list.length - n} more` : list.join(", ");
}

/**
 * Where each type names the managed policies it attaches (the privilege ratchet diffs them; the
 * same map as NHI-GOV-007's, kept here so the ratchet does not depend on that rule's file).
 */
export const MANAGED_POLICY_ARN_FIELDS: Record<string, string> = {
  aws_iam_role: "managed_policy_arns",
  awscc_iam_role: "managed_policy_arns",
  awscc_iam_user: "managed_policy_arns",
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
  aws_iam_group_policy_attachments_exclusive: "policy_arns",
};

/**
 * The document of a managed policy ARN: AWS managed ones from AWS's published documents
 * (src/iam/managed-policies.ts), customer managed ones from an `aws_iam_policy` in this
 * evaluation; undefined when the gate cannot see it.
 */
export function managedPolicyDocument(arn: string, graph: ResourceGraph): unknown | undefined {
  if (isAwsManagedPolicyArn(arn)) {
    try {
      return awsManagedPolicy(arn)?.document;
    } catch {
      return undefined;
    }
  }
  const customer = graph.withValue(arn).find((x) => x.entry.id === "aws_iam_policy");
  return customer && !isUnknownAt(customer, "policy") && customer.props.policy !== undefined ? customer.props.policy : undefined;
}

/** One document granting everything the given documents grant (unparsable ones are left out; the other rules report them). */
function mergedDocument(docs: unknown[]): { Version: string; Statement: NormalStatement[] } {
  const Statement: NormalStatement[] = [];
  for (const d of docs) {
    try {
      Statement.push(...normalizePolicy(d).Statement);
    } catch {
      /* reported by the policy rules */
    }
  }
  return { Version: "2012-10-17", Statement };
}

/**
 * How the managed policies a resource attaches changed (`managed_policy_arns`, `policy_arn(s)`),
 * by what they grant: the policies added compared with those before, by their documents. A
 * policy whose document the gate cannot see counts as a widening by itself.
 */
export function managedPolicyChanges(r: IdentityResource, graph: ResourceGraph, expand: ActionExpander = iamDataExpander): PolicyChange[] {
  const field = MANAGED_POLICY_ARN_FIELDS[r.entry.id];
  if (!field || r.before === undefined) return [];
  if (isUnknownAt(r, field)) return [{ field, unknown: true }];
  const after = stringList(r.props[field]);
  const before = stringList(r.before?.[field]);
  const added = after.filter((a) => !before.includes(a));
  if (!added.length) return [];
  const unseen = added.filter((a) => managedPolicyDocument(a, graph) === undefined);
  const docs = (arns: string[]) => arns.map((a) => managedPolicyDocument(a, graph)).filter((d) => d !== undefined);
  try {
    const { widened, narrowed } = compareGrants(mergedDocument(docs(before)), mergedDocument(docs(after)), expand);
    return [{ field, widened: [...unseen.map((a) => `${a} (its document is not in this plan)`), ...widened], narrowed }];
  } catch (e) {
    return [{ field, error: e instanceof PolicyParseError ? e.message : String(e) }];
  }
}

/** One policy document that grants a principal access, and where it comes from. */
export interface PrincipalDocument {
  /** The resource address, or the principal's own attribute path. */
  from: string;
  document: unknown;
}

/** Types that attach managed policies to a principal, and their policy ARN attribute. */
const ATTACHMENT_ARN_FIELDS: Record<string, string> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
};

/**
 * Every policy document this evaluation shows granting a principal access: its embedded inline
 * policies, its own policy resources, and the managed policies attached to it (on the principal
 * or by attachments; AWS managed ones by their published documents, customer managed ones when
 * the `aws_iam_policy` is in the evaluation). Unknown or unseen documents are left out: the
 * policy rules report those.
 */
export function principalDocuments(p: IdentityResource, graph: ResourceGraph): PrincipalDocument[] {
  const out: PrincipalDocument[] = [];
  for (const s of policySources(p)) if (!s.unknown && s.value !== undefined && s.value !== null) out.push({ from: `${p.address}.${s.field}`, document: s.value });
  const arns: { arn: string; from: string }[] = stringList(p.props[MANAGED_POLICY_ARN_FIELDS[p.entry.id] ?? ""]).map((arn) => ({ arn, from: `${p.address}.managed_policy_arns` }));
  for (const d of graph.dependentsOf(p)) {
    const docField = DOCUMENT_FIELD[d.entry.id];
    if (docField && !isUnknownAt(d, docField) && d.props[docField] !== undefined) out.push({ from: d.address, document: d.props[docField] });
    const arnField = ATTACHMENT_ARN_FIELDS[d.entry.id];
    if (!arnField) continue;
    for (const arn of stringList(d.props[arnField])) arns.push({ arn, from: d.address });
    // A policy created in the same plan: its ARN is unknown, the configuration references it.
    for (const ref of d.propRefs?.[arnField] ?? []) {
      const policy = graph.resolveRef(ref);
      if (policy?.entry.id === "aws_iam_policy" && !isUnknownAt(policy, "policy") && policy.props.policy !== undefined) out.push({ from: `${d.address} (${policy.address})`, document: policy.props.policy });
    }
  }
  for (const { arn, from } of arns) {
    const document = managedPolicyDocument(arn, graph);
    if (document !== undefined) out.push({ from: `${from} (${arn})`, document });
  }
  return out;
}
