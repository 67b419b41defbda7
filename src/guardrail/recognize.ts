import { canonicalJson, normalizePolicy } from "../iam/policy";
import { GateConfig } from "../spec/config";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { boundaryPolicy, GuardrailError } from "./policy";

/**
 * Whether a customer managed policy is the guardrail's permissions boundary: its document is
 * exactly what `nhi-gate guardrail --format boundary` renders for this gate config (compared
 * normalized, so formatting and single values vs one-element lists do not matter). Such a policy
 * grants nothing by itself (a boundary only limits), so the gates do not judge it as a grant;
 * anything that attaches it as a grant is still judged on its own.
 */
const expected = new WeakMap<GateConfig, string | null>();

function expectedBoundary(config: GateConfig): string | null {
  let hit = expected.get(config);
  if (hit === undefined) {
    try {
      hit = config.guardrail ? canonicalJson(normalizePolicy(boundaryPolicy(config).document)) : null;
    } catch (e) {
      if (!(e instanceof GuardrailError)) throw e;
      hit = null;
    }
    expected.set(config, hit);
  }
  return hit;
}

export function isGuardrailBoundary(r: IdentityResource, config: GateConfig): boolean {
  if (r.entry.id !== "aws_iam_policy" || isUnknownAt(r, "policy") || r.props.policy === undefined) return false;
  const want = expectedBoundary(config);
  if (!want) return false;
  try {
    return canonicalJson(normalizePolicy(r.props.policy)) === want;
  } catch {
    return false;
  }
}
