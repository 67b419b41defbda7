import { InputError, readJson } from "../adapters/input";
import { terraformPrune } from "../adapters/prune";
import { loadConfig } from "../adapters/gate-files";
import { planToInput } from "../adapters/terraform-plan";
import { stateToInput } from "../adapters/terraform-state";
import { fromStackExport } from "../adapters/pulumi-export";
import { isDiscoverySnapshot, readDiscoverySnapshot } from "../adapters/discovery-snapshot";
import { EvaluationInput } from "../engine/model";
import { buildInventory } from "../engine/inventory";
import { formatInventory, INVENTORY_FORMATS, InventoryFormat } from "../report/inventory";
import { redactString, secretValues } from "../report/redact";
import { EXIT, seenSecrets, UsageError } from "./errors";
import { writeOutput } from "./outputs";
import { clockFor, detectKind, Io, readOptionsFor } from "./run";

// `nhi-gate inventory`, loaded by src/cli/main.ts when it runs (the Pulumi export and snapshot readers stay out of the gate's start).

export interface InventoryOptions {
  format: string;
  output?: string;
  config?: string;
  now?: string;
  maxInputSize?: string;
}

/** `nhi-gate inventory <files...>`: every identity with its lifecycle record, and the overdue lists. */
export async function runInventory(targets: string[], opts: InventoryOptions, io: Io): Promise<number> {
  const format = opts.format.toLowerCase();
  if (!(INVENTORY_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format.slice(0, 40)}"; expected one of ${INVENTORY_FORMATS.join(", ")}`);
  const clock = clockFor(opts.now);
  const readOptions = readOptionsFor(opts.maxInputSize, io.env);
  const config = loadConfig(opts.config, readOptions);
  const inputs: EvaluationInput[] = targets.map((target) => {
    // terraformPrune leaves Pulumi stack exports (top-level `deployment`) untouched.
    const { value, input } = readJson(target, { ...readOptions, prune: terraformPrune });
    if (isDiscoverySnapshot(value)) return readDiscoverySnapshot(value, input.name);
    const kind = detectKind(value, input.name);
    if (kind === "pulumi-export") {
      try {
        return fromStackExport(value, { file: input.name, approvedTypes: config.approvedConstructs.map((a) => a.type) });
      } catch (e) {
        throw new InputError((e as Error).message);
      }
    }
    return kind === "plan" ? planToInput(value, input.name) : stateToInput(value, input.name);
  });
  const secrets = secretValues(inputs.flatMap((i) => i.resources));
  seenSecrets.push(...secrets);
  const text = redactString(formatInventory(buildInventory(inputs, { config, clock }), format as InventoryFormat), secrets);
  if (opts.output) writeOutput(opts.output, text);
  else io.stdout.write(text);
  return EXIT.pass;
}
