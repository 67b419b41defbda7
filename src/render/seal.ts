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

export function sealPayload(input: SealInput): string {
  const tags: Record<string, string> = {};
  for (const k of Object.keys(input.tags).sort()) if (k !== TAG.seal) tags[k] = input.tags[k];
  const policies = input.policies.map((p) => canonicalJson(normalizePolicy(p))).sort();
  return canonicalJson({
    v: SEAL_VERSION,
    principalType: input.principalType,
    name: input.name,
    path: input.path,
    tags,
    trust: input.trustPolicy === null || input.trustPolicy === undefined ? null : normalizePolicy(input.trustPolicy),
    boundary: input.permissionsBoundary,
    maxSessionDuration: input.maxSessionDuration,
    policies,
  });
}

/** `v1:` + base64url(SHA-256(canonical payload)). Throws PolicyParseError on an unparsable policy. */
export function computeSeal(input: SealInput): string {
  return `${SEAL_VERSION}:${createHash("sha256").update(sealPayload(input)).digest("base64url")}`;
}
