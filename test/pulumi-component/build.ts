import type { GovernedIdentityArgs, GovernedIdentityOptions } from "../../constructs/pulumi";
import { clock } from "../helpers";
import { installRecordingMocks, RecordedResource, Recorder } from "./harness";

// Mocks first, then the component module (it must not load before the runtime is mocked).
export const recorder: Recorder = installRecordingMocks();
export const pulumiComponent = require("../../constructs/pulumi") as typeof import("../../constructs/pulumi");

export interface Built {
  component: InstanceType<typeof pulumiComponent.GovernedIdentity>;
  /** The component's own registration. */
  self: RecordedResource;
  /** Everything else registered. */
  children: RecordedResource[];
  all: RecordedResource[];
  outputs: Record<string, unknown> | undefined;
}

/** Construct one component on a clean recorder and wait until the SDK has registered everything. */
export async function build(name: string, args: GovernedIdentityArgs, opts: GovernedIdentityOptions = {}): Promise<Built> {
  recorder.reset();
  const component = new pulumiComponent.GovernedIdentity(name, args, { clock, ...opts });
  await recorder.settle();
  const all = recorder.resources;
  const self = all.find((r) => r.type === pulumiComponent.GOVERNED_IDENTITY_TYPE && r.name === name) as RecordedResource;
  return { component, self, children: all.filter((r) => r !== self), all, outputs: recorder.outputs.get(self.urn) };
}

export const byType = (b: Built, type: string): RecordedResource[] => b.children.filter((r) => r.type === type);
export const one = (b: Built, type: string): RecordedResource => {
  const found = byType(b, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};
