import { decode, encode, ExtData } from "@msgpack/msgpack";

/*
 * cty values on the wire, as Terraform's plugin protocol carries them in DynamicValue.msgpack:
 * every value is encoded against a type both sides know (the schema's, or a function
 * parameter's). Rules (go-cty's msgpack encoding):
 * - null is msgpack nil; an unknown value is the msgpack extension with type code 0 (code 12 is
 *   an unknown with refinements: read as unknown);
 * - string, number (integer when it fits, else float64, else its decimal text), bool;
 * - list, set and tuple are arrays; map and object are maps with string keys (an object's
 *   missing attributes read as null);
 * - where the type is `dynamic`, a known value travels as a two-element array: the JSON of its
 *   real type (as msgpack bytes), then the value encoded against that type. A null or unknown of
 *   no particular type is plain nil or the unknown extension.
 */

export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | ["list", CtyType]
  | ["set", CtyType]
  | ["map", CtyType]
  | ["tuple", CtyType[]]
  | ["object", Record<string, CtyType>]
  | ["object", Record<string, CtyType>, string[]];

/** The unknown value ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol.for("nhi-governance.cty.unknown");
export type Unknown = typeof UNKNOWN;

/** A value of a `dynamic` slot, with the type it travelled with. */
export class Typed {
  constructor(
    readonly type: CtyType,
    readonly value: CtyValue,
  ) {}
}

export type CtyValue = null | Unknown | string | number | boolean | Typed | CtyValue[] | { [k: string]: CtyValue };

const UNKNOWN_CODES = new Set([0, 12]);

export class CtyError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(`${path.length ? path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "") + ": " : ""}${message}`);
    this.name = "CtyError";
  }
}

export function typeJson(t: CtyType): Buffer {
  return Buffer.from(JSON.stringify(t));
}

export function parseType(json: unknown, path: (string | number)[] = []): CtyType {
  if (json === "string" || json === "number" || json === "bool" || json === "dynamic") return json;
  if (Array.isArray(json)) {
    const [kind, inner, optional] = json;
    if ((kind === "list" || kind === "set" || kind === "map") && json.length === 2) return [kind, parseType(inner, path)];
    if (kind === "tuple" && Array.isArray(inner)) return ["tuple", inner.map((t) => parseType(t, path))];
    if (kind === "object" && inner && typeof inner === "object" && !Array.isArray(inner)) {
      const attrs: Record<string, CtyType> = {};
      for (const [k, v] of Object.entries(inner)) attrs[k] = parseType(v, [...path, k]);
      return optional === undefined ? ["object", attrs] : ["object", attrs, (optional as unknown[]).map(String)];
    }
  }
  throw new CtyError(path, `unsupported cty type ${JSON.stringify(json)?.slice(0, 80)}`);
}

/** Decode DynamicValue.msgpack bytes against `type`. */
export function decodeValue(bytes: Uint8Array, type: CtyType): CtyValue {
  if (!bytes || bytes.length === 0) throw new CtyError([], "empty msgpack value");
  return fromWire(decode(bytes, { useBigInt64: false }), type, []);
}

/** Encode a value against `type` as DynamicValue.msgpack bytes. */
export function encodeValue(value: CtyValue, type: CtyType): Uint8Array {
  return encode(toWire(value, type, []), { sortKeys: false, ignoreUndefined: true });
}

function isUnknownWire(w: unknown): boolean {
  return w instanceof ExtData && UNKNOWN_CODES.has(w.type);
}

