import * as fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, MAX_DEPTH, readJson } from "../../src/adapters/input";
import { DROP, parseJsonChunks, Prune } from "../../src/adapters/json-stream";
import { terraformPrune } from "../../src/adapters/prune";
import { planToInput } from "../../src/adapters/terraform-plan";
import { stateToInput } from "../../src/adapters/terraform-state";
import { main } from "../../src/cli/main";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { change, governedChanges, plan } from "../fixtures/plans/builder";
import { spec } from "../helpers";

const SEED = 20260601;
const RUNS = Number(process.env.NHI_FUZZ_RUNS ?? 60);
const CORPUS = path.resolve(__dirname, "../../../shared/corpus/terraform-plans");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-stream-"));
let n = 0;
const write = (content: string | Buffer, name = `f${n++}.json`) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

/** A chunk source over `bytes` in pieces of the given sizes (cycled). */
function chunks(bytes: Buffer, sizes: number[] = [bytes.length || 1]): () => Buffer | null {
  let i = 0;
  let k = 0;
  return () => {
    if (i >= bytes.length) return null;
    const size = Math.max(1, sizes[k++ % sizes.length]);
    return bytes.subarray(i, (i += size));
  };
}

const stream = (bytes: Buffer | string, sizes?: number[], prune?: Prune) => parseJsonChunks(chunks(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), sizes), { name: "in.json", prune }).value;

/** The message of the fast path (readFileSync + JSON.parse) and of the streaming path for the same bytes. */
function messages(bytes: Buffer | string, sizes?: number[]): [string, string] {
  const file = write(bytes);
  const msg = (f: () => unknown) => {
    try {
      f();
      return "ok";
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message.replace(file, "in.json");
    }
  };
  return [msg(() => readJson(file)), msg(() => stream(bytes, sizes))];
}

/** JSON text with random whitespace between tokens. */
const spaced = (value: unknown, ws: string[]) => {
  let k = 0;
  const pad = () => ws[k++ % ws.length];
  return JSON.stringify(value).replace(/("(?:[^"\\]|\\.)*")|([{}[\],:])/g, (m, str) => (str ? str : `${pad()}${m}${pad()}`));
};

