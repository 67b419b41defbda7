/**
 * Benchmark: synth of N GovernedIdentity constructs against the same resources written by hand
 * (the raw provider classes with the same literal properties). Target: governed at most 1.3x raw.
 *
 *   node -r ./scripts/register-ts.js bench/cdktf-synth.ts [--n 200,1000] [--runs 7] [--check]
 *
 * `--n` takes a list of stack sizes, each measured on its own. The ratio depends on the size:
 * the construct's extra build time per identity is lower in long runs (more calls to warm the
 * validation and rendering code), and the hand-written side's flat stack synthesizes a little
 * slower per resource at 1000 than the nested one.
 * `--check` exits 1 when the construct misses the target at any size. The aspect (NhiGovernance.enforce,
 * which runs the engine over the stack) is timed separately: it is a gate, not part of the
 * construct's cost.
 *
 * Fairness: both sides synthesize the same resources with the same literal values (names,
 * tags with the seal, trust and access policies as JSON, boundary, session duration, the
 * credential resources); the raw side's values are rendered once, outside the timing, as if
 * typed by hand. Two warm-up rounds, then the three variants interleaved, median of the runs.
 * A full GC runs before every timed synth (outside the timing), so no run pays for the garbage
 * of the one before it (the enforced run leaves the most, and the raw run follows it).
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { TerraformStack, Testing, Fn } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Rotating } from "@cdktf/provider-time/lib/rotating";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity, NhiGovernance } from "../constructs/cdktf";
import { parseSpec } from "../src/spec/identity";
import { renderIdentity, RenderedIdentity } from "../src/render/aws";
import { clock, specsOfEveryKind } from "../test/helpers";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg("n", "200,1000").split(",").map(Number);
const RUNS = Number(arg("runs", "7"));
const TARGET = 1.3;

const kinds = specsOfEveryKind();
let inputs: ReturnType<typeof specsOfEveryKind> = [];
let rendered: RenderedIdentity[] = [];

/** N inputs, and what someone writing the resources by hand would have typed: the same literal values. */
function prepare(n: number): void {
  inputs = Array.from({ length: n }, (_, i) => {
    const base = kinds[i % kinds.length];
    return { ...base, name: `${base.name}-${i}` };
  });
  rendered = inputs.map((s) => renderIdentity(parseSpec(s, { clock })));
}

function raw(stack: TerraformStack): void {
  rendered.forEach((r, i) => {
    const id = `raw-${i}`;
    const p = r.principal;
    if (p.type === "role") {
      const role = new IamRole(stack, `${id}-role`, { name: p.name, path: p.path, assumeRolePolicy: JSON.stringify(p.assumeRolePolicy), permissionsBoundary: p.permissionsBoundary, maxSessionDuration: p.maxSessionDuration, tags: { ...p.tags } });
      new IamRolePolicy(stack, `${id}-policy`, { name: r.policy.name, role: role.name, policy: JSON.stringify(r.policy.document) });
    } else {
      const user = new IamUser(stack, `${id}-user`, { name: p.name, path: p.path, permissionsBoundary: p.permissionsBoundary, tags: { ...p.tags } });
      new IamUserPolicy(stack, `${id}-policy`, { name: r.policy.name, user: user.name, policy: JSON.stringify(r.policy.document) });
      const c = r.credential;
      if (c.type === "access-key") {
        const rotation = new Rotating(stack, `${id}-rotation`, { rotationDays: c.rotationDays });
        const key = new IamAccessKey(stack, `${id}-key`, { user: user.name, lifecycle: { replaceTriggeredBy: [rotation] } });
        const secret = new SecretsmanagerSecret(stack, `${id}-secret`, { name: c.secretName, tags: { ...p.tags } });
        new SecretsmanagerSecretVersion(stack, `${id}-secret-version`, { secretId: secret.id, secretString: Fn.jsonencode({ access_key_id: key.id, secret_access_key: key.secret }) });
      }
    }
    const c = r.credential;
    if (c.type === "managed-secret") {
      const secret = new SecretsmanagerSecret(stack, `${id}-secret`, { name: c.secretName, tags: { ...p.tags } });
      new SecretsmanagerSecretRotation(stack, `${id}-secret-rotation`, { secretId: secret.id, rotationLambdaArn: c.rotationLambdaArn, rotationRules: { automaticallyAfterDays: c.rotationDays } });
    }
  });
}

