/**
 * The big-plan check (issue 10: "default generous enough for a 1 GB plan, streamed if
 * needed"): not a jest test, it takes a minute and writes hundreds of MB.
 *
 *   node -r ./scripts/register-ts.js bench/huge-plan.ts [--mb 650] [--roles 60] [--keep] [--no-rebuild]
 *
 * Builds the CLI into bench/out/ (git-ignored; dist/ is left alone; `--no-rebuild` reuses it, as
 * scripts/bench.js does after its own build), writes a plan of
 * about --mb MB to bench/out/huge-plan.json (non-identity resources with big `after` values, in
 * resource_changes and again in planned_values as Terraform does, plus hand-written IAM roles
 * with inline policies that produce findings), runs
 * `nhi-gate plan <file> --now 2026-06-01 --format json` as a child process and prints its wall
 * time, peak RSS, exit code and finding count. Then a plan under the 256 MiB threshold, run
 * on the fast path and forced onto the streaming path (NHI_GATE_STREAM_ABOVE=0), for the cost of
 * streaming. The generated files are deleted unless --keep.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench", "out");
// The same compiled tree as scripts/bench.js (bench/out/), so `npm run bench` builds it once.
const build = out;
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const targetMb = Number(arg("mb", "650"));
const keep = process.argv.includes("--keep");
const ROLES = Number(arg("roles", "60"));

function ensureBuild(): string {
  process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
  const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", build, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
  const main = path.join(build, "src", "cli", "main.js");
  if (!fs.existsSync(main)) throw new Error(`build failed (exit ${r.status}): no ${main}`);
  return writeLauncher(main);
}

/** The launcher runs the CLI as bin/nhi-gate.js does, then reports its own peak RSS on fd 3. */
function writeLauncher(main: string): string {
  const launcher = path.join(build, "huge-launch.js");
  fs.writeFileSync(
    launcher,
    `"use strict";\nrequire(${JSON.stringify(main)}).main(process.argv.slice(2)).then((c) => { process.exitCode = c; require("node:fs").writeSync(3, JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 })); });\n`,
  );
  return launcher;
}

const ROLE_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** Write a plan of about `mb` MB with `roles` hand-written roles; returns the resource count. */
function writePlan(file: string, mb: number, roles: number): { resources: number; bytes: number } {
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  const put = (s: string) => {
    bytes += fs.writeSync(fd, s);
  };
  const filler = "x".repeat(1500);
  const instance = (i: number) => ({
    ami: "ami-0123456789abcdef0",
    instance_type: "t3.micro",
    user_data: `#!/bin/sh\n# instance ${i} \u00e9\n${filler}`,
    tags: { Name: `web-${i}`, team: "platform", cost_center: String(1000 + (i % 50)) },
    ebs_block_device: [{ device_name: "/dev/sdb", volume_size: 100, encrypted: true }],
    metadata_options: [{ http_tokens: "required", http_put_response_hop_limit: 1 }],
  });
  const role = (i: number) => ({ name: `hand-${i}`, path: "/", assume_role_policy: ROLE_TRUST, tags: {}, inline_policy: [{ name: "all", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }] });
  const perResource = 2 * JSON.stringify(instance(0)).length + 400;
  const n = Math.ceil((mb * 1024 * 1024) / perResource);
  const entry = (i: number) => (i < roles ? { address: `aws_iam_role.hand_${i}`, type: "aws_iam_role", name: `hand_${i}`, after: role(i) } : { address: `aws_instance.web_${i}`, type: "aws_instance", name: `web_${i}`, after: instance(i) });
  put(`{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[`);
  for (let i = 0; i < n; i++) {
    const e = entry(i);
    put(`${i ? "," : ""}{"address":${JSON.stringify(e.address)},"mode":"managed","type":"${e.type}","name":"${e.name}","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,"values":${JSON.stringify(e.after)},"sensitive_values":{}}`);
  }
  put(`]}},"resource_changes":[`);
  for (let i = 0; i < n; i++) {
    const e = entry(i);
    put(`${i ? "," : "\n"}{"address":${JSON.stringify(e.address)},"mode":"managed","type":"${e.type}","name":"${e.name}","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],"before":null,"after":${JSON.stringify(e.after)},"after_unknown":{"id":true,"arn":true},"before_sensitive":false,"after_sensitive":{"tags":{}}}}\n`);
  }
  put(`],"configuration":{"root_module":{}}}\n`);
  fs.closeSync(fd);
  return { resources: n, bytes };
}

function gate(launcher: string, file: string, env: Record<string, string> = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [launcher, "plan", file, "--now", "2026-06-01", "--format", "json"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe", "pipe"], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const stats = r.output[3] ? JSON.parse(r.output[3].toString() || "{}") : {};
  let findings: number | string = "-";
  try {
    findings = (JSON.parse(r.stdout.toString()) as { findings: unknown[] }).findings.length;
  } catch {
    findings = `no report (stderr: ${r.stderr.toString().trim().slice(0, 200)})`;
  }
  return { wallMs: Math.round(ms), maxRssMb: Math.round(stats.maxRssMb ?? NaN), code: r.status, findings };
}

const builtMain = path.join(build, "src", "cli", "main.js");
const launcher = process.argv.includes("--no-rebuild") && fs.existsSync(builtMain) ? writeLauncher(builtMain) : ensureBuild();
fs.mkdirSync(out, { recursive: true });
// The plans need about targetMb + 200 MiB on disk; say so and stop rather than fill the disk.
const st = fs.statfsSync(out);
const freeMb = (st.bavail * st.bsize) / 1024 / 1024;
if (freeMb < targetMb + 400) {
  console.log(`skipped: ${freeMb.toFixed(0)} MiB free in ${out}, the big-plan check needs about ${targetMb + 400} MiB`);
  process.exit(0);
}
const big = path.join(out, "huge-plan.json");
const small = path.join(out, "huge-plan-small.json");
try {
  const t0 = Date.now();
  const b = writePlan(big, targetMb, ROLES);
  console.log(`wrote ${big}: ${(b.bytes / 1024 / 1024).toFixed(0)} MiB, ${b.resources} resources in resource_changes and planned_values, ${ROLES} hand-written roles (${Date.now() - t0} ms)`);
  console.log("big plan, streamed (over the 256 MiB threshold):", JSON.stringify(gate(launcher, big)));
  const s = writePlan(small, 200, ROLES);
  console.log(`wrote ${small}: ${(s.bytes / 1024 / 1024).toFixed(0)} MiB, ${s.resources} resources`);
  console.log("200 MiB plan, fast path (readFileSync + JSON.parse):", JSON.stringify(gate(launcher, small)));
  console.log("200 MiB plan, forced streaming (NHI_GATE_STREAM_ABOVE=0):", JSON.stringify(gate(launcher, small, { NHI_GATE_STREAM_ABOVE: "0" })));
} finally {
  if (!keep) {
    for (const f of [big, small]) fs.rmSync(f, { force: true });
  }
}
