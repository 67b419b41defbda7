import * as pulumi from "@pulumi/pulumi";
import type { GovernedIdentityArgs } from "../constructs/pulumi/args";
import { createGovernedIdentityChildren, planGovernedIdentity } from "../constructs/pulumi/governed-identity";
import { Clock, systemClock } from "../src/engine/clock";
import { GOVERNED_IDENTITY_TYPE } from "../src/render/aws";

/** Options of the provider's `GovernedIdentity`: Pulumi's component options, plus the clock (tests). */
export interface ProviderGovernedIdentityOptions extends pulumi.ComponentResourceOptions {
  clock?: Clock;
}

/**
 * Pulumi sends an absent optional as `null` or `undefined` from some languages (a Python dict
 * with `None`, YAML `null`); in Pulumi's property model both mean "not set". Drop them so that
 * the spec validator sees the field as absent, exactly as a TypeScript program that omits it.
 */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!v || typeof v !== "object" || pulumi.Output.isInstance(v) || pulumi.Resource.isInstance(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) if (child !== undefined && child !== null) out[k] = dropNulls(child);
  return out;
}

/**
 * A governed non-human identity on AWS: an IAM role (or, for a static-key credential, an IAM user)
 * with lifecycle tags and the nhi:seal tag, a permissions boundary, the trust policy of its trust
 * kind, one inline policy whose statements lapse after the recertification date, the credential
 * its kind allows (managed secret with rotation, or an access key replaced on schedule) and an
 * optional recertification reminder. The args are validated when the component is constructed:
 * a bad field fails the deployment with a message naming the field, what was given and what is
 * expected. The nhi-governance policy pack recognises these identities as governed and reports
 * IAM roles, users and keys created outside them.
 */
export class GovernedIdentity extends pulumi.ComponentResource {
  /** Name of the IAM role or user. */
  readonly principalName: pulumi.Output<string>;
  /** ARN of the IAM role (absent for a static-key identity, which is an IAM user). */
  readonly roleArn?: pulumi.Output<string>;
  /** ARN of the IAM user (static-key identities only). */
  readonly userArn?: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret holding the credential (managed-secret and static-key). */
  readonly secretArn?: pulumi.Output<string>;
  /** The nhi:seal tag value: a digest of what the spec renders, which the gates recompute. */
  readonly seal: string;

  constructor(name: string, args: GovernedIdentityArgs, opts?: ProviderGovernedIdentityOptions) {
    const { clock = systemClock, ...componentOpts } = opts ?? {};
    const plain = dropNulls(args) as GovernedIdentityArgs;
    // The same validation, type token, inputs and children as the TypeScript component
    // (constructs/pulumi/governed-identity.ts).
    const plan = planGovernedIdentity(name, plain, clock);
    super(GOVERNED_IDENTITY_TYPE, name, plan.inputs, componentOpts);
    const children = createGovernedIdentityChildren(this, name, plain, plan, clock);
    this.principalName = children.principalName;
    this.roleArn = children.roleArn;
    this.userArn = children.userArn;
    this.secretArn = children.secretArn;
    this.seal = plan.seal;
    this.registerOutputs(children.outputs);
  }
}
