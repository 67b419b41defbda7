/**
 * Issue 22, root cause 4: provenance matched by name. Module sources match exactly (a
 * subdirectory only when listed, a ref only when pinned, wildcards only as whole path segments);
 * approved constructs and components vouch for what they add beside a governed identity, never
 * for the identity itself. The Pulumi front ends (kit, pack) are in pulumi-fronts.test.ts.
 */
import { Construct } from "constructs";
import { Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { moduleSourceMatches, moduleSourcePatternProblem, parseModuleSource } from "../../src/spec/module-source";
import { GateConfigSchema } from "../../src/spec/config";
import { renderIdentity } from "../../src/render/aws";
import { change, plan } from "../fixtures/plans/builder";
import { clock, spec, validSpec } from "../helpers";
import { newStack } from "../cdktf/helpers";
import { expectBypass, expectRefusal } from "./catalogue";
import { gate, scratch } from "./gate";
import { LIFECYCLE } from "../rules/fixtures";

const APPROVED = "app.terraform.io/acme/governed-identity/aws";
const GIT = "git::https://github.com/acme/governed-identity.git";
const GH = "github.com/acme/governed-identity";

describe("module source patterns", () => {
  it("reads a source as Terraform's installer does: address, //subdirectory, ?query", () => {
    expect(parseModuleSource(`${GIT}//modules/role?ref=v1.4.0`)).toEqual({ address: ["git::https:", "", "github.com", "acme", "governed-identity.git"], subdir: ["modules", "role"], query: ["ref=v1.4.0"] });
    expect(parseModuleSource(`${APPROVED}`)).toEqual({ address: ["app.terraform.io", "acme", "governed-identity", "aws"], query: [] });
    // The // of a scheme does not start a subdirectory.
    expect(parseModuleSource("https://example.com/m.zip?archive=zip").subdir).toBeUndefined();
  });

  it.each([
    [APPROVED, APPROVED, true],
    [APPROVED, `${APPROVED}//modules/raw-role`, false],
    [`${APPROVED}//modules/role`, `${APPROVED}//modules/role`, true],
    [`${APPROVED}//modules/role`, `${APPROVED}//modules/role/../raw-role`, false],
    [`${APPROVED}//modules/*`, `${APPROVED}//modules/role`, true],
    [`${APPROVED}//modules/*`, `${APPROVED}//modules/role/raw`, false],
    [GIT, `${GIT}?ref=attacker-branch`, false],
    [`${GIT}?ref=v1.4.0`, `${GIT}?ref=v1.4.0`, true],
    [`${GIT}?ref=v1.4.0`, `${GIT}?ref=v1.4.1`, false],
    [`${GIT}?ref=v1.4.0`, GIT, false],
    [`${GIT}?ref=v1.4.0`, `${GIT}?ref=v1.4.0&depth=1`, false],
    [`${GIT}//modules/role?ref=v1.4.0`, `${GIT}//modules/role?ref=v1.4.0`, true],
    ["app.terraform.io/acme/*/aws", APPROVED, true],
    ["app.terraform.io/acme/*/aws", "app.terraform.io/acme-fork/governed-identity/aws", false],
    ["app.terraform.io/acme/**", APPROVED, true],
    ["app.terraform.io/acme/**", "app.terraform.io/acme", false],
    ["app.terraform.io/acme/**", `${APPROVED}//modules/raw-role`, false],
    ["app.terraform.io/acme/governed-identity*", "app.terraform.io/acme/governed-identity-fork", false],
  ])("pattern %s, source %s: %s", (pattern, source, matches) => {
    expect(moduleSourceMatches(pattern, source)).toBe(matches);
  });

  it("refuses a wildcard inside a path segment, or in the query, with the reason", () => {
    expect(moduleSourcePatternProblem("app.terraform.io/acme/governed-identity*")).toMatch(/a wildcard must be a whole path segment .* "governed-identity-fork"/);
    expect(moduleSourcePatternProblem(`${GIT}?ref=v1.*`)).toMatch(/pin the ref/);
    expect(moduleSourcePatternProblem("app.terraform.io/acme/**/aws")).toMatch(/whole path segment/);
    expect(moduleSourcePatternProblem("app.terraform.io/acme/*/aws")).toBeUndefined();
    const parsed = GateConfigSchema.safeParse({ approvedModuleSources: ["x/governed-identity*"] });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."))).toEqual(["approvedModuleSources.0"]);
  });
});

describe("root cause 4 through nhi-gate plan", () => {
  const files = scratch();
  const rendered = renderIdentity(spec({ name: "module-role", credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }));
  const p = rendered.principal;
  const sealed = { name: p.name, path: p.path, tags: p.tags, assume_role_policy: p.assumeRolePolicyJson, permissions_boundary: p.permissionsBoundary, max_session_duration: 3600 };
  // A hand-written role with every lifecycle tag and a boundary: only its provenance is in question.
  const raw = { name: "raw", path: "/", tags: { ...LIFECYCLE }, permissions_boundary: p.permissionsBoundary, assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) };
  const inModule = (module: string, after: Record<string, unknown>) => change({ address: `module.${module}.aws_iam_role.r`, moduleAddress: `module.${module}`, type: "aws_iam_role", after });
  const call = (source: string) => ({ source, module: { resources: [] } });
  const planFile = files.write(
    "plan.json",
    JSON.stringify(
      plan([inModule("raw", raw), inModule("branch", raw), inModule("pinned", raw), inModule("id", { ...sealed, name: "renamed-after-sealing" }), inModule("ok", raw)], {
        module_calls: { raw: call(`${APPROVED}//modules/raw-role`), branch: call(`${GH}//?ref=attacker-branch`), pinned: call(`${GIT}?ref=v1.4.0`), id: call(APPROVED), ok: call(APPROVED) },
      }),
    ),
  );
  const config = files.write("nhi-governance.config.json", JSON.stringify({ approvedModuleSources: [APPROVED, GH, `${GIT}?ref=v1.4.0`] }));

  it("the controls: the approved registry source and the pinned git ref govern their roles", async () => {
    const run = await gate(["plan", planFile, "--config", config]);
    expect(run.report!.resources.filter((r) => ["module.pinned.aws_iam_role.r", "module.ok.aws_iam_role.r"].includes(r.address)).map((r) => [r.address, r.governed, r.via])).toEqual([
      ["module.ok.aws_iam_role.r", "governed", "module"],
      ["module.pinned.aws_iam_role.r", "governed", "module"],
    ]);
  });

  it("RC4-01: a subdirectory of an approved source", async () => {
    expectBypass("RC4-01", (await gate(["plan", planFile, "--config", config])).report!);
  });

  it("RC4-02: an unpinned ref of an approved git source", async () => {
    expectBypass("RC4-02", (await gate(["plan", planFile, "--config", config])).report!);
  });

  it("RC4-03: a wildcard inside a path segment is refused when the config is read", async () => {
    const bad = files.write("bad.config.yaml", "approvedModuleSources:\n  - app.terraform.io/acme/governed-identity*\n");
    expectRefusal("RC4-03", await gate(["plan", planFile, "--config", bad]));
  });

  it("RC4-04: an approved module does not waive its role's seal", async () => {
    expectBypass("RC4-04", (await gate(["plan", planFile, "--config", config])).report!);
  });
});

