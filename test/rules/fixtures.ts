import { evaluate } from "../../src/engine/evaluate";
import { IdentityResource } from "../../src/engine/model";
import { Rule } from "../../src/rules/rule";
import { GateConfigInput } from "../../src/spec/config";
import { TAG } from "../../src/spec/tags";
import { resource } from "../../testing/resources";
import { BOUNDARY, clock, inDays } from "../helpers";

/** Run one rule through the engine: the exact, sorted set of `findingId @ address`. */
export function findings(rule: Rule, resources: IdentityResource[], config: GateConfigInput = {}): string[] {
  return evaluate({ resources }, { clock, rules: [rule], config }).findings.map((f) => `${f.findingId} @ ${f.address}`).sort();
}

export function severities(rule: Rule, resources: IdentityResource[], config: GateConfigInput = {}): Record<string, string> {
  return Object.fromEntries(evaluate({ resources }, { clock, rules: [rule], config }).findings.map((f) => [f.findingId, f.severity]));
}

export function messages(rule: Rule, resources: IdentityResource[], config: GateConfigInput = {}): string[] {
  return evaluate({ resources }, { clock, rules: [rule], config }).findings.map((f) => f.message);
}

export const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
export const allow = (Action: string | string[], Resource: string | string[] = "arn:aws:s3:::bucket/*", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action, Resource, ...extra });

export const LIFECYCLE: Record<string, string> = {
  [TAG.owner]: "@acme/payments",
  [TAG.purpose]: "Deploys the payments API",
  [TAG.environment]: "prod",
  [TAG.systemOfRecord]: "PAY-42",
  [TAG.retirement]: "with the payments API",
  [TAG.workload]: "deploy job",
  [TAG.recertifyBy]: inDays(90),
  [TAG.credential]: "ephemeral",
};

export const serviceTrust = doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

/** A well-formed role (the happy path); tests change one field. */
export function role(props: Record<string, unknown> = {}, extra: Partial<IdentityResource> = {}, address = "aws_iam_role.r"): IdentityResource {
  return resource(
    "aws_iam_role",
    address,
    { name: address.split(".").pop(), path: "/", tags: { ...LIFECYCLE }, assume_role_policy: serviceTrust, permissions_boundary: BOUNDARY, max_session_duration: 3600, ...props },
    extra,
  );
}

export function user(props: Record<string, unknown> = {}, extra: Partial<IdentityResource> = {}, address = "aws_iam_user.u"): IdentityResource {
  return resource("aws_iam_user", address, { name: address.split(".").pop(), path: "/", tags: { ...LIFECYCLE, [TAG.credential]: "static-key", [TAG.ttl]: "P90D", [TAG.rotation]: "P30D" }, permissions_boundary: BOUNDARY, ...props }, extra);
}
