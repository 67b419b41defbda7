import { baselineGroups, findingIds, Formatter, groupByAddress, mostSevere, sameMessage, summaryLine } from "./context";
import { Severity } from "../spec/config";

const ANSI = { red: "\x1b[31m", yellow: "\x1b[33m", blue: "\x1b[34m", dim: "\x1b[2m", bold: "\x1b[1m", green: "\x1b[32m", reset: "\x1b[0m" };
const SEV_COLOR: Record<Severity, string> = { critical: ANSI.red + ANSI.bold, high: ANSI.red, medium: ANSI.yellow, low: ANSI.blue, info: ANSI.dim };

/** Control characters from input (escape sequences) never reach the terminal. */
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");

/** Human output: findings grouped by resource (one line per distinct message), then a one-line summary. */
export const formatText: Formatter = (report, ctx) => {
  const c = (code: string, s: string) => (ctx.color ? `${code}${s}${ANSI.reset}` : s);
  const lines: string[] = [];
  const resources = new Map(report.resources.map((r) => [r.address, r]));
  // Findings a baseline covers are counted, not listed (a baseline has hundreds; JSON and SARIF list them).
  for (const [address, findings] of groupByAddress(report.findings.filter((f) => !f.exemptedBy?.baseline))) {
    const r = resources.get(address);
    const head = r ? `${r.type}, ${r.action}, ${r.governed}${r.origin.constructPath ? `, construct ${r.origin.constructPath}` : ""}${r.origin.module ? `, module ${r.origin.module.address}${r.origin.module.source ? ` (${r.origin.module.source})` : ""}` : ""}` : findings[0].resourceType;
    lines.push(`${c(ANSI.bold, clean(address))} ${c(ANSI.dim, `(${clean(head)})`)}`);
    for (const same of sameMessage(findings)) {
      const f = mostSevere(same);
      const sev = f.exemptedBy ? c(ANSI.dim, "exempt".padEnd(8)) : c(SEV_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
      lines.push(`  ${sev} ${clean(findingIds(same))}  ${clean(f.message)}${f.exemptedBy ? c(ANSI.dim, ` [${f.exemptedBy.baseline ? "baseline" : "exempted by"} ${clean(f.exemptedBy.ticket)} until ${f.exemptedBy.expires}]`) : ""}`);
    }
    lines.push("");
  }
  if (report.exemptions.length) {
    // The audit trail: every exemption in the file, what it matched, and its state.
    lines.push(c(ANSI.bold, "exemptions"));
    // Baseline entries (hundreds, from nhi-gate baseline) as one line per baseline.
    for (const g of baselineGroups(report)) {
      lines.push(`  baseline ${clean(g.ticket)}, owner ${clean(g.owner)}, until ${g.expires}: ${g.remaining} of ${g.entries} entr${g.entries === 1 ? "y" : "ies"} remain${g.resolved ? `, ${g.resolved} resolved` : ""}${g.expired ? `, ${g.expired} expired` : ""}`);
    }
    for (const e of report.exemptions) {
      if (e.baseline) continue;
      lines.push(`  ${e.status.padEnd(8)} ${clean(e.rule)} on ${clean(e.resource)}: ${clean(e.ticket)}, owner ${clean(e.owner)}${e.approvedBy ? `, approved by ${clean(e.approvedBy)}` : ""}, until ${e.expires}; ${e.matched.length} finding${e.matched.length === 1 ? "" : "s"}`);
    }
    lines.push("");
  }
  const line = `nhi-gate ${summaryLine(report)}`;
  lines.push(c(report.passed ? ANSI.green : ANSI.red + ANSI.bold, line));
  return `${lines.join("\n")}\n`;
};
