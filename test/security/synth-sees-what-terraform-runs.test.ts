/**
 * Issue 22, root cause 5: the synth-time gates see what Terraform runs. Module calls are judged
 * (approved source, or "cannot be seen before plan"); nhi-gate synth reads every *.tf.json of a
 * stack directory, overrides merged as Terraform merges them, and refuses HCL files; the CDKTF
 * aspect judges the stack after every aspect has run. Real plans of the synthesized output where
 * the shape matters.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Construct, IConstruct } from "constructs";
import { App, Aspects, IAspect, TerraformHclModule, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { readSynth } from "../../src/adapters/cdktf-synth";
import { planToInput } from "../../src/adapters/terraform-plan";
import { Report } from "../../src/engine/report";
import { clock, specsOfEveryKind } from "../helpers";
import { synthError, tmpApp } from "../cdktf/helpers";
import { describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { cli, judge, of } from "./bypass-helpers";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const OPEN_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });
const LAMBDA_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
/** Specs without a static key (the time provider is not in the offline mirror). */
const specs = () => specsOfEveryKind().filter((s) => s.credential.kind !== "static-key");

/** An aspect that edits every IamRole it visits. */
class EditRoles implements IAspect {
  constructor(private readonly edit: (role: IamRole) => void) {}
  visit(node: IConstruct): void {
    if (node instanceof IamRole) this.edit(node);
  }
}

function governedStack(app: App, id: string, config = {}): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new GovernedIdentity(stack, "deployer", { ...specs()[0], clock });
  NhiGovernance.of(stack).enforce(config, { clock });
  return stack;
}

const lines = (message: string) => message.split("\n").filter((l) => l.startsWith("[")).map((l) => l.replace(/^(\[[^\]]+\] \S+).*$/, "$1"));

