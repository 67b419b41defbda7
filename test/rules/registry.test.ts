import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../src/rules/registry";
import { ENGINE_FINDINGS } from "../../src/rules/engine-findings";
import { NIST_CSF, OWASP_NHI, Rule } from "../../src/rules/rule";

const RULES_DIR = path.join(__dirname, "../../src/rules");

/** Every exported rule object defined in a file of src/rules/, by file. */
function definedRules(): { file: string; rule: Rule }[] {
  const out: { file: string; rule: Rule }[] = [];
  for (const file of fs.readdirSync(RULES_DIR).filter((f) => f.endsWith(".ts")).sort()) {
    const source = fs.readFileSync(path.join(RULES_DIR, file), "utf8");
    const calls = (source.match(/\bdefineRule\(\{/g) ?? []).length;
    if (!calls) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(RULES_DIR, file)) as Record<string, unknown>;
    const rules = Object.values(mod).filter((v): v is Rule => !!v && typeof v === "object" && typeof (v as Rule).check === "function" && typeof (v as Rule).id === "string");
    expect([file, rules.length]).toEqual([file, calls]);
    for (const rule of rules) out.push({ file, rule });
  }
  return out;
}

describe("rule registry", () => {
  it("registers every rule defined in src/rules/ exactly once, and nothing else", () => {
    const defined = definedRules();
    expect(defined.length).toBeGreaterThanOrEqual(16);
    for (const { file, rule } of defined) expect([file, RULES.filter((r) => r === rule).length]).toEqual([file, 1]);
    expect(RULES.length).toBe(defined.length);
  });

  it("has unique ids of the form NHI-GOV-NNN, distinct from the engine's own findings", () => {
    const ids = [...RULES.map((r) => r.id), ...ENGINE_FINDINGS.map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^NHI-GOV-\d{3}$/);
  });

  it("gives every rule controls, rationale and remediation", () => {
    for (const r of [...RULES, ...ENGINE_FINDINGS]) {
      expect([r.id, r.controls.owasp.length > 0, r.controls.nistCsf.length > 0]).toEqual([r.id, true, true]);
      for (const o of r.controls.owasp) expect(Object.keys(OWASP_NHI)).toContain(o);
      for (const n of r.controls.nistCsf) expect(Object.keys(NIST_CSF)).toContain(n);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(40);
      expect(r.remediation.length).toBeGreaterThan(20);
    }
  });

  it("maps every OWASP NHI item to a rule, except the ones the docs explain", () => {
    const covered = new Set(RULES.flatMap((r) => r.controls.owasp));
    const missing = Object.keys(OWASP_NHI).filter((k) => !covered.has(k as keyof typeof OWASP_NHI));
    expect(missing).toEqual([]);
  });
});
