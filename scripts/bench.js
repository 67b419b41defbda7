#!/usr/bin/env node
"use strict";
/**
 * npm run bench: performance figures, printed to stdout (not a timed test).
 *
 *   node scripts/bench.js [--only gate] [--sizes 1000,10000,100000] [--runs 3]
 *
 * The nhi-gate part: generated plans of 1k, 10k and 100k resources, a third of them identity
 * resources (governed roles from renderIdentity with their policies and instance profiles,
 * plus 1% hand-written roles that produce findings). For each size: the time to read and
 * JSON.parse the file (the floor), the gate's time in-process (read, validate, model,
 * evaluate, redact, JSON report; its modules loaded before the clock starts, as the floor loads
 * none in its window) and its wall time as a process (start and loading included), and peak RSS of each.
 * The last column is a reference: the parse plus the least a seal-verifying gate must do (parse
 * two policies per sealed role, hash one payload), to show what the 1.5x budget leaves.
 * Cold start (coldStart): bin/nhi-gate.js as installed, on one-resource inputs, next to
 * `node -e 0`. Targets: gate at most 1.5x the parse floor, linear growth from 10k to 100k (issue
 * 3), cold start at most 2x node -e 0 for plan, state, synth, --version and --help.
 * Then the other benchmarks under bench/ (CDKTF synth, Pulumi components), unless --only gate.
 * `--no-rebuild` reuses bench/out/ when it exists. `--only cold` runs the cold start alone.
 */
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { governedPlan, rc } = require("./bench-plans.js");

const root = path.resolve(__dirname, "..");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const sizes = arg("sizes", "1000,10000,100000").split(",").map(Number);
const runs = Number(arg("runs", "3"));
const only = arg("only", "");
// The benchmark measures compiled JavaScript, as installed: it builds into bench/out/ (git-ignored)
// rather than dist/, so it never leaves a stale dist/ for bin/nhi-gate.js to pick up.
const out = path.join(root, "bench", "out");
const dist = path.join(out, "src");
const launcher = path.join(out, "nhi-gate.js");

function ensureBuild() {
  if (!fs.existsSync(path.join(dist, "cli", "main.js")) || !process.argv.includes("--no-rebuild")) {
    process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
    spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
    if (!fs.existsSync(path.join(dist, "cli", "main.js"))) throw new Error("build produced no bench/out/src/cli/main.js");
  }
  // What bin/nhi-gate.js does once dist/ exists: require the compiled CLI and run it.
  fs.writeFileSync(launcher, `"use strict";\nrequire(${JSON.stringify(path.join(dist, "cli", "main.js"))}).main(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n`);
}

