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
 * evaluate, redact, JSON report) and its wall time as a process, and peak RSS of each.
 * The last column is a reference: the parse plus the least a seal-verifying gate must do (parse
 * two policies per sealed role, hash one payload), to show what the 1.5x budget leaves.
 * Cold start: the bin on a one-resource plan next to `node -e 0`. Targets (issue 3): gate at
 * most 1.5x the parse floor, linear growth from 10k to 100k, cold start at most 5x node -e 0.
 * Then the other benchmarks under bench/ (CDKTF synth, Pulumi components), unless --only gate.
 * `--no-rebuild` reuses bench/out/ when it exists.
 */
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

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

/** A plan of n resources: n/3 identity resources in groups (role, its policy, an instance profile), the rest other resources. */
function generatePlan(n, file) {
  const { renderIdentity, parseSpec, fixedClock, resolveConfig } = require(path.join(dist, "index.js"));
  const clock = fixedClock("2026-06-01T00:00:00Z");
  const config = resolveConfig({});
  const changes = [];
  const configResources = [];
  const identities = Math.floor(n / 3);
  const groups = Math.floor(identities / 3);
  const handWritten = Math.max(1, Math.floor(groups / 100));
  for (let g = 0; g < groups; g++) {
    const name = `svc-${g}`;
    if (g < handWritten) {
      changes.push(rc(`aws_iam_role.${name.replace(/-/g, "_")}`, "aws_iam_role", { name, path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: {} }));
      changes.push(rc(`aws_iam_role_policy.${name.replace(/-/g, "_")}`, "aws_iam_role_policy", { name: `${name}-access`, role: name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) }));
      changes.push(rc(`aws_iam_instance_profile.${name.replace(/-/g, "_")}`, "aws_iam_instance_profile", { name, role: name }));
      continue;
    }
    const spec = parseSpec(
      {
        name,
        owner: "@acme/platform",
        purpose: "Runs the generated benchmark workload",
        environment: "prod",
        systemOfRecord: "https://cmdb.example.com/ci/BENCH",
        retirement: "when the benchmark is removed",
        workload: `bench service ${g}`,
        access: [{ actions: ["s3:GetObject"], resources: [`arn:aws:s3:::bench-${g}/*`] }],
        permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
        trust: { kind: "aws-service", service: "ec2.amazonaws.com" },
        credential: { kind: "ephemeral", maxSessionDuration: "PT1H" },
        recertifyBy: "2026-08-01",
      },
      { clock, config },
    );
    const r = renderIdentity(spec, config);
    const id = name.replace(/-/g, "_");
    const p = r.principal;
    changes.push(rc(`aws_iam_role.${id}`, "aws_iam_role", { name: p.name, path: p.path, tags: p.tags, tags_all: p.tags, assume_role_policy: JSON.stringify(p.assumeRolePolicy), permissions_boundary: p.permissionsBoundary, max_session_duration: p.maxSessionDuration, description: null }, { arn: true, id: true, unique_id: true }));
    changes.push(rc(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: r.policy.name, policy: JSON.stringify(r.policy.document), role: p.name }, { id: true }));
    changes.push(rc(`aws_iam_instance_profile.${id}`, "aws_iam_instance_profile", { name: p.name, role: p.name, tags: null }, { arn: true, id: true }));
    configResources.push({ address: `aws_iam_role_policy.${id}`, mode: "managed", type: "aws_iam_role_policy", name: id, expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] } } });
    configResources.push({ address: `aws_iam_instance_profile.${id}`, mode: "managed", type: "aws_iam_instance_profile", name: id, expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] } } });
  }
  for (let i = changes.length; i < n; i++) {
    changes.push(rc(`aws_s3_bucket.b${i}`, "aws_s3_bucket", { bucket: `bench-${i}`, force_destroy: false, tags: { team: "bench", cost_center: "1234" }, object_lock_enabled: false }, { arn: true, id: true, region: true, bucket_domain_name: true }));
  }
  const planJson = { format_version: "1.2", terraform_version: "1.9.5", planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: { resources: configResources } } };
  fs.writeFileSync(file, JSON.stringify(planJson));
  return { identities: groups * 3, handWritten };
}

function rc(address, type, after, afterUnknown = {}) {
  const name = address.split(".").pop();
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: {} } };
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
const sink = { write() {} };
const t0 = process.hrtime.bigint();
main(["plan", process.argv[1], "--now", "2026-06-01", "--format", "json", "--output", process.argv[2]], { stdout: sink, stderr: sink, env: {} }).then((code) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, code, rssMb: process.resourceUsage().maxRSS / 1024 }));
});`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

function wall(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
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
    const { identities } = generatePlan(n, file);
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
  // Cold start.
  const one = path.join(tmp, "plan-1.json");
  fs.writeFileSync(one, JSON.stringify({ format_version: "1.2", resource_changes: [rc("aws_s3_bucket.b", "aws_s3_bucket", { bucket: "b" })] }));
  const node0 = [];
  const cold = [];
  for (let i = 0; i < Math.max(5, runs); i++) {
    node0.push(wall(["-e", "0"]).ms);
    cold.push(wall([launcher, "plan", one, "--format", "json"]).ms);
  }
  const loaded = execFileSync(
    process.execPath,
    ["-e", `require(${JSON.stringify(path.join(dist, "cli", "main.js"))}).main(["plan", ${JSON.stringify(one)}, "--format", "json"], {stdout:{write(){}},stderr:{write(){}},env:{}}).then(() => { const k = Object.keys(require.cache); console.log(JSON.stringify({ modules: k.length, sdk: k.filter((m) => /node_modules[\\\\/](cdktf|cdktn|constructs|@cdktf|@cdktn|@pulumi)[\\\\/]/.test(m)).length })); })`],
    { cwd: root, encoding: "utf8" },
  );
  const l = JSON.parse(loaded.trim());
  console.log(`cold start (one-resource plan): nhi-gate ${fmt(median(cold))} vs node -e 0 ${fmt(median(node0))} = ${(median(cold) / median(node0)).toFixed(1)}x; ${l.modules} modules loaded, ${l.sdk} from cdktf/cdktn/constructs/Pulumi`);
  fs.rmSync(tmp, { recursive: true, force: true });
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
if (!only || only === "others") benchOthers(!only);
