/**
 * Every TypeScript block of the README and docs/*.md that ships, as a user pastes it into a new
 * project that installed the tarball: type-checked under `strict` with `moduleResolution` `node`
 * (the Pulumi and CDKTF templates' setting) and `node16`, then run, today and with the clock
 * 400 days ahead (no example may start failing because a date passed). CDKTF blocks synthesize,
 * and their output passes `nhi-gate synth`; Pulumi blocks run under `checkPulumiProgram`; test
 * blocks run with jest's `expect`. The JSON and YAML blocks marked for it go through `nhi-gate`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { blocksOf, fileOf, TsBlock, typescriptBlocks } from "./blocks";
import { diagnosticsByFile, installed, project, sh, source, tsc } from "./helpers";

const YEAR_AHEAD = 400;
const blocks: TsBlock[] = typescriptBlocks(installed());
const diagnostics: Record<"node" | "node16", Map<string, string[]>> = { node: new Map(), node16: new Map() };

const compilerOptions = {
  strict: true,
  target: "es2020",
  lib: ["es2020"],
  esModuleInterop: true,
  // Declaration files are checked once, in resolution.test.ts (skipLibCheck off): here that would
  // re-check all of @pulumi/aws for every mode, minutes on a small machine.
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  types: ["node", "jest"],
};

beforeAll(() => {
  const dir = path.join(project(), "blocks");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const b of blocks) fs.writeFileSync(path.join(dir, fileOf(b)), b.source);
  fs.writeFileSync(path.join(project(), "tsconfig.node.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, module: "commonjs", moduleResolution: "node", outDir: "blocks-out", rootDir: "blocks" }, include: ["blocks/*.ts"] }, null, 2));
  fs.writeFileSync(path.join(project(), "tsconfig.node16.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, module: "node16", moduleResolution: "node16", noEmit: true }, include: ["blocks/*.ts"] }, null, 2));
  // One compiler run per mode for all blocks; `node` also emits the JavaScript that runs.
  for (const mode of ["node", "node16"] as const) diagnostics[mode] = diagnosticsByFile(tsc(["-p", `tsconfig.${mode}.json`, "--pretty", "false"]).out);
}, 600_000);

describe("the docs' TypeScript blocks, as a user pastes them", () => {
  it("there are blocks to test (README and docs/*.md ship with the package)", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect([...new Set(blocks.map((b) => b.kind))]).toEqual(expect.arrayContaining(["cdktf", "cdktn", "pulumi", "test"]));
  });

  it("the clock really moves for a block run 400 days ahead (and a literal date valid today is then refused)", () => {
    const today = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const script = `const { parseSpec } = require("nhi-governance");
const spec = { name: "x", owner: "@acme/payments", purpose: "Deploys the payments API", environment: "prod", systemOfRecord: "PAY-42", retirement: "never", workload: "ci",
  access: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }], permissionsBoundary: "arn:aws:iam::123456789012:policy/b",
  trust: { kind: "aws-service", service: "lambda.amazonaws.com" }, credential: { kind: "ephemeral" }, recertifyBy: "${today}" };
let ok = true; try { parseSpec(spec); } catch { ok = false; }
console.log(JSON.stringify({ year: new Date().getUTCFullYear(), now: Date.now(), ok }));`;
    const run = (days: number) => JSON.parse(sh(process.execPath, ["-r", path.join(project(), "date-shift.js"), "-e", script], { env: { NHI_CLOCK_OFFSET_DAYS: String(days) } }).out);
    const [now, ahead] = [run(0), run(YEAR_AHEAD)];
    expect(Math.round((ahead.now - now.now) / 86_400_000)).toBe(YEAR_AHEAD);
    expect([now.ok, ahead.ok]).toEqual([true, false]);
  });

  it.each(blocks.map((b) => [b.id, b] as const))("%s type-checks (strict; moduleResolution node and node16) and runs today and 400 days ahead", (_, b) => {
    if (b.hint?.startsWith("skip")) return;
    const file = `blocks/${fileOf(b)}`;
    const errors = [...(["node", "node16"] as const).flatMap((m) => (diagnostics[m].get(file) ?? []).map((d) => `[${m}] ${d}`)), ...(diagnostics.node.get("(project)") ?? [])];
    expect({ block: `${b.doc} line ${b.line}`, completedWith: b.completed, typeErrors: errors }).toEqual({ block: `${b.doc} line ${b.line}`, completedWith: b.completed, typeErrors: [] });
    for (const days of [0, YEAR_AHEAD]) {
      const r = runBlock(b, days);
      expect({ block: `${b.doc} line ${b.line}`, clock: days ? `+${days} days` : "today", code: r.code, output: r.code ? r.output : "" }).toEqual({ block: `${b.doc} line ${b.line}`, clock: days ? `+${days} days` : "today", code: 0, output: "" });
    }
  });
});

function runBlock(b: TsBlock, days: number): { code: number; output: string } {
  const js = path.join(project(), "blocks-out", fileOf(b, ".js"));
  const cwd = fs.mkdtempSync(path.join(project(), "run-"));
  const env = { NHI_CLOCK_OFFSET_DAYS: String(days) };
  const node = (args: string[]) => sh(process.execPath, ["-r", path.join(project(), "date-shift.js"), ...args], { cwd, env });
  // A block that reads the gate config file gets its document's gate-config block as that file,
  // and nhi-gate synth reads the same file (as a user's pipeline would).
  const configBlock = b.code.includes("nhi-governance.config.") ? blocksOf(installed()).find((x) => x.doc === b.doc && x.hint === "gate-config") : undefined;
  const configFile = configBlock ? `nhi-governance.config.${configBlock.lang === "yaml" ? "yaml" : "json"}` : undefined;
  if (configBlock && configFile) fs.writeFileSync(path.join(cwd, configFile), configBlock.code);
  let r;
  if (b.kind === "pulumi") r = node([path.join(project(), "run-pulumi.js"), js, ...(b.hint === "expect-findings" ? ["--expect-findings"] : [])]);
  else if (b.kind === "test") r = node([path.join(project(), "run-test.js"), js]);
  else r = node([js]);
  let output = `${r.out}${r.err}`.trim();
  let code = r.code;
  // A synthesized CDKTF app must also pass the pipeline gate (nothing the aspect let through fails there).
  if (code === 0 && (b.kind === "cdktf" || b.kind === "cdktn") && fs.existsSync(path.join(cwd, "cdktf.out"))) {
    const gate = sh(path.join(project(), "node_modules", ".bin", "nhi-gate"), ["synth", "cdktf.out", ...(configFile ? ["-c", configFile] : []), ...(days ? ["--now", new Date(Date.now() + days * 86_400_000).toISOString()] : [])], { cwd });
    if (gate.code !== 0) {
      code = gate.code;
      output = `nhi-gate synth cdktf.out exited ${gate.code}:\n${gate.out}${gate.err}`;
    }
  }
  fs.rmSync(cwd, { recursive: true, force: true });
  return { code, output: output.split("\n").slice(0, 40).join("\n") };
}

describe("the docs' JSON and YAML blocks for the gate", () => {
  const marked = blocksOf(installed()).filter((b) => b.hint === "gate-config" || b.hint === "exemptions");
  const plan = () => {
    const p = path.join(project(), "plan.json");
    if (!fs.existsSync(p)) fs.copyFileSync(path.join(source(), "examples", "plans", "iam-policies.tfplan.json"), p);
    return p;
  };

  it("the README's gate config and exemptions blocks are marked for this suite", () => {
    expect(marked.filter((b) => b.doc === "README.md").map((b) => b.hint).sort()).toEqual(["exemptions", "gate-config"]);
  });

  it.each(marked.map((b) => [b.id, b] as const))("%s is read by nhi-gate as it is written (an exemption's expiry filled relative to the clock), today and 400 days ahead", (_, b) => {
    for (const days of [0, YEAR_AHEAD]) {
      const now = new Date(Date.now() + days * 86_400_000);
      const file = path.join(project(), `${fileOf(b, "")}.${b.lang === "yaml" ? "yaml" : "json"}`);
      // Exemptions expire by design (at most maxExemptionDays ahead): the docs show the shape, the date is the reader's.
      const text = b.hint === "exemptions" ? b.code.replace(/expires:\s*"?\d{4}-\d{2}-\d{2}"?/g, `expires: "${new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10)}"`) : b.code;
      fs.writeFileSync(file, text);
      const r = sh(path.join(project(), "node_modules", ".bin", "nhi-gate"), ["plan", plan(), b.hint === "exemptions" ? "--exemptions" : "--config", file, "--now", now.toISOString(), "--format", "json"]);
      expect({ block: `${b.doc} line ${b.line}`, clock: days ? `+${days} days` : "today", exit: r.code === 2 ? `2: ${r.err.trim()}` : "read" }).toEqual({ block: `${b.doc} line ${b.line}`, clock: days ? `+${days} days` : "today", exit: "read" });
    }
  });
});

describe("what the shipped docs point at", () => {
  it("every relative link of README.md and docs/*.md is a file in the package; the rest link to the repository", () => {
    const broken: string[] = [];
    const docs = ["README.md", ...fs.readdirSync(path.join(installed(), "docs")).map((f) => `docs/${f}`)];
    for (const doc of docs) {
      const text = fs.readFileSync(path.join(installed(), doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split("#")[0];
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!fs.existsSync(path.join(installed(), path.dirname(doc), target))) broken.push(`${doc}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the package names its repository, where the examples and sources live", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed(), "package.json"), "utf8"));
    expect(pkg.repository?.url).toContain("github.com/nhi-governance/nhi-governance");
  });
});
