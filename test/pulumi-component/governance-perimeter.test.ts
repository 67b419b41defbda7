/** GovernancePerimeter (Pulumi): its children, each with { parent: this }, the generated documents, its outputs, its errors. */
import * as pulumi from "@pulumi/pulumi";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { pulumiComponent, recorder } from "./build";

const CONFIG: GateConfigInput = { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"] } };
const SPLIT: GateConfigInput = { guardrail: { deploymentRoles: Array.from({ length: 75 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`), maxPolicies: 5 } };
const T = { policy: "aws:organizations/policy:Policy", attachment: "aws:organizations/policyAttachment:PolicyAttachment", iamPolicy: "aws:iam/policy:Policy" };

async function build(name: string, args: Parameters<typeof construct>[1]) {
  recorder.reset();
  const component = construct(name, args);
  await recorder.settle();
  const self = recorder.resources.find((r) => r.type === pulumiComponent.GOVERNANCE_PERIMETER_TYPE && r.name === name)!;
  return { component, self, children: recorder.resources.filter((r) => r !== self), outputs: recorder.outputs.get(self.urn) };
}
function construct(name: string, args: ConstructorParameters<typeof pulumiComponent.GovernancePerimeter>[1]) {
  return new pulumiComponent.GovernancePerimeter(name, args);
}

describe("GovernancePerimeter (Pulumi)", () => {
  it("creates each SCP and an attachment per target, every child with { parent: this }", async () => {
    const b = await build("perimeter", { config: SPLIT, targetIds: ["ou-abcd-12345678", pulumi.output("111111111111")], tags: { team: "platform" } });
    const want = scpPolicies(resolveConfig(SPLIT));
    expect(b.self.type).toBe("nhi-governance:aws:GovernancePerimeter");
    expect(b.self.props).toEqual({ format: "scp", policies: want.map((p) => ({ name: p.name, size: p.size })) });
    const policies = b.children.filter((r) => r.type === T.policy);
    expect(policies.map((r) => r.props)).toEqual(want.map((p) => ({ name: p.name, description: p.description, type: "SERVICE_CONTROL_POLICY", content: p.json, tags: { team: "platform" } })));
    const attachments = b.children.filter((r) => r.type === T.attachment);
    expect(attachments).toHaveLength(want.length * 2);
    expect(new Set(attachments.map((a) => a.props.targetId))).toEqual(new Set(["ou-abcd-12345678", "111111111111"]));
    for (const c of b.children) expect({ child: c.name, parent: c.parent }).toEqual({ child: c.name, parent: b.self.urn });
    expect(b.children.map((c) => c.type).filter((t) => t !== T.policy && t !== T.attachment)).toEqual([]);
    expect(Object.keys(b.outputs ?? {}).sort()).toEqual(["policyIds"]);
  });

  it("creates the boundary policy", async () => {
    const b = await build("boundary", { config: CONFIG, format: "boundary", path: "/nhi/" });
    const want = boundaryPolicy(resolveConfig(CONFIG));
    expect(b.children.map((r) => [r.type, r.props])).toEqual([[T.iamPolicy, { name: want.name, path: "/nhi/", description: want.description, policy: want.json }]]);
    expect(b.children[0].parent).toBe(b.self.urn);
    expect(b.component.boundaryArn).toBeDefined();
    expect(b.component.policyIds).toEqual([]);
    expect(b.outputs).toBeDefined();
  });

  it.each([
    [{ config: CONFIG, targetIds: ["ou-nope"] }, /^p: targetIds\[0\]: expected an OU id .* \(got "ou-nope"\)$/],
    [{ config: CONFIG, format: "boundary" as const, targetIds: ["111111111111"] }, /^p: targetIds: a boundary is not attached/],
    [{ config: {} }, /^p: config has no guardrail block/],
    [{ config: { guardrail: { deploymentRoles: [] } } }, /^p: invalid gate config: config.guardrail.deploymentRoles: expected at least one/],
    [{ config: { guardrail: { ...SPLIT.guardrail!, maxPolicies: 1 } } }, /^p: guardrail SCP: needs \d+ policies/],
  ])("refuses bad args before registering anything: %#", async (args, message) => {
    recorder.reset();
    expect(() => construct("p", args as never)).toThrow(message);
    await recorder.settle();
    expect(recorder.resources).toEqual([]);
  });
});
