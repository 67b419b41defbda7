import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { OrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/organizations-organizational-unit";
import { GovernancePerimeter, GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { clock, validSpec } from "../helpers";
import { blocks, gateSynth, newStack, synthJson } from "./helpers";

const CONFIG: GateConfigInput = {
  defaultPermissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
  guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"] },
};
const SPLIT: GateConfigInput = {
  guardrail: { deploymentRoles: Array.from({ length: 75 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`), maxPolicies: 5 },
};
const error = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("GovernancePerimeter (CDKTF)", () => {
  it("creates the SCP with the generated content and one attachment per target", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const p = new GovernancePerimeter(stack, "perimeter", { config: CONFIG, targetIds: ["ou-abcd-12345678", "111111111111"] });
    const tf = synthJson(stack);
    const policies = Object.values(blocks(tf, "aws_organizations_policy"));
    expect(policies).toEqual([
      {
        name: "nhi-guardrail",
        description: scpPolicies(resolveConfig(CONFIG))[0].description,
        type: "SERVICE_CONTROL_POLICY",
        content: scpPolicies(resolveConfig(CONFIG))[0].json,
      },
    ]);
    const policyId = Object.keys(blocks(tf, "aws_organizations_policy"))[0];
    const attachments = Object.values(blocks(tf, "aws_organizations_policy_attachment")).sort((a, b) => String(b.target_id).localeCompare(String(a.target_id)));
    expect(attachments).toEqual([
      { policy_id: `\${aws_organizations_policy.${policyId}.id}`, target_id: "ou-abcd-12345678" },
      { policy_id: `\${aws_organizations_policy.${policyId}.id}`, target_id: "111111111111" },
    ]);
    expect(p.generated.map((g) => g.json)).toEqual(scpPolicies(resolveConfig(CONFIG)).map((g) => g.json));
    expect(p.policyIds).toHaveLength(1);
    expect(p.boundaryArn).toBeUndefined();
  });

  it("attaches every part of a split guardrail to every target, OU references included", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const ou = new OrganizationsOrganizationalUnit(stack, "sandbox", { name: "sandbox", parentId: "r-abcd" });
    new GovernancePerimeter(stack, "perimeter", { config: SPLIT, targetIds: [ou.id, "222222222222"], tags: { team: "platform" } });
    const tf = synthJson(stack);
    const policies = Object.values(blocks(tf, "aws_organizations_policy")).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const want = scpPolicies(resolveConfig(SPLIT)).sort((a, b) => a.name.localeCompare(b.name));
    expect(policies.map((b) => [b.name, b.content])).toEqual(want.map((g) => [g.name, g.json]));
    for (const b of policies) expect(b.tags).toEqual({ team: "platform" });
    const attachments = Object.values(blocks(tf, "aws_organizations_policy_attachment"));
    expect(attachments).toHaveLength(policies.length * 2);
    expect(new Set(attachments.map((a) => a.target_id))).toEqual(new Set(["${aws_organizations_organizational_unit.sandbox.id}", "222222222222"]));
  });

  it("creates the boundary as a managed policy", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const p = new GovernancePerimeter(stack, "boundary", { config: CONFIG, format: "boundary", path: "/nhi/" });
    const tf = synthJson(stack);
    expect(Object.values(blocks(tf, "aws_iam_policy"))).toEqual([{ name: "nhi-guardrail", path: "/nhi/", description: boundaryPolicy(resolveConfig(CONFIG)).description, policy: boundaryPolicy(resolveConfig(CONFIG)).json }]);
    expect(blocks(tf, "aws_organizations_policy")).toEqual({});
    expect(p.boundaryArn).toMatch(/^\$\{TfToken/);
  });

  it("passes the synth-time gate and nhi-gate synth beside governed identities", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new GovernedIdentity(stack, "deployer", { ...validSpec(), config: CONFIG, clock });
    new GovernancePerimeter(stack, "scp", { config: CONFIG, targetIds: ["ou-abcd-12345678"] });
    new GovernancePerimeter(stack, "boundary", { config: { ...CONFIG, guardrail: { ...CONFIG.guardrail!, name: "nhi-guardrail-boundary" } }, format: "boundary" });
    NhiGovernance.of(stack).enforce(CONFIG, { clock });
    const errors = (stack as TerraformStack).node.findAll().flatMap((n) => n.node.validate());
    expect(errors).toEqual([]);
    expect(gateSynth(synthJson(stack), CONFIG).findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it.each([
    [{ config: CONFIG, targetIds: ["ou-nope"] }, /^stack\/p: targetIds\[0\]: expected an OU id \(ou-abcd-12345678\), a 12-digit account id or the root id \(r-abcd\), got "ou-nope"$/],
    [{ config: CONFIG, targetIds: ["111111111111", "111111111111"] }, /targetIds\[1\]: 111111111111 is named twice/],
    [{ config: CONFIG, format: "boundary" as const, targetIds: ["111111111111"] }, /^stack\/p: targetIds: a boundary is not attached to OUs or accounts/],
    [{ config: {} }, /^stack\/p: config has no guardrail block; add guardrail.deploymentRoles/],
    [{ config: { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/*"] } } }, /^stack\/p: invalid gate config: guardrail.deploymentRoles.0: .*matches every role/],
    [{ config: { guardrail: { ...SPLIT.guardrail!, maxPolicies: 2 } } }, /^stack\/p: guardrail SCP: needs \d+ policies/],
    [{ config: CONFIG, format: "json" as never }, /^stack\/p: format: expected "scp" or "boundary", got "json"/],
  ])("refuses a bad prop at construction: %#", (props, message) => {
    const { stack } = newStack();
    expect(error(() => new GovernancePerimeter(stack, "p", props))).toMatch(message);
  });
});