describe("parseJsonChunks", () => {
  it("equals JSON.parse for arbitrary JSON, any whitespace, any chunking (1-byte chunks included)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.constantFrom("", " ", "\n", "\t", "\r\n  "), { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }), (value, ws, sizes) => {
        const text = spaced(value, ws);
        expect(stream(text, sizes)).toEqual(JSON.parse(text));
        expect(stream(text, [1])).toEqual(JSON.parse(text));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("equals JSON.parse on full Unicode strings and keys, with escapes, split anywhere", () => {
    const str = fc.string({ unit: "binary", maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(str, fc.oneof(str, fc.double(), fc.integer())), fc.integer({ min: 1, max: 7 }), (value, size) => {
        // JSON.stringify escapes lone surrogates (\udxxx) and control characters; the rest is raw UTF-8.
        const text = JSON.stringify(value);
        expect(stream(text, [size])).toEqual(JSON.parse(text));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("decodes multibyte UTF-8 split across chunks, escapes and surrogate pairs", () => {
    const text = '{"k\u00e9y":"\u00e9\u4e2d\ud83d\ude00","e":"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/\\b\\f\\r","lone":"\\ud800x"}';
    const bytes = Buffer.from(text, "utf8");
    for (let size = 1; size <= 5; size++) expect(stream(bytes, [size])).toEqual(JSON.parse(text));
  });

  it("reads numbers as JSON.parse does", () => {
    const text = "[0,-0,1.5,-2.25e-3,1E400,-1e-400,12345678901234567890,0.1e1,5e+2]";
    expect(stream(text, [1])).toEqual(JSON.parse(text));
    expect(Object.is((stream("[-0]") as number[])[0], -0)).toBe(true);
  });

  it("reads UTF-8 with a BOM and UTF-16 LE/BE with a BOM or LE without one, at any chunking", () => {
    const text = '{"format_version":"1.2","x":"\u00e9\ud83d\ude00"}';
    const le = Buffer.from(text, "utf16le");
    const be = Buffer.from(le).swap16();
    const cases: [Buffer, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), "utf8-bom"],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), "utf16le"],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), "utf16be"],
      [le, "utf16le"],
    ];
    for (const [bytes, encoding] of cases) {
      for (const size of [1, 3, 4, 1000]) {
        const r = parseJsonChunks(chunks(bytes, [size]), { name: "in.json" });
        expect(r.value).toEqual(JSON.parse(text));
        expect(r.encoding).toBe(encoding);
      }
    }
  });

  it("keeps __proto__ and constructor keys as own data, touching no prototype; the last duplicate wins", () => {
    const v = stream('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"a":1,"a":2,"__proto__":{"p":2}}', [2]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "constructor", "a"]);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ p: 2 });
    expect(v.a).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(v).toEqual(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"a":1,"a":2,"__proto__":{"p":2}}'));
  });

  it("refuses nesting deeper than its limit with an InputError, not a stack overflow", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => stream(deep, [4096])).toThrow(new InputError(`in.json: JSON nested deeper than ${2 * MAX_DEPTH} levels at byte offset ${2 * MAX_DEPTH}`));
    const ok = "[".repeat(2 * MAX_DEPTH) + "]".repeat(2 * MAX_DEPTH);
    expect(stream(ok)).toEqual(JSON.parse(ok));
  });

  it.each([
    ['{"a":1,}', "invalid JSON syntax at byte offset 7"],
    ['{"a":[1,2', "unexpected end of JSON (truncated file?) at byte offset 9"],
    ['{"a":"abc', "unexpected end of JSON (truncated file?) at byte offset 9"],
    ['{"a":"\u00e9\u00e9" x}', "invalid JSON syntax at byte offset 12"],
    ["[tru", "invalid JSON syntax at byte offset 1"],
    ['["\\x"]', "invalid JSON syntax at byte offset 2"],
    ['["\\u12', "invalid JSON syntax at byte offset 2"],
    ["[1.]", "invalid JSON syntax at byte offset 2"],
    ["[01]", "invalid JSON syntax at byte offset 2"],
    ["[-]", "invalid JSON syntax at byte offset 1"],
    ['{"a":1} {}', "invalid JSON syntax at byte offset 8"],
    ['"a\nb"', "invalid JSON syntax at byte offset 2"],
    ['{"a":1\n\n', "unexpected end of JSON (truncated file?) at byte offset 8"],
    ["", "empty file, expected JSON"],
    [" \n\t ", "empty file (only whitespace), expected JSON"],
  ])("says what the fast path says for %j", (text, message) => {
    for (const size of [1, 2, 100]) expect(messages(text, [size])).toEqual([`in.json: ${message}`, `in.json: ${message}`]);
  });

  it("gives the fast path's message (kind and byte offset) for truncated and corrupted JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom("cut", "insert", "replace"), fc.constantFrom("x", "}", "]", ",", ":", '"', "\\", "\u00e9", "\n", "0", "-"), fc.integer({ min: 1, max: 9 }), (value, at, how, ch, size) => {
        const text = JSON.stringify({ v: value });
        const i = at % text.length;
        const bad = how === "cut" ? text.slice(0, i) : how === "insert" ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + ch + text.slice(i + 1);
        if (bad.trim() === "") return;
        const [fast, slow] = messages(bad, [size]);
        expect(slow).toBe(fast);
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  it("reports UTF-16 error offsets in file bytes", () => {
    const text = '{"x":"\u00e9",}';
    expect(messages(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), [3])).toEqual(["in.json: invalid JSON syntax at byte offset 20", "in.json: invalid JSON syntax at byte offset 20"]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"x":[1', "utf16le").swap16()]);
    expect(messages(be, [5])).toEqual(["in.json: unexpected end of JSON (truncated file?) at byte offset 16", "in.json: unexpected end of JSON (truncated file?) at byte offset 16"]);
  });

  it("skips a value without building it (syntax still checked) and transforms completed values", () => {
    const prune: Prune = {
      skip: (p) => (p.length === 1 && p[0] === "big" ? { value: null } : p.length === 1 && p[0] === "gone" ? DROP : undefined),
      done: (p, v) => (p.length === 2 && p[0] === "list" ? { kept: (v as { id: unknown }).id } : v),
    };
    expect(stream('{"big":{"a":[1,{"b":2}]},"gone":"x","list":[{"id":1,"more":[1,2]},{"id":2}],"tail":true}', [3], prune)).toEqual({ big: null, list: [{ kept: 1 }, { kept: 2 }], tail: true });
    expect(() => stream('{"big":{"a":[1,}]},"x":1}', [3], prune)).toThrow("in.json: invalid JSON syntax at byte offset 15");
  });
});

