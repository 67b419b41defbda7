#!/usr/bin/env node
"use strict";
/**
 * Reports before and after a change to the engine must be byte-identical: this writes every
 * report format of the compiled CLI (bench/out/, as scripts/bench.js builds it) for the corpus
 * plans and state (/work/shared/corpus or --corpus), the example plan, the fixture state and the
 * benchmark's generated plans, and compares them with a saved set.
 *
 *   node scripts/compare-reports.js save <dir>    build, write the reports to <dir>
 *   node scripts/compare-reports.js check <dir>   build, write them again and compare with <dir>
 *   [--no-rebuild] [--corpus <dir>] [--large]     (--large adds the 100k-resource plans)
 *   [--build <dir>]                               a compiled tree to use instead of bench/out/ (not rebuilt):
 *                                                 save with the old code's, check with the new code's
 */
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { governedPlan, legacyPlan, mixedPlan } = require("./bench-plans.js");

const root = path.resolve(__dirname, "..");
const given = process.argv.indexOf("--build");
const out = given >= 0 ? path.resolve(process.argv[given + 1]) : path.join(root, "bench", "out");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const [mode, dir] = process.argv.slice(2);
if (!["save", "check"].includes(mode) || !dir) {
  process.stderr.write("usage: node scripts/compare-reports.js <save|check> <dir> [--no-rebuild] [--corpus <dir>] [--large]\n");
  process.exit(2);
}
const corpus = arg("corpus", "/work/shared/corpus");

if (given < 0 && (!fs.existsSync(path.join(out, "src", "cli", "main.js")) || !process.argv.includes("--no-rebuild"))) {
  process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
  const b = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) process.exit(2);
}
const cli = path.join(out, "src", "cli", "main.js");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-compare-"));
/** [name, command, file, extra arguments] */
const cases = [];
const listDir = (d) => (fs.existsSync(d) ? fs.readdirSync(d).sort().map((f) => path.join(d, f)) : []);
for (const f of listDir(path.join(corpus, "terraform-plans"))) if (f.endsWith(".json")) cases.push([`corpus-plan-${path.basename(f, ".json")}`, "plan", f]);
for (const f of listDir(path.join(corpus, "pulumi-state"))) if (f.endsWith(".json")) cases.push([`corpus-pulumi-${path.basename(f, ".json")}`, "inventory", f]);
cases.push(["example-iam-policies", "plan", path.join(root, "examples", "plans", "iam-policies.tfplan.json")]);
cases.push(["fixture-legacy-state", "state", path.join(root, "test", "fixtures", "states", "legacy.tfstate")]);
cases.push(["fixture-legacy-inventory", "inventory", path.join(root, "test", "fixtures", "states", "legacy.tfstate")]);
for (const n of [1000, 10000, ...(process.argv.includes("--large") ? [100000] : [])]) {
  const g = path.join(tmp, `governed-${n}.json`);
  governedPlan(n, g, path.join(out, "src"));
  cases.push([`bench-governed-${n}`, "plan", path.basename(g)]);
  const l = path.join(tmp, `legacy-${n}.json`);
  legacyPlan(n, l);
  cases.push([`bench-legacy-${n}`, "plan", path.basename(l)]);
}

// The varied plan, alone and with a gate config and exemptions (granular ones, a rule-wide one, an expired and a stale one).
mixedPlan(3000, path.join(tmp, "mixed-3000.json"), path.join(out, "src"));
cases.push(["bench-mixed-3000", "plan", "mixed-3000.json"]);
const exemption = (rule, resource, ticket, expires = "2026-06-20") => ({ rule, resource, reason: "compare-reports", owner: "@acme/security", ticket, expires });
fs.writeFileSync(
  path.join(tmp, "exemptions.json"),
  JSON.stringify({
    exemptions: [
      exemption("NHI-GOV-003[Tag::nhi:owner]", "aws_iam_role.m0", "T-1"),
      exemption("NHI-GOV-005", "aws_iam_role_policy.m16", "T-2"),
      exemption("NHI-GOV-001", "aws_iam_role.m4", "T-3"),
      exemption("NHI-GOV-008", "aws_iam_role.m20", "T-4", "2026-05-01"),
      exemption("NHI-GOV-009", "aws_iam_role.nothing", "T-5"),
      exemption("NHI-GOV-002", "aws_iam_role_policy_attachment.m2", "T-6", "2026-06-03"),
    ],
  }),
);
cases.push(["bench-mixed-3000-config", "plan", "mixed-3000.json", ["--config", path.join(root, "examples", "pipelines", "nhi-governance.config.json"), "--exemptions", "exemptions.json"]]);
// One process runs every case (the CLI's main() in process, as the bench measures it).
const runner = `
const path = require("path"); const fs = require("fs");
const { main } = require(${JSON.stringify(cli)});
const cases = JSON.parse(process.argv[1]); const outDir = process.argv[2];
(async () => {
  for (const [name, cmd, file, extra] of cases) {
    const formats = cmd === "inventory" ? ["text", "json", "markdown"] : ["text", "json", "sarif", "junit", "markdown"];
    const args = [cmd, file, "--now", "2026-06-01", "--no-color", ...(extra ?? [])];
    for (const f of formats) args.push("--format", f, "--output", path.join(outDir, name + "." + f));
    let stdout = ""; let stderr = "";
    const code = await main(args, { stdout: { write: (s) => { stdout += s; } }, stderr: { write: (s) => { stderr += s; } }, env: {} });
    fs.writeFileSync(path.join(outDir, name + ".exit"), "exit " + code + "\\nstdout:\\n" + stdout + "\\nstderr:\\n" + stderr);
  }
})().catch((e) => { console.error(e); process.exit(3); });`;
const target = mode === "save" ? dir : path.join(tmp, "now");
fs.mkdirSync(target, { recursive: true });
// Generated plans are named relative to the temporary directory, so reports name them the same each run.
const r = spawnSync(process.execPath, ["-e", runner, JSON.stringify(cases), path.resolve(target)], { cwd: tmp, stdio: "inherit" });
if (r.status !== 0) process.exit(2);

const hash = (f) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const files = fs.readdirSync(target).sort();
if (mode === "save") {
  console.log(`saved ${files.length} reports of ${cases.length} inputs to ${dir}`);
} else {
  const saved = fs.readdirSync(dir).sort();
  const differ = [];
  for (const f of new Set([...saved, ...files])) {
    const a = path.join(dir, f);
    const b = path.join(target, f);
    if (!fs.existsSync(a) || !fs.existsSync(b) || hash(a) !== hash(b)) differ.push(f);
  }
  console.log(`${files.length} reports of ${cases.length} inputs compared with ${dir}: ${differ.length ? `${differ.length} differ: ${differ.join(", ")} (new ones in ${target})` : "all byte-identical"}`);
  if (differ.length) process.exitCode = 1;
}
if (mode === "save" || !process.exitCode) fs.rmSync(tmp, { recursive: true, force: true });