describe("root cause 4 in the CDKTF aspect", () => {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  class PlatformDeployer extends Construct {
    constructor(scope: Construct, id: string) {
      super(scope, id);
      new GovernedIdentity(this, "identity", { ...validSpec({ name: `${id}-deployer` }), clock });
      // A raw role with the lifecycle tags and a boundary, but no GovernedIdentity and no seal.
      new IamRole(this, "helper", { name: `${id}-helper`, assumeRolePolicy: trust, permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary", tags: { ...LIFECYCLE } });
    }
  }
  NhiGovernance.registerApprovedConstruct(PlatformDeployer);

  it("RC4-05: a raw role inside an approved construct, registered or approved in the config", () => {
    for (const config of [{}, { approvedConstructs: [{ type: "PlatformDeployer" }] }]) {
      const { stack } = newStack("approved");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      new PlatformDeployer(stack, "team");
      NhiGovernance.of(stack).enforce(config, { clock });
      Testing.synth(stack);
      expectBypass("RC4-05", NhiGovernance.of(stack).lastReport!);
    }
  });

  it("RC4-06: a look-alike class with the registered class's name does not pass for it", () => {
    const LookAlike = {
      PlatformDeployer: class extends Construct {
        constructor(scope: Construct, id: string) {
          super(scope, id);
          const gi = new GovernedIdentity(this, "identity", { ...validSpec({ name: `${id}-deployer` }), clock });
          new IamRolePolicyAttachment(this, "admin", { role: gi.roleName as string, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        }
      },
    }.PlatformDeployer;
    expect(LookAlike.name).toBe(PlatformDeployer.name);
    const { stack } = newStack("look-alike");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new LookAlike(stack, "team");
    NhiGovernance.of(stack).enforce({}, { clock });
    Testing.synth(stack);
    expectBypass("RC4-06", NhiGovernance.of(stack).lastReport!);
  });
});
