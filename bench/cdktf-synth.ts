/**
 * Benchmark: synth of N GovernedIdentity constructs against the same resources written by hand
 * (the raw provider classes with the same literal properties), and the same constructs with the
 * gate on (`NhiGovernance.of(stack).enforce()`). Targets: governed at most 1.3x raw, governed +
 * enforce() at most 1.5x raw, at every size.
 *
 *   node -r ./scripts/register-ts.js bench/cdktf-synth.ts [--n 200,1000] [--runs 15] [--synth app|testing] [--check]
 *
 * `--n` takes a list of stack sizes, each measured on its own. `--synth app` (the default) times
 * `app.synth()`, what `cdktf synth` runs: prepare, aspects, validations (where the gate judges the
 * stack), the stack's JSON built and written to the outdir (where the gate checks it is what was
 * judged). `--synth testing` times `Testing.synth(stack)` instead (no validations and no write;
 * with the gate on, `lastReport` is read, so the stack is judged): the lower denominator of unit
 * tests, and what earlier figures used. `--check` exits 1 when a target is missed at any size
 * (judged by the per-round ratio, below).
 *
 * Fairness: both sides synthesize the same resources with the same literal values (names,
 * tags with the seal, trust and access policies as JSON, boundary, session duration, the
 * credential resources); the raw side's values are rendered before each run, outside the timing, as if
 * typed by hand. Two warm-up rounds, then rounds of the three variants back to back, the order
 * rotated every round. A full GC runs before every timed synth (outside the timing), so no run
 * pays for the garbage of the one before it. On a shared machine the figure to read is the
 * per-round ratio: the median over rounds of (variant / raw in the same round), which load from
 * other processes moves much less than the ratio of the medians (printed beside it). CPU time
 * (this process) is printed too; load makes wall time exceed it.
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
const RUNS = Number(arg("runs", "15"));
const MODE = arg("synth", "app");
if (MODE !== "app" && MODE !== "testing") throw new Error(`--synth: expected app or testing, got ${MODE}`);
const TARGET = { governed: 1.3, enforced: 1.5 };

const kinds = specsOfEveryKind();
let inputs: ReturnType<typeof specsOfEveryKind> = [];
let rendered: RenderedIdentity[] = [];

/**
 * N inputs, and what someone writing the resources by hand would have typed: the same literal
 * values. `run` goes into the names, so every synth has its own specs: renders are memoized by
 * content (src/render/aws.ts), and a `cdktf synth` renders each spec fresh, so no timed run may
 * find the renders of an earlier one.
 */
let size = 0;
function prepare(n: number, run: number, variant: Variant): void {
  inputs = Array.from({ length: n }, (_, i) => {
    const base = kinds[i % kinds.length];
    return { ...base, name: `${base.name}-${i}-${run}` };
  });
  // Only the raw side's: the other variants' specs must reach their constructs unrendered.
  rendered = variant === "raw" ? inputs.map((s) => renderIdentity(parseSpec(s, { clock }))) : [];
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
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bench-synth-"));
process.on("exit", () => fs.rmSync(outRoot, { recursive: true, force: true }));
let outN = 0;

type Variant = "raw" | "governed" | "enforced";
/** CPU time of the last synthOnce (this process, all threads): less sensitive to other processes than wall time. */
let lastCpuMs = 0;

function synthOnce(variant: Variant): number {
  const run = outN++;
  const outdir = path.join(outRoot, String(run));
  prepare(size, run, variant);
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "bench");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new TimeProvider(stack, "time");
  if (variant === "raw") raw(stack);
  else governed(stack);
  if (variant === "enforced") NhiGovernance.of(stack).enforce({}, { clock });
  if (MODE === "app") app.synth();
  else if (Testing.synth(stack).length < 100) throw new Error("empty synth");
  if (variant === "enforced" && !NhiGovernance.of(stack).lastReport?.passed) throw new Error("governed stack did not pass the gate");
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  lastCpuMs = (cpu.user + cpu.system) / 1000;
  if (MODE === "app" && fs.statSync(path.join(outdir, "stacks", "bench", "cdk.tf.json")).size < 100) throw new Error("empty synth");
  fs.rmSync(outdir, { recursive: true, force: true });
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const VARIANTS: Variant[] = ["raw", "governed", "enforced"];

function benchAt(N: number): { governed: number; enforced: number } {
  size = N;
  for (let i = 0; i < 2; i++) for (const v of VARIANTS) synthOnce(v);
  const times: Record<Variant, number[]> = { raw: [], governed: [], enforced: [] };
  const cpu: Record<Variant, number[]> = { raw: [], governed: [], enforced: [] };
  for (let i = 0; i < RUNS; i++) {
    // The order rotates every round, so no variant always follows the same one.
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(i + k) % VARIANTS.length];
      times[v].push(synthOnce(v));
      cpu[v].push(lastCpuMs);
    }
  }
  const paired = (v: Variant) => median(times[v].map((t, i) => t / times.raw[i]));
  const rawMs = median(times.raw);
  const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  const result = { governed: paired("governed"), enforced: paired("enforced") };
  const line = (label: string, v: Variant, target?: number) => {
    const ms = median(times[v]);
    const ratio = ms / rawMs;
    const verdict = target === undefined ? "" : `  per round ${paired(v).toFixed(2)}x (target <= ${target}x) ${paired(v) <= target ? "OK" : "OVER"}`;
    console.log(`  ${label.padEnd(30)} ${fmt(ms)}   ${target === undefined ? "" : `${ratio.toFixed(2)}x raw`}${verdict}   cpu ${median(cpu[v]).toFixed(0)} ms`);
  };
  console.log(`cdktf ${MODE === "app" ? "app.synth()" : "Testing.synth(stack)"}, ${N} identities (${kinds.length} kinds), median of ${RUNS} rounds (order rotated, full GC before each run, outside the timing); load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  line("raw resources by hand", "raw");
  line("GovernedIdentity", "governed", TARGET.governed);
  line("GovernedIdentity + enforce()", "enforced", TARGET.enforced);
  console.log(
    JSON.stringify({
      bench: "cdktf-synth",
      synth: MODE,
      n: N,
      runs: RUNS,
      rawMs: Math.round(rawMs),
      governedMs: Math.round(median(times.governed)),
      enforcedMs: Math.round(median(times.enforced)),
      governedPerRound: Number(result.governed.toFixed(3)),
      enforcedPerRound: Number(result.enforced.toFixed(3)),
      governedCpuRatio: Number((median(cpu.governed) / median(cpu.raw)).toFixed(3)),
      enforcedCpuRatio: Number((median(cpu.enforced) / median(cpu.raw)).toFixed(3)),
      loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
      target: TARGET,
    }),
  );
  return result;
}

let over = false;
for (const n of SIZES) {
  const r = benchAt(n);
  if (r.governed > TARGET.governed || r.enforced > TARGET.enforced) over = true;
  console.log("");
}
if (process.argv.includes("--check") && over) process.exitCode = 1;
