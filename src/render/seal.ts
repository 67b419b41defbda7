import { createHash } from "node:crypto";
import { canonicalJson, normalizePolicy } from "../iam/policy";
import { TAG } from "../spec/tags";

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

/**
 * canonicalJson({ v, principalType, name, path, tags (minus the seal), trust (normalized, or
 * null), boundary, maxSessionDuration, policies (each normalized and canonical, the list
 * sorted) }), written out key by key in sorted key order: the same text without building and
 * re-sorting the payload object, and the normalized documents' canonical forms come from
 * canonicalJson's cache when they were given as JSON text.
 */
export function sealPayload(input: SealInput): string {
  const tags: Record<string, string> = {};
  for (const k of Object.keys(input.tags).sort()) if (k !== TAG.seal) tags[k] = input.tags[k];
  const policies = input.policies.map((p) => canonicalJson(normalizePolicy(p))).sort();
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
  field("policies", policies, `[${policies.map((p) => JSON.stringify(p)).join(",")}]`);
  field("principalType", input.principalType);
  field("tags", tags);
  field("trust", null, trust);
  field("v", SEAL_VERSION);
  return `${out}}`;
}

/** `v1:` + base64url(SHA-256(canonical payload)). Throws PolicyParseError on an unparsable policy. */
export function computeSeal(input: SealInput): string {
  return `${SEAL_VERSION}:${createHash("sha256").update(sealPayload(input)).digest("base64url")}`;
}
