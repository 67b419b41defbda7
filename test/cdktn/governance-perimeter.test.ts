/** GovernancePerimeter on CDK Terrain (constructs/cdktn, generated), against the real cdktn packages. */
import { TerraformStack, Testing } from "cdktn";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider";
import { GovernancePerimeter, NhiGovernance } from "../../constructs/cdktn";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { clock } from "../helpers";

type Tf = { resource: Record<string, Record<string, Record<string, unknown>>> };
const CONFIG: GateConfigInput = { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"] } };

describe("GovernancePerimeter (CDK Terrain)", () => {
  it("creates the SCP, its attachments and the boundary with the generated documents, and passes the aspect", () => {
    const stack = new TerraformStack(Testing.app(), "perimeter");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new GovernancePerimeter(stack, "scp", { config: CONFIG, targetIds: ["ou-abcd-12345678"] });
    new GovernancePerimeter(stack, "boundary", { config: CONFIG, format: "boundary" });
    NhiGovernance.of(stack).enforce(CONFIG, { clock });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;
    expect(Object.values(tf.resource.aws_organizations_policy).map((b) => b.content)).toEqual([scpPolicies(resolveConfig(CONFIG))[0].json]);
    expect(Object.values(tf.resource.aws_organizations_policy_attachment).map((b) => b.target_id)).toEqual(["ou-abcd-12345678"]);
    expect(Object.values(tf.resource.aws_iam_policy).map((b) => b.policy)).toEqual([boundaryPolicy(resolveConfig(CONFIG)).json]);
    expect(stack.node.findAll().flatMap((n) => n.node.validate())).toEqual([]);
  });
});
