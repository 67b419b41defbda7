import { isUtf8 } from "node:buffer";
import { firstInvalidUtf8, InputError, MAX_DEPTH, notUtf8 } from "./input";

/**
 * A streaming JSON parser for inputs too big for one string (V8 caps strings near 512 MiB):
 * it reads byte chunks, never holds the whole text, and builds the value with an explicit
 * stack (no recursion). What it builds equals `JSON.parse` of the decoded text: numbers via
 * `Number`, every escape including surrogate pairs, `__proto__` / `constructor` keys as own
 * data properties, the last of duplicate keys wins. A `Prune` hook keeps a huge plan from
 * becoming a huge object tree: it may skip a value without building it (its syntax is still
 * checked) or replace a completed value with a smaller one.
 *
 * Errors are `InputError`s worded like `parseJsonText`'s, with the byte offset in the file and
 * never a quote of the input.
 */

export type PathKey = string | number;

/** A placeholder for a skipped value, or `DROP` to leave the member out. */
export const DROP: unique symbol = Symbol("drop");
export type SkipDecision = undefined | typeof DROP | { value: unknown };

export interface Prune {
  /**
   * Called before the value of an object member is parsed: `path` leads to the value (its
   * last element is the member's key). `undefined` builds it; otherwise it is skipped.
   */
  skip?(path: readonly PathKey[]): SkipDecision;
  /** Called when an object or array at `path` is complete; returns what to keep in its place. */
  done?(path: readonly PathKey[], value: unknown): unknown;
}

/**
 * Nesting limit of the streaming path. It is above the adapters' `MAX_DEPTH` (which counts from
 * a resource's attributes, a few levels below the document root) so that a document the fast
 * path reads is not refused here, and still far from any stack limit of later recursive walks.
 */
export const streamMaxDepth = (): number => 2 * MAX_DEPTH;

export interface StreamOptions {
  /** The name used in messages: the path, or `stdin`. */
  name: string;
  prune?: Prune;
  maxDepth?: number;
}

/** Raw file bytes in order; `null` at the end. */
export type ChunkSource = () => Buffer | null;

class Stop {
  constructor(
    readonly pos: number,
    readonly kind?: "depth",
  ) {}
}

const WS = new Uint8Array(256);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;
const ESC: Record<number, string> = { 0x22: '"', 0x5c: "\\", 0x2f: "/", 0x62: "\b", 0x66: "\f", 0x6e: "\n", 0x72: "\r", 0x74: "\t" };
const hex = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);

interface Frame {
  /** The container being built; undefined while skipping. */
  obj: Record<string, unknown> | unknown[] | undefined;
  arr: boolean;
  /** Current member key (objects). */
  key: string;
  /** Set on the outermost skipped container: what goes in its place. */
  skipped?: Exclude<SkipDecision, undefined>;
}

/**
 * The byte-level parser over UTF-8 chunks (already transcoded). Offsets it reports count bytes
 * of this UTF-8 stream; the caller maps them to file offsets.
 */
