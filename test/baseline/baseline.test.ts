/**
 * `nhi-gate baseline`: today's findings as exemptions with one owner, ticket and expiry, so a team
 * can switch the gate on now; a new identity (or a new finding) still fails; the reports count
 * what remains, what expires within the warning window, what is resolved and what expired.
 * Finding ids are always taken from reports, never written out here.
 */
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { main } from "../../src/cli/main";
import { readJson } from "../../src/adapters/input";
import { stateToInput } from "../../src/adapters/terraform-state";
import { loadExemptions } from "../../src/adapters/gate-files";
import { baselineEntries, checkBaselineOptions } from "../../src/engine/baseline";
import { evaluate } from "../../src/engine/evaluate";
import { fixedClock } from "../../src/engine/clock";
import { Report } from "../../src/engine/report";
import { formatMarkdown } from "../../src/report/markdown";
import { formatSarif } from "../../src/report/sarif";
import { formatText } from "../../src/report/text";
import { formatJunit } from "../../src/report/junit";
import { resolveConfig } from "../../src/spec/config";
import { clock, inDays, NOW } from "../helpers";
import { stateOfPlan } from "../adopt/fixtures";

const RUNNER_PLAN = "/work/shared/corpus/terraform-plans/bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json";
const EXAMPLE_PLAN = path.join(__dirname, "../../examples/plans/iam-policies.tfplan.json");
const config = resolveConfig({});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-baseline-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const at = (days: number) => fixedClock(new Date(NOW.getTime() + days * 86_400_000));

type State = ReturnType<typeof stateOfPlan>;
const corpusState = (): State => stateOfPlan(readJson(fs.existsSync(RUNNER_PLAN) ? RUNNER_PLAN : EXAMPLE_PLAN).value);
const inputOf = (s: State) => stateToInput(s, "state.json");
const baseOptions = { owner: "@acme/platform", ticket: "PLAT-7", expires: inDays(20), config, clock };
const resources = (s: State) => s.values.root_module.resources as { address: string; mode?: string; type: string; name: string; values: Record<string, unknown> }[];

async function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
  return { code, stdout, stderr };
}

