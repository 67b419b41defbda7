import * as pulumi from "@pulumi/pulumi";
import { ConstructResult, main } from "@pulumi/pulumi/provider";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { Clock, fixedClock, systemClock } from "../src/engine/clock";
import { GOVERNED_IDENTITY_TYPE } from "../src/render/aws";
import { issueText, SpecValidationError } from "../src/spec/identity";
import { GovernedIdentity } from "./governed-identity";

/** The Pulumi package name: SDKs are `pulumi_nhi_governance` (Python), `@pulumi/nhi-governance`-style (Node), ... */
export const PACKAGE_NAME = "nhi-governance";
/** The module the schema puts the component and its types in (`nhi-governance:aws:...`). */
export const MODULE = "aws";
/** The directory of the provider (its package.json and tsconfig.json, which the schema inference reads). */
export const PROVIDER_DIR = __dirname;

/**
 * The token the schema inference gives a type or resource (`nhi-governance:index:TrustArgs`)
 * -> the token this package publishes (`nhi-governance:aws:Trust`). The inference puts everything
 * in the `index` module and names types after their TypeScript interfaces; the component's type
 * token is `nhi-governance:aws:GovernedIdentity` (the one existing stacks and the policy pack know),
 * and the SDKs append `Args` to input types themselves (Python `TrustArgs`, not `TrustArgsArgs`).
 */
export function publishedToken(inferred: string): string {
  const prefix = `${PACKAGE_NAME}:index:`;
  if (!inferred.startsWith(prefix)) return inferred;
  const name = inferred.slice(prefix.length);
  return `${PACKAGE_NAME}:${MODULE}:${name.endsWith("Args") && name !== "Args" ? name.slice(0, -"Args".length) : name}`;
}

/** Rewrite every token (resource and type keys, `$ref`s) of an inferred schema with `publishedToken`. */
export function publishSchema(inferred: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== "object") return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      if (k === "$ref" && typeof child === "string" && child.startsWith("#/types/")) out[k] = `#/types/${publishedToken(child.slice("#/types/".length))}`;
      else out[k] = walk(child);
    }
    return out;
  };
  const rekey = (m: unknown): Record<string, unknown> => Object.fromEntries(Object.entries((m ?? {}) as Record<string, unknown>).map(([k, v]) => [publishedToken(k), walk(v)]));
  return {
    ...(walk(inferred) as Record<string, unknown>),
    displayName: "NHI Governance",
    license: "Apache-2.0",
    keywords: ["aws", "iam", "non-human-identity", "governance", "category/utility", "kind/component"],
    resources: rekey(inferred.resources),
    types: rekey(inferred.types),
  };
}

const INFERRED_COMPONENT_TOKEN = `${PACKAGE_NAME}:index:GovernedIdentity`;

/** A field-level validation error as the Pulumi engine reports it for a component's inputs. */
export function inputPropertiesError(e: SpecValidationError): pulumi.InputPropertiesError {
  return new pulumi.InputPropertiesError({
    message: e.message,
    errors: e.issues.map((i) => ({ propertyPath: i.path, reason: issueText(i) })),
  });
}

/**
 * The nhi-governance component provider: `ComponentProvider` (schema inferred from the TypeScript
 * types of `GovernedIdentityArgs`, with descriptions from their doc comments) publishing the
 * component as `nhi-governance:aws:GovernedIdentity`, the type token of the TypeScript component.
 * A spec validation error reaches the engine as an `InputPropertiesError` whose message is the
 * `SpecValidationError` message and whose details name each field.
 */
export class GovernedIdentityProvider extends ComponentProvider {
  private readonly clock: Clock;

  constructor(options: { clock?: Clock; dirname?: string } = {}) {
    super({ name: PACKAGE_NAME, dirname: options.dirname ?? PROVIDER_DIR, components: [GovernedIdentity] });
    this.clock = options.clock ?? systemClock;
  }

  /** The inferred schema with the tokens this package publishes (see `publishSchema`). */
  override async getSchema(): Promise<string> {
    return JSON.stringify(publishSchema(JSON.parse(await super.getSchema())));
  }

  override async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<ConstructResult> {
    if (type !== GOVERNED_IDENTITY_TYPE) throw new Error(`unknown resource type ${type}; this provider constructs ${GOVERNED_IDENTITY_TYPE}`);
    try {
      return await super.construct(name, INFERRED_COMPONENT_TOKEN, inputs, { ...options, clock: this.clock } as pulumi.ComponentResourceOptions);
    } catch (e) {
      if (e instanceof SpecValidationError) throw inputPropertiesError(e);
      throw e;
    }
  }
}

/** The clock: real time, unless NHI_GOVERNANCE_NOW pins it (as for the policy pack: reproducible runs and tests). */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.NHI_GOVERNANCE_NOW;
  return pinned ? fixedClock(pinned) : systemClock;
}

/** Serve the provider over gRPC (what `pulumi package add` and `pulumi up` run). */
export function serve(args: string[]): Promise<void> {
  return main(new GovernedIdentityProvider({ clock: clockFromEnv() }), args);
}