class Utf8Parser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  private eof = false;
  /** Stream offset of the first byte that is not JSON whitespace. */
  first = 0;

  constructor(private readonly next: () => Buffer | null) {}

  /** Load more bytes keeping buf[keep..]; returns how far indices moved (subtract from saved indices), or -1 at the end. */
  private more(keep: number): number {
    if (this.eof) return -1;
    for (;;) {
      const chunk = this.next();
      if (chunk === null) {
        this.eof = true;
        return -1;
      }
      if (!chunk.length) continue;
      const rest = this.buf.subarray(keep);
      this.buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      this.base += keep;
      this.pos -= keep;
      return keep;
    }
  }

  /** Skip whitespace; false at the end of input. */
  private ws(): boolean {
    for (;;) {
      const b = this.buf;
      let p = this.pos;
      while (p < b.length && WS[b[p]]) p++;
      this.pos = p;
      if (p < b.length) return true;
      if (this.more(p) < 0) return false;
    }
  }

  private stop(p: number): never {
    throw new Stop(this.base + p);
  }

  /** The string token at pos (the opening quote); decoded unless `build` is false. */
  private str(build: boolean): string | undefined {
    let scan = this.pos + 1;
    let escapes = false;
    for (;;) {
      const b = this.buf;
      let p = scan;
      while (p < b.length) {
        const c = b[p];
        if (c === 0x22) break;
        if (c < 0x20) this.stop(p);
        if (c === 0x5c) {
          escapes = true;
          if (p + 1 >= b.length) break;
          const e = b[p + 1];
          if (e === 0x75) {
            if (p + 5 >= b.length) break;
            if (hex(b[p + 2]) < 0 || hex(b[p + 3]) < 0 || hex(b[p + 4]) < 0 || hex(b[p + 5]) < 0) this.stop(p);
            p += 6;
          } else if (ESC[e] !== undefined) p += 2;
          else this.stop(p);
          continue;
        }
        p++;
      }
      if (p < b.length && b[p] === 0x22) {
        const start = this.pos + 1;
        this.pos = p + 1;
        if (!build) return undefined;
        return escapes ? this.unescape(start, p) : b.toString("utf8", start, p);
      }
      // Ran out inside the string (possibly inside an escape): load more and resume at p.
      const moved = this.more(this.pos);
      if (moved < 0) {
        // An escape cut by the end of input is reported at its backslash, like parseJsonText.
        if (p < b.length && b[p] === 0x5c) this.stop(p);
        this.stop(b.length);
      }
      scan = p - moved;
    }
  }

  private unescape(start: number, end: number): string {
    const b = this.buf;
    let out = "";
    let from = start;
    let p = start;
    while (p < end) {
      if (b[p] !== 0x5c) {
        p++;
        continue;
      }
      if (p > from) out += b.toString("utf8", from, p);
      const e = b[p + 1];
      if (e === 0x75) {
        out += String.fromCharCode((hex(b[p + 2]) << 12) | (hex(b[p + 3]) << 8) | (hex(b[p + 4]) << 4) | hex(b[p + 5]));
        p += 6;
      } else {
        out += ESC[e];
        p += 2;
      }
      from = p;
    }
    if (end > from) out += b.toString("utf8", from, end);
    return out;
  }

  /** End of the number at s (the longest valid prefix, like parseJsonText's scan), or -1 when it may continue past the buffer. */
  private numberEnd(s: number): number {
    const b = this.buf;
    const n = b.length;
    const more = (p: number) => (this.eof ? p : -1);
    const digit = (q: number) => q < n && b[q] >= 0x30 && b[q] <= 0x39;
    let p = s;
    if (b[p] === 0x2d) p++;
    if (p >= n) return this.eof ? this.stop(s) : -1;
    if (b[p] === 0x30) p++;
    else if (digit(p)) while (digit(p)) p++;
    else this.stop(s);
    if (p >= n) return more(p);
    if (b[p] === 0x2e) {
      if (p + 1 >= n) return more(p);
      if (digit(p + 1)) {
        p++;
        while (digit(p)) p++;
        if (p >= n) return more(p);
      }
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      let q = p + 1;
      if (q < n && (b[q] === 0x2b || b[q] === 0x2d)) q++;
      if (q >= n) return more(p);
      if (digit(q)) {
        while (digit(q)) q++;
        p = q;
        if (p >= n) return more(p);
      }
    }
    return p;
  }

  /** A number or literal at pos. */
  private scalar(build: boolean): unknown {
    for (;;) {
      const b = this.buf;
      const s = this.pos;
      const c = b[s];
      if (c === 0x74 || c === 0x66 || c === 0x6e) {
        const word = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
        if (s + word.length <= b.length) {
          for (let k = 1; k < word.length; k++) if (b[s + k] !== word.charCodeAt(k)) this.stop(s);
          this.pos = s + word.length;
          return c === 0x74 ? true : c === 0x66 ? false : null;
        }
        for (let k = 1; s + k < b.length; k++) if (b[s + k] !== word.charCodeAt(k)) this.stop(s);
        if (this.more(s) < 0) this.stop(s);
        continue;
      }
      const p = this.numberEnd(s);
      if (p >= 0) {
        this.pos = p;
        return build ? Number(b.toString("latin1", s, p)) : undefined;
      }
      this.more(s);
    }
  }

  parse(prune: Prune | undefined, maxDepth: number): unknown {
    const stack: Frame[] = [];
    const path: PathKey[] = [];
    /** Depth of skipped containers below the outermost skipped one. */
    let skipping = 0;
    let pending: Exclude<SkipDecision, undefined> | undefined;
    let value: unknown;
    const found = this.ws();
    this.first = this.base + this.pos;
    if (!found) this.stop(this.buf.length);
    for (;;) {
      // A value starts at pos (whitespace skipped).
      const c = this.buf[this.pos];
      const building = skipping === 0 && pending === undefined;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= maxDepth) throw new Stop(this.base + this.pos, "depth");
        const arr = c === 0x5b;
        const frame: Frame = { obj: building ? (arr ? [] : {}) : undefined, arr, key: "" };
        if (pending !== undefined) {
          frame.skipped = pending;
          pending = undefined;
          skipping = 1;
        } else if (skipping) skipping++;
        stack.push(frame);
        this.pos++;
        if (!this.ws()) this.stop(this.buf.length);
        const close = this.buf[this.pos];
        if ((arr && close === 0x5d) || (!arr && close === 0x7d)) {
          this.pos++;
          value = this.close(stack, path, prune, () => skipping--);
        } else {
          if (arr) path.push(0);
          else this.memberKey(frame, path, skipping === 0);
          if (!arr && skipping === 0 && prune?.skip) pending = prune.skip(path);
          if (!this.ws()) this.stop(this.buf.length);
          continue;
        }
      } else if (c === 0x22) {
        value = this.str(building);
        if (pending !== undefined) {
          value = pending === DROP ? DROP : pending.value;
          pending = undefined;
        }
      } else {
        value = this.scalar(building);
        if (pending !== undefined) {
          value = pending === DROP ? DROP : pending.value;
          pending = undefined;
        }
      }
      // A value is complete: attach it to its container, then a comma or the container's end.
      for (;;) {
        if (!stack.length) {
          if (this.ws()) this.stop(this.pos);
          return value;
        }
        const top = stack[stack.length - 1];
        if (top.obj !== undefined && value !== DROP) {
          if (top.arr) (top.obj as unknown[]).push(value);
          else if (top.key === "__proto__") Object.defineProperty(top.obj, top.key, { value, enumerable: true, writable: true, configurable: true });
          else (top.obj as Record<string, unknown>)[top.key] = value;
        }
        if (!this.ws()) this.stop(this.buf.length);
        const d = this.buf[this.pos];
        if (d === 0x2c) {
          this.pos++;
          if (!this.ws()) this.stop(this.buf.length);
          if (top.arr) path[path.length - 1] = (path[path.length - 1] as number) + 1;
          else {
            path.pop();
            this.memberKey(top, path, skipping === 0);
            if (skipping === 0 && prune?.skip) pending = prune.skip(path);
            if (!this.ws()) this.stop(this.buf.length);
          }
          break;
        }
        if ((top.arr && d === 0x5d) || (!top.arr && d === 0x7d)) {
          this.pos++;
          path.pop();
          value = this.close(stack, path, prune, () => skipping--);
          continue;
        }
        this.stop(this.pos);
      }
    }
  }

  /** Pop a finished container; returns the value to attach to its parent. */
  private close(stack: Frame[], path: PathKey[], prune: Prune | undefined, unskip: () => void): unknown {
    const frame = stack.pop() as Frame;
    if (frame.obj === undefined) {
      unskip();
      if (frame.skipped !== undefined) return frame.skipped === DROP ? DROP : frame.skipped.value;
      return undefined;
    }
    return prune?.done ? prune.done(path, frame.obj) : frame.obj;
  }

  /** At a key (after `{` or `,`): read it and the colon, push it on the path. */
  private memberKey(frame: Frame, path: PathKey[], build: boolean): void {
    if (this.buf[this.pos] !== 0x22) this.stop(this.pos);
    const key = build ? (this.str(true) as string) : (this.str(false), "");
    frame.key = key;
    path.push(key);
    if (!this.ws()) this.stop(this.buf.length);
    if (this.buf[this.pos] !== 0x3a) this.stop(this.pos);
    this.pos++;
  }

  /** After an error at stream offset `at`: whether only whitespace (as String#trim sees it) follows. */
  restIsBlank(at: number): boolean {
    const decoder = new TextDecoder("utf-8", { fatal: false });
    let from = Math.max(0, at - this.base);
    for (;;) {
      if (from < this.buf.length && decoder.decode(this.buf.subarray(from), { stream: true }).trim() !== "") return false;
      from = this.buf.length;
      if (this.more(this.buf.length) < 0) break;
      from = 0;
    }
    return decoder.decode().trim() === "";
  }

}

