/**
 * The CrossGuard pack against @pulumi/awsguard (every policy mandatory) on the same stack, in one
 * run, over the analyzer protocol as the Pulumi engine drives a pack during `pulumi preview`:
 * the engine starts the pack's plugin process for each preview (the analyzer plugin resolves
 * run-policy-pack, spawns it, reads its port), asks GetAnalyzerInfo, sends Configure, then one
 * Analyze call per resource and one AnalyzeStack with all of them (test/policy-pack/harness.ts).
 * The stack: --legacy hand-written roles (no lifecycle tags, no boundary), each with an inline
 * policy, --legacy S3 buckets, and the stack resource (3,001 resources by default).
 *
 * Each timed run is one whole preview per pack in a fresh process (startup, info and configure,
 * the calls), the two packs interleaved and their order alternated; the table shows medians of
 * --runs. "calls" is the Analyze and AnalyzeStack part of the same cold process; --warm adds the
 * earlier figure, the calls of a second preview sent to a process that already served one.
 *
 * @pulumi/awsguard 0.3.1 needs @pulumi/aws 4 and aws-sdk 2: it lives in bench/awsguard/ with its own
 * package.json and lock file, installed here on first use (npm ci in that folder), never by the
 * package's npm ci.
 *
 *   node -r ./scripts/register-ts.js bench/pack-vs-awsguard.ts [--legacy 1000] [--runs 5] [--warm] [--no-rebuild]
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

/** The calls of a preview: Analyze for each resource, AnalyzeStack once. Wall time, and the pack process's CPU time. */
async function calls(pack: Pack, resources: HarnessResource[]): Promise<{ ms: number; stackMs: number; cpu: number; diags: Diagnostic[] }> {
  const c0 = cpuMs(pack.pid);
  const t0 = process.hrtime.bigint();
  const diags: Diagnostic[] = [];
  for (const r of resources) diags.push(...(await pack.analyze(r)));
  const t1 = process.hrtime.bigint();
  diags.push(...(await pack.analyzeStack(resources)));
  const t2 = process.hrtime.bigint();
  return { ms: Number(t2 - t0) / 1e6, stackMs: Number(t2 - t1) / 1e6, cpu: cpuMs(pack.pid) - c0, diags };
}

interface Run {
  /** From spawning the plugin to the end of Configure. */
  startMs: number;
  callsMs: number;
  stackMs: number;
  totalMs: number;
  /** CPU time of the pack process, whole preview and its calls. */
  cpu: number;
  callsCpu: number;
  warmMs?: number;
  warmCpu?: number;
  diags: Diagnostic[];
  policies: number;
}

type Side = "nhi" | "awsguard";

/** One preview as the engine runs it: a fresh pack process, info, configure, the calls; optionally a second, warm, set of calls. */
async function preview(side: Side, resources: HarnessResource[], warm: boolean): Promise<Run> {
  const t0 = process.hrtime.bigint();
  const pack = side === "nhi" ? await startPack({ env: { NHI_GOVERNANCE_NOW: "2026-06-01" } }) : await startPack({ packDir: AWSGUARD });
  try {
    const info = await pack.analyzerInfo();
    // What the engine does with a pack's initial config: ours has none (its declared defaults);
    // AwsGuard({ all: "mandatory" }) is Configure with every policy mandatory.
    await pack.configure(side === "nhi" ? {} : Object.fromEntries(info.policies.map((p) => [p.name, { enforcementLevel: "mandatory" }])));
    const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = await calls(pack, resources);
    const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = cpuMs(pack.pid);
    const run: Run = { startMs, callsMs: c.ms, stackMs: c.stackMs, totalMs, cpu, callsCpu: c.cpu, diags: c.diags, policies: info.policies.length };
    if (warm) {
      const w = await calls(pack, resources);
      run.warmMs = w.ms;
      run.warmCpu = w.cpu;
    }
    return run;
  } finally {
    await pack.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  ensureAwsGuard();
  if (!process.argv.includes("--no-rebuild")) ensurePack();
  const warm = process.argv.includes("--warm");
  const resources = stackResources();
  const runs: Record<Side, Run[]> = { nhi: [], awsguard: [] };
  // One untimed preview each (the file system cache, as after a first `pulumi preview`), then interleaved timed runs, order alternated.
  await preview("nhi", resources, false);
  await preview("awsguard", resources, false);
  for (let i = 0; i < RUNS; i++) {
    const order: Side[] = i % 2 === 0 ? ["nhi", "awsguard"] : ["awsguard", "nhi"];
    for (const side of order) runs[side].push(await preview(side, resources, warm));
  }
  const m = (side: Side, k: keyof Run) => median(runs[side].map((r) => r[k] as number));
  const last = { nhi: runs.nhi[runs.nhi.length - 1], awsguard: runs.awsguard[runs.awsguard.length - 1] };
  const roles = new Set(last.nhi.diags.filter((d) => d.policyName === "NHI-GOV-001" && d.enforcementLevel === "mandatory").map((d) => d.urn));
  const policies = last.awsguard.policies;
  console.log(`CrossGuard pack vs @pulumi/awsguard (${policies} policies, all mandatory), ${resources.length} resources (${LEGACY} legacy roles, ${LEGACY} inline policies, ${LEGACY} buckets, the stack); one preview = a fresh pack process, GetAnalyzerInfo, Configure, Analyze per resource, AnalyzeStack; median of ${RUNS} interleaved runs`);
  console.log("");
  console.log(`| pack | preview (wall) | of it startup | of it calls | of them AnalyzeStack | pack CPU (preview) | pack CPU (calls) |${warm ? " warm calls (wall) | warm calls CPU |" : ""} diagnostics | mandatory | message bytes |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |${warm ? " ---: | ---: |" : ""} ---: | ---: | ---: |`);
  for (const [name, side] of [["nhi-governance", "nhi"], ["@pulumi/awsguard", "awsguard"]] as const) {
    const d = last[side].diags;
    const w = warm ? ` ${s(m(side, "warmMs"))} | ${s(m(side, "warmCpu"))} |` : "";
    console.log(`| ${name} | ${s(m(side, "totalMs"))} | ${s(m(side, "startMs"))} | ${s(m(side, "callsMs"))} | ${s(m(side, "stackMs"))} | ${s(m(side, "cpu"))} | ${s(m(side, "callsCpu"))} |${w} ${d.length} | ${d.filter((x) => x.enforcementLevel === "mandatory").length} | ${d.reduce((n, x) => n + x.message.length, 0)} |`);
  }
  console.log("");
  const ratio = (k: keyof Run) => (m("nhi", k) / m("awsguard", k)).toFixed(2);
  const perRun = (k: keyof Run) => runs.nhi.map((r, i) => (r[k] as number) / (runs.awsguard[i][k] as number)).map((x) => x.toFixed(2)).join(", ");
  console.log(`ratio nhi-governance / awsguard (target at most 1.0x): preview ${ratio("totalMs")}x wall, ${ratio("cpu")}x pack CPU; calls ${ratio("callsMs")}x wall, ${ratio("callsCpu")}x pack CPU${warm ? `; warm calls ${ratio("warmMs")}x wall, ${ratio("warmCpu")}x pack CPU` : ""}`);
  console.log(`per run (nhi / awsguard of the same run): preview wall ${perRun("totalMs")}; calls wall ${perRun("callsMs")}`);
  console.log(`every legacy role reported mandatory: ${roles.size === LEGACY} (${roles.size} of ${LEGACY})`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
