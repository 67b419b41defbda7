import * as crypto from "node:crypto";
import { canonicalJson, normalizePolicy, quotedCanonicalJson } from "../iam/policy";
import { TAG } from "../spec/tags";
import { sortStrings } from "../util/sort";

/**
 * The seal: a versioned digest over the governed properties of a principal, written by the
 * constructs as the `nhi:seal` tag and recomputed by every gate from the properties it sees.
 * See DESIGN.md. The algorithm is public: a seal stops drift and copy-paste, not a forger;
 * substance rules cover forgeries.
 */
export const SEAL_VERSION = "v1";

export interface SealInput {
  principalType: "role" | "user";
  name: string;
  path: string;
  /** All tags; `nhi:seal` itself is ignored. */
  tags: Record<string, string>;
  /** Trust policy (role) as a JSON string or object; null for users. */
  trustPolicy: unknown;
  permissionsBoundary: string | null;
  maxSessionDuration: number | null;
  /** The documents of the principal's own policies (JSON strings or objects). */
  policies: unknown[];
}

// Integer-like keys start with a digit: a key that does (or is empty) sends the tags through canonicalJson, right for any key.
const startsWithDigit = (k: string) => {
  const c = k.charCodeAt(0);
  return k.length === 0 || (c >= 48 && c <= 57);
};

/**
 * canonicalJson({ v, principalType, name, path, tags (minus the seal), trust (normalized, or
 * null), boundary, maxSessionDuration, policies (each normalized and canonical, the list
 * sorted) }), written out key by key in sorted key order: the same text without building and
 * re-sorting the payload object, and the normalized documents' canonical forms come from
 * canonicalJson's cache when they were given as JSON text.
 */
export function sealPayload(input: SealInput): string {
  const tags: Record<string, string> = {};
  for (const k of sortStrings(Object.keys(input.tags))) if (k !== TAG.seal) tags[k] = input.tags[k];
  const normals = input.policies.map((p) => normalizePolicy(p));
  // Each canonical text, sorted, as a JSON string (kept with a memoized policy when there is one).
  const policies = normals.length === 1 ? [quotedCanonicalJson(normals[0])] : sortStrings(normals.map((n) => canonicalJson(n))).map((t) => JSON.stringify(t));
  const trust = input.trustPolicy === null || input.trustPolicy === undefined ? "null" : canonicalJson(normalizePolicy(input.trustPolicy));
  let out = "{";
  // canonicalJson leaves out keys whose value is undefined.
  const field = (key: string, value: unknown, json?: string) => {
    if (json === undefined && value === undefined) return;
    out += `${out.length > 1 ? "," : ""}"${key}":${json ?? canonicalJson(value)}`;
  };
  field("boundary", input.permissionsBoundary);
  field("maxSessionDuration", input.maxSessionDuration);
  field("name", input.name);
  field("path", input.path);
  field("policies", null, `[${policies.join(",")}]`);
  field("principalType", input.principalType);
  // The tags object was filled in sorted key order: JSON.stringify gives canonicalJson's text for
  // string values, unless a key is integer-like (JavaScript enumerates those first, numerically).
  field("tags", null, Object.keys(tags).some((k) => startsWithDigit(k) || typeof tags[k] !== "string") ? canonicalJson(tags) : JSON.stringify(tags));
  field("trust", null, trust);
  field("v", SEAL_VERSION);
  return `${out}}`;
}

/** `v1:` + base64url(SHA-256(canonical payload)). Throws PolicyParseError on an unparsable policy. */
export function computeSeal(input: SealInput): string {
  return `${SEAL_VERSION}:${sha256(sealPayload(input))}`;
}

// One-shot hashing (Node >= 20.12) skips the Hash object; older Node 20 falls back to createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;
const sha256 = (text: string): string => (oneShot ? oneShot("sha256", text, "base64url") : crypto.createHash("sha256").update(text).digest("base64url"));
