import * as fs from "node:fs";
import { EXTENSION, Format, formatForFile, FORMATS } from "../report";
import { UsageError } from "./errors";

export interface OutputPlan {
  format: Format;
  /** A file, or undefined for stdout. */
  file?: string;
}

/** `--format sarif,json` and repeated `--format` flags to one list, in order, each once. */
export function parseFormats(values: string[]): Format[] {
  const out: Format[] = [];
  for (const v of values) {
    for (const raw of v.split(",")) {
      const f = raw.trim().toLowerCase();
      if (!f) continue;
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown --format "${f.slice(0, 40)}"; expected one of ${FORMATS.join(", ")}`);
      if (out.includes(f as Format)) throw new UsageError(`--format ${f} given twice`);
      out.push(f as Format);
    }
  }
  return out;
}

/**
 * Which format goes where. The n-th `--output` receives the n-th `--format`, in the order given:
 *   --format sarif --output gate.sarif --format json --output gate.json
 * A format without an `--output` goes to stdout (one at most). Without `--format`, each
 * `--output` takes the format of its extension (.sarif, .json, .xml = junit, .md, .txt); with
 * neither, text goes to stdout. `--output -` is stdout.
 */
export function planOutputs(formatValues: string[], outputs: string[]): OutputPlan[] {
  const formats = parseFormats(formatValues);
  if (!formats.length) {
    if (!outputs.length) return [{ format: "text" }];
    if (outputs.includes("-")) throw new UsageError("--output - (stdout) needs a --format");
    return outputs.map((file) => {
      const format = formatForFile(file);
      if (!format) throw new UsageError(`cannot tell the format of --output ${file} from its extension; add --format (${FORMATS.map((f) => `${f} ${EXTENSION[f]}`).join(", ")})`);
      return { format, file };
    });
  }
  if (outputs.length > formats.length) throw new UsageError(`${outputs.length} --output files but ${formats.length} --format${formats.length === 1 ? "" : "s"}: give one --format per --output, in the same order`);
  const plan: OutputPlan[] = formats.map((format, i) => ({ format, file: outputs[i] === "-" ? undefined : outputs[i] }));
  const toStdout = plan.filter((p) => !p.file);
  if (toStdout.length > 1) throw new UsageError(`formats ${toStdout.map((p) => p.format).join(", ")} have no --output; only one format can go to stdout`);
  const files = outputs.filter((o) => o !== "-");
  if (new Set(files).size !== files.length) throw new UsageError("the same --output file is named twice");
  return plan;
}

/**
 * Open a file the user named for writing: never through a symbolic link (O_NOFOLLOW: an existing
 * symlink is refused with a message, not followed); one line naming the option on failure.
 */
function openNamed(option: string, file: string, flags: number): number {
  try {
    return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | flags | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") throw new UsageError(`${option} ${file}: is a symbolic link; refusing to write through it (name the real file, or remove the link)`);
    if (code === "EISDIR") throw new UsageError(`${option} ${file}: is a directory, expected a file name`);
    if (code === "ENOENT") throw new UsageError(`${option} ${file}: its directory does not exist`);
    if (code === "EACCES" || code === "EPERM") throw new UsageError(`${option} ${file}: permission denied`);
    throw new UsageError(`${option} ${file}: cannot write (${code ?? "error"})`);
  }
}

/** Write a report file (`--output`): only the path named, truncating a regular file. */
export function writeOutput(file: string, content: string): void {
  const fd = openNamed("--output", file, fs.constants.O_TRUNC);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new UsageError(`--output ${file}: not a regular file`);
    writeText(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

const CHUNK = 1 << 20;

/**
 * A report in pieces of about a million characters: the UTF-8 copy of a 35 MB report is not held
 * whole beside the string. A piece never ends between the halves of a surrogate pair, so the
 * bytes are those of the whole string encoded at once.
 */
function writeText(fd: number, content: string): void {
  if (content.length <= CHUNK) {
    fs.writeFileSync(fd, content);
    return;
  }
  for (let i = 0; i < content.length; ) {
    let end = Math.min(i + CHUNK, content.length);
    const last = content.charCodeAt(end - 1);
    if (end < content.length && last >= 0xd800 && last <= 0xdbff) end++;
    fs.writeFileSync(fd, content.slice(i, end));
    i = end;
  }
}

/** Append to a file (the `--ledger`): created when missing, never through a symbolic link. */
export function appendOutput(file: string, content: string): void {
  const fd = openNamed("--ledger", file, fs.constants.O_APPEND);
  try {
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}
