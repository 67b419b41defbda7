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
 */
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { governedPlan, legacyPlan } = require("./bench-plans.js");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench", "out");
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

if (!fs.existsSync(path.join(out, "src", "cli", "main.js")) || !process.argv.includes("--no-rebuild")) {
  process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
  const b = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) process.exit(2);
}
const cli = path.join(out, "src", "cli", "main.js");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-compare-"));
/** [name, command, file] */
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

// One process runs every case (the CLI's main() in process, as the bench measures it).
const runner = `
const path = require("path"); const fs = require("fs");
const { main } = require(${JSON.stringify(cli)});
const cases = JSON.parse(process.argv[1]); const outDir = process.argv[2];
(async () => {
  for (const [name, cmd, file] of cases) {
    const formats = cmd === "inventory" ? ["text", "json", "markdown"] : ["text", "json", "sarif", "junit", "markdown"];
    const args = [cmd, file, "--now", "2026-06-01", "--no-color"];
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
