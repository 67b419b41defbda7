/** Canonical tag keys carried by every governed identity, and AWS's tag limits. */
export const TAG = {
  owner: "nhi:owner",
  purpose: "nhi:purpose",
  environment: "nhi:environment",
  systemOfRecord: "nhi:system-of-record",
  retirement: "nhi:retirement",
  workload: "nhi:workload",
  recertifyBy: "nhi:recertify-by",
  credential: "nhi:credential",
  ttl: "nhi:ttl",
  rotation: "nhi:rotation",
  governedBy: "nhi:governed-by",
  seal: "nhi:seal",
  emergencyExpires: "nhi:emergency-expires",
  emergencyTicket: "nhi:emergency-ticket",
} as const;

export type TagKey = (typeof TAG)[keyof typeof TAG];

export const AWS_TAG_KEY_MAX = 128;
export const AWS_TAG_VALUE_MAX = 256;
/** Characters AWS IAM accepts in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
export const AWS_TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Why a tag key/value pair breaks AWS's limits, or undefined when it is fine. */
export function tagProblem(key: string, value: string): string | undefined {
  if (key.length === 0 || key.length > AWS_TAG_KEY_MAX) return `tag key "${key}" must be 1-${AWS_TAG_KEY_MAX} characters`;
  if (!AWS_TAG_CHARS.test(key)) return `tag key "${key}" has characters AWS does not accept (allowed: letters, digits, spaces, _ . : / = + - @)`;
  if (value.length > AWS_TAG_VALUE_MAX) return `tag value for "${key}" is ${value.length} characters; AWS allows ${AWS_TAG_VALUE_MAX}`;
  if (!AWS_TAG_CHARS.test(value)) return `tag value for "${key}" has characters AWS does not accept (allowed: letters, digits, spaces, _ . : / = + - @)`;
  return undefined;
}