describe("the CDKTF aspect judges the stack after every aspect has run", () => {
  it("an aspect added after enforce() that opens a governed role's trust and attaches AdministratorAccess fails app.synth()", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "late");
    Aspects.of(stack).add(
      new EditRoles((role) => {
        role.addOverride("assume_role_policy", OPEN_TRUST);
        role.addOverride("managed_policy_arns", [ADMIN]);
      }),
    );
    const rejected = lines(synthError(app));
    expect(rejected).toEqual(expect.arrayContaining(["[late/deployer/role] NHI-GOV-002[Drift::assume_role_policy]", "[late/deployer/role] NHI-GOV-007[Policy::AdministratorAccess]", "[late/deployer/role] NHI-GOV-009[Principal::*]"]));
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("an aspect on a child construct is seen too", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "child");
    Aspects.of(stack.node.findChild("deployer")).add(new EditRoles((role) => role.addOverride("managed_policy_arns", [ADMIN])));
    expect(lines(synthError(app))).toContain("[child/deployer/role] NHI-GOV-007[Policy::AdministratorAccess]");
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("and so is an aspect that fixes what it visits: a boundary added by the platform's aspect is not reported missing", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "fixed");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const raw = new IamRole(stack, "raw", { name: "raw", assumeRolePolicy: LAMBDA_TRUST });
    NhiGovernance.of(stack).enforce({}, { clock });
    Aspects.of(raw).add(new EditRoles((role) => (role.permissionsBoundary = "arn:aws:iam::123456789012:policy/nhi-boundary")));
    const rejected = lines(synthError(app));
    expect(rejected).toContain("[fixed/raw] NHI-GOV-001");
    expect(rejected.filter((l) => l.includes("NHI-GOV-008"))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("a validation that edits a governed role after the gate judged it fails synth, naming the change", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "sneaky");
    const role = stack.node.findAll().find((n): n is IamRole => n instanceof IamRole) as IamRole;
    role.node.addValidation({ validate: () => (role.addOverride("managed_policy_arns", [ADMIN]), []) });
    const error = synthError(app);
    expect(error).toMatch(/^NhiGovernance: sneaky changed after the gate judged it .*\n/);
    // The integrity finding (the role embeds a policy its spec does not render) and the substance one.
    expect(error).toMatch(/\n\[sneaky\/deployer\/role\] NHI-GOV-002\[ManagedPolicy::arn:aws:iam::aws:policy\/AdministratorAccess\] /);
    expect(error).toMatch(/\n\[sneaky\/deployer\/role\] NHI-GOV-007\[Policy::AdministratorAccess\] /);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("a validation that builds the stack's JSON first (taking the check for the write) and then edits a governed role fails synth too", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "builds-first");
    const role = stack.node.findAll().find((n): n is IamRole => n instanceof IamRole) as IamRole;
    // Named like one of cdktf's own validations, which only read the tree.
    class ValidateProviderPresence {
      validate(): string[] {
        stack.toTerraform();
        role.addOverride("managed_policy_arns", [ADMIN]);
        return [];
      }
    }
    role.node.addValidation(new ValidateProviderPresence());
    const error = synthError(app);
    expect(error).toMatch(/^NhiGovernance: builds-first changed after the gate judged it .*\n/);
    expect(error).toMatch(/\n\[builds-first\/deployer\/role\] NHI-GOV-007\[Policy::AdministratorAccess\] /);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("so does a custom synthesis that builds the stack's JSON and then edits a governed role", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "custom-synthesis");
    const role = stack.node.findAll().find((n): n is IamRole => n instanceof IamRole) as IamRole;
    const hook = new Construct(stack, "hook");
    Object.defineProperty(hook, Symbol.for("cdktf/customSynthesis"), {
      value: {
        onSynthesize: () => {
          stack.toTerraform();
          role.addOverride("managed_policy_arns", [ADMIN]);
        },
      },
    });
    expect(synthError(app)).toMatch(/^NhiGovernance: custom-synthesis changed after the gate judged it .*\n/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("an App that skips validations cannot be judged after its aspects: synth fails", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(require("node:os").tmpdir(), "nhi-skip-")), skipValidation: true });
    governedStack(app, "skipped");
    expect(synthError(app)).toMatch(/\[skipped\] NHI-GOV-000 \(high\) NhiGovernance cannot judge this stack: the App skips validations/);
  });

  it("Testing.synth (no validations): lastReport judges the stack as the aspects left it", () => {
    const stack = governedStack(Testing.app(), "unit");
    Aspects.of(stack).add(new EditRoles((role) => role.addOverride("managed_policy_arns", [ADMIN])));
    Testing.synth(stack);
    expect(NhiGovernance.of(stack).lastReport?.findings.map((f) => f.findingId)).toContain("NHI-GOV-007[Policy::AdministratorAccess]");
  });

  it("a governed stack still synthesizes cleanly, twice", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "clean");
    app.synth();
    app.synth();
    expect(NhiGovernance.of(stack).lastReport?.findings).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("module calls are judged before plan", () => {
  const moduleStack = (app: App, id: string, source: string, config = {}) => {
    const stack = governedStack(app, id, config);
    new TerraformHclModule(stack, "raw", { source, skipAssetCreationFromLocalModules: true, variables: { name: "admin" } });
    return stack;
  };

  it("the aspect: a TerraformHclModule from a source that is not approved fails app.synth(); an approved one passes", () => {
    const a = tmpApp();
    moduleStack(a.app, "public", "terraform-aws-modules/iam/aws//modules/iam-assumable-role");
    expect(lines(synthError(a.app))).toEqual(["[public/raw] NHI-GOV-031[Source::terraform-aws-modules/iam/aws//modules/iam-assumable-role]"]);
    const b = tmpApp();
    const approved = moduleStack(b.app, "approved", "app.terraform.io/acme/governed-identity/aws", { approvedModuleSources: ["app.terraform.io/acme/governed-identity/aws"] });
    b.app.synth();
    expect(NhiGovernance.of(approved).lastReport?.resources.find((r) => r.address === "module.raw")).toMatchObject({ governed: "governed", via: "module" });
    for (const d of [a.outdir, b.outdir]) fs.rmSync(d, { recursive: true, force: true });
  });

  it("nhi-gate synth: the same module call is a finding, with its construct path", async () => {
    const { app, outdir } = tmpApp();
    moduleStack(app, "mod", "terraform-aws-modules/iam/aws//modules/iam-assumable-role");
    NhiGovernance.of(app.node.findChild("mod") as TerraformStack).enforce({ severityOverrides: { "NHI-GOV-031": "low" } }, { clock });
    app.synth();
    const { code, stdout } = await cli(["synth", outdir, "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(of(report, "NHI-GOV-031")).toEqual(["NHI-GOV-031[Source::terraform-aws-modules/iam/aws//modules/iam-assumable-role] @ module.raw"]);
    expect(report.resources.find((r) => r.address === "module.raw")?.origin.constructPath).toBe("mod/raw");
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("nhi-gate synth reads a stack directory as Terraform does", () => {
  const role = (name: string, extra: Record<string, unknown> = {}) => ({ name, assume_role_policy: LAMBDA_TRUST, ...extra });
  /** A cdktf.out with one stack: cdk.tf.json from a governed stack, plus the given files. */
  function out(files: Record<string, unknown>): string {
    const { app, outdir } = tmpApp();
    governedStack(app, "app");
    app.synth();
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(outdir, "stacks", "app", name), typeof body === "string" ? body : JSON.stringify(body));
    return outdir;
  }
  const governedRole = (dir: string) => Object.keys((JSON.parse(fs.readFileSync(path.join(dir, "stacks", "app", "cdk.tf.json"), "utf8")) as any).resource.aws_iam_role)[0];

  it("another *.tf.json adds a role; an override file attaches AdministratorAccess to the governed one; both fail", () => {
    const dir = out({});
    const gov = governedRole(dir);
    fs.writeFileSync(path.join(dir, "stacks", "app", "extra.tf.json"), JSON.stringify({ resource: { aws_iam_role: { extra: role("extra") } } }));
    fs.writeFileSync(path.join(dir, "stacks", "app", "z_override.tf.json"), JSON.stringify({ resource: { aws_iam_role: { [gov]: { managed_policy_arns: [ADMIN] } } } }));
    const input = readSynth(dir);
    expect((input.sources ?? []).map((s) => path.basename(s))).toEqual(["cdk.tf.json", "extra.tf.json", "z_override.tf.json"]);
    const report = judge(input);
    expect(of(report, "NHI-GOV-001", "NHI-GOV-007")).toEqual([`NHI-GOV-001 @ aws_iam_role.extra`, `NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role.${gov}`]);
    expect(report.resources.find((r) => r.address === "aws_iam_role.extra")?.origin.file).toBe(path.join(dir, "stacks", "app", "extra.tf.json"));
    // Given the stack's cdk.tf.json by path, the gate reads its directory all the same.
    expect(of(judge(readSynth(path.join(dir, "stacks", "app", "cdk.tf.json"))), "NHI-GOV-001", "NHI-GOV-007")).toEqual(of(report, "NHI-GOV-001", "NHI-GOV-007"));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("an override replaces arguments and block types, a dynamic block counts as its block type, lifecycle merges per argument", () => {
    const dir = out({
      "a.tf.json": { resource: { aws_iam_role: { r: role("r", { inline_policy: [{ name: "ok", policy: "{}" }], lifecycle: { prevent_destroy: true, ignore_changes: ["tags"] } }) } } },
      "override.tf.json": { resource: { aws_iam_role: { r: { dynamic: { inline_policy: { for_each: "${var.docs}", content: { name: "${inline_policy.key}", policy: "${inline_policy.value}" } } }, lifecycle: { ignore_changes: [] } } } } },
    });
    const r = readSynth(dir).resources.find((x) => x.address === "aws_iam_role.r")!;
    expect(r.props.inline_policy).toBeUndefined();
    expect(r.props.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: [] });
    expect(of(judge(readSynth(dir)), "NHI-GOV-030")).toEqual(["NHI-GOV-030[Dynamic::inline_policy] @ aws_iam_role.r"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["an HCL file (refused, not ignored)", { "main.tf": 'resource "aws_iam_role" "hcl" {}' }, /stacks\/app\/main\.tf: an HCL configuration file; nhi-gate synth reads JSON configuration \(\*\.tf\.json\) only/],
    ["a resource defined twice", { "a.tf.json": { resource: { aws_iam_role: { dup: role("a") } } }, "b.tf.json": { resource: { aws_iam_role: { dup: role("b") } } } }, /b\.tf\.json: resource\.aws_iam_role\.dup: aws_iam_role\.dup is also defined in .*a\.tf\.json; Terraform refuses duplicate configuration/],
    ["an override without its base block", { "x_override.tf.json": { resource: { aws_iam_role: { ghost: role("g") } } } }, /x_override\.tf\.json: resource\.aws_iam_role\.ghost: overrides aws_iam_role\.ghost, which no other file defines/],
    ["an OpenTofu file (which tool runs decides what is created)", { "main.tofu.json": { resource: { aws_iam_role: { t: role("t") } } } }, /main\.tofu\.json: an OpenTofu configuration file/],
    ["a file that is not a JSON object", { "bad.tf.json": "[1]" }, /bad\.tf\.json: expected a JSON object/],
  ])("exit 2 on %s", async (_what, files, message) => {
    const dir = out(files as Record<string, unknown>);
    const { code, stderr } = await cli(["synth", dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("files Terraform ignores are ignored: dot files, editor backups", () => {
    const dir = out({ ".hidden.tf.json": { resource: { aws_iam_role: { h: role("h") } } }, "x.tf.json~": "{", "#y.tf.json#": "{" });
    expect(readSynth(dir).resources.some((r) => r.address === "aws_iam_role.h")).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** What cdktf synthesizes, planned by the real Terraform in the stack directory, with extra files beside it. */
describeWithTerraform("nhi-gate synth agrees with a real plan of the stack directory", () => {
  const MODULE = `variable "name" { type = string }
resource "aws_iam_role" "admin" {
  name                = var.name
  assume_role_policy  = ${JSON.stringify(LAMBDA_TRUST)}
  managed_policy_arns = ["${ADMIN}"]
}
`;
  let files: Record<string, string>;
  let gov: string;
  beforeAll(() => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "app");
    new AwsProvider(stack, "aws", { region: "eu-west-1", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true });
    new GovernedIdentity(stack, "deployer", { ...specs()[0], clock });
    new TerraformHclModule(stack, "raw", { source: "./modules/raw-role", skipAssetCreationFromLocalModules: true, variables: { name: "raw-admin" } });
    app.synth();
    const dir = path.join(outdir, "stacks", "app");
    const cdk = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    // The offline mirror holds hashicorp/aws 5.100.0; @cdktf/provider-aws 21 pins 6.x. The resources used here are the same in both.
    cdk.terraform.required_providers.aws.version = "5.100.0";
    delete cdk.terraform.backend;
    gov = Object.keys(cdk.resource.aws_iam_role)[0];
    files = {
      "cdk.tf.json": JSON.stringify(cdk),
      "extra.tf.json": JSON.stringify({ resource: { aws_iam_role: { extra: { name: "extra", assume_role_policy: LAMBDA_TRUST } } } }),
      "z_override.tf.json": JSON.stringify({ resource: { aws_iam_role: { [gov]: { managed_policy_arns: [ADMIN] } } } }),
      "modules/raw-role/main.tf": MODULE,
    };
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 60_000);

  it("Terraform plans the extra role, the override and the module's admin role; nhi-gate synth reports each before plan", () => {
    const { plan, tf } = terraformPlan(files);
    const planned = plan.resource_changes.filter((c: any) => c.type === "aws_iam_role").map((c: any) => [c.address, c.change.after.managed_policy_arns ?? null]);
    expect(planned).toEqual([
      [`aws_iam_role.${gov}`, [ADMIN]],
      ["aws_iam_role.extra", null],
      ["module.raw.aws_iam_role.admin", [ADMIN]],
    ]);
    const fromPlan = judge(planToInput(plan, "plan.json"));
    expect(of(fromPlan, "NHI-GOV-001", "NHI-GOV-007", "NHI-GOV-030")).toEqual([
      "NHI-GOV-001 @ aws_iam_role.extra",
      "NHI-GOV-001 @ module.raw.aws_iam_role.admin",
      `NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role.${gov}`,
      "NHI-GOV-007[Policy::AdministratorAccess] @ module.raw.aws_iam_role.admin",
    ]);
    // The same directory through nhi-gate synth (the module's own files are in a subdirectory, which Terraform loads as the module).
    const fromSynth = judge(readSynth(path.join(tf.dir, "cdk.tf.json")));
    expect(of(fromSynth, "NHI-GOV-001", "NHI-GOV-007", "NHI-GOV-031")).toEqual([
      "NHI-GOV-001 @ aws_iam_role.extra",
      `NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role.${gov}`,
      "NHI-GOV-031[Source::./modules/raw-role] @ module.raw",
    ]);
  });

  it("an HCL file in the directory: Terraform plans it, nhi-gate synth refuses the directory; the governed identity passes the plan gate", async () => {
    const hcl = `resource "aws_iam_role" "hcl" {\n  name = "hcl"\n  assume_role_policy = ${JSON.stringify(LAMBDA_TRUST)}\n}\n`;
    const { plan, tf } = terraformPlan({ "cdk.tf.json": files["cdk.tf.json"], "modules/raw-role/main.tf": 'variable "name" { type = string }\n', "main.tf": hcl });
    expect(plan.resource_changes.map((c: any) => c.address)).toContain("aws_iam_role.hcl");
    // Only the HCL role is reported: no false "cannot evaluate" on the governed role and its policy in a real plan.
    expect([...new Set(judge(planToInput(plan, "plan.json")).findings.map((f) => f.address))]).toEqual(["aws_iam_role.hcl"]);
    const { code, stderr } = await cli(["synth", path.join(tf.dir, "cdk.tf.json")]);
    expect([code, stderr]).toEqual([2, expect.stringContaining("main.tf: an HCL configuration file")]);
  });
});
