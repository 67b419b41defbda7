import { DEFAULT_CONFIG, GateConfig, OwnerPattern } from "./config";
import { AWS_TAG_CHARS, AWS_TAG_VALUE_MAX } from "./tags";

/*
 * Which owners are accepted: one check for the spec (`owner`), the `nhi:owner` tag (NHI-GOV-003)
 * and exemption owners, so the constructs, the gates and the exemptions file cannot disagree.
 */

export const OWNER_MIN = 2;

/** What every owner must be when the gate config does not narrow it. */
export const DEFAULT_OWNER_EXPECTATION = `an owner of ${OWNER_MIN}-${AWS_TAG_VALUE_MAX} characters that AWS accepts in a tag value (letters, digits, spaces and _ . : / = + - @), such as @acme/payments, platform@acme.com or Payments Team`;

const compiled = new Map<string, RegExp>();

/** The config's owner pattern, anchored (the whole owner must match), compiled once per pattern. */
export function ownerRegExp(p: OwnerPattern): RegExp {
  let re = compiled.get(p.pattern);
  if (!re) {
    re = new RegExp(`^(?:${p.pattern})$`, "u");
    if (compiled.size > 100) compiled.clear();
    compiled.set(p.pattern, re);
  }
  return re;
}

/**
 * Why `owner` is not an acceptable owner under `config`, as the `expected ...` phrase of a
 * message (without "expected"), or undefined when it is fine. The value is never longer than
 * 256 characters when the pattern runs (AWS's tag value limit is checked first), which bounds
 * the work a pattern can do.
 */
export function ownerProblem(owner: string, config: GateConfig = DEFAULT_CONFIG): string | undefined {
  const value = owner.trim();
  if (value.length < OWNER_MIN || owner.length > AWS_TAG_VALUE_MAX || !AWS_TAG_CHARS.test(owner)) return DEFAULT_OWNER_EXPECTATION;
  const p = config.ownerPattern;
  if (p && !ownerRegExp(p).test(value)) return `an owner matching the gate config's ownerPattern: ${p.description} (/${p.pattern}/)`;
  return undefined;
}
