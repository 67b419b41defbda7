import { isDiscoverySnapshot, readDiscoverySnapshot } from "../adapters/discovery-snapshot";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, readJson } from "../adapters/input";
import { terraformPrune } from "../adapters/prune";
import { loadConfig } from "../adapters/gate-files";
import { planToInput } from "../adapters/terraform-plan";
import { stateToInput } from "../adapters/terraform-state";
import { fromStackExport } from "../adapters/pulumi-export";
import { EvaluationInput } from "../engine/model";
import { adopt, ADOPT_FORMATS, AdoptFormat } from "../adopt";
import { redactString, secretValues } from "../report/redact";
import { EXIT, UsageError } from "./errors";
import { clockFor, detectKind, Io, readOptionsFor, seenSecrets } from "./run";

export interface AdoptCliOptions {
  format: string;
  out?: string;
  config?: string;
  now?: string;
  region: string;
  stack: string;
  force?: boolean;
  maxInputSize?: string;
}

/** A plan, a state or a Pulumi stack export, told apart by shape: the engine's model. */
export function readAdoptionInput(target: string, readOptions: ReturnType<typeof readOptionsFor>, approvedTypes: string[]): EvaluationInput {
  const { value, input } = readJson(target, { ...readOptions, prune: terraformPrune });
  // A discovery snapshot (nhi-gate discover aws --save): the identities of the account itself.
  if (isDiscoverySnapshot(value)) return readDiscoverySnapshot(value, input.name);
  const kind = detectKind(value, input.name);
  if (kind === "pulumi-export") {
    try {
      return fromStackExport(value, { file: input.name, approvedTypes });
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  return kind === "plan" ? planToInput(value, input.name) : stateToInput(value, input.name);
}

/** Write one generated file: never through a symbolic link, never over an existing file unless --force. */
function writeGenerated(file: string, text: string, force: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | (force ? fs.constants.O_TRUNC : fs.constants.O_EXCL) | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UsageError(`--out: ${file} exists; it may hold filled-in values: move it away, or pass --force to overwrite it`);
    if (code === "ELOOP" || code === "EMLINK") throw new UsageError(`--out: ${file} is a symbolic link; refusing to write through it`);
    if (code === "EISDIR") throw new UsageError(`--out: ${file} is a directory`);
    if (code === "EACCES" || code === "EPERM") throw new UsageError(`--out: ${file}: permission denied`);
    throw new UsageError(`--out: cannot write ${file} (${code ?? "error"})`);
  }
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** `nhi-gate adopt`: read, derive, write the files, print what was done and what is left. */
export async function runAdopt(target: string, opts: AdoptCliOptions, io: Io): Promise<number> {
  const format = opts.format.toLowerCase();
  if (!(ADOPT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format.slice(0, 40)}"; expected one of ${ADOPT_FORMATS.join(", ")}`);
  if (!opts.out) throw new UsageError("adopt needs --out <dir>: the directory the generated files are written to");
  if (!/^[a-z0-9-]+$/.test(opts.region)) throw new UsageError(`--region ${opts.region.slice(0, 40)}: expected an AWS region such as eu-west-1`);
  if (!/^[A-Za-z0-9_-]+$/.test(opts.stack)) throw new UsageError(`--stack ${opts.stack.slice(0, 40)}: expected a stack name of letters, digits, - and _`);
  const clock = clockFor(opts.now);
  const readOptions = readOptionsFor(opts.maxInputSize, io.env);
  const config = loadConfig(opts.config, readOptions);
  const input = readAdoptionInput(target, readOptions, config.approvedConstructs.map((a) => a.type));
  const secrets = secretValues(input.resources);
  seenSecrets.push(...secrets);
  const outDir = path.resolve(opts.out);
  const configPath = opts.config ? path.relative(outDir, path.resolve(opts.config)).split(path.sep).join("/") : undefined;
  const { files, adoption } = adopt(input, format as AdoptFormat, { config, clock, region: opts.region, stack: opts.stack, ...(configPath ? { configPath } : {}), sources: [target === "-" ? "stdin" : target] });
  if (!adoption.identities.length) {
    const why = adoption.skipped.length ? `: ${adoption.skipped.map((s) => `${s.address} (${s.reason})`).join("; ")}` : "";
    io.stderr.write(redactString(`nhi-gate adopt: no ungoverned AWS role or user in ${target === "-" ? "stdin" : target}${why}; nothing written\n`, secrets));
    return EXIT.pass;
  }
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out ${opts.out}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  for (const name of Object.keys(files)) if (!opts.force && fs.existsSync(path.join(outDir, name))) throw new UsageError(`--out: ${path.join(opts.out, name)} exists; it may hold filled-in values: move it away, or pass --force to overwrite it`);
  for (const [name, text] of Object.entries(files)) writeGenerated(path.join(outDir, name), redactString(text, secrets), Boolean(opts.force));

  const lines: string[] = [];
  for (const i of adoption.identities) {
    lines.push(`${i.exists ? "adopted" : "declared"} ${i.address} as GovernedIdentity ${i.id} (${i.exists ? "imported" : "not created yet, nothing to import"}): ${i.todo.length} TODO value${i.todo.length === 1 ? "" : "s"}, ${i.problems.length} problem${i.problems.length === 1 ? "" : "s"}`);
    for (const p of i.problems) lines.push(`  - ${p}`);
  }
  for (const s of adoption.skipped) lines.push(`skipped ${s.address}: ${s.reason}`);
  lines.push(`wrote ${Object.keys(files).map((f) => path.join(opts.out as string, f)).join(", ")}`);
  lines.push('next: fill in every "TODO:" value (validation rejects them, naming the identity and the field), then plan: the existing identities are imported and updated in place');
  io.stdout.write(redactString(`${lines.join("\n")}\n`, secrets));
  return EXIT.pass;
}
