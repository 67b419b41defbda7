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
  it("ships no TypeScript sources, so the bin runs dist/: the bundle, through a code cache in the project's node_modules/.cache", () => {
    expect(fs.existsSync(path.join(installed(), "src"))).toBe(false);
    expect(fs.existsSync(path.join(installed(), "dist", "src", "cli", "main.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed(), "dist", "bin", "THIRD-PARTY-LICENSES.txt"))).toBe(true);
    const probe = path.join(project(), "probe-loaded.js");
    fs.writeFileSync(probe, `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache))));\n`);
    const cache = path.join(project(), "node_modules", ".cache", "nhi-governance");
    fs.rmSync(cache, { recursive: true, force: true });
    const r = sh(process.execPath, ["-r", probe, path.join(project(), "node_modules", ".bin", "nhi-gate"), "plan", plan(), "--now", "2026-06-01", "--format", "json"]);
    expect(r.code).toBe(1);
    const loaded = (JSON.parse(r.err.split("LOADED ")[1]) as string[]).filter((f) => f !== probe).map((f) => path.relative(fs.realpathSync(installed()), fs.realpathSync(f)));
    expect(loaded.sort()).toEqual(["bin/code-cache.js", "bin/newest-source.js", "bin/nhi-gate.js", "dist/bin/nhi-gate.js"]);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith(".v8cache"))).toHaveLength(1);
    // The next run, from the cache, says the same.
    expect(npx(["plan", plan(), "--now", "2026-06-01", "--format", "json"]).out).toBe(r.out);
  });

  it("terraform-provider mirror from the installed package: the bundle finds the package root and its compiled provider", () => {
    const dir = path.join(project(), "tf-mirror");
    fs.rmSync(dir, { recursive: true, force: true });
    const r = npx(["terraform-provider", "mirror", dir, "--platform", "linux_amd64"]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: expect.stringMatching(/^nhi-gate: wrote \d+ files of terraform-provider-nhi /) });
    expect(r.out).toContain("provider_installation");
    const zips = fs.readdirSync(path.join(dir, "nhi.local", "nhi-governance", "nhi")).filter((f) => f.endsWith(".zip"));
    expect(zips).toEqual([expect.stringMatching(/_linux_amd64\.zip$/)]);
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
