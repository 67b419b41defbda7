import { z } from "zod";
import { InputError, readJson, ReadOptions } from "../adapters/input";
import { terraformPrune } from "../adapters/prune";
import { loadConfig, loadExemptions } from "../adapters/gate-files";
import { planToInput } from "../adapters/terraform-plan";
import { isRawState, stateToInput } from "../adapters/terraform-state";
import { readSynth } from "../adapters/cdktf-synth";
import { Clock, fixedClock, parseDate, systemClock } from "../engine/clock";
import { evaluate, ruleApplies } from "../engine/evaluate";
import { expandResources } from "../engine/expand";
import { EvaluationInput } from "../engine/model";
import { Report } from "../engine/report";
import { RULES } from "../rules/registry";
import { GateConfig, GateConfigSchema, SEVERITIES, Severity } from "../spec/config";
import { Exemption, ExemptionSchema } from "../spec/exemptions";
import { formatter } from "../report";
import { redactReport, redactString, secretValues } from "../report/redact";
import { ledgerEvents } from "../engine/ledger";
import { buildInventory } from "../engine/inventory";
import { fromStackExport } from "../adapters/pulumi-export";
import { isDiscoverySnapshot, readDiscoverySnapshot } from "../adapters/discovery-snapshot";
import { formatInventory, INVENTORY_FORMATS, InventoryFormat } from "../report/inventory";
import { summaryLine } from "../report/context";
import { EXIT, UsageError } from "./errors";
import { appendOutput, planOutputs, writeOutput } from "./outputs";
import { Progress } from "./progress";

export type InputKind = "plan" | "state" | "synth";

export interface GateOptions {
  format: string[];
  output: string[];
  config?: string;
  exemptions?: string;
  now?: string;
  failOn?: string;
  maxInputSize?: string;
  color?: boolean;
  /** Append one lifecycle event per identity change to this JSON Lines file (plan only). */
  ledger?: string;
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Secrets seen so far: the top-level handler scrubs them from any error message. */
export const seenSecrets: string[] = [];

export function parseSize(v: string, what = "--max-input-size"): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgKMG]i?[bB]?|[bB])?$/.exec(v.trim());
  if (!m) throw new UsageError(`${what} ${v.slice(0, 40)}: expected bytes, or a number with K, M or G`);
  const unit = (m[2] ?? "").toLowerCase()[0];
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function clockFor(now: string | undefined): Clock {
  if (now === undefined) return systemClock;
  const d = parseDate(now);
  if (!d) throw new UsageError(`--now ${now.slice(0, 40)}: expected a date YYYY-MM-DD or an ISO 8601 time`);
  return fixedClock(d);
}

/**
 * Read options from the CLI: the size limit, and (env NHI_GATE_STREAM_ABOVE, bytes or K/M/G) the
 * size above which JSON is stream-parsed instead of read whole (default 256 MiB).
 */
export function readOptionsFor(maxInputSize: string | undefined, env: Record<string, string | undefined>): ReadOptions {
  const streamAbove = env.NHI_GATE_STREAM_ABOVE;
  return { maxBytes: maxInputSize ? parseSize(maxInputSize) : undefined, ...(streamAbove ? { streamAbove: parseSize(streamAbove, "NHI_GATE_STREAM_ABOVE") } : {}) };
}

export function readInput(kind: InputKind, target: string, readOptions: ReadOptions): EvaluationInput {
  if (kind === "synth") return readSynth(target, readOptions);
  // Terraform plans and states: on the streaming path, what the adapters never read is left out.
  const { value, input } = readJson(target, { ...readOptions, prune: terraformPrune });
  return kind === "plan" ? planToInput(value, input.name) : stateToInput(value, input.name);
}

/**
 * One gate run: read, evaluate, redact, write every format. Returns the exit code. `load`
 * replaces reading `target` as a file (discovery reads a cloud account).
 */
export async function runGate(kind: InputKind | "discover", target: string, opts: GateOptions, io: Io, load?: (readOptions: ReadOptions) => Promise<EvaluationInput>): Promise<number> {
  const outputs = planOutputs(opts.format, opts.output);
  let failOn: Severity | undefined;
  if (opts.failOn !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(opts.failOn)) throw new UsageError(`--fail-on ${opts.failOn.slice(0, 40)}: expected one of ${SEVERITIES.join(", ")}`);
    failOn = opts.failOn as Severity;
  }
  const clock = clockFor(opts.now);
  const readOptions = readOptionsFor(opts.maxInputSize, io.env);
  const progress = new Progress(io.stderr as NodeJS.WriteStream, Boolean(io.stderr.isTTY) && !io.env.CI);
  try {
    const config = loadConfig(opts.config, readOptions);
    if (failOn) config.failOn = failOn;
    const exemptions = loadExemptions(opts.exemptions, readOptions);
    await progress.step(`reading ${target}`);
    // Containers (CloudFormation stacks, Cloud Control resources, GCP IAM policies) expanded once here,
    // so the report's per-rule cases and the ledger see the identities inside them too.
    const read = load ? await load(readOptions) : readInput(kind as InputKind, target, readOptions);
    const input = { ...read, resources: expandResources(read.resources) };
    const secrets = secretValues(input.resources);
    seenSecrets.push(...secrets);
    await progress.step(`evaluating ${input.resources.length} identity resources`);
    const raw: Report = evaluate(input, { config, clock, exemptions });
    const report = redactReport(raw, secrets);
    await progress.step("writing reports");
    const scope = input.scope ?? "changes";
    const byAddress = new Map(input.resources.map((r) => [r.address, r]));
    const rules = new Map(RULES.filter((r) => !config.disabledRules.includes(r.id)).map((r) => [r.id, r]));
    const applies = (address: string, ruleId: string) => {
      const r = byAddress.get(address);
      const rule = rules.get(ruleId);
      return Boolean(r && rule && ruleApplies(rule, r, scope));
    };
    const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
    let stdoutUsed = false;
    for (const o of outputs) {
      const text = formatter(o.format)(report, { color: opts.color !== false && !noColor && !o.file && Boolean(io.stdout.isTTY), applies, baseDir: process.cwd() });
      if (o.file) writeOutput(o.file, text);
      else {
        io.stdout.write(text);
        stdoutUsed = true;
      }
    }
    if (opts.ledger) {
      if (kind !== "plan") throw new UsageError("--ledger records the changes of a plan; use it with nhi-gate plan");
      const events = ledgerEvents(input, { clock, source: target, env: io.env as NodeJS.ProcessEnv });
      appendOutput(opts.ledger, events.map((e) => redactString(JSON.stringify(e), secrets) + "\n").join(""));
    }
    progress.done();
    if (!stdoutUsed) io.stderr.write(`nhi-gate ${summaryLine(report)}\n`);
    return report.passed ? EXIT.pass : EXIT.findings;
  } finally {
    progress.done();
  }
}

export { InputError };

export interface InventoryOptions {
  format: string;
  output?: string;
  config?: string;
  now?: string;
  maxInputSize?: string;
}

/** Which kind of JSON an inventory input is: a plan, a state, or a Pulumi stack export. */
export function detectKind(value: unknown, name: string): "plan" | "state" | "pulumi-export" {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ("deployment" in v) return "pulumi-export";
    if ("resource_changes" in v || "planned_values" in v) return "plan";
    if ("values" in v || ("format_version" in v && "terraform_version" in v) || isRawState(v)) return "state";
  }
  throw new InputError(`${name}: not a Terraform plan or state (terraform show -json) nor a Pulumi stack export (pulumi stack export) nor a discovery snapshot (nhi-gate discover aws --save)`);
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