/** Wrap the raw source: drop a BOM, transcode UTF-16 to UTF-8; map stream offsets back to file offsets. */
function transcoder(source: ChunkSource, name: string): Transcoded {
  // Enough bytes to detect the encoding (as `decode` in input.ts does).
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 4 && !done) {
    const c = source();
    if (c === null) done = true;
    else head = head.length ? Buffer.concat([head, c]) : c;
  }
  const empty = head.length === 0;
  const le = head.length >= 2 && head[0] === 0xff && head[1] === 0xfe;
  const be = head.length >= 2 && head[0] === 0xfe && head[1] === 0xff;
  const bom = le || be ? 2 : head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const le16 = !bom && head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[3] === 0;
  head = head.subarray(bom);
  const pull = (): Buffer | null => {
    if (head.length) {
      const h = head;
      head = Buffer.alloc(0) as Buffer;
      return h;
    }
    return done ? null : source();
  };
  if (!le && !be && !le16) return { next: utf8Checked(pull, name, bom), fileOffset: (p) => bom + p, empty, encoding: bom ? "utf8-bom" : "utf8", bom };
  return { ...utf16Transcoder(pull, name, bom, be), empty, encoding: be ? "utf16be" : "utf16le", bom };
}

/** How many bytes at the end of `b` begin a UTF-8 sequence that the next chunk completes (0-3). */
function incompleteTail(b: Buffer): number {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const c = b[b.length - k];
    if (c < 0x80) return 0;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > k ? k : 0;
    }
  }
  return 0;
}

