import { GateConfig, Severity, severityRank } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { ownerProblem } from "../spec/owner";
import { BASELINE_EXPIRED, BASELINE_EXPIRING, BASELINE_RESOLVED, EngineFindingMeta, EXEMPTION_EXPIRED, EXEMPTION_EXPIRING, EXEMPTION_STALE } from "../rules/engine-findings";
import { Clock, daysBetween, isoDate, parseDate } from "./clock";
import { EXPIRING_WITHIN_DAYS } from "./exemptions";
import { BaselineSummary, ExemptionRecord, Report } from "./report";

/*
 * Baselines (`nhi-gate baseline`): one exemption per finding the gate reports today, all with the
 * same owner, ticket and expiry, marked `baseline: true`. A team switches the gate on with them and
 * burns the list down; a new identity, or a new finding on an old one, still fails (each entry
 * names one finding id on one address). The engine reports baseline entries per baseline (ticket
 * and expiry), not per entry: one "expiring soon", one "expired", one "resolved" finding each.
 */

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

export interface BaselineOptions {
  owner: string;
  ticket: string;
  /** YYYY-MM-DD: at most maxExemptionDays ahead. */
  expires: string;
  reason?: string;
  /** Cover findings at or above this severity (default: the config's failOn). */
  minSeverity?: Severity;
  config: GateConfig;
  clock: Clock;
}

/** Engine findings about exemptions and baselines: not baselined (their fix is in the exemptions file). */
const ABOUT_EXEMPTIONS = new Set([EXEMPTION_EXPIRED.id, EXEMPTION_EXPIRING.id, EXEMPTION_STALE.id, BASELINE_EXPIRING.id, BASELINE_EXPIRED.id, BASELINE_RESOLVED.id]);

/** Check the owner, ticket and expiry a baseline is written with; throws BaselineError naming the option. */
export function checkBaselineOptions(o: BaselineOptions): void {
  const expires = parseDate(o.expires);
  if (!expires || o.expires.length !== 10) throw new BaselineError(`--expires ${o.expires.slice(0, 40)}: expected a date YYYY-MM-DD`);
  const days = daysBetween(o.clock.now(), expires) + 1;
  if (days <= 1) throw new BaselineError(`--expires ${o.expires}: expected a date after today (${isoDate(o.clock.now())})`);
  if (days > o.config.maxExemptionDays + 1) {
    throw new BaselineError(`--expires ${o.expires}: at most ${o.config.maxExemptionDays} days ahead (the gate config's maxExemptionDays), so by ${isoDate(new Date(o.clock.now().getTime() + o.config.maxExemptionDays * 86_400_000))}; a baseline is for burning findings down, not keeping them`);
  }
  const owner = ownerProblem(o.owner, o.config);
  if (owner) throw new BaselineError(`--owner ${JSON.stringify(o.owner.slice(0, 60))}: expected ${owner}`);
  if (o.ticket.trim().length < 2) throw new BaselineError("--ticket: expected the ticket the baseline is tracked in (2 characters or more)");
}

/**
 * One baseline entry per active finding of the report at or above the severity (exempted
 * findings are covered already; findings about exemptions are fixed in the file itself).
 */
