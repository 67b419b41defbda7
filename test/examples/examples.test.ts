import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSynth } from "../../src/adapters/cdktf-synth";
import { readJson } from "../../src/adapters/input";
import { planToInput } from "../../src/adapters/terraform-plan";
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
    // One finding per problem: the missing lifecycle tags, and what hangs off each hand-written identity, are parts of its NHI-GOV-001.
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual([
      "NHI-GOV-012[Rotation::missing] @ aws_iam_access_key.legacy-sftp-key",
      "NHI-GOV-012[TTL::missing] @ aws_iam_access_key.legacy-sftp-key",
      "NHI-GOV-014[Copy::output.legacy-sftp-secret] @ aws_iam_access_key.legacy-sftp-key",
      "NHI-GOV-014[Secret::plaintext-state] @ aws_iam_access_key.legacy-sftp-key",
      "NHI-GOV-001 @ aws_iam_role.ci-deployer",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.ci-deployer",
      "NHI-GOV-010[Condition::aud] @ aws_iam_role.ci-deployer",
      "NHI-GOV-010[Condition::sub] @ aws_iam_role.ci-deployer",
      "NHI-GOV-011[Session::too-long] @ aws_iam_role.ci-deployer",
      "NHI-GOV-001 @ aws_iam_role.lambda-role",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.lambda-role",
      "NHI-GOV-021[Escalation::iam:PassRole] @ aws_iam_role.lambda-role",
      "NHI-GOV-005[Action::dynamodb:*] @ aws_iam_role_policy.lambda-policy",
      "NHI-GOV-006[Action::dynamodb:*] @ aws_iam_role_policy.lambda-policy",
      "NHI-GOV-006[Action::iam:passrole] @ aws_iam_role_policy.lambda-policy",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.ci-deployer-admin",
      "NHI-GOV-001 @ aws_iam_user.legacy-sftp",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_user.legacy-sftp",
    ]);
    expect(ids(report.findings.flatMap((f) => (f.parts ?? []).map((findingId) => ({ findingId, address: f.address }))))).toEqual(["NHI-GOV-002", "NHI-GOV-003", "NHI-GOV-005", "NHI-GOV-006"]);
  });

  it("pulumi-governed passes the policy pack's checks; pulumi-ungoverned fails them", async () => {
    const governed = await checkPulumiProgram(() => require("../../examples/pulumi-governed/index").program(), { project: "payments-identities" });
    expect(governed.findings).toEqual([]);
    expect(governed.summary.governed).toBeGreaterThanOrEqual(9);
    const raw = await checkPulumiProgram(() => require("../../examples/pulumi-ungoverned/index").program(), { project: "payments-identities-raw", clock });
    expect(raw.passed).toBe(false);
    expect(raw.findings.map((f) => `${f.findingId} @ ${f.address.replace("urn:pulumi:stack::payments-identities-raw::", "")}`)).toEqual([
      "NHI-GOV-012[Rotation::missing] @ aws:iam/accessKey:AccessKey::legacy-sftp-key",
      "NHI-GOV-012[TTL::missing] @ aws:iam/accessKey:AccessKey::legacy-sftp-key",
      "NHI-GOV-001 @ aws:iam/role:Role::ci-deployer",
      "NHI-GOV-008[Boundary::missing] @ aws:iam/role:Role::ci-deployer",
      "NHI-GOV-010[Condition::aud] @ aws:iam/role:Role::ci-deployer",
      "NHI-GOV-010[Condition::sub] @ aws:iam/role:Role::ci-deployer",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws:iam/rolePolicyAttachment:RolePolicyAttachment::ci-deployer-admin",
      "NHI-GOV-001 @ aws:iam/user:User::legacy-sftp",
      "NHI-GOV-008[Boundary::missing] @ aws:iam/user:User::legacy-sftp",
    ]);
  });

  it("nhi-gate plan fails the bundled example plan with exit code 1", async () => {
    let out = "";
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((out += s), true) }, env: { NO_COLOR: "1" } };
    const code = await main(["plan", path.join(root, "examples/plans/iam-policies.tfplan.json"), "--now", "2026-06-01"], io as never);
    expect(code).toBe(1);
    expect(out).toMatch(/NHI-GOV-001/);
    expect(out).toMatch(/aws_iam_user_policy\.fail_3/);
  });

  it("examples/plans/iam-policies.tfplan.json: exactly these findings (issue 17: no false links by name, one finding per problem)", () => {
    const { value, input } = readJson(path.join(root, "examples/plans/iam-policies.tfplan.json"));
    const report = evaluate(planToInput(value, input.name), { clock });
    // Before: 35 findings, among them "aws_iam_user_policy.fail_3: user points at aws_iam_group_policy.fail_2" (the two only share the name
    // "example"), eight NHI-GOV-003 on each of the role and the user, and NHI-GOV-001 on the group policy (groups were not catalogued).
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual([
      "NHI-GOV-001 @ aws_iam_group.fail_2",
      "NHI-GOV-005[Action::iam:*] @ aws_iam_group_policy.fail_2",
      "NHI-GOV-005[Action::s3:get*] @ aws_iam_group_policy.fail_2",
      "NHI-GOV-006[Action::iam:*] @ aws_iam_group_policy.fail_2",
      "NHI-GOV-001 @ aws_iam_policy.policy_pass",
      "NHI-GOV-005[Action::s3:*] @ aws_iam_policy.policy_pass",
      "NHI-GOV-006[Action::s3:*] @ aws_iam_policy.policy_pass",
      "NHI-GOV-001 @ aws_iam_role.example",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.example",
      "NHI-GOV-005[Action::iam:*] @ aws_iam_role_policy.fail_1",
      "NHI-GOV-006[Action::iam:*] @ aws_iam_role_policy.fail_1",
      "NHI-GOV-001 @ aws_iam_user.fail_3",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_user.fail_3",
      "NHI-GOV-005[Action::iam:*] @ aws_iam_user_policy.fail_3",
      "NHI-GOV-006[Action::iam:*] @ aws_iam_user_policy.fail_3",
    ]);
    const parts = (address: string) => report.findings.find((f) => f.ruleId === "NHI-GOV-001" && f.address === address)?.parts?.filter((p) => p.includes(" @ "));
    expect(parts("aws_iam_user.fail_3")).toEqual(["NHI-GOV-002[Owner::aws_iam_user.fail_3] @ aws_iam_user_policy.fail_3"]);
    expect(parts("aws_iam_group.fail_2")).toEqual(["NHI-GOV-002[Owner::aws_iam_group.fail_2] @ aws_iam_group_policy.fail_2"]);
    expect(parts("aws_iam_role.example")).toEqual(["NHI-GOV-002[Owner::aws_iam_role.example] @ aws_iam_role_policy.fail_1"]);
  });
});
