/*
 * A small printer of TypeScript values in prettier's default style (80 columns, two-space
 * indent, double quotes unless a string holds more double than single quotes, trailing commas,
 * unquoted keys where possible): enough for the object literals `nhi-gate adopt` writes, with
 * `//` comments above properties and array elements. Deterministic: the same value prints the
 * same text. A test checks that prettier leaves the generated files unchanged.
 */

export const PRINT_WIDTH = 80;
const INDENT = "  ";

/** Comment lines by dotted path from the printed value (`owner`, `access.0`). */
export type Comments = Record<string, string[]>;

/** An expression printed as is (a variable, a call): `{ [RAW]: "config" }`. */
export const RAW = Symbol("raw");
export interface Raw {
  [RAW]: string;
}
export const raw = (code: string): Raw => ({ [RAW]: code });
const isRaw = (v: unknown): v is Raw => !!v && typeof v === "object" && RAW in (v as object);

/** A string literal as prettier writes it. */
export function stringLiteral(s: string): string {
  const doubles = (s.match(/"/g) ?? []).length;
  const singles = (s.match(/'/g) ?? []).length;
  const json = JSON.stringify(s);
  if (doubles <= singles) return json;
  // Single quotes: unescape the double quotes JSON escaped, escape the single ones.
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** A property key: bare when it is an identifier, quoted otherwise (prettier's "as-needed" keeps quotes on all when one needs them and a number-like key exists; we never print those). */
export function propertyKey(k: string, quoteAll: boolean): string {
  return !quoteAll && /^[A-Za-z_$][\w$]*$/.test(k) ? k : stringLiteral(k);
}

/** Comment lines as `//` lines at an indent; text that would end the comment is kept on one line. */
function commentLines(lines: string[] | undefined, indent: string): string {
  return (lines ?? []).map((l) => `${indent}// ${l.replace(/[\r\n\u2028\u2029]+/g, " ").trimEnd()}\n`).join("");
}

const hasComments = (comments: Comments, path: string) => {
  const prefix = path ? `${path}.` : "";
  return Object.keys(comments).some((k) => (path ? k.startsWith(prefix) : true) && k !== path);
};

/**
 * The value at `column` (where it starts on its line) and `indent` (of that line), followed by
 * `tail` on the same line (a comma, `);`). Returns the text without a trailing newline.
 */
export function printValue(value: unknown, options: { indent?: string; column?: number; tail?: string; comments?: Comments; path?: string } = {}): string {
  const indent = options.indent ?? "";
  const comments = options.comments ?? {};
  const path = options.path ?? "";
  const tail = options.tail ?? "";
  return print(value, indent, options.column ?? indent.length, tail.length, comments, path);
}

function flat(value: unknown): string | undefined {
  if (isRaw(value)) return value[RAW];
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(flat);
    return parts.some((p) => p === undefined) ? undefined : `[${parts.join(", ")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return "{}";
    const quoteAll = false;
    const parts = entries.map(([k, v]) => {
      if (isRaw(v) && v[RAW] === k) return k; // shorthand property
      const f = flat(v);
      return f === undefined ? undefined : `${propertyKey(k, quoteAll)}: ${f}`;
    });
    return parts.some((p) => p === undefined) ? undefined : `{ ${parts.join(", ")} }`;
  }
  return undefined;
}

/** prettier breaks an array of two or more objects (or arrays) that each have more than one entry. */
function mustBreakArray(value: unknown[]): boolean {
  if (value.length < 2) return false;
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v) && !isRaw(v);
  const size = (v: unknown) => (Array.isArray(v) ? v.length : Object.values(v as object).filter((x) => x !== undefined).length);
  return (value.every(isObj) || value.every(Array.isArray)) && value.every((v) => size(v) > 1);
}

function print(value: unknown, indent: string, column: number, tailLength: number, comments: Comments, path: string): string {
  const one = hasComments(comments, path) ? undefined : flat(value);
  const inner = indent + INDENT;
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (Array.isArray(value)) {
    if (one !== undefined && !mustBreakArray(value) && column + one.length + tailLength <= PRINT_WIDTH) return one;
    if (!value.length) return "[]";
    let out = "[\n";
    value.forEach((v, i) => {
      out += commentLines(comments[at(i)], inner);
      out += `${inner}${print(v, inner, inner.length, 1, comments, at(i))},\n`;
    });
    return `${out}${indent}]`;
  }
  if (value !== null && typeof value === "object" && !isRaw(value)) {
    // An object prettier found on one line stays on one line when it fits.
    if (one !== undefined && column + one.length + tailLength <= PRINT_WIDTH) return one;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return "{}";
    let out = "{\n";
    for (const [k, v] of entries) {
      const key = `${propertyKey(k, false)}: `;
      out += commentLines(comments[at(k)], inner);
      if (isRaw(v) && v[RAW] === k) {
        out += `${inner}${k},\n`; // shorthand property
        continue;
      }
      // prettier breaks after the colon when a string does not fit beside a key of 5 or more characters.
      if (typeof v === "string" && key.length - 2 >= 5 && inner.length + key.length + stringLiteral(v).length + 1 > PRINT_WIDTH) {
        out += `${inner}${key.trimEnd()}\n${inner}${INDENT}${stringLiteral(v)},\n`;
        continue;
      }
      out += `${inner}${key}${print(v, inner, inner.length + key.length, 1, comments, at(k))},\n`;
    }
    return `${out}${indent}}`;
  }
  return one ?? flat(value) ?? "undefined";
}

/** `// text` lines for a block above a statement. */
export function blockComment(lines: string[], indent = ""): string {
  return commentLines(lines, indent);
}

/**
 * `import { a, b } from "x";` as prettier writes it: one line when it fits, else one name per line.
 */
export function importLine(names: string[], from: string): string {
  const one = `import { ${names.join(", ")} } from ${stringLiteral(from)};`;
  if (one.length <= PRINT_WIDTH) return one;
  return `import {\n${names.map((n) => `${INDENT}${n},\n`).join("")}} from ${stringLiteral(from)};`;
}

/**
 * `callee(arg, ..., last)` followed by `;`, as prettier writes it: on one line when it fits; else
 * with the last argument, an object literal, hugged (`callee(a, b, {` ... `});`) when the first
 * line fits; else one argument per line.
 */
export function callStatement(prefix: string, args: unknown[], comments: Comments = {}, indent = ""): string {
  const flatArgs = args.map((a) => flat(a));
  if (!hasComments(comments, "") && flatArgs.every((a) => a !== undefined)) {
    const one = `${indent}${prefix}(${flatArgs.join(", ")});`;
    if (one.length <= PRINT_WIDTH) return one;
  }
  const head = args.slice(0, -1).map((a) => flat(a) ?? "undefined");
  const start = `${indent}${prefix}(${head.length ? `${head.join(", ")}, ` : ""}`;
  const last = args[args.length - 1];
  const isObject = last !== null && typeof last === "object" && !Array.isArray(last) && !isRaw(last);
  if (isObject && `${start}{`.length <= PRINT_WIDTH) return `${start}${print(last, indent, start.length, 2, comments, "")});`;
  const inner = indent + INDENT;
  const lines = args.slice(0, -1).map((a) => `${inner}${flat(a) ?? "undefined"},\n`);
  return `${indent}${prefix}(\n${lines.join("")}${inner}${print(last, inner, inner.length, 1, comments, "")},\n${indent});`;
}

/** A call expression as prettier breaks it: `f(a, b)`, else one argument per line (nested calls likewise). */
export interface Call {
  callee: string;
  args: (string | Call)[];
}
export function printCall(c: Call, indent: string, column: number, tailLength: number): string {
  const flatCall = (x: string | Call): string => (typeof x === "string" ? x : `${x.callee}(${x.args.map(flatCall).join(", ")})`);
  const one = flatCall(c);
  if (column + one.length + tailLength <= PRINT_WIDTH) return one;
  const inner = indent + INDENT;
  const args = c.args.map((a) => `${inner}${typeof a === "string" ? a : printCall(a, inner, inner.length, 1)},\n`);
  return `${c.callee}(\n${args.join("")}${indent})`;
}
