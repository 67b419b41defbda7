import type * as Sarif from "sarif";
import { planToInput } from "../../src/adapters/terraform-plan";
import { evaluate, ruleApplies } from "../../src/engine/evaluate";
import { Finding, Report } from "../../src/engine/report";
import { renderIdentity } from "../../src/render/aws";
import { formatter } from "../../src/report";
import { formatJson } from "../../src/report/json";
import { formatJunit } from "../../src/report/junit";
import { formatMarkdown, mdEscape } from "../../src/report/markdown";
import { formatSarif, NIST_TAXONOMY, OWASP_TAXONOMY } from "../../src/report/sarif";
import { formatText } from "../../src/report/text";
import { RULES } from "../../src/rules/registry";
import { resolveConfig } from "../../src/spec/config";
import { change, governedChanges, plan } from "../fixtures/plans/builder";
import { clock, inDays, spec } from "../helpers";

const g = governedChanges(renderIdentity(spec(), resolveConfig({})));
const input = planToInput(
  plan([...g.changes, change({ address: "aws_iam_role.hand|written", type: "aws_iam_role", after: { name: "hand", path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) } })], { resources: g.config }),
  "plans/my plan.json",
);
const report: Report = evaluate(input, {
  clock,
  exemptions: [{ rule: "NHI-GOV-001", resource: "aws_iam_role.hand|written", reason: "migrating to GovernedIdentity in Q3", owner: "@acme/platform", ticket: "SEC-123", expires: inDays(20) }],
});
const byAddress = new Map(input.resources.map((r) => [r.address, r]));
const applies = (address: string, id: string) => Boolean(byAddress.get(address) && RULES.find((r) => r.id === id) && ruleApplies(RULES.find((r) => r.id === id)!, byAddress.get(address)!, "changes"));

describe("text", () => {
  it("groups findings by resource, ends with a one-line summary, no colour unless asked", () => {
    const text = formatText(report, {});
    expect(text).not.toContain("\x1b[");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("aws_iam_role.hand|written (aws_iam_role, create, ungoverned)");
    expect(lines.slice(1).every((l) => l === "" || l.startsWith("  ") || l.startsWith("nhi-gate ") || l === "exemptions")).toBe(true);
    expect(text).toMatch(/ exempt {3}NHI-GOV-001 .*\[exempted by SEC-123 until \d{4}-\d{2}-\d{2}\]/);
    expect(lines[lines.length - 1]).toBe(`nhi-gate ${report.passed ? "PASS" : "FAIL"}: ${report.summary.findings} findings (${Object.entries(report.summary.bySeverity).reverse().filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(", ")}), 1 exempted on 3 identity resources (2 governed, 1 ungoverned, 0 unverifiable); fails on high and above; evaluated at 2026-06-01T12:00:00.000Z`);
    expect(formatText(report, { color: true })).toContain("\x1b[");
  });

  it("lists every exemption with its state: the audit trail", () => {
    expect(formatText(report, {})).toContain("exemptions\n  used     NHI-GOV-001 on aws_iam_role.hand|written: SEC-123, owner @acme/platform, until " + inDays(20) + "; 1 finding\n");
    expect(formatMarkdown(report, {})).toContain(`| used | NHI-GOV-001 | aws\\_iam\\_role.hand\\|written | SEC-123 | @\u200bacme/platform | - | ${inDays(20)} | 1 |`);
  });

  it("says once what several rules found alike on a resource, at the highest severity, keeping exempted findings apart", () => {
    const base = report.findings[0];
    const same = (ruleId: string, severity: Finding["severity"], extra: Partial<Finding> = {}): Finding => ({ ...base, ruleId, findingId: `${ruleId}[Unknown::assume_role_policy]`, severity, message: "cannot evaluate assume_role_policy: unknown until apply", exemptedBy: undefined, ...extra });
    const findings = [same("NHI-GOV-009", "high"), same("NHI-GOV-010", "critical"), same("NHI-GOV-015", "high"), same("NHI-GOV-016", "high", { findingId: "NHI-GOV-016" })];
    const r: Report = { ...report, findings: [...findings, same("NHI-GOV-017", "high", { exemptedBy: { ticket: "SEC-9", expires: inDays(5) } as Finding["exemptedBy"] })], exemptions: [] };
    const lines = formatText(r, {}).split("\n").filter((l) => l.startsWith("  "));
    expect(lines).toEqual([
      "  CRITICAL NHI-GOV-009[Unknown::assume_role_policy], NHI-GOV-010[Unknown::assume_role_policy], NHI-GOV-015[Unknown::assume_role_policy], NHI-GOV-016  cannot evaluate assume_role_policy: unknown until apply",
      `  exempt   NHI-GOV-017[Unknown::assume_role_policy]  cannot evaluate assume_role_policy: unknown until apply [exempted by SEC-9 until ${inDays(5)}]`,
    ]);
    const shared: Report = { ...r, findings: findings.slice(0, 3) };
    expect(formatText(shared, {})).toContain("  CRITICAL NHI-GOV-009, NHI-GOV-010, NHI-GOV-015 [Unknown::assume_role_policy]  cannot evaluate assume_role_policy: unknown until apply\n");
    // The pull-request comment does the same: one row.
    const rows = formatMarkdown(r, {}).split("\n").filter((l) => l.includes("cannot evaluate"));
    expect(rows).toEqual([
      "| critical | NHI-GOV-009\\[Unknown::assume\\_role\\_policy\\], NHI-GOV-010\\[Unknown::assume\\_role\\_policy\\], NHI-GOV-015\\[Unknown::assume\\_role\\_policy\\], NHI-GOV-016 | cannot evaluate assume\\_role\\_policy: unknown until apply |",
      "| ~~high~~ exempted (SEC-9) | NHI-GOV-017\\[Unknown::assume\\_role\\_policy\\] | cannot evaluate assume\\_role\\_policy: unknown until apply |",
    ]);
  });

  it("strips control characters from input", () => {
    const r: Report = { ...report, findings: [{ ...report.findings[0], message: "evil \x1b]0;title\x07 text" }] };
    expect(formatText(r, {})).toContain("evil ?]0;title? text");
  });
});

