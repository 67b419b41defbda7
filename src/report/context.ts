import { ENGINE_FINDINGS, EngineFindingMeta } from "../rules/engine-findings";
import { RULES } from "../rules/registry";
import { Report } from "../engine/report";
import { Severity } from "../spec/config";

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
  return `${report.passed ? "PASS" : "FAIL"}: ${s.findings} finding${s.findings === 1 ? "" : "s"}${sev.length ? ` (${sev.join(", ")})` : ""}${s.exempted ? `, ${s.exempted} exempted` : ""} on ${s.resources} identity resource${s.resources === 1 ? "" : "s"} (${s.governed} governed, ${s.ungoverned} ungoverned, ${s.unverifiable} unverifiable); fails on ${report.failOn} and above; evaluated at ${report.evaluatedAt}`;
}
