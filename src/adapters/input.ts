import { isUtf8 } from "node:buffer";
import * as fs from "node:fs";
import * as z from "zod";
import { ChunkSource, DROP, parseJsonChunks, Prune } from "./json-stream";

/**
 * Reading untrusted input files at the edge: bytes to text (BOM / UTF-16 detection), a size
 * limit, JSON with the byte offset of a syntax error, and zod validation naming file and
 * field. Every failure is an `InputError` with one line of text that never quotes the input
 * (it may hold secrets): the CLI prints it and exits 2.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "InputError";
  }
}

/** Default size limit: 1 GiB. V8 cannot hold a string much beyond 512 MiB: `readJson` streams files above `DEFAULT_STREAM_ABOVE`. */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024 * 1024;
/** JSON files up to this size are read whole (readFileSync + JSON.parse, the fast path); bigger ones are stream-parsed. */
export const DEFAULT_STREAM_ABOVE = 256 * 1024 * 1024;
/** Bytes per read on the streaming path. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Deepest nesting the adapters walk; deeper input is an input error, not a stack overflow. */
export const MAX_DEPTH = 200;

export interface TextInput {
  /** The name used in messages: the path, or `stdin`. */
  name: string;
  text: string;
  encoding: "utf8" | "utf8-bom" | "utf16le" | "utf16be";
  /** Bytes before the text (a byte-order mark). */
  offset: number;
  bytes: number;
}

export interface ReadOptions {
  maxBytes?: number;
  /** `readJson`: stream-parse inputs bigger than this many bytes (default `DEFAULT_STREAM_ABOVE`; 0 streams everything). */
  streamAbove?: number;
  /** `readJson` on the streaming path: what may be left out of the value (see prune.ts). Ignored on the fast path. */
  prune?: Prune;
  /** Bytes per read on the streaming path (tests use small chunks). */
  chunkBytes?: number;
}

function describeFsError(name: string, e: NodeJS.ErrnoException): InputError {
  switch (e.code) {
    case "ENOENT":
      return new InputError(`${name}: no such file`);
    case "EISDIR":
      return new InputError(`${name}: is a directory, expected a file`);
    case "EACCES":
    case "EPERM":
      return new InputError(`${name}: permission denied`);
    default:
      return new InputError(`${name}: cannot read (${e.code ?? "error"})`);
  }
}

/**
 * Byte offset of the first byte that does not begin a well-formed UTF-8 sequence (overlong
 * forms, surrogates and code points above U+10FFFF included), or -1 when all of `buf` is
 * well-formed. `isUtf8` answers the question fast; this finds where, for the message.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= buf.length) return i; // not a lead byte, or the sequence is cut off
    const b1 = buf[i + 1];
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    for (let k = 1; k <= n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** The input error for bytes that are not UTF-8, at `offset` in the file. */
export const notUtf8 = (name: string, offset: number) =>
  new InputError(`${name}: not valid UTF-8 at byte offset ${offset}; Terraform, CDKTF and Pulumi write UTF-8 (or UTF-16 with a byte-order mark): the file is corrupt or was re-encoded`);

/** Throw unless `body` (which starts at `offset` in the file) is well-formed UTF-8. */
function checkUtf8(body: Buffer, name: string, offset: number): void {
  if (!isUtf8(body)) throw notUtf8(name, offset + firstInvalidUtf8(body));
}

/**
 * Decode bytes: UTF-8 (with or without BOM), UTF-16 LE/BE with a BOM, or UTF-16 LE without one.
 * Malformed UTF-8 is an input error: decoding would turn it into U+FFFD silently, and a mangled
 * key (`resource_changes`, `type`) must not quietly change what the gate reads.
 */
