/**
 * The proof that adoption does not recreate anything, with the real Terraform and AWS provider:
 *
 * 1. Hand-written identities (test/adopt/scenario.ts, and the checkov runner plan of the corpus)
 *    are planned by the real Terraform; stateOfPlan gives the state their apply leaves, and the
 *    local IAM server (test/aws/fake-aws.ts) serves those identities as AWS would.
 * 2. `nhi-gate adopt` (the CLI) writes main.ts from that state; its TODO values are filled in; node
 *    runs it and it synthesizes cdk.tf.json with import blocks.
 * 3. `terraform plan` of that stack, the AWS provider's IAM and STS endpoints pointed at the local
 *    server: the provider imports each principal by reading it (the calls are recorded), and the
 *    plan shows imports and in-place updates, never a destroy, create or replace of a principal.
 * 4. `nhi-gate plan` on that plan: every identity resource governed, no provenance or lifecycle
 *    finding; each principal differs from what the server served only by governed additions.
 *
 * What the test changes in the synthesized stack, and why: the AWS provider is 5.100.0 (the one
 * mirrored here; cdktf's provider-aws 21 asks for 6.x) with fake credentials and the local
 * endpoints; time_rotating (static-key rotation) becomes terraform_data, since the time provider
 * is not mirrored here: both are resources being created that the key's replace_triggered_by names.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { planToInput } from "../../src/adapters/terraform-plan";
import { stateToInput } from "../../src/adapters/terraform-state";
import { readJson } from "../../src/adapters/input";
import { evaluate } from "../../src/engine/evaluate";
import { Report } from "../../src/engine/report";
import { deriveAdoptions } from "../../src/adopt";
import { resolveConfig } from "../../src/spec/config";
import { AWS_PROVIDER_VERSION, awsProviderHcl, describeWithTerraform } from "../terraform/real-terraform";
import { FakeIamRead, startFakeIamRead } from "../aws/fake-aws";
import { clock, NOW } from "../helpers";
import { accountOfState, fillPlaceholders, programDir, runNode, stateOfPlan } from "./fixtures";
import { findingsByIdentity, GOVERNANCE_RULES, grantsFindings, nonGovernedDifferences, PLACEHOLDER_STATEMENT } from "./compare";
import { terraformPlanAsync } from "./terraform-async";
import { SCENARIO_HCL } from "./scenario";

jest.setTimeout(300_000);
const config = resolveConfig({});
const RUNNER_PLAN = "/work/shared/corpus/terraform-plans/bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json";

type Tf = { import?: { to: string; id: string }[]; resource: Record<string, Record<string, Record<string, any>>>; terraform?: unknown; provider?: unknown; "//"?: unknown };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
  return { code, stdout, stderr };
}

/** The synthesized stack, ready for this machine's Terraform (see the header). */
function forLocalTerraform(tf: Tf, endpoint: string): Tf {
  const out: Tf = JSON.parse(JSON.stringify(tf));
  delete out["//"];
  out.terraform = { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } } };
  out.provider = {
    aws: [{ region: "eu-west-1", access_key: "AKIAIOSFODNN7EXAMPLE", secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true, endpoints: [{ iam: endpoint, sts: endpoint }] }],
  };
  const rotating = out.resource.time_rotating ?? {};
  delete out.resource.time_rotating;
  if (Object.keys(rotating).length) out.resource.terraform_data = Object.fromEntries(Object.entries(rotating).map(([id, r]) => [id, { input: r.rotation_days }]));
  for (const key of Object.values(out.resource.aws_iam_access_key ?? {})) {
    key.lifecycle.replace_triggered_by = key.lifecycle.replace_triggered_by.map((t: string) => t.replace(/^time_rotating\./, "terraform_data."));
  }
  return out;
}

