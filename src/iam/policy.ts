/**
 * IAM policy documents: parsing (from a JSON string or an object) and a normal form in which
 * single values and one-element lists, key order and list order do not matter.
 */
import { sortStrings } from "../util/sort";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface NormalStatement {
  Sid?: string;
  Effect: string;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: "*" | Record<string, string[]>;
  NotPrincipal?: "*" | Record<string, string[]>;
  Condition?: Record<string, Record<string, string[]>>;
}

export interface NormalPolicy {
  Version?: string;
  Statement: NormalStatement[];
}

export class PolicyParseError extends Error {}

const asList = (v: unknown): string[] => {
  // A single value, or a list of one (most statements): no Set, no sort.
  if (!Array.isArray(v)) return [String(v)];
  if (v.length === 1) return [String(v[0])];
  return sortStrings([...new Set(v.map((x) => String(x)))]);
};

function normalPrincipal(p: unknown): "*" | Record<string, string[]> {
  if (p === "*") return "*";
  if (!p || typeof p !== "object" || Array.isArray(p)) throw new PolicyParseError(`Principal must be "*" or an object, got ${JSON.stringify(p)}`);
  const out: Record<string, string[]> = {};
  for (const k of sortStrings(Object.keys(p))) out[k] = asList((p as Record<string, unknown>)[k]);
  return out;
}

/*
 * Every rule and the seal check read the same documents: a JSON string is parsed and normalized
 * once per distinct text. Results are frozen (rules are pure and must not change them); the
 * cache is bounded.
 */
const MEMO_MAX = 20_000;
const memo = new Map<string, NormalPolicy | PolicyParseError>();

/**
 * Memoized policies are frozen to the bottom: immutable, so their canonical JSON is cached on
 * them, in a holder under a symbol (not enumerable: invisible to JSON, Object.keys and
 * equality), filled the first time it is asked for. A symbol rather than a WeakMap: weak
 * collections of 10k+ documents cost the garbage collector more than the lookups save.
 */
const CANONICAL = Symbol("canonicalJson");
interface CanonicalHolder {
  text?: string;
  /** JSON.stringify(text): the canonical form as a JSON string (the seal's payload lists it so). */
  quoted?: string;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") {
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === "object") deepFreeze(x);
    } else {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (x && typeof x === "object") deepFreeze(x);
      }
    }
    Object.freeze(v);
  }
  return v;
}

/** Parse and normalize a policy document given as a JSON string or an object. Throws PolicyParseError. */
export function normalizePolicy(doc: unknown): NormalPolicy {
  if (typeof doc !== "string") return normalizeUncached(doc);
  let hit = memo.get(doc);
  if (!hit) {
    try {
      const normal = normalizeUncached(doc);
      Object.defineProperty(normal, CANONICAL, { value: {} satisfies CanonicalHolder });
      hit = deepFreeze(normal);
    } catch (e) {
      if (!(e instanceof PolicyParseError)) throw e;
      hit = e;
    }
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(doc, hit);
  }
  if (hit instanceof PolicyParseError) throw new PolicyParseError(hit.message);
  return hit;
}

function normalizeUncached(doc: unknown): NormalPolicy {
  let obj: unknown = doc;
  if (typeof doc === "string") {
    try {
      obj = JSON.parse(doc);
    } catch (e) {
      throw new PolicyParseError(`policy document is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new PolicyParseError("policy document must be a JSON object");
  const o = obj as Record<string, unknown>;
  if (o.Statement === undefined) throw new PolicyParseError("policy document has no Statement");
  const raw = Array.isArray(o.Statement) ? o.Statement : [o.Statement];
  const statements = raw.map((s, i) => {
    if (!s || typeof s !== "object" || Array.isArray(s)) throw new PolicyParseError(`Statement[${i}] must be an object`);
    const st = s as Record<string, unknown>;
    const out: NormalStatement = { Effect: String(st.Effect ?? "") };
    if (st.Sid !== undefined && st.Sid !== "") out.Sid = String(st.Sid);
    if (st.Action !== undefined) out.Action = lowerCase(asList(st.Action));
    if (st.NotAction !== undefined) out.NotAction = lowerCase(asList(st.NotAction));
    if (st.Resource !== undefined) out.Resource = asList(st.Resource);
    if (st.NotResource !== undefined) out.NotResource = asList(st.NotResource);
    if (st.Principal !== undefined) out.Principal = normalPrincipal(st.Principal);
    if (st.NotPrincipal !== undefined) out.NotPrincipal = normalPrincipal(st.NotPrincipal);
    if (st.Condition !== undefined) {
      if (!st.Condition || typeof st.Condition !== "object") throw new PolicyParseError(`Statement[${i}].Condition must be an object`);
      const cond: Record<string, Record<string, string[]>> = {};
      for (const op of sortStrings(Object.keys(st.Condition))) {
        const block = (st.Condition as Record<string, unknown>)[op];
        if (!block || typeof block !== "object") throw new PolicyParseError(`Statement[${i}].Condition.${op} must be an object`);
        cond[op] = {};
        for (const key of sortStrings(Object.keys(block))) cond[op][key] = asList((block as Record<string, unknown>)[key]);
      }
      out.Condition = cond;
    }
    return out;
  });
  // Sort by canonical form, computed once per statement (not in the comparator).
  const keyed = statements.map((st) => ({ st, key: statements.length > 1 ? canonicalJson(st) : "" }));
  keyed.sort((a, b) => cmp(a.key, b.key));
  const result: NormalPolicy = { Statement: keyed.map((k) => k.st) };
  if (o.Version !== undefined) result.Version = String(o.Version);
  return result;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Actions compare without case: lowercased in place (the list is asList's own copy). */
function lowerCase(list: string[]): string[] {
  for (let i = 0; i < list.length; i++) list[i] = list[i].toLowerCase();
  return list;
}

/** JSON with object keys sorted at every depth and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i]);
    return `${out}]`;
  }
  // A memoized policy is read by the seal, the rules and the drift checks: its canonical form once.
  const holder = (value as { [CANONICAL]?: CanonicalHolder })[CANONICAL];
  if (holder?.text !== undefined) return holder.text;
  const obj = value as Record<string, unknown>;
  const keys = sortStrings(Object.keys(obj));
  let out = "{";
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + canonicalJson(v);
    first = false;
  }
  out += "}";
  if (holder) holder.text = out;
  return out;
}

/** JSON.stringify(canonicalJson(value)), kept with a memoized policy's canonical form. */
export function quotedCanonicalJson(value: unknown): string {
  const holder = value && typeof value === "object" ? (value as { [CANONICAL]?: CanonicalHolder })[CANONICAL] : undefined;
  if (holder?.quoted !== undefined) return holder.quoted;
  const quoted = JSON.stringify(canonicalJson(value));
  if (holder) holder.quoted = quoted;
  return quoted;
}

/** Condition keys are case-insensitive in IAM; look one up ignoring case. */
export function conditionValues(st: NormalStatement, operatorPattern: RegExp, key: string): string[] | undefined {
  if (!st.Condition) return undefined;
  let found: string[] | undefined;
  for (const [op, block] of Object.entries(st.Condition)) {
    if (!operatorPattern.test(op)) continue;
    for (const [k, values] of Object.entries(block)) if (k.toLowerCase() === key.toLowerCase()) found = [...(found ?? []), ...values];
  }
  return found;
}