describe("json", () => {
  it("is the engine report, unchanged", () => {
    expect(JSON.parse(formatJson(report, {}))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe("sarif", () => {
  const log = JSON.parse(formatSarif(report, {})) as Sarif.Log;
  const run = log.runs[0];

  it("is SARIF 2.1.0 with rule metadata, help text and properties", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(RULES.map((r) => r.id)));
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.shortDescription?.text).toBeTruthy();
      expect(r.fullDescription?.text).toBeTruthy();
      expect(r.help?.text).toBeTruthy();
      expect(r.help?.markdown).toBeTruthy();
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(["error", "warning", "note"]).toContain(r.defaultConfiguration?.level);
      expect(Number(r.properties?.["security-severity"])).toBeGreaterThan(0);
    }
  });

  it("declares OWASP NHI and NIST CSF as taxonomies, related from each rule by index", () => {
    const tax = run.taxonomies ?? [];
    expect(tax.map((t) => t.name)).toEqual([OWASP_TAXONOMY, NIST_TAXONOMY]);
    expect(run.tool.driver.supportedTaxonomies).toEqual([
      { name: OWASP_TAXONOMY, index: 0 },
      { name: NIST_TAXONOMY, index: 1 },
    ]);
    expect(tax[0].taxa?.map((t) => t.id)).toEqual(["NHI1", "NHI2", "NHI3", "NHI4", "NHI5", "NHI6", "NHI7", "NHI8", "NHI9", "NHI10"]);
    for (const rule of run.tool.driver.rules ?? []) {
      expect(rule.relationships?.length).toBeGreaterThan(0);
      for (const rel of rule.relationships ?? []) {
        const t = tax[rel.target.toolComponent?.index as number];
        expect(t.name).toBe(rel.target.toolComponent?.name);
        expect(t.taxa?.[rel.target.index as number].id).toBe(rel.target.id);
        expect(rel.kinds).toEqual(["relevant"]);
      }
    }
  });

  it("has one result per finding, with fingerprints, locations and suppressions for exempted ones", () => {
    expect(run.results).toHaveLength(report.findings.length);
    const rules = run.tool.driver.rules ?? [];
    for (const [i, res] of (run.results ?? []).entries()) {
      const f = report.findings[i];
      expect(rules[res.ruleIndex as number].id).toBe(res.ruleId);
      expect(res.partialFingerprints).toEqual({ findingId: f.findingId, "nhiFinding/v1": `${f.findingId}@${f.address}` });
      expect(res.message.text).toBe(f.message);
      expect(res.locations?.[0].logicalLocations?.[0].fullyQualifiedName).toBe(f.address);
      expect(res.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe("plans/my%20plan.json");
      expect(res.suppressions !== undefined).toBe(f.exemptedBy !== undefined);
    }
    expect(run.artifacts).toEqual([{ location: { uri: "plans/my%20plan.json" } }]);
  });
});

describe("junit", () => {
  const xml = formatJunit(report, { applies });

  it("has one test case per identity and applicable rule; failures carry the findings", () => {
    const cases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)">(<failure|<skipped)?/g)];
    const judged = report.resources.filter((r) => r.judged);
    const expected = judged.flatMap((r) => RULES.filter((rule) => applies(r.address, rule.id)).map((rule) => rule.id));
    expect(cases.length).toBe(expected.length);
    const failedPairs = new Set(report.findings.filter((f) => !f.exemptedBy).map((f) => `${f.address} ${f.ruleId}`));
    expect(cases.filter((c) => c[3] === "<failure").map((c) => `${c[1]} ${c[2].split(" ")[0]}`).sort()).toEqual([...failedPairs].map((p) => p.replace("|", "|")).sort());
    expect(cases.filter((c) => c[3] === "<skipped").map((c) => c[2].split(" ")[0])).toEqual(["NHI-GOV-001"]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="nhi-gate" tests="\d+" failures="\d+" errors="0" skipped="1">/);
  });

  it("escapes XML", () => {
    const r: Report = { ...report, findings: [{ ...report.findings[0], exemptedBy: undefined, message: `<script>&"'\u0001` }] };
    expect(formatJunit(r, { applies })).toContain("&lt;script&gt;&amp;&quot;&apos;");
  });
});

describe("markdown", () => {
  it("summarises, tables findings per resource and folds clean resources", () => {
    const md = formatMarkdown(report, {});
    expect(md.split("\n")[0]).toBe(`## ${report.passed ? "✅" : "❌"} nhi-gate: ${report.passed ? "passed" : "failed"}`);
    expect(md).toContain("### `aws_iam_role.hand|written`");
    expect(md).toContain("| ~~high~~ exempted (SEC-123) | NHI-GOV-001 |");
    expect(md).toContain("<details><summary>2 resources without findings</summary>");
  });

  it("escapes table breakers, HTML and mentions", () => {
    expect(mdEscape("a|b\n<img src=x> @team `x`")).toBe("a\\|b \\<img src=x\\> @\u200bteam \\`x\\`");
  });
});

it("every format is reachable through the lazy registry", () => {
  for (const f of ["text", "json", "sarif", "junit", "markdown"] as const) expect(formatter(f)(report, { applies }).length).toBeGreaterThan(10);
});