describeWithTerraform("adopted identities planned by the real Terraform against the IAM API", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-adopt-tf-"));
  let server: FakeIamRead;
  let states: { name: string; state: ReturnType<typeof stateOfPlan> }[];
  let plan: any;
  let report: Report;
  let adoptedNames: { name: string; type: "role" | "user"; from: string; trustLeft: boolean }[];

  beforeAll(async () => {
    const written = await terraformPlanAsync({ "main.tf": awsProviderHcl() + SCENARIO_HCL });
    states = [{ name: "scenario", state: stateOfPlan(written.plan, "scenario.json") }];
    if (fs.existsSync(RUNNER_PLAN)) states.push({ name: "runner", state: stateOfPlan(readJson(RUNNER_PLAN).value, "runner.json") });
    const accounts = states.map((s) => accountOfState(s.state));
    server = await startFakeIamRead({ id: "123456789012", roles: accounts.flatMap((a) => a.roles), users: accounts.flatMap((a) => a.users), policies: accounts.flatMap((a) => a.policies ?? []) });
    // nhi-gate adopt, as a user runs it, once per input; each program filled in and run with node.
    const merged: Tf = { import: [], resource: {} };
    adoptedNames = [];
    for (const s of states) {
      const stateFile = path.join(tmp, `${s.name}.state.json`);
      fs.writeFileSync(stateFile, JSON.stringify(s.state));
      const out = programDir(path.join(tmp, s.name));
      const run = await cli(["adopt", stateFile, "--out", out, "--format", "cdktf", "--now", NOW.toISOString(), "--region", "eu-west-1"]);
      if (run.code !== 0) throw new Error(`nhi-gate adopt exited ${run.code}: ${run.stderr}`);
      for (const i of deriveAdoptions(stateToInput(s.state, stateFile), { config, clock }).identities) adoptedNames.push({ name: String(i.spec.name), type: i.type, from: s.name, trustLeft: i.todo.some((t) => t.startsWith("trust.")) });
      fs.writeFileSync(path.join(out, "main.ts"), fillPlaceholders(fs.readFileSync(path.join(out, "main.ts"), "utf8")));
      const synth = await runNode(["main.ts"], out);
      if (synth.code !== 0) throw new Error(`node main.ts failed:\n${synth.stderr}`);
      const tf = JSON.parse(fs.readFileSync(path.join(out, "cdktf.out/stacks/adopted-identities/cdk.tf.json"), "utf8")) as Tf;
      merged.import?.push(...(tf.import ?? []));
      for (const [type, byName] of Object.entries(tf.resource)) merged.resource[type] = { ...(merged.resource[type] ?? {}), ...byName };
    }
    const planned = await terraformPlanAsync({ "main.tf.json": JSON.stringify(forLocalTerraform(merged, server.url)) });
    plan = planned.plan;
    const gate = await cli(["plan", planned.planFile, "--format", "json", "--now", NOW.toISOString()]);
    report = JSON.parse(gate.stdout) as Report;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("the provider imports every principal by reading it from the IAM API (these calls, nothing else)", () => {
    const actions = [...new Set(server.calls.map((c) => c.action))].sort();
    expect(actions).toEqual(["iam:GetAccessKeyLastUsed", "iam:GetRole", "iam:GetRolePolicy", "iam:GetUser", "iam:ListAccessKeys", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]);
    expect(server.calls.filter((c) => c.status !== 200)).toEqual([]);
    const imported = plan.resource_changes.filter((rc: any) => rc.change.importing).map((rc: any) => `${rc.type} ${rc.change.importing.id}`);
    for (const a of adoptedNames) expect(imported).toContain(`aws_iam_${a.type} ${a.name}`);
    expect(imported.filter((i: string) => i.startsWith("aws_iam_access_key")).length).toBe(2);
  });

  test("the plan shows imports and in-place updates, never a destroy, create or replace of a principal", () => {
    const byAction = plan.resource_changes.map((rc: any) => `${rc.type} ${rc.change.actions.join("+")}${rc.change.importing ? " (import)" : ""}`);
    expect(byAction.filter((a: string) => /delete/.test(a))).toEqual([]);
    for (const rc of plan.resource_changes.filter((r: any) => r.type === "aws_iam_role" || r.type === "aws_iam_user")) {
      expect(`${rc.address} ${rc.change.actions.join("+")} ${Boolean(rc.change.importing)}`).toMatch(/ (update|no-op) true$/);
    }
    // The imported keys are kept (the rotation trigger being created does not replace them).
    for (const rc of plan.resource_changes.filter((r: any) => r.type === "aws_iam_access_key")) expect(rc.change.actions).toEqual(["no-op"]);
    // What is created: the governed policy and the exclusive resources, the static-key secret and its rotation.
    expect([...new Set(plan.resource_changes.filter((r: any) => r.change.actions.includes("create")).map((r: any) => r.type))].sort()).toEqual([
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_iam_user_policies_exclusive",
      "aws_iam_user_policy",
      "aws_iam_user_policy_attachments_exclusive",
      "aws_secretsmanager_secret",
      "aws_secretsmanager_secret_version",
      "terraform_data",
    ]);
  });

  test("the imported principal is what existed: the plan's before is what the IAM API served", () => {
    const deployer = plan.resource_changes.find((r: any) => r.type === "aws_iam_role" && r.change.importing?.id === "payments-ci-deployer");
    expect(deployer.change.before).toMatchObject({
      name: "payments-ci-deployer",
      path: "/ci/",
      description: "Deploys payments from GitHub Actions",
      inline_policy: [{ name: "deploy-lambda" }],
      managed_policy_arns: ["arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess"],
      tags: { Owner: "@acme/payments", CostCenter: "cc-42" },
    });
    // Kept: the description (not part of the spec), the path and the name (a change would replace it).
    expect(deployer.change.after).toMatchObject({ name: "payments-ci-deployer", path: "/ci/", description: "Deploys payments from GitHub Actions" });
  });

  test("nhi-gate plan finds every adopted identity governed, with no provenance or lifecycle finding; substance findings are ones it had", () => {
    expect(report.resources.filter((r) => r.governed !== "governed").map((r) => `${r.address} ${r.governed}: ${r.reason}`)).toEqual([]);
    expect(report.findings.filter((f) => GOVERNANCE_RULES.includes(f.ruleId)).map((f) => `${f.findingId} ${f.address}`)).toEqual([]);
    const input = planToInput(plan, "plan.json");
    const after = findingsByIdentity(input, report);
    for (const s of states) {
      const original = stateToInput(s.state, `${s.name}.json`);
      const before = findingsByIdentity(original, evaluate(original, { config, clock }));
      const adopted = deriveAdoptions(original, { config, clock }).identities;
      for (const [who, rules] of grantsFindings(s.state, adopted)) before.set(who, new Set([...(before.get(who) ?? []), ...rules]));
      for (const a of adoptedNames.filter((x) => x.from === s.name)) {
        const had = before.get(a.name) ?? new Set<string>();
        // An open trust narrowed by a person, a boundary added: findings may go away, never come.
        expect({ who: a.name, new: [...(after.get(a.name) ?? [])].filter((r) => !had.has(r)) }).toEqual({ who: a.name, new: [] });
      }
    }
    // The wide grant the reporting role had is still reported, on the governed policy: the team's next step.
    expect(report.findings.some((f) => f.ruleId === "NHI-GOV-005" && f.address.startsWith("aws_iam_role_policy.reporting-reader_policy"))).toBe(true);
  });

  test("each principal differs from what existed only by governed additions", () => {
    for (const a of adoptedNames) {
      const s = states.find((x) => x.name === a.from)!;
      const rc = plan.resource_changes.find((r: any) => r.type === `aws_iam_${a.type}` && r.change.importing?.id === a.name);
      const policy = plan.resource_changes.find((r: any) => r.type === `aws_iam_${a.type}_policy` && r.change.after?.name === `${a.name}-access`);
      expect({ who: a.name, differences: nonGovernedDifferences(s.state, { type: a.type, props: rc.change.after, policy: policy.change.after.policy }, { trustLeftForAPerson: a.trustLeft, placeholderStatements: [PLACEHOLDER_STATEMENT] }) }).toEqual({ who: a.name, differences: [] });
    }
  });
});
