import * as fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, parseJsonText } from "../../src/adapters/input";
import { planToInput } from "../../src/adapters/terraform-plan";
import { main } from "../../src/cli/main";
import { fixedClock } from "../../src/engine/clock";
import { evaluate } from "../../src/engine/evaluate";
import { EvaluationInput } from "../../src/engine/model";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { Testing, TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity } from "../../constructs/cdktf";
import { specsOfEveryKind } from "../helpers";

/**
 * Property tests (fixed seed, short budget; `npm run fuzz` runs longer): arbitrary JSON and
 * mutated real plans never crash the gate, and it exits 0 only when the input is a valid plan
 * that the engine, asked directly, finds compliant.
 */
// `NHI_FUZZ_SEED=<n> npm run fuzz` explores other inputs; a failure prints the seed and path to replay it.
const SEED = Number(process.env.NHI_FUZZ_SEED ?? 20260601);
const RUNS = Number(process.env.NHI_FUZZ_RUNS ?? 40);
const NOW = "2026-06-01";
const CORPUS = path.resolve(__dirname, "../../../shared/corpus/terraform-plans");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-fuzz-"));
let n = 0;

async function runGate(bytes: Buffer | string, command: "plan" | "synth" = "plan") {
  const file = path.join(dir, `in-${n++}.json`);
  fs.writeFileSync(file, bytes);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([command, file, "--now", NOW, "--format", "json"], { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} });
  fs.unlinkSync(file);
  return { code, stdout: out.join(""), stderr: err.join(""), file };
}

/** What the engine says when asked directly: undefined when the input is not a valid plan (or synthesized stack). */
function oracle(text: string, toInput: (value: unknown) => EvaluationInput = (v) => planToInput(v, "x")): boolean | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return undefined;
  }
  try {
    return evaluate(toInput(value), { clock: fixedClock(`${NOW}T00:00:00Z`) }).passed;
  } catch {
    return undefined;
  }
}

function checkRun(r: Awaited<ReturnType<typeof runGate>>, text: string | undefined, judge: (text: string) => boolean | undefined = oracle) {
  expect([0, 1, 2]).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  if (r.code === 2) {
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^nhi-gate: /);
    expect(r.stdout).toBe("");
  }
  if (r.code !== 2) expect(JSON.parse(r.stdout).passed).toBe(r.code === 0);
  if (text !== undefined) {
    const expected = judge(text);
    expect(r.code).toBe(expected === undefined ? 2 : expected ? 0 : 1);
  } else expect(r.code).not.toBe(0);
}

