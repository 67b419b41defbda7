import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluate } from "../../src/engine/evaluate";
import { defineRule, fail, pass } from "../../src/rules/rule";
import { resource } from "../../testing/resources";
import { globMatch } from "../../src/util/glob";
import { main } from "../../src/cli/main";
import { change, plan } from "../fixtures/plans/builder";
import { clock } from "../helpers";

const root = path.resolve(__dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("the gate runs no code from its inputs and opens no connection", () => {
  const files = [...sourceFiles(path.join(root, "src")), ...sourceFiles(path.join(root, "policy-packs/nhi-governance")).filter((f) => !f.includes("/dist/"))];
  it.each([
    ["eval", /\beval\s*\(/],
    ["new Function", /new\s+Function\s*\(/],
    ["dynamic require", /require\(\s*[^"'\s)]/],
    ["dynamic import", /import\(\s*[^"'\s)]/],
    ["network modules", /from "(node:)?(http|https|net|tls|dgram|dns|http2)"|require\("(node:)?(http|https|net|tls|dgram|dns|http2)"\)/],
    ["child processes", /from "(node:)?child_process"|require\("(node:)?child_process"\)/],
    ["vm", /from "(node:)?vm"|require\("(node:)?vm"\)/],
  ])("no %s in the engine, the CLI or the pack", (_what, pattern) => {
    const hits = files.filter((f) => pattern.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(root, f));
    expect(hits).toEqual([]);
  });
});

describe("fail closed", () => {
  const thrower = defineRule({
    id: "NHI-GOV-999",
    title: "A rule that throws on one resource",
    severity: "low",
    controls: { owasp: ["NHI6"], nistCsf: ["PR.PS-01"] },
    rationale: "test",
    remediation: "test",
    appliesTo: {},
    check: (r) => {
      if (r.address.endsWith("bad")) throw new TypeError("cannot read x of undefined");
      return r.address.endsWith("finding") ? fail({ message: "found" }) : pass();
    },
  });

  it("a rule that throws becomes a high finding for that resource, naming the rule; other resources are still judged", () => {
    const report = evaluate(
      { resources: [resource("aws_iam_role", "aws_iam_role.bad", { name: "bad" }), resource("aws_iam_role", "aws_iam_role.finding", { name: "x" })] },
      { clock, rules: [thrower] },
    );
    expect(report.findings.map((f) => [f.findingId, f.address, f.severity])).toEqual([
      ["NHI-GOV-000[NHI-GOV-999]", "aws_iam_role.bad", "high"],
      ["NHI-GOV-999", "aws_iam_role.finding", "low"],
    ]);
    expect(report.findings[0].message).toMatch(/rule NHI-GOV-999 .* failed on aws_iam_role\.bad: cannot read x of undefined/);
    expect(report.passed).toBe(false);
  });
});

describe("hostile input", () => {
  it("__proto__ and constructor keys in a plan do not change the result or any prototype", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-proto-"));
    const clean = plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: { name: "r", tags: { team: "x" } } })]);
    const text = JSON.stringify(clean).replace('"tags":{', '"__proto__":{"failOn":"critical","passed":true},"constructor":{"prototype":{"passed":true}},"tags":{"__proto__":{"nhi:owner":"@evil"},');
    const a = path.join(tmp, "clean.json");
    const b = path.join(tmp, "hostile.json");
    fs.writeFileSync(a, JSON.stringify(clean));
    fs.writeFileSync(b, text);
    const out = async (f: string) => {
      let s = "";
      const code = await main(["plan", f, "--format", "json", "--now", "2026-06-01"], { stdout: { write: (x: string) => ((s += x), true) }, stderr: { write: () => true }, env: {} } as never);
      const report = JSON.parse(s);
      return { code, findings: report.findings.map((x: { findingId: string }) => x.findingId), passed: report.passed };
    };
    const [x, y] = [await out(a), await out(b)];
    expect(y).toEqual(x);
    expect(x.code).toBe(1);
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
    expect(({} as Record<string, unknown>).failOn).toBeUndefined();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("glob patterns cannot cause catastrophic backtracking (linear matcher)", () => {
    const text = "a".repeat(20_000);
    // A pattern that takes exponential time in a backtracking regex engine.
    expect(globMatch("*a*a*a*a*a*a*a*a*a*a*b", text)).toBe(false);
    expect(globMatch("*a*a*a*a*a*a*a*a*a*a*", text)).toBe(true);
    expect(globMatch("aws_iam_role.*", "aws_iam_role.x")).toBe(true);
    expect(globMatch("urn:pulumi:*::aws:iam/role:Role::?b", "urn:pulumi:s::p::aws:iam/role:Role::ab")).toBe(true);
  });
});
