/**
 * Approved Terraform module sources (`approvedModuleSources` in the gate config) and how a
 * module call's `source` is matched against them. Provenance by module is only worth what the
 * match is worth: a source matches a pattern when it names exactly the same package, the same
 * subdirectory and the same pinned ref.
 *
 * A source is read as Terraform's module installer (go-getter) reads it:
 *
 *   <address>[//<subdirectory>][?<query>]
 *
 * `git::https://github.com/acme/gi.git//modules/role?ref=v1.4.0` is the address
 * `git::https://github.com/acme/gi.git`, the subdirectory `modules/role` and the query `ref=v1.4.0`
 * (a `//` right after a scheme's `://` does not start a subdirectory).
 *
 * A pattern has the same three parts, and each must hold:
 * - address: equal, path segment by path segment (segments are separated by `/`). `*` as a
 *   whole segment matches exactly one segment; `**` as the last segment matches one or more.
 *   A `*` inside a segment (`governed-identity*`) is refused when the config is read: it would
 *   match `governed-identity-fork`.
 * - subdirectory: a pattern without `//` matches only sources without one; with one, the
 *   subdirectories must match with the same segment wildcards. A subdirectory with `.` or `..`
 *   segments matches nothing (it could leave the approved directory).
 * - query: the source's query parameters (`ref`, `depth`, ...) must be exactly the pattern's, so
 *   a ref is accepted only when the pattern pins that ref, and a pattern without a ref accepts
 *   only sources without one (the default branch, which the platform team reviews).
 *
 * Registry sources (`app.terraform.io/acme/governed-identity/aws`) carry their version in the
 * module call's `version`, which the registry's publisher controls; it is not matched.
 * A pattern equal to the source as a string always matches.
 */

export interface ModuleSourceParts {
  address: string[];
  subdir?: string[];
  /** `key=value` pairs, sorted. */
  query: string[];
}

/** Split a module source (or a pattern) into address segments, subdirectory segments and query. */
export function parseModuleSource(source: string): ModuleSourceParts {
  const scheme = source.indexOf("://");
  const from = scheme >= 0 ? scheme + 3 : 0;
  const sub = source.indexOf("//", from);
  let base = sub >= 0 ? source.slice(0, sub) : source;
  let rest = sub >= 0 ? source.slice(sub + 2) : undefined;
  const query: string[] = [];
  const takeQuery = (s: string): string => {
    const q = s.indexOf("?");
    if (q < 0) return s;
    for (const pair of s.slice(q + 1).split("&")) if (pair !== "") query.push(pair);
    return s.slice(0, q);
  };
  base = takeQuery(base);
  if (rest !== undefined) rest = takeQuery(rest);
  const parts: ModuleSourceParts = { address: base.split("/"), query: query.sort() };
  if (rest !== undefined) parts.subdir = rest.split("/").filter((s) => s !== "");
  return parts;
}

/** Why a pattern is not a valid approved module source pattern, or undefined when it is. */
export function moduleSourcePatternProblem(pattern: string): string | undefined {
  const { address, subdir, query } = parseModuleSource(pattern);
  const bad = (segments: string[]) =>
    segments.findIndex((s, i) => s.includes("*") && !(s === "*" || (s === "**" && i === segments.length - 1)));
  const a = bad(address);
  if (a >= 0) return `"${address[a]}": a wildcard must be a whole path segment ("*" for one segment, "**" as the last segment for any below), so that it cannot match a look-alike such as "${address[a].replace(/\*+/g, "")}-fork"`;
  if (subdir) {
    const s = bad(subdir);
    if (s >= 0) return `subdirectory segment "${subdir[s]}": a wildcard must be a whole path segment`;
  }
  if (query.some((q) => q.includes("*"))) return "the query (?ref=...) is matched exactly: pin the ref, without wildcards";
  return undefined;
}

function segmentsMatch(pattern: readonly string[], value: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === "**" && i === pattern.length - 1) return value.length > i && value.slice(i).every((s) => s !== "");
    if (i >= value.length) return false;
    if (p === "*") {
      if (value[i] === "") return false;
    } else if (p !== value[i]) return false;
  }
  return pattern.length === value.length;
}

const escapes = (segments: readonly string[]) => segments.some((s) => s === "." || s === "..");

/** Whether a module call's source is the one a pattern approves (see the module comment). */
export function moduleSourceMatches(pattern: string, source: string): boolean {
  if (pattern === source) return true;
  if (moduleSourcePatternProblem(pattern)) return false;
  const p = parseModuleSource(pattern);
  const s = parseModuleSource(source);
  if (!segmentsMatch(p.address, s.address)) return false;
  if ((p.subdir === undefined) !== (s.subdir === undefined)) {
    // `x//` (an empty subdirectory) is the package root, like `x`.
    if ((p.subdir ?? []).length || (s.subdir ?? []).length) return false;
  } else if (p.subdir && s.subdir && (escapes(s.subdir) || !segmentsMatch(p.subdir, s.subdir))) return false;
  return p.query.join("&") === s.query.join("&");
}
