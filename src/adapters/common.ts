import { secretAttributesOf } from "../catalog";
import { CatalogEntry } from "../catalog/types";
import { InputError, isRecord, MAX_DEPTH, setOwn } from "./input";

/**
 * Dot paths of the `true` leaves of a Terraform marker structure (`after_unknown`,
 * `after_sensitive`): `{tags: {"nhi:owner": true}, inline_policy: [{policy: true}]}` gives
 * `tags.nhi:owner`, `inline_policy.0.policy`. A top-level `true` marks the whole object (`*`).
 */
export function truePaths(marker: unknown, where: string, prefix = "", depth = 0, out: string[] = []): string[] {
  if (depth > MAX_DEPTH) throw new InputError(`${where}: nested deeper than ${MAX_DEPTH} levels`);
  if (marker === true) {
    out.push(prefix === "" ? "*" : prefix);
  } else if (Array.isArray(marker)) {
    for (let i = 0; i < marker.length; i++) truePaths(marker[i], where, prefix === "" ? String(i) : `${prefix}.${i}`, depth + 1, out);
  } else if (isRecord(marker)) {
    for (const k of Object.keys(marker)) truePaths(marker[k], where, prefix === "" ? k : `${prefix}.${k}`, depth + 1, out);
  }
  return out;
}

/** Depth check for values handed to the engine (rules walk them recursively). */
export function checkDepth(v: unknown, where: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw new InputError(`${where}: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) for (const x of v) checkDepth(x, where, depth + 1);
  else if (isRecord(v)) for (const k of Object.keys(v)) checkDepth(v[k], where, depth + 1);
}

/** Sensitive paths: what the tool marks, plus the catalog's secret attributes (whatever the tool says). */
export function sensitivePathsOf(entry: CatalogEntry, marked: string[]): string[] {
  if (!marked.length && !secretAttributesOf(entry).length) return [];
  const out = new Set(marked);
  for (const a of secretAttributesOf(entry)) out.add(a);
  return [...out];
}

/** A record built with own properties only (`__proto__` keys stay data). */
export function ownRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) setOwn(out, k, v);
  return out;
}

/** Reference roots that are not resources: variables, locals, iteration values, paths. */
const NON_RESOURCE = /^(var|local|each|count|path|terraform|self)\./;

/** Whether a configuration reference can name a resource (or module output). */
export function isResourceRef(ref: string): boolean {
  return !NON_RESOURCE.test(ref) && ref.includes(".");
}
