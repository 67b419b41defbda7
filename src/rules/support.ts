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
import { cannotEvaluate, RuleFinding } from "./rule";

export interface PolicySource {
  /** Dot path of the document (`policy`, `inline_policy.0.policy`). */
  field: string;
  value: unknown;
  unknown: boolean;
}

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
};

export const POLICY_TYPES = [...Object.keys(DOCUMENT_FIELD), ...Object.keys(EMBEDDED)];

/** The permission policy documents a resource carries (its own, or embedded inline ones). */
export function policySources(r: IdentityResource): PolicySource[] {
  const direct = DOCUMENT_FIELD[r.entry.id];
  if (direct) return [{ field: direct, value: r.props[direct], unknown: isUnknownAt(r, direct) }];
  const embedded = EMBEDDED[r.entry.id];
  if (!embedded) return [];
  const [list, doc] = embedded;
  const raw = r.props[list];
  const out: PolicySource[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const field = `${list}.${i}.${doc}`;
      const value = item && typeof item === "object" ? (item as Record<string, unknown>)[doc] : undefined;
      if (value === undefined && !isUnknownAt(r, field)) return; // an empty inline_policy block
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
