/**
 * The CrossGuard pack against @pulumi/awsguard (every policy mandatory) on the same stack, in one
 * run, over the analyzer protocol as the Pulumi engine drives a pack during `pulumi preview`:
 * one Analyze call per resource, then one AnalyzeStack with all of them (test/policy-pack/harness.ts).
 * The stack: --legacy hand-written roles (no lifecycle tags, no boundary), each with an inline
 * policy, --legacy S3 buckets, and the stack resource (3,001 resources by default). Each pack is
 * started once; the timed part is the calls, runs interleaved, median of --runs.
 *
 * @pulumi/awsguard 0.3.1 needs @pulumi/aws 4 and aws-sdk 2: it lives in bench/awsguard/ with its own
 * package.json and lock file, installed here on first use (npm ci in that folder), never by the
 * package's npm ci.
 *
 *   node -r ./scripts/register-ts.js bench/pack-vs-awsguard.ts [--legacy 1000] [--runs 5] [--no-rebuild]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Diagnostic, HarnessResource, startPack } from "../test/policy-pack/harness";

const root = path.resolve(__dirname, "..");
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const LEGACY = Number(arg("legacy", "1000"));
const RUNS = Number(arg("runs", "5"));
const AWSGUARD = path.join(root, "bench", "awsguard");

function ensureAwsGuard() {
  if (fs.existsSync(path.join(AWSGUARD, "node_modules", "@pulumi", "awsguard", "package.json"))) return;
  process.stdout.write("installing @pulumi/awsguard into bench/awsguard/ (npm ci, once)...\n");
  const r = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: AWSGUARD, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm ci in bench/awsguard failed (exit ${r.status})`);
}

function ensurePack() {
  // The pack as the tests drive it: rebuilt when older than its sources (scripts/ensure-pack.js).
  spawnSync(process.execPath, [path.join(root, "scripts", "ensure-pack.js")], { cwd: root, stdio: "inherit" });
}

const STACK = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

function stackResources(): HarnessResource[] {
  const out: HarnessResource[] = [{ type: "pulumi:pulumi:Stack", urn: STACK, name: "app-dev", props: {} }];
  for (let i = 0; i < LEGACY; i++) {
    const role = `urn:pulumi:dev::app::aws:iam/role:Role::legacy-${i}`;
    out.push({ type: "aws:iam/role:Role", urn: role, name: `legacy-${i}`, parent: STACK, props: { name: `legacy-${i}`, assumeRolePolicy: TRUST, maxSessionDuration: 3600, path: "/", forceDetachPolicies: false } });
    out.push({
      type: "aws:iam/rolePolicy:RolePolicy",
      urn: `urn:pulumi:dev::app::aws:iam/rolePolicy:RolePolicy::legacy-${i}-access`,
      name: `legacy-${i}-access`,
      parent: STACK,
      props: { name: `legacy-${i}-access`, role: `legacy-${i}`, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::reports-${i}/*` }] }) },
      propertyDependencies: { role: [role] },
    });
    out.push({ type: "aws:s3/bucket:Bucket", urn: `urn:pulumi:dev::app::aws:s3/bucket:Bucket::reports-${i}`, name: `reports-${i}`, parent: STACK, props: { bucket: `reports-${i}`, acl: "private", forceDestroy: false, tags: { team: "payments" } } });
  }
  return out;
}

type Pack = Awaited<ReturnType<typeof startPack>>;

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** What a preview sends a pack: Analyze for each resource, AnalyzeStack once. Wall time, and the pack process's CPU time. */
async function preview(pack: Pack, resources: HarnessResource[]): Promise<{ ms: number; stackMs: number; cpu: number; diags: Diagnostic[] }> {
  const c0 = cpuMs(pack.pid);
  const t0 = process.hrtime.bigint();
  const diags: Diagnostic[] = [];
  for (const r of resources) diags.push(...(await pack.analyze(r)));
  const t1 = process.hrtime.bigint();
  diags.push(...(await pack.analyzeStack(resources)));
  const t2 = process.hrtime.bigint();
  return { ms: Number(t2 - t0) / 1e6, stackMs: Number(t2 - t1) / 1e6, cpu: cpuMs(pack.pid) - c0, diags };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  ensureAwsGuard();
  if (!process.argv.includes("--no-rebuild")) ensurePack();
  const resources = stackResources();
  const ours = await startPack({ env: { NHI_GOVERNANCE_NOW: "2026-06-01" } });
  const guard = await startPack({ packDir: AWSGUARD });
  try {
    const info = await guard.analyzerInfo();
    // What the engine does with the pack's initial config (AwsGuard({ all: "mandatory" })): Configure with every policy mandatory.
    await guard.configure(Object.fromEntries(info.policies.map((p) => [p.name, { enforcementLevel: "mandatory" }])));
    await ours.configure({});
    const mandatory = info.policies.length;
    const times: Record<string, number[]> = { nhi: [], awsguard: [] };
    const stackTimes: Record<string, number[]> = { nhi: [], awsguard: [] };
    const cpu: Record<string, number[]> = { nhi: [], awsguard: [] };
    let last: Record<string, Diagnostic[]> = {};
    // One warm-up preview each (JIT, lazy data), then interleaved timed runs.
    await preview(ours, resources);
    await preview(guard, resources);
    for (let i = 0; i < RUNS; i++) {
      for (const [name, pack] of [["nhi", ours], ["awsguard", guard]] as const) {
        const r = await preview(pack, resources);
        times[name].push(r.ms);
        stackTimes[name].push(r.stackMs);
        cpu[name].push(r.cpu);
        last = { ...last, [name]: r.diags };
      }
    }
    const nhi = median(times.nhi);
    const ag = median(times.awsguard);
    const roles = new Set(last.nhi.filter((d) => d.policyName === "NHI-GOV-001" && d.enforcementLevel === "mandatory").map((d) => d.urn));
    console.log(`CrossGuard pack vs @pulumi/awsguard (${info.policies.length} policies, ${mandatory} mandatory), ${resources.length} resources (${LEGACY} legacy roles, ${LEGACY} inline policies, ${LEGACY} buckets, the stack); Analyze per resource then AnalyzeStack; median of ${RUNS} interleaved runs`);
    console.log("");
    console.log("| pack | time (wall) | of it AnalyzeStack | pack process CPU | diagnostics | mandatory | message bytes |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const [name, key, ms] of [["nhi-governance", "nhi", nhi], ["@pulumi/awsguard", "awsguard", ag]] as const) {
      const d = last[key];
      console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${(median(stackTimes[key]) / 1000).toFixed(2)} s | ${(median(cpu[key]) / 1000).toFixed(2)} s | ${d.length} | ${d.filter((x) => x.enforcementLevel === "mandatory").length} | ${d.reduce((n, x) => n + x.message.length, 0)} |`);
    }
    console.log("");
    console.log(`ratio nhi-governance / awsguard: ${(nhi / ag).toFixed(2)}x wall, ${(median(cpu.nhi) / median(cpu.awsguard)).toFixed(2)}x pack CPU (target at most 1.0x); every legacy role reported mandatory: ${roles.size === LEGACY} (${roles.size} of ${LEGACY}); runs: nhi ${times.nhi.map((t) => t.toFixed(0)).join(", ")} ms, awsguard ${times.awsguard.map((t) => t.toFixed(0)).join(", ")} ms`);
  } finally {
    await ours.close();
    await guard.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
