import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { planOutputs } from "../../src/cli/outputs";
import { Progress } from "../../src/cli/progress";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { change, configResource, governedChanges, plan, ref } from "../fixtures/plans/builder";
import { inDays, NOW, spec } from "../helpers";

const AT = ["--now", NOW.toISOString()];

const root = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-main-"));
const write = (name: string, content: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};

async function run(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s), isTTY: opts.tty }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env: opts.env ?? {} });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const ROLE = { name: "hand", path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) };
const g = governedChanges(renderIdentity(spec(), resolveConfig({})));
const governed = write("governed.json", JSON.stringify(plan(g.changes, { resources: g.config })));
const handWritten = write("hand.json", JSON.stringify(plan([change({ address: "aws_iam_role.hand", type: "aws_iam_role", after: ROLE })])));

describe("output pairing", () => {
  it("pairs the n-th --output with the n-th --format", () => {
    expect(planOutputs(["sarif", "json"], ["a.sarif", "b.json"])).toEqual([
      { format: "sarif", file: "a.sarif" },
      { format: "json", file: "b.json" },
    ]);
    expect(planOutputs(["sarif,json"], ["a.sarif"])).toEqual([
      { format: "sarif", file: "a.sarif" },
      { format: "json", file: undefined },
    ]);
  });

  it("takes - as stdout", () => {
    expect(planOutputs(["json", "sarif"], ["-", "r.sarif"])).toEqual([
      { format: "json", file: undefined },
      { format: "sarif", file: "r.sarif" },
    ]);
  });

  it("takes the format from the extension when no --format is given; text to stdout by default", () => {
    expect(planOutputs([], [])).toEqual([{ format: "text" }]);
    expect(planOutputs([], ["r.sarif", "r.xml", "r.md", "r.json", "r.txt"]).map((o) => o.format)).toEqual(["sarif", "junit", "markdown", "json", "text"]);
  });

  it.each([
    [["json", "sarif"], [], "formats json, sarif have no --output; only one format can go to stdout"],
    [["json"], ["a.json", "b.json"], "2 --output files but 1 --format: give one --format per --output, in the same order"],
    [[], ["report.out"], "cannot tell the format of --output report.out from its extension; add --format (text .txt, json .json, sarif .sarif, junit .xml, markdown .md)"],
    [["pdf"], [], 'unknown --format "pdf"; expected one of text, json, sarif, junit, markdown'],
    [["json", "json"], [], "--format json given twice"],
    [["json", "sarif"], ["x", "x"], "the same --output file is named twice"],
  ])("refuses %j with %j", (formats, outputs, message) => {
    expect(() => planOutputs(formats as string[], outputs as string[])).toThrow(message);
  });
});

