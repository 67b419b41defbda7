import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, loadExemptions } from "../adapters/gate-files";
import { readSynth } from "../adapters/cdktf-synth";
import { EvaluationInput } from "../engine/model";
import { evaluate } from "../engine/evaluate";
import { BaselineError, baselineEntries } from "../engine/baseline";
import { SEVERITIES, Severity } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { redactString, secretValues } from "../report/redact";
import { readAdoptionInput } from "./adopt-run";
import { EXIT, UsageError } from "./errors";
import { clockFor, Io, readOptionsFor, seenSecrets } from "./run";

export interface BaselineCliOptions {
  owner?: string;
  ticket?: string;
  expires?: string;
  output?: string;
  config?: string;
  exemptions?: string;
  now?: string;
  minSeverity?: string;
  reason?: string;
  force?: boolean;
  maxInputSize?: string;
}

/** Write the baseline file: never through a symbolic link; an existing file only when it is the --exemptions file or with --force. */
function writeBaselineFile(file: string, text: string, mayOverwrite: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | (mayOverwrite ? fs.constants.O_TRUNC : fs.constants.O_EXCL) | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UsageError(`--output ${file} exists: name it with --exemptions to add the baseline to it, or pass --force to replace it`);
    if (code === "ELOOP" || code === "EMLINK") throw new UsageError(`--output ${file}: is a symbolic link; refusing to write through it`);
    if (code === "ENOENT") throw new UsageError(`--output ${file}: its directory does not exist`);
    if (code === "EISDIR") throw new UsageError(`--output ${file}: is a directory, expected a file name`);
    if (code === "EACCES" || code === "EPERM") throw new UsageError(`--output ${file}: permission denied`);
    throw new UsageError(`--output ${file}: cannot write (${code ?? "error"})`);
  }
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

const sameFile = (a: string, b: string) => {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
};

/** `nhi-gate baseline`: today's findings as time-boxed exemptions with one owner, ticket and expiry. */
export async function runBaseline(target: string, opts: BaselineCliOptions, io: Io): Promise<number> {
  for (const [flag, v] of [["--owner", opts.owner], ["--ticket", opts.ticket], ["--expires", opts.expires], ["--output", opts.output]] as const) {
    if (!v) throw new UsageError(`baseline needs ${flag}: nhi-gate baseline <file> --owner <team> --ticket <id> --expires <YYYY-MM-DD> --output <file>`);
  }
  const output = opts.output as string;
  const ext = path.extname(output).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) throw new UsageError(`--output ${output}: expected a .yaml, .yml or .json file (the exemptions format)`);
  if (opts.minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(opts.minSeverity)) throw new UsageError(`--min-severity ${opts.minSeverity.slice(0, 40)}: expected one of ${SEVERITIES.join(", ")}`);
  const clock = clockFor(opts.now);
  const readOptions = readOptionsFor(opts.maxInputSize, io.env);
  const config = loadConfig(opts.config, readOptions);
  const existing = loadExemptions(opts.exemptions, readOptions);
  let input: EvaluationInput;
  if (target !== "-" && fs.existsSync(target) && fs.statSync(target).isDirectory()) input = readSynth(target, readOptions);
  else input = readAdoptionInput(target, readOptions, config.approvedConstructs.map((a) => a.type));
  const secrets = secretValues(input.resources);
  seenSecrets.push(...secrets);
  const report = evaluate(input, { config, clock, exemptions: existing });
  let result: ReturnType<typeof baselineEntries>;
  try {
    result = baselineEntries(report, { owner: opts.owner as string, ticket: opts.ticket as string, expires: opts.expires as string, reason: opts.reason, minSeverity: opts.minSeverity as Severity | undefined, config, clock });
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
  const { entries, skipped } = result;
  const all: Exemption[] = [...existing, ...entries];
  const file = { exemptions: all.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))) };
  const header = `# Baseline written by nhi-gate baseline on ${clock.now().toISOString().slice(0, 10)} from ${target === "-" ? "stdin" : target}: ${entries.length} finding${entries.length === 1 ? "" : "s"} the gate reported that day, owner ${opts.owner}, ticket ${opts.ticket}, until ${opts.expires}.\n# Each entry names one finding on one resource: a new identity, or a new finding, still fails. Delete entries as they are fixed (reports count them).\n`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const text = ext === ".json" ? `${JSON.stringify(file, null, 2)}\n` : `${header}${(require("yaml") as typeof import("yaml")).stringify(file, { lineWidth: 0 })}`;
  const mayOverwrite = Boolean(opts.force) || (opts.exemptions !== undefined && sameFile(opts.exemptions, output));
  writeBaselineFile(output, redactString(text, secrets), mayOverwrite);
  // What the gate says with the baseline: it should pass (unless something else, such as an expired exemption, still fails it).
  const after = evaluate(input, { config, clock, exemptions: all });
  const resources = new Set(entries.map((e) => e.resource)).size;
  const lines = [
    `wrote ${entries.length} baseline entr${entries.length === 1 ? "y" : "ies"} (owner ${opts.owner}, ticket ${opts.ticket}, until ${opts.expires}) on ${resources} resource${resources === 1 ? "" : "s"} to ${output}${existing.length ? `, after the ${existing.length} exemption${existing.length === 1 ? "" : "s"} of ${opts.exemptions}` : ""}`,
  ];
  if (skipped.exempted) lines.push(`${skipped.exempted} finding${skipped.exempted === 1 ? " was" : "s were"} exempted already`);
  if (skipped.belowSeverity) lines.push(`${skipped.belowSeverity} finding${skipped.belowSeverity === 1 ? "" : "s"} below ${opts.minSeverity ?? config.failOn} not covered (they do not fail the gate; --min-severity covers them)`);
  lines.push(after.passed ? `with it, the gate passes: nhi-gate ... --exemptions ${output}` : `with it, the gate still fails: ${after.findings.filter((f) => !f.exemptedBy).map((f) => `${f.findingId} @ ${f.address}`).slice(0, 5).join(", ")}`);
  io.stdout.write(redactString(`${lines.join("\n")}\n`, secrets));
  return EXIT.pass;
}
