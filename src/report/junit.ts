import { allRuleMeta, Formatter } from "./context";

export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids (even as character references: C0 controls, lone surrogates,
  // U+FFFE/U+FFFF) are dropped; the rest escaped. CR is a reference: a parser would turn it into LF.
  return s
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;");
}

/** An attribute value: as `xmlEscape`, and tab and newline as references (a parser turns them into spaces). */
export function xmlAttr(s: string): string {
  return xmlEscape(s).replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

/** JUnit's `timestamp`: the report's UTC time to the second, without a zone, as the Ant/Jenkins schemas expect. */
export function junitTimestamp(iso: string): string {
  return iso.replace(/(\.\d+)?Z$/, "");
}

/**
 * JUnit XML: one test suite per identity resource, one test case per rule applied to it
 * (failed with its findings, skipped when every finding is exempted). Engine findings
 * (rule errors, exemption problems) are test cases too.
 */
export const formatJunit: Formatter = (report, ctx) => {
  const metas = allRuleMeta();
  const title = new Map(metas.map((m) => [m.id, m.title]));
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const addresses = [...new Set([...report.resources.filter((r) => r.judged).map((r) => r.address), ...report.findings.map((f) => f.address)])];
  for (const address of addresses) {
    const findings = report.findings.filter((f) => f.address === address);
    const ruleIds = new Set(findings.map((f) => f.ruleId));
    const isResource = report.resources.some((r) => r.address === address);
    for (const m of metas) if (isResource && !/^NHI-GOV-(000|09\d)$/.test(m.id) && (ctx.applies ? ctx.applies(address, m.id) : true)) ruleIds.add(m.id);
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const id of [...ruleIds].sort()) {
      const fs = findings.filter((f) => f.ruleId === id);
      const active = fs.filter((f) => !f.exemptedBy);
      const name = `${id} ${title.get(id) ?? ""}`.trim();
      let body = "";
      if (active.length) {
        suiteFailures++;
        body = `<failure type="${xmlAttr(active[0].severity)}" message="${xmlAttr(active.map((f) => f.findingId).join(", "))}">${xmlEscape(active.map((f) => `[${f.severity}] ${f.findingId}: ${f.message}`).join("\n"))}</failure>`;
      } else if (fs.length) {
        suiteSkipped++;
        body = `<skipped message="${xmlAttr(fs.map((f) => `${f.exemptedBy?.baseline ? "baseline" : "exempted by"} ${f.exemptedBy?.ticket} until ${f.exemptedBy?.expires}`).join("; "))}"/>`;
      }
      cases.push(`    <testcase classname="${xmlAttr(address)}" name="${xmlAttr(name)}">${body}</testcase>`);
    }
    tests += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(`  <testsuite name="${xmlAttr(address)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" timestamp="${xmlAttr(junitTimestamp(report.evaluatedAt))}">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nhi-gate" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join("\n")}${suites.length ? "\n" : ""}</testsuites>\n`;
};
