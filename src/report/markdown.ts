import { baselineGroups, findingIds, Formatter, groupByAddress, mostSevere, sameMessage, SEVERITY_ORDER, summaryLine } from "./context";

/** Table cells: no pipes, no newlines, no HTML or mentions that a PR comment would render. */
export function mdEscape(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b");
}

/** For pull request comments: a summary, a table per resource, passing resources folded away. */
export const formatMarkdown: Formatter = (report) => {
  const s = report.summary;
  const out: string[] = [];
  out.push(`## ${report.passed ? "✅" : "❌"} nhi-gate: ${report.passed ? "passed" : "failed"}`);
  out.push("");
  out.push(mdEscape(summaryLine(report)));
  out.push("");
  out.push("| Severity | Findings |");
  out.push("| --- | --- |");
  for (const k of SEVERITY_ORDER) out.push(`| ${k} | ${s.bySeverity[k]} |`);
  if (s.exempted) out.push(`| exempted | ${s.exempted} |`);
  out.push("");
  if (s.baseline) {
    const b = s.baseline;
    out.push("| Baseline | Entries | Remaining | Expire within 7 days | Resolved | Expired | Expires |");
    out.push("| --- | --- | --- | --- | --- | --- | --- |");
    for (const g of baselineGroups(report)) out.push(`| ${mdEscape(g.ticket)} (${mdEscape(g.owner)}) | ${g.entries} | ${g.remaining} | ${g.expiring} | ${g.resolved} | ${g.expired} | ${g.expires} |`);
    out.push(`| all | ${b.entries} | ${b.remaining} | ${b.expiringSoon} | ${b.resolved} | ${b.expired} | ${b.nextExpiry ?? "-"} |`);
    out.push("");
  }
  const resources = new Map(report.resources.map((r) => [r.address, r]));
  // Findings a baseline covers are counted in the baseline table, not listed (JSON and SARIF list them).
  for (const [address, findings] of groupByAddress(report.findings.filter((f) => !f.exemptedBy?.baseline))) {
    const r = resources.get(address);
    out.push(`### \`${address.replace(/`/g, "'")}\``);
    if (r) out.push(`${mdEscape(r.type)} · ${r.action} · **${r.governed}**${r.origin.constructPath ? ` · construct ${mdEscape(r.origin.constructPath)}` : ""}${r.origin.module ? ` · module ${mdEscape(r.origin.module.address)}${r.origin.module.source ? ` (${mdEscape(r.origin.module.source)})` : ""}` : ""}`);
    out.push("");
    out.push("| Severity | Finding | Message |");
    out.push("| --- | --- | --- |");
    for (const same of sameMessage(findings)) {
      const f = mostSevere(same);
      out.push(`| ${f.exemptedBy ? `~~${f.severity}~~ ${f.exemptedBy.baseline ? "baseline" : "exempted"} (${mdEscape(f.exemptedBy.ticket)})` : f.severity} | ${mdEscape(findingIds(same))} | ${mdEscape(f.message)} |`);
    }
    out.push("");
  }
  if (report.exemptions.some((e) => !e.baseline)) {
    out.push("### Exemptions");
    out.push("");
    out.push("| Status | Rule | Resource | Ticket | Owner | Approved by | Expires | Findings |");
    out.push("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const e of report.exemptions.filter((x) => !x.baseline)) out.push(`| ${e.status} | ${mdEscape(e.rule)} | ${mdEscape(e.resource)} | ${mdEscape(e.ticket)} | ${mdEscape(e.owner)} | ${mdEscape(e.approvedBy ?? "-")} | ${e.expires} | ${e.matched.length} |`);
    out.push("");
  }
  const clean = report.resources.filter((r) => !report.findings.some((f) => f.address === r.address && !f.exemptedBy?.baseline));
  if (clean.length) {
    out.push(`<details><summary>${clean.length} resource${clean.length === 1 ? "" : "s"} without findings</summary>`);
    out.push("");
    for (const r of clean) out.push(`- ${mdEscape(r.address)} (${mdEscape(r.type)}, ${r.action}, ${r.governed})`);
    out.push("");
    out.push("</details>");
  }
  return `${out.join("\n")}\n`;
};
