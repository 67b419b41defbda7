import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { evaluate } from "../../src/engine/evaluate";
import { Report } from "../../src/engine/report";
import { GateConfigInput } from "../../src/spec/config";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { clock } from "../helpers";

export type Tf = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  terraform?: Record<string, unknown>;
  output?: Record<string, unknown>;
};

export function newStack(id = "stack"): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  return { app, stack: new TerraformStack(app, id) };
}

export function synthJson(stack: TerraformStack): Tf {
  return JSON.parse(Testing.synth(stack)) as Tf;
}

/** The blocks of one resource type, by logical id. */
export function blocks(tf: Tf, type: string): Record<string, Record<string, unknown>> {
  return tf.resource[type] ?? {};
}

/** The one block of a type whose logical id starts with `prefix` (construct path with `_`). */
export function block(tf: Tf, type: string, prefix: string): Record<string, unknown> {
  const hits = Object.entries(blocks(tf, type)).filter(([id]) => id.startsWith(prefix));
  if (hits.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${hits.map(([id]) => id).join(", ") || "none"}`);
  return hits[0][1];
}

/** Run the engine over synthesized JSON, as a gate reading cdk.tf.json would (no construct tree). */
export function gateSynth(tf: unknown, config: GateConfigInput = {}): Report {
  return evaluate({ resources: synthToResources(tf, "cdk.tf.json"), scope: "all" }, { config, clock });
}

export const findingIds = (r: Report) => r.findings.map((f) => `${f.findingId} @ ${f.address}`).sort();

/** `app.synth()` into a fresh temporary outdir; returns the outdir. */
export function tmpApp(): { app: App; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-cdktf-"));
  return { app: new App({ outdir }), outdir };
}

export function readStackJson(outdir: string, stack: string): Tf {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Tf;
}

export function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected app.synth() to fail");
}