function fromWire(w: unknown, type: CtyType, path: (string | number)[]): CtyValue {
  if (isUnknownWire(w)) return UNKNOWN;
  if (w instanceof ExtData) throw new CtyError(path, `unexpected msgpack extension type ${w.type}`);
  if (type === "dynamic") {
    if (w === null) return null;
    if (!Array.isArray(w) || w.length !== 2 || !(w[0] instanceof Uint8Array)) throw new CtyError(path, "a dynamic value must be [type JSON, value]");
    const t = parseType(JSON.parse(Buffer.from(w[0]).toString("utf8")), path);
    return new Typed(t, fromWire(w[1], t, path));
  }
  if (w === null || w === undefined) return null;
  if (type === "string") {
    if (typeof w !== "string") throw new CtyError(path, `expected a string, got ${typeof w}`);
    return w;
  }
  if (type === "number") {
    if (typeof w === "number") return w;
    if (typeof w === "bigint") return Number(w);
    if (typeof w === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(w)) return Number(w);
    throw new CtyError(path, `expected a number, got ${typeof w}`);
  }
  if (type === "bool") {
    if (typeof w !== "boolean") throw new CtyError(path, `expected a bool, got ${typeof w}`);
    return w;
  }
  const [kind] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(w)) throw new CtyError(path, `expected a ${kind}`);
    return w.map((e, i) => fromWire(e, type[1], [...path, i]));
  }
  if (kind === "tuple") {
    if (!Array.isArray(w) || w.length !== type[1].length) throw new CtyError(path, `expected a tuple of ${type[1].length} elements`);
    return w.map((e, i) => fromWire(e, type[1][i], [...path, i]));
  }
  if (!w || typeof w !== "object" || Array.isArray(w) || w instanceof Uint8Array) throw new CtyError(path, `expected a ${kind}`);
  const out: Record<string, CtyValue> = {};
  if (kind === "map") {
    for (const [k, v] of Object.entries(w)) out[k] = fromWire(v, type[1], [...path, k]);
    return out;
  }
  const attrs = type[1];
  for (const k of Object.keys(w)) if (!(k in attrs)) throw new CtyError(path, `unsupported attribute "${k}"`);
  for (const [k, t] of Object.entries(attrs)) out[k] = k in w ? fromWire((w as Record<string, unknown>)[k], t, [...path, k]) : null;
  return out;
}

/** The cty type a plain JavaScript value has when it is put in a `dynamic` slot. */
export function impliedType(v: CtyValue): CtyType {
  if (v instanceof Typed) return v.type;
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (v === null || v === UNKNOWN) return "dynamic";
  if (Array.isArray(v)) return ["tuple", v.map(impliedType)];
  const attrs: Record<string, CtyType> = {};
  for (const k of Object.keys(v).sort()) attrs[k] = impliedType(v[k]);
  return ["object", attrs];
}

function toWire(v: CtyValue, type: CtyType, path: (string | number)[]): unknown {
  if (type === "dynamic") {
    if (v === null) return null;
    if (v === UNKNOWN) return new ExtData(0, new Uint8Array(0));
    const t = impliedType(v);
    return [typeJson(t), toWire(v instanceof Typed ? v.value : v, t, path)];
  }
  if (v instanceof Typed) return toWire(v.value, type, path);
  if (v === UNKNOWN) return new ExtData(0, new Uint8Array(0));
  if (v === null) return null;
  if (type === "string") {
    if (typeof v !== "string") throw new CtyError(path, `expected a string, got ${typeof v}`);
    return v;
  }
  if (type === "number") {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new CtyError(path, `expected a finite number`);
    return v;
  }
  if (type === "bool") {
    if (typeof v !== "boolean") throw new CtyError(path, `expected a bool`);
    return v;
  }
  const [kind] = type;
  if (kind === "list" || kind === "set" || kind === "tuple") {
    if (!Array.isArray(v)) throw new CtyError(path, `expected a ${kind}`);
    if (kind === "tuple" && v.length !== type[1].length) throw new CtyError(path, `expected a tuple of ${type[1].length} elements`);
    return v.map((e, i) => toWire(e, kind === "tuple" ? type[1][i] : type[1], [...path, i]));
  }
  if (typeof v !== "object" || Array.isArray(v)) throw new CtyError(path, `expected a ${kind}`);
  const out: Record<string, unknown> = {};
  if (kind === "map") {
    for (const k of Object.keys(v).sort()) out[k] = toWire(v[k], type[1], [...path, k]);
    return out;
  }
  const attrs = type[1];
  for (const k of Object.keys(v)) if (!(k in attrs)) throw new CtyError(path, `attribute "${k}" is not in the type`);
  for (const k of Object.keys(attrs).sort()) out[k] = toWire(k in v ? v[k] : null, attrs[k], [...path, k]);
  return out;
}

/** A decoded value with every Typed wrapper removed (what a function implementation wants). */
export function plain(v: CtyValue): CtyValue {
  if (v instanceof Typed) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const out: Record<string, CtyValue> = {};
    for (const [k, e] of Object.entries(v)) out[k] = plain(e);
    return out;
  }
  return v;
}

/** Whether the value contains no unknown anywhere. */
export function isWhollyKnown(v: CtyValue): boolean {
  if (v === UNKNOWN) return false;
  if (v instanceof Typed) return isWhollyKnown(v.value);
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (v && typeof v === "object") return Object.values(v).every(isWhollyKnown);
  return true;
}
