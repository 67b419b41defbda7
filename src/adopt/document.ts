/**
 * IAM policy documents as written: statements in their order, values as given. Adoption
 * reproduces what exists, so it reads documents without the normal form of src/iam/policy.ts
 * (which sorts statements and lower-cases actions for comparison).
 */
export interface RawStatement {
  Sid?: string;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
  [other: string]: unknown;
}

export type ReadDocument = { statements: RawStatement[] } | { error: string };

/** A policy document given as JSON text or an object. */
export function readDocument(doc: unknown): ReadDocument {
  let obj = doc;
  if (typeof doc === "string") {
    try {
      obj = JSON.parse(doc);
    } catch (e) {
      return { error: `not valid JSON (${(e as Error).message})` };
    }
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return { error: "not a JSON object" };
  const st = (obj as Record<string, unknown>).Statement;
  if (st === undefined) return { error: "no Statement" };
  const list = Array.isArray(st) ? st : [st];
  const statements: RawStatement[] = [];
  for (const [i, s] of list.entries()) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return { error: `Statement ${i} is not an object` };
    statements.push(s as RawStatement);
  }
  return { statements };
}

/** A string or list of strings as a list (order kept, duplicates dropped); undefined when absent or of another type. */
export function stringsOf(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) return undefined;
  return [...new Set(list.map(String))];
}

/** `{ op: { key: value | [values] } }`, values as strings (IAM compares booleans and numbers as text); undefined when malformed. */
export function conditionsOf(v: unknown): Record<string, Record<string, string[]>> | undefined {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, block] of Object.entries(v as Record<string, unknown>)) {
    if (!block || typeof block !== "object" || Array.isArray(block)) return undefined;
    out[op] = {};
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const values = stringsOf(value);
      if (!values) return undefined;
      out[op][key] = values;
    }
  }
  return out;
}

/** Compact JSON of a document or statement, for comments. */
export function compact(v: unknown): string {
  if (typeof v === "string") {
    try {
      return JSON.stringify(JSON.parse(v));
    } catch {
      return v;
    }
  }
  return JSON.stringify(v);
}
