import * as fs from "fs";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require("../../scripts/gen-docs.js") as {
  rulesMarkdown(): string;
  readmeSection(): string;
  applyReadmeSection(readme: string, section?: string): string;
  RULES_DOC: string;
  README: string;
  START: string;
  END: string;
};
import { RULES } from "../../src/rules/registry";

describe("generated rule docs", () => {
  it("docs/rules.md is up to date (run npm run docs)", () => {
    expect(fs.readFileSync(gen.RULES_DOC, "utf8")).toBe(gen.rulesMarkdown());
  });

  it("the README rules section is up to date (run npm run docs)", () => {
    const readme = fs.readFileSync(gen.README, "utf8");
    const s = readme.indexOf(gen.START);
    const e = readme.indexOf(gen.END);
    expect(s).toBeGreaterThan(-1);
    expect(readme.slice(s, e + gen.END.length)).toBe(gen.readmeSection());
  });

  it("lists every rule with its remediation, and explains the OWASP items without a rule", () => {
    const section = gen.readmeSection();
    for (const r of RULES) expect(section).toContain(`| ${r.id} | ${r.title.replace(/\|/g, "\\|")} | ${r.severity} |`);
    expect(section).toMatch(/\| NHI8 \| Environment Isolation \| NHI-GOV-017 /);
    expect(section).toMatch(/\| NHI9 \| NHI Reuse \| NHI-GOV-018 /);
  });

  it("replaces only the marked section, or appends it under ## Rules", () => {
    expect(gen.applyReadmeSection("# T\n\nintro\n", "X")).toBe("# T\n\nintro\n\n## Rules\n\nX\n");
    expect(gen.applyReadmeSection(`a\n${gen.START}\nold\n${gen.END}\nb\n`, "NEW")).toBe("a\nNEW\nb\n");
  });
});
