/**
 * Findings on legacy identities (issue 17: "one finding per problem"): a plan of --n resources
 * (default 100000), a third of them legacy identities as hand-written Terraform has them (a role
 * without lifecycle tags or boundary, its inline policy and its instance profile, linked by
 * configuration references), the rest S3 buckets. Prints the findings per legacy identity with
 * and without folding, the JSON report's size, and the gate's time in process (median of --runs).
 *
 *   node -r ./scripts/register-ts.js bench/legacy-plan.ts [--n 100000] [--runs 3] [--no-rebuild]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The generated plans, shared with scripts/bench.js and scripts/compare-reports.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { legacyPlan } = require("../scripts/bench-plans.js") as { legacyPlan(n: number, file: string): { identities: number } };

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench", "out");
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg("n", "100000"));
const RUNS = Number(arg("runs", "3"));

if (!fs.existsSync(path.join(out, "src", "cli", "main.js")) || !process.argv.includes("--no-rebuild")) {
  process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
  spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
}

/** In a fresh process: the gate as the CLI runs it (read, evaluate, redact, JSON report to a file). */
const GATE = `
const path = require("path");
const { main } = require(path.join(${JSON.stringify(out)}, "src", "cli", "main.js"));
// The plan command's implementation, which main.js loads in its action: loaded before the clock
// starts (the read+JSON.parse floor loads nothing in its window), as scripts/bench.js does.
require(path.join(${JSON.stringify(out)}, "src", "cli", "run.js"));
const sink = { write() {} };
const t0 = process.hrtime.bigint();
main(["plan", process.argv[1], "--now", "2026-06-01", "--format", "json", "--output", process.argv[2]], { stdout: sink, stderr: sink, env: {} }).then((code) => {
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, rssMb: process.resourceUsage().maxRSS / 1024 }));
});`;

/** The same plan evaluated without folding (every granular finding on its own): the report before issue 17. */
const GRANULAR = `
const path = require("path"); const fs = require("fs");
const { readJson } = require(path.join(${JSON.stringify(out)}, "src", "adapters", "input.js"));
const { planToInput } = require(path.join(${JSON.stringify(out)}, "src", "adapters", "terraform-plan.js"));
const { evaluate } = require(path.join(${JSON.stringify(out)}, "src", "engine", "evaluate.js"));
const { fixedClock } = require(path.join(${JSON.stringify(out)}, "src", "engine", "clock.js"));
const { value, input } = readJson(process.argv[1]);
const report = evaluate(planToInput(value, input.name), { clock: fixedClock("2026-06-01T00:00:00Z"), fold: false });
const text = JSON.stringify(report, null, 2) + "\\n";
console.log(JSON.stringify({ findings: report.findings.length, bytes: Buffer.byteLength(text) }));`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const child = (code: string, args: string[]) => JSON.parse(spawnSync(process.execPath, ["-e", code, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }).stdout.trim().split("\n").pop() as string);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-legacy-"));
const planFile = path.join(tmp, "legacy.json");
const reportFile = path.join(tmp, "report.json");
const { identities } = legacyPlan(N, planFile);
const runs = Array.from({ length: RUNS }, () => child(GATE, [planFile, reportFile]));
const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
const bytes = fs.statSync(reportFile).size;
const before = child(GRANULAR, [planFile]);
const per = (n: number) => (n / identities).toFixed(2);
console.log(`legacy plan: ${N} resources (${(fs.statSync(planFile).size / 1048576).toFixed(1)} MB), ${identities} legacy identities (role + inline policy + instance profile), node ${process.version}, ${os.cpus().length} CPUs`);
console.log("");
console.log("| | findings | per legacy identity | JSON report | gate in process (median of " + RUNS + ") | peak RSS |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
console.log(`| one finding per problem | ${report.findings.length} | ${per(report.findings.length)} | ${(bytes / 1048576).toFixed(1)} MB | ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s | ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB |`);
console.log(`| granular (before issue 17) | ${before.findings} | ${per(before.findings)} | ${(before.bytes / 1048576).toFixed(1)} MB | | |`);
console.log(`exit code ${runs[0].code}; findings by rule: ${JSON.stringify(Object.entries(report.findings.reduce((m: Record<string, number>, f: { ruleId: string }) => ((m[f.ruleId] = (m[f.ruleId] ?? 0) + 1), m), {})))}`);
fs.rmSync(tmp, { recursive: true, force: true });
