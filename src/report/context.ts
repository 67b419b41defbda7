import { ENGINE_FINDINGS, EngineFindingMeta } from "../rules/engine-findings";
import { RULES } from "../rules/registry";
import { Finding, Report } from "../engine/report";
import { Severity, severityRank } from "../spec/config";
import { EXPIRING_WITHIN_DAYS } from "../engine/exemptions";

export interface RuleMeta extends EngineFindingMeta {
  appliesTo?: unknown;
}

export interface FormatContext {
  /** Colour (text only): set by the CLI for a TTY without NO_COLOR. */
  color?: boolean;
  /** Whether a rule was applied to a resource (JUnit test cases); every rule when omitted. */
  applies?: (address: string, ruleId: string) => boolean;
  /**
   * SARIF: the directory the run started in (a checkout, in CI). An absolute input path inside
   * it becomes a URI relative to `%SRCROOT%`, as code scanning wants repository-relative paths.
   */
  baseDir?: string;
}

export type Formatter = (report: Report, ctx: FormatContext) => string;

/** Every rule and engine finding, for rule metadata in SARIF, JUnit and Markdown. */
export function allRuleMeta(): RuleMeta[] {
  return [...RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, controls: r.controls, rationale: r.rationale, remediation: r.remediation })), ...ENGINE_FINDINGS];
}

export const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

export function groupByAddress<T extends { address: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(i.address, [...(out.get(i.address) ?? []), i]);
  return out;
}

/** The one-line summary every human format ends with. */
export function summaryLine(report: Report): string {
  const s = report.summary;
  const sev = SEVERITY_ORDER.filter((k) => s.bySeverity[k]).map((k) => `${s.bySeverity[k]} ${k}`);
  return `${report.passed ? "PASS" : "FAIL"}: ${s.findings} finding${s.findings === 1 ? "" : "s"}${sev.length ? ` (${sev.join(", ")})` : ""}${s.exempted ? `, ${s.exempted} exempted` : ""} on ${s.resources} identity resource${s.resources === 1 ? "" : "s"} (${s.governed} governed, ${s.ungoverned} ungoverned, ${s.unverifiable} unverifiable)${baselinePhrase(report)}; fails on ${report.failOn} and above; evaluated at ${report.evaluatedAt}`;
}

/** `; baseline: 12 of 15 entries remain (3 expire within 7 days, next on 2026-07-01), 3 resolved`, or nothing. */
export function baselinePhrase(report: Report): string {
  const b = report.summary.baseline;
  if (!b) return "";
  const soon = b.expiringSoon ? `${b.expiringSoon} expire within ${EXPIRING_WITHIN_DAYS} days` : "";
  const next = b.nextExpiry ? `next expiry ${b.nextExpiry}` : "";
  const inner = [soon, next].filter(Boolean).join(", ");
  return `; baseline: ${b.remaining} of ${b.entries} entr${b.entries === 1 ? "y" : "ies"} remain${inner ? ` (${inner})` : ""}${b.resolved ? `, ${b.resolved} resolved` : ""}${b.expired ? `, ${b.expired} expired` : ""}`;
}

/** Baseline entries of the exemption records, one group per baseline (ticket and expiry), in order. */
export interface BaselineGroup {
  ticket: string;
  owner: string;
  expires: string;
  entries: number;
  remaining: number;
  /** Remaining entries that expire within the warning window. */
  expiring: number;
  resolved: number;
  expired: number;
}
export function baselineGroups(report: Report): BaselineGroup[] {
  const groups = new Map<string, BaselineGroup>();
  for (const e of report.exemptions) {
    if (!e.baseline) continue;
    const k = `${e.ticket}\u0000${e.expires}`;
    const g = groups.get(k) ?? { ticket: e.ticket, owner: e.owner, expires: e.expires, entries: 0, remaining: 0, expiring: 0, resolved: 0, expired: 0 };
    g.entries++;
    if (e.status === "expiring") g.expiring++;
    if (e.status === "used" || e.status === "expiring") g.remaining++;
    else if (e.status === "stale") g.resolved++;
    else g.expired++;
    groups.set(k, g);
  }
  return [...groups.values()];
}

/**
 * Findings of one resource that say the same thing (several rules that need a value the plan
 * does not know, say), under the same exemption: one line, at the highest of their severities.
 */
export function sameMessage(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.exemptedBy ? `${f.exemptedBy.ticket}\u0000${f.exemptedBy.expires}` : ""}\u0000${f.message}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()];
}

/** `NHI-GOV-009, NHI-GOV-010 [Unknown::x]` when the findings share their key, else the ids in full. */
export function findingIds(same: Finding[]): string {
  if (same.length === 1) return same[0].findingId;
  const key = (f: Finding) => f.findingId.slice(f.ruleId.length);
  const k = key(same[0]);
  return same.every((f) => key(f) === k) ? `${same.map((f) => f.ruleId).join(", ")}${k ? ` ${k}` : ""}` : same.map((f) => f.findingId).join(", ");
}

/** The finding of a sameMessage group whose severity is highest (the first of those). */
export const mostSevere = (same: Finding[]): Finding => same.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