/** A synthesized stack: governed identities of several kinds, and (when asked) a hand-written role beside them. */
function synthesized(withHandWritten: boolean): string {
  const stack = new TerraformStack(Testing.app(), "fuzz");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  specsOfEveryKind()
    .filter((s) => !s.recertificationReminder)
    .slice(0, 4)
    .forEach((s, i) => new GovernedIdentity(stack, `g${i}`, { ...s, clock: fixedClock(`${NOW}T00:00:00Z`) }));
  if (withHandWritten) new IamRole(stack, "hand", { name: "hand", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
  return Testing.synth(stack);
}

const plans = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith(".json") && !f.includes("utf_16"))
  .map((f) => JSON.parse(fs.readFileSync(path.join(CORPUS, f), "utf8")) as unknown);
const failing = plans.filter((p) => oracle(JSON.stringify(p)) === false);

/** Paths into a JSON value, for mutations. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 12 || out.length > 4000) return out;
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out, depth + 1)));
  else if (v && typeof v === "object") for (const k of Object.keys(v)) out.push([...prefix, k]), paths((v as Record<string, unknown>)[k], [...prefix, k], out, depth + 1);
  return out;
}

function mutate(value: unknown, at: (string | number)[], op: "delete" | "replace", replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  let cur = copy;
  for (const k of at.slice(0, -1)) cur = cur[k];
  const last = at[at.length - 1];
  if (op === "delete") {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else cur[last] = replacement;
  return copy;
}

describe("fuzzing the gate", () => {
  it("has failing real plans to mutate", () => {
    expect(failing.length).toBeGreaterThanOrEqual(5);
  });

  it("arbitrary JSON never crashes it, and exits 0 only for a valid, compliant plan", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) => {
        const text = JSON.stringify(v) ?? "null";
        checkRun(await runGate(text), text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("plan-shaped arbitrary JSON never crashes it", async () => {
    const change = fc.record({
      address: fc.oneof(fc.constant("aws_iam_role.r"), fc.string()),
      mode: fc.constantFrom("managed", "data", "other"),
      type: fc.constantFrom("aws_iam_role", "aws_iam_access_key", "aws_iam_user", "google_service_account", "aws_s3_bucket"),
      change: fc.record({ actions: fc.array(fc.constantFrom("create", "delete", "update", "no-op", "read", "forget", "bogus"), { maxLength: 3 }), before: fc.jsonValue({ maxDepth: 3 }), after: fc.jsonValue({ maxDepth: 3 }), after_unknown: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ["actions"] }),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("0.1", "1.2", "2.0", "x"), fc.array(change, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), async (fv, rcs, configuration) => {
        const text = JSON.stringify({ format_version: fv, resource_changes: rcs, configuration });
        checkRun(await runGate(text), text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("mutated real plans never crash it and never pass unless the engine agrees they comply", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.constantFrom("delete" as const, "replace" as const), fc.jsonValue({ maxDepth: 2 }), async (pi, ki, op, replacement) => {
        const base = failing[pi % failing.length];
        const all = paths(base);
        const mutated = mutate(base, all[ki % all.length], op, replacement);
        const text = JSON.stringify(mutated);
        checkRun(await runGate(text), text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("truncated and byte-flipped real plans exit 2 or agree with the engine", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (pi, at, byte, truncate) => {
        const buf = Buffer.from(JSON.stringify(failing[pi % failing.length]));
        const pos = at % buf.length;
        const bytes = truncate ? buf.subarray(0, pos) : Buffer.concat([buf.subarray(0, pos), Buffer.from([byte]), buf.subarray(pos + 1)]);
        const r = await runGate(bytes);
        const text = bytes.length ? bytes.toString("utf8") : undefined;
        checkRun(r, text !== undefined && !text.includes("\uFFFD") ? text : undefined);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("byte-flipped, truncated and mutated CDKTF synth output exits 2 or agrees with the engine", async () => {
    const judge = (text: string) => oracle(text, (v) => ({ resources: synthToResources(v, "x"), scope: "changes" }));
    const stacks = [synthesized(false), synthesized(true)];
    expect(stacks.map(judge)).toEqual([true, false]);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.constantFrom("flip", "truncate", "delete", "replace"), fc.integer({ min: 0, max: 255 }), fc.jsonValue({ maxDepth: 2 }), async (si, at, op, byte, replacement) => {
        const text = stacks[si % stacks.length];
        let bytes: Buffer;
        if (op === "flip" || op === "truncate") {
          const buf = Buffer.from(text);
          const pos = at % buf.length;
          bytes = op === "truncate" ? buf.subarray(0, pos) : Buffer.concat([buf.subarray(0, pos), Buffer.from([byte]), buf.subarray(pos + 1)]);
        } else {
          const value = JSON.parse(text);
          const all = paths(value);
          bytes = Buffer.from(JSON.stringify(mutate(value, all[at % all.length], op, replacement)));
        }
        const r = await runGate(bytes, "synth");
        const decoded = bytes.length ? bytes.toString("utf8") : undefined;
        checkRun(r, decoded !== undefined && !decoded.includes("\uFFFD") ? decoded : undefined, judge);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("reports a JSON syntax error, with its byte offset, exactly when JSON.parse fails", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.string({ maxLength: 3 }), (v, at, insert) => {
        const s = JSON.stringify(v) ?? "null";
        const pos = at % (s.length + 1);
        const text = s.slice(0, pos) + insert + s.slice(pos);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const input = { name: "f.json", text, encoding: "utf8" as const, offset: 0, bytes: Buffer.byteLength(text) };
        let error: unknown;
        try {
          parseJsonText(input);
        } catch (e) {
          error = e;
        }
        if (valid) expect(error).toBeUndefined();
        else {
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message).toMatch(/^f\.json: (invalid JSON syntax|unexpected end of JSON \(truncated file\?\)) at byte offset \d+$/);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
