import { InputError, readJson, ReadOptions } from "../adapters/input";
import { terraformPrune } from "../adapters/prune";
import { loadConfig, loadExemptions } from "../adapters/gate-files";
import { planToInput } from "../adapters/terraform-plan";
import { isRawState, stateToInput } from "../adapters/terraform-state";
import { Clock, fixedClock, parseDate, systemClock } from "../engine/clock";
import { evaluate, ruleApplies } from "../engine/evaluate";
import { expandResources } from "../engine/expand";
import { EvaluationInput } from "../engine/model";
import { Report } from "../engine/report";
import { RULES } from "../rules/registry";
import { SEVERITIES, Severity } from "../spec/config";
import { formatter } from "../report";
import { redactReport, redactString, secretValues } from "../report/redact";
import { summaryLine } from "../report/context";
import { EXIT, seenSecrets, UsageError } from "./errors";
import { appendOutput, planOutputs, writeOutput } from "./outputs";
import { Progress } from "./progress";

/*
 * The gate's run (plan, state, synth; discover judges through it too). src/cli/main.ts loads this
 * module when one of those commands runs; what only some runs need (the synth reader, the
 * ledger) is loaded where it is used, so `nhi-gate plan` loads no more than it runs.
 */

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

export { seenSecrets };

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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (kind === "synth") return (require("../adapters/cdktf-synth") as typeof import("../adapters/cdktf-synth")).readSynth(target, readOptions);
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
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ledgerEvents } = require("../engine/ledger") as typeof import("../engine/ledger");
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