describe("baseline entries", () => {
  const state = corpusState();
  const today = evaluate(inputOf(state), { config, clock });
  const { entries } = baselineEntries(today, baseOptions);

  test("one per finding at or above failOn, each naming the finding id and address the report gives, with the owner, ticket and expiry", () => {
    expect(today.passed).toBe(false);
    const failing = today.findings.filter((f) => ["high", "critical"].includes(f.severity));
    // A folded finding is covered with its parts (exemptions apply before folding): "<id>" on the same resource, "<id> @ <address>" on another.
    const covered = (f: (typeof failing)[number]) => [`${f.findingId} @ ${f.address}`, ...(f.parts ?? []).map((p) => (p.includes(" @ ") ? p : `${p} @ ${f.address}`))];
    expect(entries.map((e) => `${e.rule} @ ${e.resource}`)).toEqual(failing.flatMap(covered));
    expect(failing.some((f) => f.parts?.length)).toBe(true);
    for (const e of entries) expect(e).toMatchObject({ owner: "@acme/platform", ticket: "PLAT-7", expires: inDays(20), baseline: true, reason: expect.stringContaining("found when the gate was switched on (2026-06-01)") });
  });

  test("the gate passes with them; the report counts them and lists them as the baseline's", () => {
    const r = evaluate(inputOf(state), { config, clock, exemptions: entries });
    expect(r.passed).toBe(true);
    expect(r.summary.baseline).toEqual({ entries: entries.length, remaining: entries.length, expiringSoon: 0, resolved: 0, expired: 0, findings: entries.length, nextExpiry: inDays(20) });
    // Every finding of today is covered by the baseline (folded findings with their parts), none active.
    expect(r.findings.filter((f) => !f.exemptedBy && ["high", "critical"].includes(f.severity))).toEqual([]);
    expect(r.findings.filter((f) => f.exemptedBy?.baseline).length).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.ruleId >= "NHI-GOV-090")).toEqual([]);
  });

  test("a new identity still fails, and so does a new finding on an identity the baseline covers", () => {
    const grown = corpusState();
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    resources(grown).push({ address: "aws_iam_role.newcomer", mode: "managed", type: "aws_iam_role", name: "newcomer", values: { name: "newcomer", id: "newcomer", path: "/", arn: "arn:aws:iam::123456789012:role/newcomer", assume_role_policy: trust, max_session_duration: 3600 } });
    const policy = resources(grown).find((r) => r.type === "aws_iam_user_policy") as (typeof resources extends (s: State) => (infer R)[] ? R : never);
    policy.values.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }, ...JSON.parse(String(policy.values.policy)).Statement] });
    const r = evaluate(inputOf(grown), { config, clock, exemptions: entries });
    expect(r.passed).toBe(false);
    const active = r.findings.filter((f) => !f.exemptedBy && ["high", "critical"].includes(f.severity));
    expect([...new Set(active.map((f) => f.address))].sort()).toEqual(["aws_iam_role.newcomer", policy.address].sort());
    const before = new Set(today.findings.filter((f) => f.address === policy.address).map((f) => f.findingId));
    expect(active.filter((f) => f.address === policy.address).every((f) => !before.has(f.findingId))).toBe(true);
  });

  test("a fixed finding is reported as resolved, once per baseline", () => {
    const fixed = corpusState();
    const user = resources(fixed).find((r) => r.type === "aws_iam_user") as (typeof resources extends (s: State) => (infer R)[] ? R : never);
    user.values.permissions_boundary = "arn:aws:iam::123456789012:policy/nhi-boundary";
    const r = evaluate(inputOf(fixed), { config, clock, exemptions: entries });
    const resolved = r.findings.filter((f) => f.ruleId === "NHI-GOV-095");
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ severity: "info", address: `baseline:PLAT-7@${inDays(20)}`, message: expect.stringMatching(/^baseline PLAT-7 \(owner @acme\/platform\): 1 entry match no finding any more \(fixed: NHI-GOV-008/) });
    expect(r.summary.baseline).toMatchObject({ remaining: entries.length - 1, resolved: 1 });
    expect(r.findings.filter((f) => f.ruleId === "NHI-GOV-092")).toEqual([]);
  });

  test("within the warning window: one low finding for the whole baseline; after the expiry: the findings count again, with one high finding", () => {
    const soon = evaluate(inputOf(state), { config, clock: at(15), exemptions: entries });
    expect(soon.passed).toBe(true);
    expect(soon.findings.filter((f) => !f.exemptedBy).map((f) => [f.ruleId, f.severity])).toEqual([["NHI-GOV-093", "low"]]);
    expect(soon.summary.baseline).toMatchObject({ remaining: entries.length, expiringSoon: entries.length });
    const late = evaluate(inputOf(state), { config, clock: at(21), exemptions: entries });
    expect(late.passed).toBe(false);
    expect(late.findings.filter((f) => f.ruleId === "NHI-GOV-094").map((f) => f.severity)).toEqual(["high"]);
    expect(late.findings.filter((f) => f.ruleId === "NHI-GOV-090")).toEqual([]);
    expect(late.summary.baseline).toMatchObject({ remaining: 0, expired: entries.length, findings: 0 });
    // Expired entries suppress nothing: today's findings are all active again, plus the one baseline finding.
    expect(late.findings.filter((f) => !f.exemptedBy && f.ruleId !== "NHI-GOV-094").map((f) => `${f.findingId} @ ${f.address}`)).toEqual(today.findings.map((f) => `${f.findingId} @ ${f.address}`));
    expect(late.findings.filter((f) => f.ruleId === "NHI-GOV-094")).toHaveLength(1);
  });

  test.each([
    ["an expiry beyond maxExemptionDays", { expires: inDays(31) }, /^--expires 2026-07-02: at most 30 days ahead \(the gate config's maxExemptionDays\), so by 2026-07-01/],
    ["an expiry today", { expires: inDays(0) }, /^--expires 2026-06-01: expected a date after today \(2026-06-01\)$/],
    ["not a date", { expires: "next month" }, /^--expires next month: expected a date YYYY-MM-DD$/],
    ["an owner the config's pattern refuses", { owner: "bob", config: resolveConfig({ ownerPattern: { pattern: "@acme/[a-z-]+", description: "a team handle @acme/<team>" } }) }, /^--owner "bob": expected an owner matching the gate config's ownerPattern/],
  ])("refuses %s", (_label, change, message) => {
    expect(() => checkBaselineOptions({ ...baseOptions, ...change })).toThrow(message);
  });
});

describe("nhi-gate baseline", () => {
  const stateFile = path.join(tmp, "state.json");
  beforeAll(() => fs.writeFileSync(stateFile, JSON.stringify(corpusState())));

  test("writes the exemptions file; the gate passes with it, and its reports show the baseline", async () => {
    const out = path.join(tmp, "nhi-baseline.yaml");
    const r = await cli("baseline", stateFile, "--owner", "@acme/platform", "--ticket", "PLAT-7", "--expires", inDays(20), "--output", out, "--now", NOW.toISOString());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ baseline entries \(owner @acme\/platform, ticket PLAT-7, until 2026-06-21\) on \d+ resources to .*nhi-baseline\.yaml\n/);
    expect(r.stdout).toContain("with it, the gate passes");
    const exemptions = loadExemptions(out);
    expect(exemptions.length).toBeGreaterThan(5);
    expect(fs.readFileSync(out, "utf8")).toMatch(/^# Baseline written by nhi-gate baseline on 2026-06-01/);
    const gate = await cli("state", stateFile, "--exemptions", out, "--now", NOW.toISOString(), "--format", "json");
    expect(gate.code).toBe(0);
    const report = JSON.parse(gate.stdout) as Report;
    expect(report.summary.baseline).toMatchObject({ entries: exemptions.length, remaining: exemptions.length, expiringSoon: 0 });
    const text = await cli("state", stateFile, "--exemptions", out, "--now", new Date(NOW.getTime() + 16 * 86_400_000).toISOString());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`baseline PLAT-7, owner @acme/platform, until 2026-06-21: ${exemptions.length} of ${exemptions.length} entries remain`);
    expect(text.stdout).toMatch(new RegExp(`baseline: ${exemptions.length} of ${exemptions.length} entries remain \\(${exemptions.length} expire within 7 days, next expiry 2026-06-21\\)`));
    // The covered findings are counted, not listed one by one, in the text report.
    expect(text.stdout).not.toContain("[baseline PLAT-7");
  });

  test("JSON output, existing exemptions kept in front (the same file may be updated in place), and --min-severity", async () => {
    const existing = path.join(tmp, "nhi-exemptions.json");
    const today = evaluate(inputOf(corpusState()), { config, clock });
    const one = today.findings.find((f) => f.severity === "critical") ?? today.findings[0];
    fs.writeFileSync(existing, JSON.stringify({ exemptions: [{ rule: one.findingId, resource: one.address, reason: "Accepted while the role is split", owner: "@acme/data", ticket: "DATA-1", expires: inDays(10) }] }));
    const r = await cli("baseline", stateFile, "--owner", "@acme/platform", "--ticket", "PLAT-8", "--expires", inDays(20), "--output", existing, "--exemptions", existing, "--now", NOW.toISOString(), "--min-severity", "info");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1 finding was exempted already");
    const file = JSON.parse(fs.readFileSync(existing, "utf8")) as { exemptions: { ticket: string; baseline?: boolean }[] };
    expect(file.exemptions[0]).toMatchObject({ ticket: "DATA-1" });
    expect(file.exemptions[0].baseline).toBeUndefined();
    expect(file.exemptions.slice(1).every((e) => e.baseline && e.ticket === "PLAT-8")).toBe(true);
    // One entry per finding and per part of a folded finding, but the one already exempted.
    const parts = (f: (typeof today.findings)[number]) => 1 + (f.parts?.length ?? 0);
    expect(file.exemptions.length - 1).toBe(today.findings.filter((f) => f !== one).reduce((n, f) => n + parts(f), 0));
  });

  test.each([
    ["no --owner", ["--ticket", "T-1", "--expires", inDays(5), "--output", "x.yaml"], /^nhi-gate: baseline needs --owner: /],
    ["an output that is not an exemptions file", ["--owner", "@a/b", "--ticket", "T-1", "--expires", inDays(5), "--output", "x.txt"], /^nhi-gate: --output x\.txt: expected a \.yaml, \.yml or \.json file/],
    ["an expiry too far ahead", ["--owner", "@a/b", "--ticket", "T-1", "--expires", inDays(90), "--output", "x.yaml"], /^nhi-gate: --expires 2026-08-30: at most 30 days ahead/],
    ["an unknown severity", ["--owner", "@a/b", "--ticket", "T-1", "--expires", inDays(5), "--output", "x.yaml", "--min-severity", "urgent"], /^nhi-gate: --min-severity urgent: expected one of info, low, medium, high, critical\n$/],
  ])("exits 2 with one line on %s", async (_label, args, message) => {
    const r = await cli("baseline", stateFile, "--now", NOW.toISOString(), ...args.map((a) => (a.endsWith(".yaml") || a.endsWith(".txt") ? path.join(tmp, a) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr.replace(tmp + path.sep, "")).toMatch(message);
  });

  test("never replaces a file silently, never writes through a symbolic link", async () => {
    const out = path.join(tmp, "keep.yaml");
    fs.writeFileSync(out, "exemptions: []\n");
    const args = ["baseline", stateFile, "--owner", "@a/b", "--ticket", "T-1", "--expires", inDays(5), "--output", out, "--now", NOW.toISOString()];
    expect(await cli(...args)).toMatchObject({ code: 2, stderr: `nhi-gate: --output ${out} exists: name it with --exemptions to add the baseline to it, or pass --force to replace it\n` });
    expect((await cli(...args, "--force")).code).toBe(0);
    const target = path.join(tmp, "target.yaml");
    fs.writeFileSync(target, "x");
    const link = path.join(tmp, "link.yaml");
    fs.symlinkSync(target, link);
    expect((await cli("baseline", stateFile, "--owner", "@a/b", "--ticket", "T-1", "--expires", inDays(5), "--output", link, "--now", NOW.toISOString(), "--force")).stderr).toBe(`nhi-gate: --output ${link}: is a symbolic link; refusing to write through it\n`);
    expect(fs.readFileSync(target, "utf8")).toBe("x");
  });
});

describe("the reports mark baseline entries apart", () => {
  const state = corpusState();
  const { entries } = baselineEntries(evaluate(inputOf(state), { config, clock }), baseOptions);
  const other = { rule: "NHI-GOV-001", resource: "aws_iam_role.*", reason: "An ordinary exemption, for contrast", owner: "@acme/data", ticket: "DATA-2", expires: inDays(25) };
  const report = evaluate(inputOf(state), { config, clock: at(15), exemptions: [other, ...entries] });

  test("markdown: a baseline table with what remains and what expires within 7 days; ordinary exemptions listed as before", () => {
    const md = formatMarkdown(report, {});
    expect(md).toContain("| Baseline | Entries | Remaining | Expire within 7 days | Resolved | Expired | Expires |");
    expect(md).toContain(`| PLAT-7 (@\u200bacme/platform) | ${entries.length} | ${entries.length} | ${entries.length} | 0 | 0 | ${inDays(20)} |`);
    expect(md).toContain("| used | NHI-GOV-001 | aws\\_iam\\_role.\\* | DATA-2 |");
    expect(md).not.toMatch(/\| used \| NHI-GOV-\d+\S* \| [^|]+ \| PLAT-7 \|/);
  });

  test("SARIF: baseline suppressions say so, the run carries the counts, and the log is valid SARIF 2.1.0", () => {
    const log = JSON.parse(formatSarif(report, {}));
    const suppressed = log.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    const base = suppressed.filter((r: { suppressions: { properties?: { baseline?: boolean } }[] }) => r.suppressions[0].properties?.baseline);
    expect(base.length).toBeGreaterThan(0);
    expect(base[0].suppressions[0].justification).toMatch(/^baseline PLAT-7 \(owner @acme\/platform, until 2026-06-21\): Baseline: /);
    expect(log.runs[0].properties.summary.baseline).toEqual(report.summary.baseline);
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
  });

  test("text and JUnit: baseline-covered findings are not listed one by one, and JUnit says baseline", () => {
    const text = formatText(report, {});
    expect(text).toContain("baseline PLAT-7, owner @acme/platform, until 2026-06-21:");
    expect(text).toContain("used     NHI-GOV-001 on aws_iam_role.*: DATA-2");
    expect(formatJunit(report, {})).toContain("baseline PLAT-7 until 2026-06-21");
  });

  test("the engine's findings about a baseline are documented like rules (docs/rules.md lists them)", () => {
    const docs = fs.readFileSync(path.join(__dirname, "../../docs/rules.md"), "utf8");
    for (const id of ["NHI-GOV-093", "NHI-GOV-094", "NHI-GOV-095"]) expect(docs).toContain(id);
    expect(parseYaml("a: 1")).toEqual({ a: 1 });
  });
});
