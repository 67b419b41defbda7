import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../adapters/input";
import { loadConfig } from "../adapters/gate-files";
import { BOUNDARY_MAX_SIZE, GUARDRAIL_FORMATS, GuardrailError, GuardrailFormat, guardrailPolicies, SCP_MAX_SIZE } from "../guardrail/policy";
import { EXIT, UsageError } from "./errors";
import { writeOutput } from "./outputs";
import { Io, readOptionsFor } from "./run";

export interface GuardrailOptions {
  config?: string;
  format: string;
  output?: string;
  outputDir?: string;
  pretty?: boolean;
  maxInputSize?: string;
}

const n = (x: number) => x.toLocaleString("en-US");

/**
 * `nhi-gate guardrail --config <file> --format scp|boundary`: the policy JSON on stdout, one
 * document, or a list of documents when the SCP had to be split. Compact by default, because
 * AWS counts an SCP's whitespace against its 5,120 characters.
 */
export async function runGuardrail(opts: GuardrailOptions, io: Io): Promise<number> {
  const format = opts.format.toLowerCase();
  if (!(GUARDRAIL_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format.slice(0, 40)}"; expected one of ${GUARDRAIL_FORMATS.join(", ")}`);
  if (!opts.config) throw new UsageError("guardrail needs --config <file>: the gate config with the guardrail block (deploymentRoles, breakGlassRoles)");
  if (opts.output && opts.outputDir) throw new UsageError("give --output or --output-dir, not both");
  const config = loadConfig(opts.config, readOptionsFor(opts.maxInputSize, io.env));
  let policies;
  try {
    policies = guardrailPolicies(config, format as GuardrailFormat);
  } catch (e) {
    if (e instanceof GuardrailError) throw new InputError(`${opts.config}: ${e.message}`);
    throw e;
  }
  const render = (value: unknown) => (opts.pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)) + "\n";
  if (opts.outputDir) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(opts.outputDir);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new UsageError(`--output-dir ${opts.outputDir}: not an existing directory`);
    for (const p of policies) writeOutput(path.join(opts.outputDir, `${p.name}.json`), opts.pretty ? render(p.document) : p.json);
  } else {
    const text = policies.length === 1 ? render(policies[0].document) : render(policies.map((p) => p.document));
    if (opts.output) writeOutput(opts.output, text);
    else io.stdout.write(text);
  }
  const limit = format === "scp" ? SCP_MAX_SIZE : BOUNDARY_MAX_SIZE;
  const what = format === "scp" ? (policies.length === 1 ? "1 SCP" : `${policies.length} SCPs (split; attach all of them)`) : "1 permissions boundary";
  const sizes = policies.map((p) => `${p.name} ${n(p.size)}`).join(", ");
  const next = format === "scp" ? "attach it to a sandbox OU first" : "set it as the boundary of human and CI roles";
  io.stderr.write(`nhi-gate guardrail: ${what}: ${sizes} of ${n(limit)} characters${opts.pretty && format === "scp" ? " (compact; --pretty output adds whitespace AWS counts)" : ""}; ${next}, see docs/guardrail.md\n`);
  return EXIT.pass;
}
