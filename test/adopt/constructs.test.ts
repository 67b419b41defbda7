/**
 * The constructs' `adopt` prop: import ids for what they create, and the exclusive resources that
 * retire the grants the spec's access now reproduces. CDKTF (and CDK Terrain) synthesize Terraform
 * `import` blocks; the Pulumi component passes the `import` resource option. Either way the gates
 * find the adopted identity governed.
 */
import { GovernedIdentity } from "../../constructs/cdktf";
import { GovernedIdentity as TerrainIdentity } from "../../constructs/cdktn";
import { App, TerraformStack, Testing } from "cdktn";
import { SpecValidationError } from "../../src/spec/identity";
import { fromPulumiResources } from "../../src/adapters/pulumi";
import { evaluate } from "../../src/engine/evaluate";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { clock, validSpec } from "../helpers";
import { blocks, gateSynth, newStack, synthJson } from "../cdktf/helpers";
import { build, byType, one } from "../pulumi-component/build";

const role = () => ({ ...validSpec({ name: "legacy-deployer", path: "/", tags: { CostCenter: "cc-42" } }), clock });
const user = () => ({ ...validSpec({ name: "legacy-sftp", path: "/", trust: undefined, credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" } }), clock });
const brief = (findings: { findingId: string; address: string }[]) => findings.map((f) => `${f.findingId} ${f.address}`);

describe("CDKTF GovernedIdentity with adopt", () => {
  test("imports the role (and an existing policy of its policy's name), keeps its description, and adds the exclusive resources", () => {
    const { stack } = newStack();
    new GovernedIdentity(stack, "legacy", { ...role(), adopt: { principal: "legacy-deployer", policy: "legacy-deployer:legacy-deployer-access" } });
    const tf = synthJson(stack) as ReturnType<typeof synthJson> & { import: { to: string; id: string }[] };
    const roleId = Object.keys(blocks(tf, "aws_iam_role"))[0];
    const policyId = Object.keys(blocks(tf, "aws_iam_role_policy"))[0];
    expect(tf.import).toEqual([
      { to: `aws_iam_role.${roleId}`, id: "legacy-deployer" },
      { to: `aws_iam_role_policy.${policyId}`, id: "legacy-deployer:legacy-deployer-access" },
    ]);
    expect(blocks(tf, "aws_iam_role")[roleId]).toMatchObject({ name: "legacy-deployer", path: "/", lifecycle: { ignore_changes: ["description"] }, tags: { CostCenter: "cc-42" } });
    expect(Object.values(blocks(tf, "aws_iam_role_policies_exclusive"))).toEqual([
      { role_name: `\${aws_iam_role.${roleId}.name}`, policy_names: ["legacy-deployer-access"], depends_on: [`aws_iam_role_policy.${policyId}`] },
    ]);
    expect(Object.values(blocks(tf, "aws_iam_role_policy_attachments_exclusive"))).toEqual([{ role_name: `\${aws_iam_role.${roleId}.name}`, policy_arns: [], depends_on: [`aws_iam_role_policy.${policyId}`] }]);
    expect(brief(gateSynth(tf).findings)).toEqual([]);
  });

  test("a static-key user imports the user, its key and its secret; exclusive: false adds nothing else", () => {
    const { stack } = newStack();
    const secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nhi/legacy-sftp-AbCdEf";
    new GovernedIdentity(stack, "sftp", { ...user(), adopt: { principal: "legacy-sftp", accessKey: "AKIAIOSFODNN7EXAMPLE", secret, exclusive: false } });
    const tf = synthJson(stack) as ReturnType<typeof synthJson> & { import: { to: string; id: string }[] };
    expect(tf.import.map((i) => [i.to.split(".")[0], i.id])).toEqual([
      ["aws_iam_user", "legacy-sftp"],
      ["aws_iam_access_key", "AKIAIOSFODNN7EXAMPLE"],
      ["aws_secretsmanager_secret", secret],
    ]);
    expect(blocks(tf, "aws_iam_user_policies_exclusive")).toEqual({});
    expect(Object.values(blocks(tf, "aws_iam_user"))[0]).not.toHaveProperty("lifecycle");
    expect(brief(gateSynth(tf).findings)).toEqual([]);
  });

  test("the user variants of the exclusive resources, and the gate rejects one that keeps another policy", () => {
    const { stack } = newStack();
    new GovernedIdentity(stack, "sftp", { ...user(), adopt: { principal: "legacy-sftp" } });
    const tf = synthJson(stack);
    const [id, ex] = Object.entries(blocks(tf, "aws_iam_user_policies_exclusive"))[0];
    expect(ex).toMatchObject({ policy_names: ["legacy-sftp-access"] });
    expect(Object.values(blocks(tf, "aws_iam_user_policy_attachments_exclusive"))[0]).toMatchObject({ policy_arns: [] });
    expect(brief(gateSynth(tf).findings)).toEqual([]);
    // Widening through the exclusive list is an integrity finding, so the test above can fail.
    ex.policy_names = ["legacy-sftp-access", "legacy-admin"];
    (Object.values(blocks(tf, "aws_iam_user_policy_attachments_exclusive"))[0] as Record<string, unknown>).policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"];
    const findings = gateSynth(tf).findings;
    expect(findings.filter((f) => f.ruleId === "NHI-GOV-002").map((f) => f.address)).toEqual([
      expect.stringMatching(/^aws_iam_user_policies_exclusive\./),
      expect.stringMatching(/^aws_iam_user_policy_attachments_exclusive\./),
    ]);
    expect(findings.find((f) => f.address === `aws_iam_user_policies_exclusive.${id}`)?.message).toContain("keeps inline policies legacy-admin on governed user legacy-sftp");
  });

  test.each([
    ["a principal that is not the spec's name", { principal: "other-role" }, "adopt.principal"],
    ["a policy id of another name", { principal: "legacy-deployer", policy: "legacy-deployer:old-inline" }, "adopt.policy"],
    ["an access key on a role", { principal: "legacy-deployer", accessKey: "AKIAIOSFODNN7EXAMPLE" }, "adopt.accessKey"],
    ["a secret on a federated role", { principal: "legacy-deployer", secret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nhi/x-AbCdEf" }, "adopt.secret"],
    ["an unknown field", { principal: "legacy-deployer", role: "x" }, "adopt"],
  ])("rejects %s, naming the field", (_label, adopt, field) => {
    const { stack } = newStack();
    let error: unknown;
    try {
      new GovernedIdentity(stack, "legacy", { ...role(), adopt: adopt as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues.map((i) => i.path)).toEqual([field]);
  });
});

describe("CDK Terrain GovernedIdentity with adopt", () => {
  test("synthesizes the same import block and exclusive resources", () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, "stack");
    new TerrainIdentity(stack, "legacy", { ...role(), adopt: { principal: "legacy-deployer" } });
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.import).toEqual([{ to: expect.stringMatching(/^aws_iam_role\./), id: "legacy-deployer" }]);
    expect(Object.keys(tf.resource).sort()).toEqual(["aws_iam_role", "aws_iam_role_policies_exclusive", "aws_iam_role_policy", "aws_iam_role_policy_attachments_exclusive"]);
    const report = evaluate({ resources: synthToResources(tf, "cdk.tf.json"), scope: "all" }, { clock });
    expect(brief(report.findings)).toEqual([]);
  });
});

describe("Pulumi GovernedIdentity with adopt", () => {
  const T = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policiesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
    attachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    user: "aws:iam/user:User",
    accessKey: "aws:iam/accessKey:AccessKey",
  };
  const { clock: _c, ...roleArgs } = role();
  const { clock: _u, ...userArgs } = user();

  test("passes the import option to the principal and policy, and the engine finds every child governed", async () => {
    const b = await build("legacy", { ...roleArgs, adopt: { principal: "legacy-deployer", policy: "legacy-deployer:legacy-deployer-access" } } as never);
    expect(one(b, T.role).importId).toBe("legacy-deployer");
    expect(one(b, T.rolePolicy).importId).toBe("legacy-deployer:legacy-deployer-access");
    expect(one(b, T.policiesExclusive)).toMatchObject({ parent: b.self.urn, props: { roleName: "legacy-deployer", policyNames: ["legacy-deployer-access"] } });
    expect(one(b, T.attachmentsExclusive)).toMatchObject({ parent: b.self.urn, props: { roleName: "legacy-deployer", policyArns: [] } });
    expect(one(b, T.policiesExclusive).importId).toBeUndefined();
    const input = fromPulumiResources(b.all.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies })), { action: "create" });
    const report = evaluate({ ...input, scope: "all" }, { clock });
    expect(brief(report.findings)).toEqual([]);
    expect(report.resources.map((r) => `${r.type} ${r.governed} ${r.via}`).sort()).toEqual(
      [T.attachmentsExclusive, T.policiesExclusive, T.role, T.rolePolicy].map((t) => `${t} governed component`).sort(),
    );
  });

  test("imports a static-key user's access key; without adopt nothing is imported", async () => {
    const b = await build("sftp", { ...userArgs, adopt: { principal: "legacy-sftp", accessKey: "AKIAIOSFODNN7EXAMPLE", exclusive: false } } as never);
    expect(one(b, T.user).importId).toBe("legacy-sftp");
    expect(one(b, T.accessKey).importId).toBe("AKIAIOSFODNN7EXAMPLE");
    expect(byType(b, T.policiesExclusive)).toEqual([]);
    const plain = await build("plain", userArgs as never);
    expect(plain.all.filter((r) => r.importId)).toEqual([]);
  });

  test("rejects an adopt whose principal is not the spec's name", async () => {
    await expect(build("legacy", { ...roleArgs, adopt: { principal: "other" } } as never)).rejects.toThrow(/adopt\.principal: got "other"; expected the name of the existing IAM role/);
  });
});
