/**
 * `npx nhi-gate` in the consumer project, on the bundled example plan, in every format: the bin
 * the package installs runs its compiled dist/ (the package ships no sources).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { installed, project, sh, source } from "./helpers";

const plan = () => {
  const p = path.join(project(), "iam-policies.tfplan.json");
  if (!fs.existsSync(p)) fs.copyFileSync(path.join(source(), "examples", "plans", "iam-policies.tfplan.json"), p);
  return p;
};
const npx = (args: string[]) => sh("npx", ["--no-install", "nhi-gate", ...args]);

describe("npx nhi-gate, installed", () => {
  it("ships no TypeScript sources, so the bin runs dist/", () => {
    expect(fs.existsSync(path.join(installed(), "src"))).toBe(false);
    expect(fs.existsSync(path.join(installed(), "dist", "src", "cli", "main.js"))).toBe(true);
  });

  it.each(["text", "json", "sarif", "junit", "markdown"])("plan in %s: exit 1 with the findings of the example plan", (format) => {
    const r = npx(["plan", plan(), "--format", format, "--now", "2026-06-01"]);
    expect({ code: r.code, err: r.code === 1 ? "" : r.err }).toEqual({ code: 1, err: "" });
    const out = r.out;
    if (format === "json") {
      const report = JSON.parse(out);
      expect(report.tool.name).toBe("nhi-governance");
      expect(report.findings.length).toBeGreaterThan(0);
      expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toContain("NHI-GOV-001");
    } else if (format === "sarif") {
      const sarif = JSON.parse(out);
      expect(sarif.version).toBe("2.1.0");
      expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    } else if (format === "junit") {
      expect(out).toMatch(/^<\?xml/);
      expect(out).toContain("<failure");
    } else if (format === "markdown") {
      expect(out).toMatch(/NHI-GOV-001/);
      expect(out).toMatch(/\|/);
    } else {
      expect(out).toMatch(/NHI-GOV-001/);
    }
  });

  it("bad input is one line on stderr and exit 2", () => {
    fs.writeFileSync(path.join(project(), "broken.json"), "{ not json");
    const r = npx(["plan", "broken.json"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("broken.json");
  });
});
