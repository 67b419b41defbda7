import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import { clock } from "../helpers";
import { recorder } from "../pulumi-component/build";
import type { RecordedResource } from "../pulumi-component/harness";

// The recording mocks are installed by ../pulumi-component/build; load the provider after them.
export const providerModule = require("../../provider/provider") as typeof import("../../provider/provider");
export const provider = new providerModule.GovernedIdentityProvider({ clock });

/** Inputs as they arrive from another language's SDK: JSON values (no undefined, no functions). */
export const overTheWire = (args: object): pulumi.Inputs => JSON.parse(JSON.stringify(args));

export interface Constructed {
  result: ConstructResult;
  resources: RecordedResource[];
  /** The construct result's state with every Output resolved. */
  state: Record<string, unknown>;
}

const resolve = (v: unknown): Promise<unknown> => (pulumi.Output.isInstance(v) ? new Promise((r) => v.apply((x) => r(x))) : Promise.resolve(v));

/** `construct` the component through the provider (as the engine asks for it) on a clean recorder. */
export async function construct(name: string, inputs: pulumi.Inputs, type = "nhi-governance:aws:GovernedIdentity"): Promise<Constructed> {
  recorder.reset();
  const result = await provider.construct(name, type, inputs, {});
  await recorder.settle();
  const state: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result.state ?? {})) state[k] = await resolve(v);
  return { result, resources: recorder.resources, state };
}