/** Run a snippet in a fresh process; it prints JSON {ms, ...}; add peak RSS. */
function child(code, args = []) {
  const out = execFileSync(process.execPath, ["-e", code, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split("\n").pop());
}

const PARSE = `
const fs = require("fs"); const t0 = process.hrtime.bigint();
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, n: v.resource_changes.length }));`;

/*
 * A reference, not a gate: read + JSON.parse, then the least any gate that verifies seals must
 * do per sealed role: parse its trust policy and its inline policy (joined by role name, as the
 * generated plan writes it) and hash one payload. No plan-shape validation, normalization,
 * links, rules or report. It shows how much of the 1.5x budget the seal check alone takes.
 */
const SEAL_FLOOR = `
const fs = require("fs"); const crypto = require("crypto"); const t0 = process.hrtime.bigint();
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const policies = new Map();
for (const r of v.resource_changes) if (r.type === "aws_iam_role_policy") policies.set(r.change.after.role, r.change.after.policy);
let sealed = 0; let equal = 0;
for (const r of v.resource_changes) {
  const a = r.type === "aws_iam_role" ? r.change.after : null;
  if (!a || !a.tags || !a.tags["nhi:seal"]) continue;
  const payload = JSON.stringify([a.name, a.path, a.tags, JSON.parse(a.assume_role_policy), JSON.parse(policies.get(a.name) || "{}")]);
  // The comparison keeps the hash from being optimized away (the payload is not seal v1's).
  if (crypto.createHash("sha256").update(payload).digest("base64url") === a.tags["nhi:seal"]) equal++;
  sealed++;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, sealed, equal }));`;

const GATE = `
const path = require("path");
const { main } = require(path.join(${JSON.stringify(dist)}, "cli", "main.js"));
// main.js loads the gate's implementation (cli/run.js) in the plan command's action: loaded here,
// before the clock starts, as the read+JSON.parse baseline loads nothing in its window. Loading
// is in the "gate process (wall)" column and the cold-start table.
require(path.join(${JSON.stringify(dist)}, "cli", "run.js"));
const sink = { write() {} };
const t0 = process.hrtime.bigint();
main(["plan", process.argv[1], "--now", "2026-06-01", "--format", "json", "--output", process.argv[2]], { stdout: sink, stderr: sink, env: {} }).then((code) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, code, rssMb: process.resourceUsage().maxRSS / 1024 }));
});`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

function wall(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", ...(env ? { env: { ...process.env, ...env } } : {}) });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, code: r.status };
}

function benchGate() {
  ensureBuild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bench-"));
  console.log(`nhi-gate benchmark (node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? "?"}; median of ${runs} runs; compiled JS in bench/out/)`);
  console.log("");
  console.log("| resources | identities | file | read+JSON.parse | gate (in-process) | ratio | gate process (wall) | peak RSS parse | peak RSS gate | exit | floor + bare seal check |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const rows = [];
  for (const n of sizes) {
    const file = path.join(tmp, `plan-${n}.json`);
    const { identities } = governedPlan(n, file, dist);
    const size = fs.statSync(file).size;
    const parse = [];
    const gate = [];
    const procs = [];
    const sealFloor = [];
    for (let i = 0; i < runs; i++) {
      parse.push(child(PARSE, [file]));
      sealFloor.push(child(SEAL_FLOOR, [file]).ms);
      gate.push(child(GATE, [file, path.join(tmp, "report.json")]));
      procs.push(wall([launcher, "plan", file, "--now", "2026-06-01", "--format", "json", "--output", path.join(tmp, "report2.json")]));
    }
    const p = median(parse.map((x) => x.ms));
    const g = median(gate.map((x) => x.ms));
    const row = { n, identities, size, parseMs: p, gateMs: g, ratio: g / p, wallMs: median(procs.map((x) => x.ms)), parseRss: Math.max(...parse.map((x) => x.rssMb)), gateRss: Math.max(...gate.map((x) => x.rssMb)), code: gate[0].code, sealFloorMs: median(sealFloor) };
    rows.push(row);
    console.log(`| ${n} | ${identities} | ${(size / 1048576).toFixed(1)} MB | ${fmt(row.parseMs)} | ${fmt(row.gateMs)} | ${row.ratio.toFixed(2)}x | ${fmt(row.wallMs)} | ${row.parseRss.toFixed(0)} MB | ${row.gateRss.toFixed(0)} MB | ${row.code} | ${fmt(row.sealFloorMs)} (${(row.sealFloorMs / p).toFixed(2)}x) |`);
  }
  const r10 = rows.find((r) => r.n === 10000);
  const r100 = rows.find((r) => r.n === 100000);
  console.log("");
  if (r10 && r100) console.log(`growth 10k -> 100k: gate x${(r100.gateMs / r10.gateMs).toFixed(1)} for x10 resources (parse floor x${(r100.parseMs / r10.parseMs).toFixed(1)})`);
  coldStart(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * Cold start, as users run it: bin/nhi-gate.js of the package as npm installs it
 * (bench/out/installed/node_modules/nhi-governance: bin/, the bundle that scripts/build-cli.js
 * builds into dist/bin/, data/, package.json; no sources, so no stale-dist check; its
 * dependencies through a node_modules link), on one-resource inputs, next to `node -e 0`, every
 * command once per round, rounds interleaved. The first, untimed run makes the code cache
 * (node_modules/.cache/nhi-governance beside the package); the "first run" row removes it
 * before each of its runs: a CI job's first run after `npm ci`, which compiles and writes it.
 */
function coldStart(tmp) {
  const installed = path.join(out, "installed");
  const pkg = path.join(installed, "node_modules", "nhi-governance");
  fs.rmSync(installed, { recursive: true, force: true });
  fs.mkdirSync(path.join(pkg, "bin"), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, "bin"))) fs.copyFileSync(path.join(root, "bin", f), path.join(pkg, "bin", f));
  fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
  fs.symlinkSync(path.join(root, "data"), path.join(pkg, "data"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(pkg, "node_modules"));
  const built = spawnSync(process.execPath, [path.join(root, "scripts", "build-cli.js"), "--outdir", path.join(pkg, "dist", "bin")], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`scripts/build-cli.js failed: ${built.stderr}`);
  const bundleBytes = fs.statSync(path.join(pkg, "dist", "bin", "nhi-gate.js")).size;
  const bin = path.join(pkg, "bin", "nhi-gate.js");

  const plan1 = path.join(tmp, "plan-1.json");
  fs.writeFileSync(plan1, JSON.stringify({ format_version: "1.2", resource_changes: [rc("aws_s3_bucket.b", "aws_s3_bucket", { bucket: "b" })] }));
  const state1 = path.join(tmp, "state-1.json");
  fs.writeFileSync(state1, JSON.stringify({ format_version: "1.0", terraform_version: "1.9.5", values: { root_module: { resources: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", provider_name: "registry.terraform.io/hashicorp/aws", values: { bucket: "b" } }] } } }));
  const synth1 = path.join(tmp, "cdk.tf.json");
  fs.writeFileSync(synth1, JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: "b" } } } }));
  const commands = [
    ["plan", [bin, "plan", plan1, "--format", "json"]],
    ["state", [bin, "state", state1, "--format", "json"]],
    ["synth", [bin, "synth", synth1, "--format", "json"]],
    ["--version", [bin, "--version"]],
    ["--help", [bin, "--help"]],
  ];
  // A job's first run after `npm ci`: no code cache yet; it compiles the bundle and writes the cache.
  const cacheDir = path.join(installed, "node_modules", ".cache", "nhi-governance");
  const noCache = ["plan, first run (no code cache yet: compiles, writes it)", [bin, "plan", plan1, "--format", "json"]];
  for (const [name, args] of commands) {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold start: nhi-gate ${name} exited ${r.status}: ${r.stderr}`);
  }
  const rounds = Math.max(11, runs);
  const load = os.loadavg()[0];
  const times = { node0: [], noCache: [], ...Object.fromEntries(commands.map(([name]) => [name, []])) };
  for (let i = 0; i < rounds; i++) {
    times.node0.push(wall(["-e", "0"]).ms);
    for (const [name, args] of commands) times[name].push(wall(args).ms);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    times.noCache.push(wall(noCache[1]).ms);
  }
  const base = median(times.node0);
  console.log("");
  console.log(`cold start: bin/nhi-gate.js as installed (bundle ${(bundleBytes / 1024).toFixed(0)} KB), one-resource inputs, median of ${rounds} interleaved rounds; load average ${load.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after (${os.cpus().length} CPUs)`);
  console.log("");
  console.log("| command | wall | x node -e 0 |");
  console.log("| --- | ---: | ---: |");
  console.log(`| node -e 0 | ${fmt(base)} | 1.00x |`);
  const over = [];
  for (const [name] of commands) {
    const ratio = median(times[name]) / base;
    if (ratio > 2) over.push(name);
    console.log(`| nhi-gate ${name} | ${fmt(median(times[name]))} | ${ratio.toFixed(2)}x |`);
  }
  console.log(`| nhi-gate ${noCache[0]} | ${fmt(median(times.noCache))} | ${(median(times.noCache) / base).toFixed(2)}x |`);
  console.log("");
  console.log(`cold start target (at most 2x node -e 0 for ${commands.map(([n]) => n).join(", ")}): ${over.length ? `NOT met by ${over.join(", ")}` : "met"}`);

  // What a plan loads: the installed bin's require.cache, and the same run unbundled (bench/out/src, as tsc compiles it).
  const probe = path.join(tmp, "probe.js");
  fs.writeFileSync(probe, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(path.join(tmp, "loaded.json"))}, JSON.stringify(Object.keys(require.cache))));\n`);
  spawnSync(process.execPath, ["-r", probe, bin, "plan", plan1, "--format", "json"], { cwd: root, encoding: "utf8" });
  const files = JSON.parse(fs.readFileSync(path.join(tmp, "loaded.json"), "utf8")).filter((f) => f !== probe);
  const fromNodeModules = files.filter((f) => /[\\/]node_modules[\\/]/.test(path.relative(pkg, f)));
  const unbundled = execFileSync(
    process.execPath,
    ["-e", `require(${JSON.stringify(path.join(dist, "cli", "main.js"))}).main(["plan", ${JSON.stringify(plan1)}, "--format", "json"], {stdout:{write(){}},stderr:{write(){}},env:{}}).then(() => console.log(JSON.stringify(Object.keys(require.cache))))`],
    { cwd: root, encoding: "utf8" },
  );
  const byPackage = {};
  for (const f of JSON.parse(unbundled.trim())) {
    const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f);
    const key = m ? m[1] : "nhi-governance";
    byPackage[key] = (byPackage[key] ?? 0) + 1;
  }
  const unbundledCount = Object.values(byPackage).reduce((a, b) => a + b, 0);
  console.log(`plan loads ${files.length} files (${files.map((f) => path.relative(pkg, f)).join(", ")}), ${fromNodeModules.length} of them from node_modules; unbundled (dist/src) it is ${unbundledCount} modules: ${Object.entries(byPackage).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
}

function benchOthers(built) {
  const dir = path.join(root, "bench");
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (!f.endsWith(".ts")) continue;
    console.log(`\n## bench/${f}`);
    // bench/out/ was just built by the gate benchmark: the benchmarks that use it need not build it again.
    spawnSync(process.execPath, ["-r", path.join(root, "scripts", "register-ts.js"), path.join(dir, f), ...(built ? ["--no-rebuild"] : [])], { cwd: root, stdio: "inherit" });
  }
}

if (!only || only === "gate") benchGate();
if (only === "cold") {
  ensureBuild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bench-"));
  coldStart(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (!only || only === "others") benchOthers(!only);
