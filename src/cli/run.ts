import { z } from "zod";
import { InputError, readData, readJson, ReadOptions, validate } from "../adapters/input";
import { planToInput } from "../adapters/terraform-plan";
import { stateToInput } from "../adapters/terraform-state";
import { readSynth } from "../adapters/cdktf-synth";
import { Clock, fixedClock, parseDate, systemClock } from "../engine/clock";
import { evaluate, ruleApplies } from "../engine/evaluate";
import { EvaluationInput } from "../engine/model";
import { Report } from "../engine/report";
import { RULES } from "../rules/registry";
import { GateConfig, GateConfigSchema, SEVERITIES, Severity } from "../spec/config";
import { Exemption, ExemptionSchema } from "../spec/exemptions";
import { formatter } from "../report";
import { redactReport, secretValues } from "../report/redact";
import { summaryLine } from "../report/context";
import { EXIT, UsageError } from "./errors";
import { planOutputs, writeOutput } from "./outputs";
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
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Secrets seen so far: the top-level handler scrubs them from any error message. */
export const seenSecrets: string[] = [];

export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgKMG]i?[bB]?|[bB])?$/.exec(v.trim());
  if (!m) throw new UsageError(`--max-input-size ${v.slice(0, 40)}: expected bytes, or a number with K, M or G`);
  const unit = (m[2] ?? "").toLowerCase()[0];
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function loadConfig(file: string | undefined, readOptions: ReadOptions): GateConfig {
  if (!file) return GateConfigSchema.parse({});
  const data = readData(file, readOptions);
  return validate(GateConfigSchema, data ?? {}, file, "a valid nhi-gate config");
}

export function loadExemptions(file: string | undefined, readOptions: ReadOptions): Exemption[] {
  if (!file) return [];
  const data = readData(file, readOptions);
  if (Array.isArray(data)) return validate(z.array(ExemptionSchema), data, file, "a valid exemptions list");
  return validate(z.strictObject({ exemptions: z.array(ExemptionSchema) }), data, file, "a valid exemptions file ({ exemptions: [...] } or a list)").exemptions;
}

export function clockFor(now: string | undefined): Clock {
  if (now === undefined) return systemClock;
  const d = parseDate(now);
  if (!d) throw new UsageError(`--now ${now.slice(0, 40)}: expected a date YYYY-MM-DD or an ISO 8601 time`);
  return fixedClock(d);
}

export function readInput(kind: InputKind, target: string, readOptions: ReadOptions): EvaluationInput {
  if (kind === "synth") return readSynth(target, readOptions);
  const { value, input } = readJson(target, readOptions);
  return kind === "plan" ? planToInput(value, input.name) : stateToInput(value, input.name);
}

/** One gate run: read, evaluate, redact, write every format. Returns the exit code. */
export async function runGate(kind: InputKind, target: string, opts: GateOptions, io: Io): Promise<number> {
  const outputs = planOutputs(opts.format, opts.output);
  let failOn: Severity | undefined;
  if (opts.failOn !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(opts.failOn)) throw new UsageError(`--fail-on ${opts.failOn.slice(0, 40)}: expected one of ${SEVERITIES.join(", ")}`);
    failOn = opts.failOn as Severity;
  }
  const clock = clockFor(opts.now);
  const readOptions: ReadOptions = { maxBytes: opts.maxInputSize ? parseSize(opts.maxInputSize) : undefined };
  const progress = new Progress(io.stderr as NodeJS.WriteStream, Boolean(io.stderr.isTTY) && !io.env.CI);
  try {
    const config = loadConfig(opts.config, readOptions);
    if (failOn) config.failOn = failOn;
    const exemptions = loadExemptions(opts.exemptions, readOptions);
    await progress.step(`reading ${target}`);
    const input = readInput(kind, target, readOptions);
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
      const text = formatter(o.format)(report, { color: opts.color !== false && !noColor && !o.file && Boolean(io.stdout.isTTY), applies });
      if (o.file) writeOutput(o.file, text);
      else {
        io.stdout.write(text);
        stdoutUsed = true;
      }
    }
    progress.done();
    if (!stdoutUsed) io.stderr.write(`nhi-gate ${summaryLine(report)}\n`);
    return report.passed ? EXIT.pass : EXIT.findings;
  } finally {
    progress.done();
  }
}

export { InputError };