/**
 * Pass UTF-8 chunks through unchanged, checking that they are well-formed as the fast path does
 * (decode in input.ts): a sequence split across chunks is checked when its end arrives.
 */
function utf8Checked(pull: () => Buffer | null, name: string, bom: number): () => Buffer | null {
  let carry: Buffer | undefined;
  let at = 0; // stream offset of the first byte not yet checked
  return () => {
    const chunk = pull();
    if (chunk === null) {
      if (carry) throw notUtf8(name, bom + at);
      return null;
    }
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    const checked = data.length - incompleteTail(data);
    const head = data.subarray(0, checked);
    if (!isUtf8(head)) throw notUtf8(name, bom + at + firstInvalidUtf8(head));
    carry = checked < data.length ? Buffer.from(data.subarray(checked)) : undefined;
    at += checked;
    return chunk;
  };
}

interface Transcoded {
  next: () => Buffer | null;
  fileOffset: (p: number) => number;
  empty: boolean;
  encoding: StreamEncoding;
  bom: number;
}

export type StreamEncoding = "utf8" | "utf8-bom" | "utf16le" | "utf16be";

/**
 * UTF-16 chunks to UTF-8 chunks, with a table to map UTF-8 stream offsets back to file offsets.
 * A surrogate pair split across chunks is kept whole; an unpaired surrogate written raw in
 * UTF-16 text (not as a `\u` escape) becomes U+FFFD here, where the fast path keeps it.
 */
