import { IdentityResource } from "../engine/model";
import { Report } from "../engine/report";

/** Shorter values carry too little to leak and would garble messages ("1", "true"). */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = "[redacted]";

function valuesAt(root: unknown, path: string): unknown[] {
  if (path === "*" || path === "") return [root];
  let cur: unknown[] = [root];
  for (const seg of path.split(".")) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (Array.isArray(c) && /^\d+$/.test(seg)) next.push(c[Number(seg)]);
      else if (c && typeof c === "object" && Object.prototype.hasOwnProperty.call(c, seg)) next.push((c as Record<string, unknown>)[seg]);
    }
    cur = next;
  }
  return cur;
}

function leaves(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (typeof v === "string") {
    if (v.length >= MIN_SECRET_LENGTH) out.add(v);
    // A sensitive JSON document (a policy, a key file): its parts are secret too.
    const t = v.trim();
    if ((t.startsWith("{") || t.startsWith("[")) && t.length < 1_000_000) {
      try {
        leaves(JSON.parse(t), out, depth + 1);
      } catch {
        /* not JSON: the whole string is already covered */
      }
    }
  } else if (typeof v === "number" && String(v).length >= MIN_SECRET_LENGTH) out.add(String(v));
  else if (Array.isArray(v)) for (const x of v) leaves(x, out, depth + 1);
  else if (v && typeof v === "object") for (const k of Object.keys(v)) leaves((v as Record<string, unknown>)[k], out, depth + 1);
}

/** Every value at a sensitive path (tool-marked or a catalog secret attribute), before and after. */
export function secretValues(resources: IdentityResource[]): string[] {
  const out = new Set<string>();
  for (const r of resources) {
    for (const p of r.sensitivePaths) {
      for (const v of valuesAt(r.props, p)) leaves(v, out);
      if (r.before) for (const v of valuesAt(r.before, p)) leaves(v, out);
    }
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function redactString(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function redactValue<T>(v: T, secrets: readonly string[]): T {
  if (typeof v === "string") return redactString(v, secrets) as T;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, secrets)) as T;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, redactString(k, secrets), { value: redactValue((v as Record<string, unknown>)[k], secrets), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return v;
}

/**
 * A copy of the report with every secret value replaced, whatever field it strayed into
 * (messages quote found values; a rule could quote a sensitive one). Reports are built from
 * this copy only, so no format can print a secret.
 */
export function redactReport(report: Report, secrets: readonly string[]): Report {
  return secrets.length ? redactValue(report, secrets) : report;
}