describe("the CLI in process", () => {
  it("exits 1 on an ungoverned role, 0 with --fail-on critical when nothing critical is found", async () => {
    const fail = await run(["plan", handWritten, "--now", "2026-06-01", "--format", "json"]);
    expect(fail.code).toBe(1);
    const report = JSON.parse(fail.stdout);
    expect(report.evaluatedAt).toBe("2026-06-01T00:00:00.000Z");
    expect(report.summary.bySeverity.critical).toBe(0);
    expect((await run(["plan", handWritten, "--now", "2026-06-01", "--fail-on", "critical"])).code).toBe(0);
  });

  it("colours text only on a TTY and never with NO_COLOR or --no-color", async () => {
    expect((await run(["plan", handWritten], { tty: true })).stdout).toContain("\x1b[");
    expect((await run(["plan", handWritten], { tty: true, env: { NO_COLOR: "1" } })).stdout).not.toContain("\x1b[");
    expect((await run(["plan", handWritten, "--no-color"], { tty: true })).stdout).not.toContain("\x1b[");
    expect((await run(["plan", handWritten], { tty: false })).stdout).not.toContain("\x1b[");
  });

  it("reads a YAML config and a YAML exemptions file", async () => {
    const config = write("nhi-governance.config.yaml", "approvedModuleSources:\n  - app.terraform.io/acme/governed-identity/aws\nfailOn: high\n");
    const exemptions = write(
      "nhi-exemptions.yaml",
      `exemptions:\n  - rule: NHI-GOV-001\n    resource: aws_iam_role.hand\n    reason: migrating to GovernedIdentity this quarter\n    owner: "@acme/platform"\n    ticket: SEC-42\n    expires: "${inDays(10)}"\n`,
    );
    const r = await run(["plan", handWritten, ...AT, "--config", config, "--exemptions", exemptions, "--format", "json"]);
    const report = JSON.parse(r.stdout);
    expect(report.exemptions.map((e: { ticket: string; status: string }) => [e.ticket, e.status])).toEqual([["SEC-42", "used"]]);
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === "NHI-GOV-001").exemptedBy.ticket).toBe("SEC-42");
  });

  it("names the file and field of a bad config or exemptions file", async () => {
    const config = write("bad.config.json", JSON.stringify({ maxCredentialTtl: "90 days" }));
    expect(await run(["plan", handWritten, "--config", config])).toEqual({ code: 2, stdout: "", stderr: `nhi-gate: ${config}: not a valid nhi-gate config: maxCredentialTtl: expected an ISO 8601 duration such as PT1H or P90D\n` });
    const unknownKey = write("typo.config.json", JSON.stringify({ failon: "low" }));
    expect((await run(["plan", handWritten, "--config", unknownKey])).stderr).toBe(`nhi-gate: ${unknownKey}: not a valid nhi-gate config: (top level): unknown field(s) "failon"\n`);
    const ex = write("bad-ex.json", JSON.stringify([{ rule: "NHI-GOV-001", resource: "x", reason: "short", owner: "@a", ticket: "T-1", expires: "2026-01-01" }]));
    expect((await run(["plan", handWritten, "--exemptions", ex])).stderr).toBe(`nhi-gate: ${ex}: not a valid exemptions list: 0.reason: expected a reason of at least 10 characters\n`);
  });

  it("gates a state and a CDKTF synth directory; findings show the construct path", async () => {
    const state = write("state.json", JSON.stringify({ format_version: "1.0", values: { root_module: { resources: [{ address: "aws_iam_user.u", mode: "managed", type: "aws_iam_user", name: "u", values: { name: "u" } }] } } }));
    const s = await run(["state", state, "--format", "json"]);
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout).resources.map((r: { address: string; judged: boolean }) => [r.address, r.judged])).toEqual([["aws_iam_user.u", true]]);
    write("cdktf.out/stacks/app/cdk.tf.json", JSON.stringify({ terraform: {}, resource: { aws_iam_user: { ci_1A: { name: "ci", "//": { metadata: { path: "app/ci/Resource", uniqueId: "ci_1A" } } } } } }));
    const t = await run(["synth", path.join(dir, "cdktf.out")]);
    expect(t.code).toBe(1);
    expect(t.stdout.split("\n")[0]).toBe("aws_iam_user.ci_1A (aws_iam_user, create, ungoverned, construct app/ci/Resource)");
    const md = await run(["synth", path.join(dir, "cdktf.out"), "--format", "markdown"]);
    expect(md.stdout).toContain("construct app/ci/Resource");
  });

  it("passes a governed plan, and a delete of a principal whose key remains is an offboarding finding", async () => {
    expect((await run(["plan", governed, ...AT])).code).toBe(0);
    const del = write(
      "delete.json",
      JSON.stringify(
        plan(
          [change({ address: "aws_iam_user.u", type: "aws_iam_user", actions: ["delete"], before: { name: "u" }, after: null }), change({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", actions: ["no-op"], before: { user: "u" }, after: { user: "u" } })],
          { resources: [configResource({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", expressions: { user: ref("aws_iam_user.u.name", "aws_iam_user.u") } })] },
        ),
      ),
    );
    const r = await run(["plan", del, ...AT, "--format", "json"]);
    const report = JSON.parse(r.stdout);
    const offboarding = report.findings.filter((f: { address: string; controls: { owasp: string[] } }) => f.address === "aws_iam_user.u" && f.controls.owasp.includes("NHI1"));
    expect(offboarding.map((f: { findingId: string }) => f.findingId)).toEqual(["NHI-GOV-016[Dependent::aws_iam_access_key.k]"]);
    expect(r.code).toBe(report.passed ? 0 : 1);
  });

  it("refuses to write into a directory and to a missing directory", async () => {
    expect((await run(["plan", governed, "--output", dir, "--format", "json"])).stderr).toBe(`nhi-gate: --output ${dir}: is a directory, expected a file name\n`);
    expect((await run(["plan", governed, "--output", path.join(dir, "no/such/r.json")])).stderr).toBe(`nhi-gate: --output ${path.join(dir, "no/such/r.json")}: its directory does not exist\n`);
  });
});

it("turns an unexpected error into exit 2 with one line", async () => {
  const err: string[] = [];
  const code = await main(["plan", governed, ...AT], {
    stdout: {
      write: () => {
        throw new TypeError("stdout exploded\n    at somewhere (file.js:1:1)");
      },
    },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
  });
  expect(code).toBe(2);
  expect(err).toEqual(["nhi-gate: internal error (TypeError): stdout exploded at somewhere (file.js:1:1); no result, the gate fails closed\n"]);
});

it("applies --max-input-size", async () => {
  const r = await run(["plan", governed, "--max-input-size", "1K"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^nhi-gate: .*governed\.json: \d+ bytes, over the input size limit of 1024 bytes \(raise it with --max-input-size\)\n$/);
  expect((await run(["plan", governed, "--max-input-size", "lots"])).stderr).toBe("nhi-gate: --max-input-size lots: expected bytes, or a number with K, M or G\n");
});

describe("progress", () => {
  it("prints only on a TTY, after a second", async () => {
    const lines: string[] = [];
    const now = Date.now;
    try {
      const p = new Progress({ isTTY: true, write: (s: string) => lines.push(s) }, true);
      await p.step("reading");
      expect(lines).toEqual([]);
      const t = now();
      Date.now = () => t + 1500;
      await p.step("evaluating 5 identity resources");
      expect(lines[0]).toMatch(/^\r\x1b\[2Knhi-gate: evaluating 5 identity resources… \(1\.\ds\)$/);
      p.done();
      expect(lines[1]).toBe("\r\x1b[2K");
      const off = new Progress({ isTTY: false, write: (s: string) => lines.push(s) });
      await off.step("x");
      expect(lines).toHaveLength(2);
    } finally {
      Date.now = now;
    }
  });
});

/**
 * What a command loads (the sources, as tsc compiles them; the bundle mirrors it: esbuild runs a
 * module's code when it is first required): the packages by name and the count of our modules.
 */
function loadedBy(args: string[]) {
  const out = execFileSync(
    process.execPath,
    [
      "-r",
      path.join(root, "scripts/register-ts.js"),
      "-e",
      `const before = new Set(Object.keys(require.cache)); // scripts/register-ts.js and the TypeScript it transpiles with
       require(${JSON.stringify(path.join(root, "src/cli/main.ts"))}).main(${JSON.stringify(args)}, { stdout: { write() {} }, stderr: { write() {} }, env: {} }).then((code) => {
         const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
         const packages = {};
         let ours = 0;
         for (const k of loaded) {
           const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(k);
           if (m) packages[m[1].replace(/\\\\/g, "/")] = (packages[m[1].replace(/\\\\/g, "/")] ?? 0) + 1;
           else ours++;
         }
         process.stdout.write(JSON.stringify({ code, ours, packages: Object.keys(packages).sort() }));
       });`,
    ],
    { cwd: root, encoding: "utf8" },
  );
  return JSON.parse(out) as { code: number; ours: number; packages: string[] };
}

describe("what each command loads (cold start: npm run bench times it)", () => {
  it("plan: the gate and the packages it runs on; no IaC SDK (cdktf, constructs, Pulumi), AWS SDK, gRPC, zip code or yaml", () => {
    const r = loadedBy(["plan", governed, ...AT, "--format", "sarif", "--output", path.join(dir, "x.sarif")]);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(["commander", "tinyduration", "zod"]);
    // 101 when this was written (303 with every command's code loaded up front): the engine, its rules and the plan reader.
    expect(r.ours).toBeGreaterThan(60);
    expect(r.ours).toBeLessThanOrEqual(120);
  });

  it("state and synth load what plan does; a YAML config adds yaml, an owner pattern safe-regex2", () => {
    const state = write("one-state.json", JSON.stringify({ format_version: "1.0", terraform_version: "1.9.5", values: { root_module: { resources: [] } } }));
    expect(loadedBy(["state", state]).packages).toEqual(["commander", "tinyduration", "zod"]);
    const synth = write("cdk.tf.json", JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: "b" } } } }));
    expect(loadedBy(["synth", synth]).packages).toEqual(["commander", "tinyduration", "zod"]);
    const config = write("gate.yaml", "failOn: medium\n");
    expect(loadedBy(["plan", governed, "--config", config]).packages).toEqual(["commander", "tinyduration", "yaml", "zod"]);
    // safe-regex2 (and its ret) only where a config has an owner pattern to check.
    const narrowed = write("gate-owner.json", JSON.stringify({ ownerPattern: { pattern: "@acme/[a-z0-9-]+", description: "a team handle" } }));
    expect(loadedBy(["plan", governed, "--config", narrowed]).packages).toEqual(["commander", "ret", "safe-regex2", "tinyduration", "zod"]);
  });

  it.each(["--version", "--help", "plan --help"])("%s: commander and the command definitions only", (args) => {
    const r = loadedBy(args.split(" "));
    expect(r).toEqual({ code: 0, ours: expect.any(Number), packages: ["commander"] });
    expect(r.ours).toBeLessThanOrEqual(12);
  });
});