/** Every plan and state of the corpus and the builder: the streaming path with pruning gives the same model as the fast path. */
describe("readJson: the streaming path with terraformPrune reads plans and states as the fast path does", () => {
  const corpus = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json")) : [];
  const g = governedChanges(renderIdentity(spec(), resolveConfig({})));
  const built: Record<string, unknown> = {
    "governed.json": plan([...g.changes, change({ address: "aws_s3_bucket.b", type: "aws_s3_bucket", after: { bucket: "b", tags: { x: "y" } } })], { resources: g.config }, "1.2", {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              { address: "aws_iam_user.legacy", mode: "managed", type: "aws_iam_user", name: "legacy", values: { name: "legacy" } },
              { address: "aws_s3_bucket.old", mode: "managed", type: "aws_s3_bucket", name: "old", values: { bucket: "old" } },
            ],
            child_modules: [{ address: "module.m", resources: [{ address: "module.m.aws_instance.i", mode: "managed", type: "aws_instance", name: "i", values: { ami: "x" } }] }],
          },
        },
      },
      resource_drift: [change({ address: "aws_s3_bucket.d", type: "aws_s3_bucket", actions: ["update"] })],
      output_changes: { o: { actions: ["create"], after: "v" } },
    }),
    "state.json": {
      format_version: "1.0",
      terraform_version: "1.9.5",
      values: {
        root_module: {
          resources: [
            { address: "aws_iam_role.r", mode: "managed", type: "aws_iam_role", name: "r", values: { name: "r", assume_role_policy: "{}", tags: {} } },
            { address: "data.aws_iam_role.d", mode: "data", type: "aws_iam_role", name: "d", values: { name: "d" } },
            { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", values: { bucket: "b" } },
          ],
          child_modules: [{ address: "module.c", resources: [{ address: "module.c.aws_iam_user.u", mode: "managed", type: "aws_iam_user", name: "u", values: { name: "u" } }], child_modules: [{ address: "module.c.module.d", resources: [{ address: "module.c.module.d.aws_lambda_function.f", mode: "managed", type: "aws_lambda_function", name: "f", values: { role: "arn" } }] }] }],
        },
      },
    },
  };
  // A raw state file (version 4), as a backend stores it.
  const rawState = path.join(__dirname, "../fixtures/states/legacy.tfstate");
  const files = [...corpus.map((f) => path.join(CORPUS, f)), ...Object.entries(built).map(([name, v]) => write(JSON.stringify(v, null, 1), name)), rawState];

  it("has inputs to compare", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => [path.basename(f), f]))("%s", (_, file) => {
    const fast = readJson(file);
    const slow = readJson(file, { streamAbove: 0, prune: terraformPrune, chunkBytes: 4099 });
    expect(slow.input.encoding).toBe(fast.input.encoding);
    const v = fast.value as Record<string, unknown>;
    const toInput = "resource_changes" in v || "planned_values" in v ? planToInput : stateToInput;
    expect(toInput(slow.value, slow.input.name)).toEqual(toInput(fast.value, fast.input.name));
    // The pruned tree is smaller whenever there is something to prune.
    if (JSON.stringify(fast.value).includes('"aws_s3_bucket"')) expect(JSON.stringify(slow.value).length).toBeLessThan(JSON.stringify(fast.value).length);
  });

  it("keeps what the planned-identity check reads: a planned identity missing from resource_changes is the same error on both paths", () => {
    const values = { name: "app", assume_role_policy: "{}", tags: { big: "x".repeat(1000) } };
    const role = { address: "module.m.aws_iam_role.app", mode: "managed", type: "aws_iam_role", name: "app", provider_name: "registry.terraform.io/hashicorp/aws", values, sensitive_values: {} };
    const bucket = { address: "module.m.aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", values: { bucket: "b" } };
    const planned = { outputs: { o: { value: "x".repeat(1000) } }, root_module: { resources: [], child_modules: [{ address: "module.m", resources: [bucket, role] }] } };
    const outcome = (file: string, o: { streamAbove?: number; prune?: Prune }) => {
      try {
        const { value: v, input } = readJson(file, o);
        return planToInput(v, input.name);
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    const missing = write(JSON.stringify({ format_version: "1.2", planned_values: planned, resource_changes: [] }));
    expect(outcome(missing, { streamAbove: 0, prune: terraformPrune })).toEqual(outcome(missing, {}));
    expect(outcome(missing, {})).toMatch(/^error: .*planned_values\.root_module\.child_modules\.0\.resources\.1: module\.m\.aws_iam_role\.app \(aws_iam_role\) is planned, but resource_changes does not list it/);
    // Pruned: outputs and the identity's values are not built; the bucket keeps its index, nothing else.
    const pruned = readJson(missing, { streamAbove: 0, prune: terraformPrune }).value as { planned_values: unknown };
    expect(pruned.planned_values).toEqual({ root_module: { resources: [], child_modules: [{ address: "module.m", resources: [{}, { address: role.address, mode: "managed", type: "aws_iam_role", name: "app" }] }] } });
  });

  it("gives the same input errors for malformed entries (mutated corpus plans)", () => {
    const plans = files.filter((f) => /plan|governed/.test(path.basename(f))).map((f) => readJson(f).value as Record<string, unknown>);
    const junk = fc.constantFrom<unknown>(null, 1, "", "x", [], {}, ["create"], ["bogus"], { actions: [] }, "data", "aws_iam_role", "aws_s3_bucket");
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.constantFrom("address", "type", "mode", "name", "change", "change.actions", "change.after", "change.before", "module_address", "deposed"), junk, (p, r, field, bad) => {
        const value = structuredClone(plans[p % plans.length]);
        const rcs = value.resource_changes as Record<string, unknown>[] | undefined;
        if (!rcs?.length) return;
        const target = rcs[r % rcs.length] as Record<string, unknown>;
        if (field.startsWith("change.") && target.change && typeof target.change === "object") (target.change as Record<string, unknown>)[field.slice(7)] = bad;
        else target[field] = bad;
        const file = write(JSON.stringify(value));
        const outcome = (o: { streamAbove?: number; prune?: Prune }) => {
          try {
            const { value: v, input } = readJson(file, o);
            return planToInput(v, input.name);
          } catch (e) {
            return `error: ${(e as Error).message}`;
          }
        };
        expect(outcome({ streamAbove: 0, prune: terraformPrune })).toEqual(outcome({}));
        fs.unlinkSync(file);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it("streams stdin-like pipes and refuses files over the size limit on either path", () => {
    const file = write(JSON.stringify(built["state.json"]));
    const size = fs.statSync(file).size;
    expect(() => readJson(file, { streamAbove: 0, maxBytes: 100 })).toThrow(`${file}: ${size} bytes, over the input size limit of 100 bytes (raise it with --max-input-size)`);
    expect(() => readJson(file, { maxBytes: 100 })).toThrow(`${file}: ${size} bytes, over the input size limit of 100 bytes (raise it with --max-input-size)`);
    expect(() => readJson(path.join(dir, "missing.json"), { streamAbove: 0 })).toThrow(`${path.join(dir, "missing.json")}: no such file`);
  });
});

describe("nhi-gate on the streaming path", () => {
  async function run(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env });
    return { code, stdout: out.join(""), stderr: err.join("") };
  }
  const corpus = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json")) : [];

  it.each(corpus)("plan %s: byte-identical JSON and SARIF reports and the same exit code", async (f) => {
    const args = ["plan", path.join(CORPUS, f), "--now", "2026-06-01", "--format", "json"];
    const fast = await run(args);
    const slow = await run(args, { NHI_GATE_STREAM_ABOVE: "0" });
    expect(slow).toEqual(fast);
    const sarif = ["plan", path.join(CORPUS, f), "--now", "2026-06-01", "--format", "sarif"];
    expect(await run(sarif, { NHI_GATE_STREAM_ABOVE: "0" })).toEqual(await run(sarif));
  });

  const PULUMI = "/work/shared/corpus/pulumi-state";
  const exports = fs.existsSync(PULUMI) ? fs.readdirSync(PULUMI).filter((f) => f.endsWith(".json")).map((f) => path.join(PULUMI, f)) : [];

  it("inventory of plans and Pulumi stack exports: byte-identical output", async () => {
    const args = ["inventory", ...corpus.map((f) => path.join(CORPUS, f)), ...exports, "--now", "2026-06-01", "--format", "json"];
    const fast = await run(args);
    expect(fast.code).toBe(0);
    expect(await run(args, { NHI_GATE_STREAM_ABOVE: "0" })).toEqual(fast);
  });

  it("exits 2 with the same one-line message on a truncated plan", async () => {
    const text = fs.readFileSync(path.join(CORPUS, corpus[0]));
    const file = write(text.subarray(0, Math.floor(text.length / 2)));
    const fast = await run(["plan", file, "--now", "2026-06-01"]);
    const slow = await run(["plan", file, "--now", "2026-06-01"], { NHI_GATE_STREAM_ABOVE: "0" });
    expect(fast.code).toBe(2);
    expect(slow).toEqual(fast);
    expect(slow.stderr).toMatch(/byte offset \d+\n$/);
  });
});