function governed(stack: TerraformStack): void {
  inputs.forEach((s, i) => new GovernedIdentity(stack, `gov-${i}`, { ...s, clock }));
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function synthOnce(build: (stack: TerraformStack) => void, enforce = false): number {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const app = Testing.app();
  const stack = new TerraformStack(app, "bench");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new TimeProvider(stack, "time");
  build(stack);
  if (enforce) NhiGovernance.of(stack).enforce({}, { clock });
  const json = Testing.synth(stack);
  if (json.length < 100) throw new Error("empty synth");
  if (enforce && !NhiGovernance.of(stack).lastReport?.passed) throw new Error("governed stack did not pass the gate");
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  lastCpuMs = (cpu.user + cpu.system) / 1000;
  return ms;
}
/** CPU time of the last synthOnce (this process, all threads): less sensitive to other processes than wall time. */
let lastCpuMs = 0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function benchAt(N: number): number {
  prepare(N);
  // Warm up, then interleave the three so load from other processes falls on all of them alike.
  for (let i = 0; i < 2; i++) {
    synthOnce(raw);
    synthOnce(governed);
    synthOnce(governed, true);
  }
  const times = { raw: [] as number[], governed: [] as number[], enforced: [] as number[] };
  const cpu = { raw: [] as number[], governed: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.raw.push(synthOnce(raw));
    cpu.raw.push(lastCpuMs);
    times.governed.push(synthOnce(governed));
    cpu.governed.push(lastCpuMs);
    times.enforced.push(synthOnce(governed, true));
  }
  const cpuRatio = median(cpu.governed) / median(cpu.raw);
  // Each round runs raw and governed back to back, so both see the same load from other processes:
  // the median of the per-round ratios is steadier than the ratio of the medians on a shared machine.
  const pairedRatio = median(times.governed.map((g, i) => g / times.raw[i]));
  const rawMs = median(times.raw);
  const govMs = median(times.governed);
  const enforcedMs = median(times.enforced);
  const ratio = govMs / rawMs;
  const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  console.log(`cdktf synth, ${N} identities (${kinds.length} kinds), median of ${RUNS} interleaved runs (full GC before each, outside the timing)`);
  console.log(`  raw resources by hand          ${fmt(rawMs)}`);
  console.log(`  GovernedIdentity               ${fmt(govMs)}   ${ratio.toFixed(2)}x raw (target <= ${TARGET}x) ${ratio <= TARGET ? "OK" : "OVER"}`);
  console.log(`  GovernedIdentity + enforce()   ${fmt(enforcedMs)}   ${(enforcedMs / rawMs).toFixed(2)}x raw (the gate's evaluation included)`);
  console.log(`  CPU time, GovernedIdentity / raw  ${cpuRatio.toFixed(2)}x (${median(cpu.governed).toFixed(0)} / ${median(cpu.raw).toFixed(0)} ms; wall time is what the target uses)`);
  console.log(`  per-round ratio (median of governed/raw run back to back)  ${pairedRatio.toFixed(2)}x`);
  console.log(JSON.stringify({ bench: "cdktf-synth", n: N, runs: RUNS, rawMs: Math.round(rawMs), governedMs: Math.round(govMs), enforcedMs: Math.round(enforcedMs), ratio: Number(ratio.toFixed(3)), pairedRatio: Number(pairedRatio.toFixed(3)), cpuRatio: Number(cpuRatio.toFixed(3)), target: TARGET }));
  return ratio;
}

let over = false;
for (const n of SIZES) {
  if (benchAt(n) > TARGET) over = true;
  console.log("");
}
if (process.argv.includes("--check") && over) process.exitCode = 1;