export function decode(buf: Buffer, name: string): Omit<TextInput, "name" | "bytes"> {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString("utf16le"), encoding: "utf16le", offset: 2 };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const body = Buffer.from(buf.subarray(2));
    if (body.length % 2) throw new InputError(`${name}: truncated UTF-16 text (odd number of bytes)`);
    body.swap16();
    return { text: body.toString("utf16le"), encoding: "utf16be", offset: 2 };
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    checkUtf8(buf.subarray(3), name, 3);
    return { text: buf.subarray(3).toString("utf8"), encoding: "utf8-bom", offset: 3 };
  }
  // UTF-16 LE without a BOM: JSON starts with an ASCII character followed by a zero byte.
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[3] === 0) return { text: buf.toString("utf16le"), encoding: "utf16le", offset: 0 };
  checkUtf8(buf, name, 0);
  return { text: buf.toString("utf8"), encoding: "utf8", offset: 0 };
}

/** Read a file (or `-` for stdin) as text. */
export function readText(file: string, options: ReadOptions = {}): TextInput {
  const max = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const name = file === "-" ? "stdin" : file;
  let buf: Buffer;
  try {
    if (file === "-") {
      buf = fs.readFileSync(0);
    } else {
      const st = fs.statSync(file);
      if (st.isDirectory()) throw new InputError(`${name}: is a directory, expected a file`);
      if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new InputError(`${name}: not a regular file`);
      if (st.isFile() && st.size > max) throw new InputError(`${name}: ${st.size} bytes, over the input size limit of ${max} bytes (raise it with --max-input-size)`);
      buf = fs.readFileSync(file);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_STRING_TOO_LONG" || err instanceof RangeError) throw new InputError(`${name}: too large to read into memory`);
    throw describeFsError(name, err);
  }
  return textOf(buf, name, max);
}

/** Bytes to text, with the checks of `readText` (size, empty, only whitespace). */
function textOf(buf: Buffer, name: string, max: number): TextInput {
  if (buf.length > max) throw new InputError(`${name}: ${buf.length} bytes, over the input size limit of ${max} bytes (raise it with --max-input-size)`);
  if (buf.length === 0) throw new InputError(`${name}: empty file, expected JSON`);
  let decoded;
  try {
    decoded = decode(buf, name);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${name}: too large to decode into memory (${buf.length} bytes)`);
  }
  if (decoded.text.trim() === "") throw new InputError(`${name}: empty file (only whitespace), expected JSON`);
  return { name, bytes: buf.length, ...decoded };
}

/** Byte offset in the file of the character at `pos` of the decoded text. */
function byteOffset(input: TextInput, pos: number): number {
  if (input.encoding === "utf16le" || input.encoding === "utf16be") return input.offset + pos * 2;
  return input.offset + Buffer.byteLength(input.text.slice(0, pos), "utf8");
}

/** JSON.parse with a one-line error naming the file and the byte offset, never quoting the input. */
export function parseJsonText(input: TextInput): unknown {
  try {
    return JSON.parse(input.text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError || /call stack|too deep/i.test(msg)) throw new InputError(`${input.name}: JSON nested too deeply to parse`);
    // V8's message quotes the input and does not always give a position. The streaming parser
    // (one JSON grammar for both read paths) finds the first error in the file's bytes and words
    // it; skipping every member, it builds nothing, and its depth is not limited here.
    let sent = false;
    parseJsonChunks(() => (sent ? null : ((sent = true), bytesOf(input))), { name: input.name, maxDepth: Number.MAX_SAFE_INTEGER, prune: { skip: () => DROP } });
    throw new InputError(`${input.name}: invalid JSON syntax`);
  }
}

/** The file's bytes again, from the decoded text (BOM and encoding as read). */
function bytesOf(input: TextInput): Buffer {
  switch (input.encoding) {
    case "utf8":
      return Buffer.from(input.text, "utf8");
    case "utf8-bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(input.text, "utf8")]);
    case "utf16le":
      return Buffer.concat([Buffer.from(input.offset ? [0xff, 0xfe] : []), Buffer.from(input.text, "utf16le")]);
    case "utf16be":
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(input.text, "utf16le").swap16()]);
  }
}

export function readJson(file: string, options: ReadOptions = {}): { input: TextInput; value: unknown } {
  const max = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const above = options.streamAbove ?? DEFAULT_STREAM_ABOVE;
  const name = file === "-" ? "stdin" : file;
  const over = (n: number) => new InputError(`${name}: ${n} bytes, over the input size limit of ${max} bytes (raise it with --max-input-size)`);
  let st: fs.Stats | undefined;
  if (file !== "-") {
    try {
      st = fs.statSync(file);
    } catch (e) {
      throw describeFsError(name, e as NodeJS.ErrnoException);
    }
    if (st.isFile() && st.size <= above) return fastJson(file, options);
    if (st.isDirectory() || (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice())) return fastJson(file, options);
    if (st.isFile() && st.size > max) throw over(st.size);
  }
  if (!st?.isFile()) {
    // stdin or a pipe: collect chunks (Buffers live outside the V8 heap); small inputs take the fast path.
    const chunks = readChunks(file, name, max, options.chunkBytes ?? CHUNK_BYTES);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    if (total <= above) {
      const input = textOf(Buffer.concat(chunks), name, max);
      return { input, value: parseJsonText(input) };
    }
    let i = 0;
    return streamed(name, total, () => (i < chunks.length ? chunks[i++] : null), options);
  }
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    throw describeFsError(name, e as NodeJS.ErrnoException);
  }
  try {
    const size = options.chunkBytes ?? CHUNK_BYTES;
    let total = 0;
    const source: ChunkSource = () => {
      const buf = Buffer.allocUnsafe(size);
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, size, null);
      } catch (e) {
        throw describeFsError(name, e as NodeJS.ErrnoException);
      }
      if (n === 0) return null;
      total += n;
      if (total > max) throw over(total);
      return n < size ? buf.subarray(0, n) : buf;
    };
    const result = streamed(name, 0, source, options);
    result.input.bytes = total;
    return result;
  } finally {
    fs.closeSync(fd);
  }
}

function fastJson(file: string, options: ReadOptions): { input: TextInput; value: unknown } {
  const input = readText(file, options);
  return { input, value: parseJsonText(input) };
}

function streamed(name: string, bytes: number, source: ChunkSource, options: ReadOptions): { input: TextInput; value: unknown } {
  const { value, encoding, offset } = parseJsonChunks(source, { name, prune: options.prune });
  return { input: { name, text: "", encoding, offset, bytes }, value };
}

/** Read stdin (`-`) or a pipe in chunks, refusing more than `max` bytes. */
function readChunks(file: string, name: string, max: number, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd = 0;
  try {
    if (file !== "-") fd = fs.openSync(file, "r");
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, size, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        if (code === "EOF") break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputError(`${name}: ${total} bytes, over the input size limit of ${max} bytes (raise it with --max-input-size)`);
      chunks.push(n < size ? buf.subarray(0, n) : buf);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw describeFsError(name, e as NodeJS.ErrnoException);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
  return chunks;
}

/** Read JSON or YAML (by extension; `.yaml`/`.yml` are YAML, everything else JSON). */
export function readData(file: string, options: ReadOptions = {}): unknown {
  const input = readText(file, options);
  if (!/\.ya?ml$/i.test(file)) return parseJsonText(input);
  // yaml is loaded only for YAML files, keeping the plan path lean.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require("yaml") as typeof import("yaml");
  const doc = YAML.parseDocument(input.text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = err.pos?.[0] ?? 0;
    throw new InputError(`${input.name}: invalid YAML (${err.code}) at byte offset ${byteOffset(input, pos)}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** A dot path of a zod issue: `resource_changes.3.change.actions`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p) => String(p)).join(".") : "(top level)";
}

/** Validate with zod; on failure one line naming the file, the field and what was expected. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, name: string, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? "s" : ""})` : "";
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return fail(`${name}: not ${what}: ${issuePath(issue.path)}: ${message}${more}`);
}

function fail(message: string): never {
  throw new InputError(message);
}

/** A plain object check that does not trust prototypes. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Set an own property even for `__proto__` (never touches a prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
