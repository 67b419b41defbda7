import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSynth } from "../../src/adapters/cdktf-synth";
import { evaluate } from "../../src/engine/evaluate";
import { main } from "../../src/cli/main";
import { checkPulumiProgram } from "../../testing";
import { exampleIdentities } from "../../examples/shared/identities";
import { parseSpec } from "../../src/spec/identity";
import { clock } from "../helpers";

const root = path.resolve(__dirname, "../..");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-examples-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ids = (findings: { findingId: string; address: string }[]) => [...new Set(findings.map((f) => f.findingId.replace(/\[.*$/, "")))].sort();

describe("the bundled examples", () => {
  it("the shared specs are valid today (their dates are relative to now)", () => {
    for (const spec of Object.values(exampleIdentities())) expect(() => parseSpec(spec)).not.toThrow();
    // ... and on any other day: they are built from the clock they are given.
    const later = new Date(Date.UTC(2031, 0, 15));
    for (const spec of Object.values(exampleIdentities(later))) expect(() => parseSpec(spec, { clock: { now: () => later } })).not.toThrow();
  });

  it("cdktn-governed (CDK Terrain) synthesizes the same identities, sealed identically", () => {
    const now = new Date();
    const sealsOf = (outdir: string) =>
      readSynth(outdir)
        .resources.map((r) => `${r.nativeType} ${String((r.props.tags as Record<string, string> | undefined)?.["nhi:seal"] ?? "")}`)
        .sort();
    const cdktfOut = path.join(tmp, "seal-cdktf");
    const cdktnOut = path.join(tmp, "seal-cdktn");
    /* eslint-disable @typescript-eslint/no-require-imports */
    const cdktf = require("cdktf");
    const cdktn = require("cdktn");
    const a = new cdktf.App({ outdir: cdktfOut });
    new (require("../../examples/cdktf-governed/main").PaymentsIdentities)(a, "payments-identities", now);
    a.synth();
    const b = new cdktn.App({ outdir: cdktnOut });
    new (require("../../examples/cdktn-governed/main").PaymentsIdentities)(b, "payments-identities", now);
    b.synth();
    expect(sealsOf(cdktnOut)).toEqual(sealsOf(cdktfOut));
    expect(sealsOf(cdktnOut).filter((s) => /^aws_iam_(role|user) v1:/.test(s))).toHaveLength(3); // the three principals (the secret carries its user's tags)
    const report = evaluate(readSynth(cdktnOut), { clock: { now: () => now } });
    expect(report.findings).toEqual([]);
    expect(report.summary.governed).toBe(report.summary.resources);
  });

  it("cdktf-governed synthesizes with the aspect on, and nhi-gate finds nothing", () => {
    const out = path.join(tmp, "governed");
    require("../../examples/cdktf-governed/main").synth(out);
    const input = readSynth(out);
    expect(input.resources.map((r) => r.nativeType).sort()).toEqual([
      "aws_iam_access_key",
      "aws_iam_role",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_iam_role_policy",
      "aws_iam_user",
      "aws_iam_user_policy",
      "aws_secretsmanager_secret",
      "aws_secretsmanager_secret_version",
    ]);
    const report = evaluate(input, { clock: { now: () => new Date() } });
    expect(report.findings).toEqual([]);
    expect(report.resources.every((r) => r.governed === "governed")).toBe(true);
  });

  it("cdktf-ungoverned synthesizes, and nhi-gate fails it on provenance and substance", () => {
    const out = path.join(tmp, "ungoverned");
    require("../../examples/cdktf-ungoverned/main").synth(out);
    const report = evaluate(readSynth(out), { clock });
    expect(report.passed).toBe(false);
    expect(ids(report.findings)).toEqual(expect.arrayContaining(["NHI-GOV-001", "NHI-GOV-003", "NHI-GOV-005", "NHI-GOV-006", "NHI-GOV-007", "NHI-GOV-008", "NHI-GOV-010", "NHI-GOV-011", "NHI-GOV-012", "NHI-GOV-014"]));
  });

  it("pulumi-governed passes the policy pack's checks; pulumi-ungoverned fails them", async () => {
    const governed = await checkPulumiProgram(() => require("../../examples/pulumi-governed/index").program(), { project: "payments-identities" });
    expect(governed.findings).toEqual([]);
    expect(governed.summary.governed).toBeGreaterThanOrEqual(9);
    const raw = await checkPulumiProgram(() => require("../../examples/pulumi-ungoverned/index").program(), { project: "payments-identities-raw", clock });
    expect(raw.passed).toBe(false);
    expect(ids(raw.findings)).toEqual(expect.arrayContaining(["NHI-GOV-001", "NHI-GOV-003", "NHI-GOV-007", "NHI-GOV-010", "NHI-GOV-012"]));
  });

  it("nhi-gate plan fails the bundled example plan with exit code 1", async () => {
    let out = "";
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((out += s), true) }, env: { NO_COLOR: "1" } };
    const code = await main(["plan", path.join(root, "examples/plans/iam-policies.tfplan.json"), "--now", "2026-06-01"], io as never);
    expect(code).toBe(1);
    expect(out).toMatch(/NHI-GOV-001/);
    expect(out).toMatch(/aws_iam_user_policy\.fail_3/);
  });
});
