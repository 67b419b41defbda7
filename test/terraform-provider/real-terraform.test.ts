import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { awsProviderBlock, cliConfig, describeWithTerraform, TerraformRun, terraformDir } from "../terraform/real-terraform";
import { executableName, PROVIDER_ADDRESS, zipName } from "../../src/cli/terraform-provider-layout";
import { VERSION } from "../../src/version";
import { NOW, inDays } from "../helpers";
import { ROOT } from "./harness";

/*
 * The module's example, planned by the real Terraform with the provider installed the way a
 * team installs it (the filesystem mirror `nhi-gate terraform-provider mirror` writes), then
 * gated by `nhi-gate plan` on `terraform show -json`: every identity passes by its seal. An
 * invalid spec fails `terraform plan` with the field-level message.
 */

const NHI_GATE = path.join(ROOT, "bin", "nhi-gate.js");
const NOW_TEXT = NOW.toISOString().replace(".000Z", "Z");
const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/** Fake AWS credentials, as an override of the example's provider block (which sets the region). */
const FAKE_AWS = awsProviderBlock(undefined);

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === ".terraform" || e.name.startsWith("terraform.tfstate")) continue;
    if (e.isDirectory()) copyDir(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

function nhiGate(args: string[], cwd: string) {
  return spawnSync(process.execPath, [NHI_GATE, ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

describeWithTerraform("the governed-identity module with the real Terraform and the built provider", () => {
  let mirror: string;
  let mirrorOut: string;
  let work: string;
  let example: TerraformRun;
  let plan: any;

  beforeAll(() => {
    mirror = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-mirror-"));
    const written = nhiGate(["terraform-provider", "mirror", mirror, "--platform", platform], ROOT);
    if (written.status !== 0) throw new Error(`nhi-gate terraform-provider mirror exited ${written.status}: ${written.stderr}`);
    mirrorOut = written.stdout;

    // The module and its example as a user has them, plus test-only files: fake AWS credentials
    // (an override file), and the data source beside the module for the same spec.
    work = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-module-"));
    copyDir(path.join(ROOT, "modules", "governed-identity-aws"), path.join(work, "governed-identity-aws"));
    const dir = path.join(work, "governed-identity-aws", "examples", "complete");
    fs.writeFileSync(path.join(dir, "zz_test_override.tf"), FAKE_AWS);
    fs.writeFileSync(
      path.join(dir, "zz_test_data_source.tf"),
      `provider "nhi" {
  config_file = "nhi-governance.config.json"
}
data "nhi_identity" "ci_deployer" {
  spec = {
    name             = "payments-deployer"
    owner            = local.owner
    purpose          = "Deploys the payments API from GitHub Actions"
    environment      = "prod"
    system_of_record = local.cmdb
    retirement       = local.decommission
    workload         = "github-actions payments-api deploy job"
    access           = [{ actions = ["s3:PutObject", "s3:GetObject"], resources = [local.artifacts] }]
    trust            = { kind = "github-oidc", repository = "acme/payments-api", ref = "refs/heads/main", oidc_provider_arn = local.github_oidc }
    credential       = { kind = "federated" }
    recertify_by     = var.recertify_by
  }
  now = var.now
}
output "data_source_seal" {
  value = data.nhi_identity.ci_deployer.result.seal
}
`,
    );
    const rc = cliConfig("", [{ path: mirror, include: [PROVIDER_ADDRESS] }]);
    // terraformDir gives the offline environment (CLI config with both mirrors, fake credentials);
    // Terraform runs in the copied example.
    const { env } = terraformDir({}, { cliConfigText: rc });
    example = { dir, env, run: (args, o = {}) => runIn(dir, env, args, o) };
    example.run(["init", "-input=false", "-no-color", "-backend=false"]);
    example.run(["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=tfplan", `-var=recertify_by=${inDays(90)}`, `-var=now=${NOW_TEXT}`]);
    const shown = example.run(["show", "-json", "-no-color", "tfplan"]);
    fs.writeFileSync(path.join(dir, "plan.json"), shown.stdout);
    plan = JSON.parse(shown.stdout);
  }, 600_000);

  afterAll(() => {
    for (const d of [mirror, work]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  test("nhi-gate wrote the mirror and printed the .terraformrc and required_providers lines", () => {
    expect(fs.existsSync(path.join(mirror, "nhi.local", "nhi-governance", "nhi", zipName(platform)))).toBe(true);
    expect(mirrorOut).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${PROVIDER_ADDRESS}"]`);
    expect(mirrorOut).toContain(`source  = "${PROVIDER_ADDRESS}"`);
  });

  test("terraform init installed the zip from the mirror: unpacked with the launcher executable, recorded in the lock file", () => {
    const lock = fs.readFileSync(path.join(example.dir, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain(`provider "registry.terraform.io/hashicorp/aws"`);
    expect(lock).toMatch(new RegExp(`provider "${PROVIDER_ADDRESS}" \\{\\s+version\\s+= "${VERSION.replace(/\./g, "\\.")}"[\\s\\S]*?"h1:[A-Za-z0-9+/=]+"`));
    const installed = path.join(example.dir, ".terraform", "providers", PROVIDER_ADDRESS, VERSION, platform);
    const launcher = path.join(installed, executableName());
    expect(fs.statSync(launcher).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(launcher, "utf8")).toMatch(/^#!\/bin\/sh\n/);
    expect(fs.existsSync(path.join(installed, "nhi-governance", "dist", "terraform-provider", "main.js"))).toBe(true);
  });

  test("the plan creates every identity of the example, of every credential and trust kind", () => {
    const created = plan.resource_changes.filter((c: any) => c.change.actions.includes("create")).map((c: any) => c.address.replace(/^module\.([a-z_]+)\./, "$1 "));
    expect(created).toEqual(
      expect.arrayContaining([
        "ci_deployer aws_iam_role.this[0]",
        "infra_deployer aws_scheduler_schedule.recertification_reminder[0]",
        "orders_lambda aws_iam_role_policy.this[0]",
        "reporting_reader aws_iam_role.this[0]",
        "cart_pods aws_iam_role.this[0]",
        "db_rotator aws_secretsmanager_secret_rotation.this[0]",
        "legacy_sftp aws_iam_user.this[0]",
        "legacy_sftp terraform_data.key_rotation[0]",
        "legacy_sftp aws_iam_access_key.this[0]",
        "legacy_sftp aws_secretsmanager_secret_version.this[0]",
      ]),
    );
    expect(created).toHaveLength(21);
    const trust = (m: string) => JSON.parse(plan.planned_values.root_module.child_modules.find((c: any) => c.address === `module.${m}`).resources.find((r: any) => r.type === "aws_iam_role").values.assume_role_policy).Statement[0].Sid;
    expect(["ci_deployer", "orders_lambda", "reporting_reader", "cart_pods"].map(trust)).toEqual(["GitHubOidc", "AwsService", "AwsRole", "EksPodIdentity"]);
  });

  test("nhi-gate plan passes it: every identity resource governed, principals by their seal", () => {
    const r = nhiGate(["plan", "plan.json", "-c", "nhi-governance.config.json", "--now", NOW_TEXT, "-f", "json"], example.dir);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expect([r.status, report.passed, report.findings]).toEqual([0, true, []]);
    expect(report.resources.length).toBe(18);
    expect(report.resources.filter((x: any) => x.governed !== "governed")).toEqual([]);
    const principals = report.resources.filter((x: any) => ["aws_iam_role", "aws_iam_user"].includes(x.type));
    expect(principals).toHaveLength(7);
    expect(principals.every((p: any) => p.via === "seal" && /seal verified/.test(p.reason))).toBe(true);
  });

  test("the data source returns what the function returns for the same spec (Terraform < 1.8 users get the same identity)", () => {
    const outputs = plan.planned_values.outputs;
    expect(outputs.data_source_seal.value).toBe(outputs.seals.value.ci_deployer);
    const role = plan.planned_values.root_module.child_modules.find((c: any) => c.address === "module.ci_deployer").resources.find((r: any) => r.type === "aws_iam_role");
    expect(role.values.tags["nhi:seal"]).toBe(outputs.data_source_seal.value);
  });

  test("an invalid spec fails terraform plan with the field-level messages", () => {
    const dir = path.join(work, "invalid");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "main.tf"),
      `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
    nhi = { source = "${PROVIDER_ADDRESS}" }
  }
}
${awsProviderBlock("eu-west-1")}
module "bad" {
  source           = "../governed-identity-aws"
  name             = "bad identity"
  owner            = "@acme/payments"
  purpose          = "short"
  environment      = "prod"
  system_of_record = "PAY-42"
  retirement       = "never"
  workload         = "job"
  access           = [{ actions = ["s3:*"], resources = ["*"] }]
  credential       = { kind = "ephemeral", max_session_duration = "PT1H" }
  recertify_by     = "${inDays(400)}"
  now              = "${NOW_TEXT}"
}
`,
    );
    const run = (args: string[], o = {}) => runIn(dir, example.env, args, o);
    run(["init", "-input=false", "-no-color", "-backend=false"]);
    const r = run(["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false"], { allowFailure: true });
    expect(r.status).toBe(1);
    const text = r.stderr.replace(/│ ?/g, "").replace(/\s+/g, " ");
    expect(text).toContain("while calling provider::nhi::identity(spec, options...)");
    expect(text).toContain('Invalid value for "spec" parameter: invalid governed identity spec (5 problems)');
    expect(text).toContain('- name: expected 1-64 characters from letters, digits and +=,.@_-; fix: shorten it or remove the other characters (got "bad identity")');
    expect(text).toContain('- purpose: expected at least 10 characters: what the identity is for, in words; fix: say what the identity does and for whom (got "short")');
    expect(text).toContain("- trust: expected trust for a ephemeral identity");
    expect(text).toContain("- permissions_boundary: expected a permissions boundary ARN; fix: set permissionsBoundary, or defaultPermissionsBoundary in the gate config");
    expect(text).toMatch(/- recertify_by: expected a date within 180 days \(the recertification window\); fix: choose an earlier date/);
  }, 300_000);
});

function runIn(dir: string, env: NodeJS.ProcessEnv, args: string[], options: { allowFailure?: boolean } = {}) {
  const r = spawnSync(process.env.NHI_TERRAFORM ?? "terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const status = r.status ?? -1;
  if (status !== 0 && !options.allowFailure) throw new Error(`terraform ${args.join(" ")} exited ${status} in ${dir}:\n${r.stdout}\n${r.stderr}`);
  return { status, stdout: r.stdout, stderr: r.stderr };
}