export function baselineEntries(report: Report, o: BaselineOptions): { entries: Exemption[]; skipped: { exempted: number; belowSeverity: number } } {
  checkBaselineOptions(o);
  const min = o.minSeverity ?? o.config.failOn;
  const reason = o.reason ?? `Baseline: found when the gate was switched on (${isoDate(o.clock.now())}); fix it before ${o.expires}, or renew with a ticket`;
  const seen = new Set<string>();
  const entries: Exemption[] = [];
  let exempted = 0;
  let belowSeverity = 0;
  for (const f of report.findings) {
    if (ABOUT_EXEMPTIONS.has(f.ruleId)) continue;
    if (f.exemptedBy) {
      exempted++;
      continue;
    }
    if (severityRank(f.severity) < severityRank(min)) {
      belowSeverity++;
      continue;
    }
    // Exemptions apply to the granular findings before they are folded (src/engine/fold.ts): a
    // folded finding is covered when its own id and every one of its parts is ("<id>" on the same
    // resource, "<id> @ <address>" on another), so each part gets its entry too.
    const targets: [string, string][] = [[f.findingId, f.address]];
    for (const part of f.parts ?? []) {
      const at = part.indexOf(" @ ");
      targets.push(at < 0 ? [part, f.address] : [part.slice(0, at), part.slice(at + 3)]);
    }
    for (const [rule, resource] of targets) {
      const key = `${rule}\u0000${resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ rule, resource, reason, owner: o.owner.trim(), ticket: o.ticket.trim(), expires: o.expires, baseline: true });
    }
  }
  return { entries, skipped: { exempted, belowSeverity } };
}

/** How far the baseline entries among these records have come; undefined when there is none. */
export function baselineSummary(records: ExemptionRecord[]): BaselineSummary | undefined {
  const base = records.filter((r) => r.baseline);
  if (!base.length) return undefined;
  const remaining = base.filter((r) => r.status === "used" || r.status === "expiring");
  // applyExemptions marks an honoured entry "expiring" within the warning window (EXPIRING_WITHIN_DAYS).
  const soon = remaining.filter((r) => r.status === "expiring");
  const next = remaining.map((r) => r.expires).sort()[0];
  return {
    entries: base.length,
    remaining: remaining.length,
    expiringSoon: soon.length,
    resolved: base.filter((r) => r.status === "stale").length,
    expired: base.filter((r) => r.status === "expired" || r.status === "invalid").length,
    findings: new Set(remaining.flatMap((r) => r.matched)).size,
    ...(next ? { nextExpiry: next } : {}),
  };
}

/** One engine finding per baseline (ticket, expiry) and state: expiring soon, expired, resolved. */
export function baselineFindings(records: ExemptionRecord[]): { meta: EngineFindingMeta; address: string; key: string; message: string }[] {
  const groups = new Map<string, ExemptionRecord[]>();
  for (const r of records.filter((x) => x.baseline)) {
    const k = `${r.ticket}\u0000${r.expires}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: { meta: EngineFindingMeta; address: string; key: string; message: string }[] = [];
  for (const list of groups.values()) {
    const { ticket, expires, owner } = list[0];
    const address = `baseline:${ticket}@${expires}`;
    const expiring = list.filter((r) => r.status === "expiring");
    const gone = list.filter((r) => r.status === "expired" || r.status === "invalid");
    const resolved = list.filter((r) => r.status === "stale");
    const n = (k: number) => `${k} entr${k === 1 ? "y" : "ies"}`;
    if (expiring.length) {
      out.push({ meta: BASELINE_EXPIRING, address, key: ticket, message: `baseline ${ticket} (owner ${owner}): ${n(expiring.length)} covering ${new Set(expiring.flatMap((r) => r.matched)).size} findings expire on ${expires}, within ${EXPIRING_WITHIN_DAYS} days; the findings fail the gate then: fix them, or renew the baseline with a ticket` });
    }
    if (gone.length) {
      const why = gone.some((r) => r.status === "invalid") ? `${gone.find((r) => r.status === "invalid")?.note}` : `expired on ${expires}`;
      out.push({ meta: BASELINE_EXPIRED, address, key: ticket, message: `baseline ${ticket} (owner ${owner}): ${n(gone.length)} no longer suppress anything (${why}); the findings they covered count again: fix them, then delete the entries` });
    }
    if (resolved.length) {
      out.push({ meta: BASELINE_RESOLVED, address, key: ticket, message: `baseline ${ticket} (owner ${owner}): ${n(resolved.length)} match no finding any more (fixed: ${resolved.slice(0, 5).map((r) => `${r.rule} @ ${r.resource}`).join(", ")}${resolved.length > 5 ? ", ..." : ""}); delete them from the baseline` });
    }
  }
  return out;
}