function utf16Transcoder(pull: () => Buffer | null, name: string, bom: number, be: boolean): Pick<Transcoded, "next" | "fileOffset"> {
  let odd: Buffer | undefined;
  let highSurrogate = "";
  let fileAt = bom;
  let utf8At = 0;
  /** Per transcoded chunk: where it starts in the UTF-8 stream and in the file, and its text (kept only while small). */
  const table: { utf8: number; file: number; text: string }[] = [];
  let finished = false;
  const next = (): Buffer | null => {
    for (;;) {
      if (finished) return null;
      let c = pull();
      if (c === null) {
        finished = true;
        if (odd && be) throw new InputError(`${name}: truncated UTF-16 text (odd number of bytes)`);
        // Like Buffer#toString("utf16le"), a last odd byte is dropped.
        if (!highSurrogate) return null;
        c = Buffer.alloc(0);
      }
      if (odd) {
        c = Buffer.concat([odd, c]);
        odd = undefined;
      }
      if (c.length % 2) {
        odd = c.subarray(c.length - 1);
        c = c.subarray(0, c.length - 1);
      }
      let units = c;
      if (be) {
        units = Buffer.from(c);
        units.swap16();
      }
      let text = highSurrogate + units.toString("utf16le");
      highSurrogate = "";
      const last = text.charCodeAt(text.length - 1);
      if (!finished && last >= 0xd800 && last <= 0xdbff) {
        highSurrogate = text[text.length - 1];
        text = text.slice(0, -1);
      }
      if (!text.length) continue;
      const out = Buffer.from(text, "utf8");
      // The text is kept for offset mapping only for the last two chunks: an error is always found
      // in what was read last (at most a token back into the chunk before).
      table.push({ utf8: utf8At, file: fileAt, text });
      if (table.length > 2) table[table.length - 3].text = "";
      utf8At += out.length;
      fileAt += text.length * 2;
      return out;
    }
  };
  const fileOffset = (p: number): number => {
    let i = table.length - 1;
    while (i > 0 && table[i].utf8 > p) i--;
    const row = table[i];
    if (!row) return bom;
    if (p >= utf8At) return fileAt;
    if (!row.text) return row.file;
    // Characters of the chunk text before UTF-8 offset p - row.utf8.
    const prefix = Buffer.from(row.text, "utf8").subarray(0, p - row.utf8).toString("utf8");
    return row.file + prefix.length * 2;
  };
  return { next, fileOffset };
}

/** Parse JSON from raw file chunks (any encoding `decode` in input.ts reads). */
export function parseJsonChunks(source: ChunkSource, options: StreamOptions): { value: unknown; encoding: StreamEncoding; offset: number } {
  const { name } = options;
  const t = transcoder(source, name);
  if (t.empty) throw new InputError(`${name}: empty file, expected JSON`);
  const parser = new Utf8Parser(t.next);
  try {
    return { value: parser.parse(options.prune, options.maxDepth ?? streamMaxDepth()), encoding: t.encoding, offset: t.bom };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const at = t.fileOffset(e.pos);
    if (e.kind === "depth") throw new InputError(`${name}: JSON nested deeper than ${options.maxDepth ?? streamMaxDepth()} levels at byte offset ${at}`);
    if (e.pos === parser.first && parser.restIsBlank(e.pos)) throw new InputError(`${name}: empty file (only whitespace), expected JSON`);
    const end = parser.restIsBlank(e.pos);
    throw new InputError(`${name}: ${end ? "unexpected end of JSON (truncated file?)" : "invalid JSON syntax"} at byte offset ${at}`);
  }
}
