import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { fromPulumiResources } from "../../src/adapters/pulumi";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";
import { recorder } from "../pulumi-component/build";
import { CONFIG, configurations } from "../pulumi-component/fixtures";
import type { RecordedResource } from "../pulumi-component/harness";
import { construct, overTheWire } from "./construct";

/** The policy pack's view (the Pulumi adapter the pack uses, then the engine with every rule). */
function report(resources: RecordedResource[]) {
  const input = fromPulumiResources(
    resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies })),
    { action: "create" },
  );
  return evaluate({ ...input, scope: "changes" }, { config: CONFIG, clock });
}

describe("what the gates see of a program that uses the provider (e.g. Python)", () => {
  test.each(configurations())("$label: governed, no findings", async ({ args }) => {
    const c = await construct("gi", overTheWire(args));
    const r = report(c.resources);
    expect(r.findings.map((f) => `${f.findingId} ${f.address}`)).toEqual([]);
    expect(r.resources.length).toBeGreaterThanOrEqual(2);
    for (const s of r.resources) expect(`${s.type} ${s.governed} via ${s.via}`).toBe(`${s.type} governed via component`);
  });

  test("a raw role (and a managed policy attachment) created beside it is reported, the identity is not", async () => {
    const c = await construct("payments-deployer", overTheWire(configurations()[0].args));
    recorder.reset();
    // What `aws.iam.Role("raw-deployer", assume_role_policy=...)` registers from a Python program.
    const raw = new Role("raw-deployer", {
      name: "raw-deployer",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    new RolePolicyAttachment("raw-deployer-admin", { role: raw.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    await recorder.settle();
    const r = report([...c.resources, ...recorder.resources]);
    const findings = r.findings.map((f) => `${f.findingId} ${f.severity} ${f.address.replace(/^urn:pulumi:stack::project::/, "")}`).sort();
    expect(findings.every((f) => !f.includes("payments-deployer-"))).toBe(true);
    expect(findings).toEqual(EXPECTED_RAW);
    // One finding per problem: the role's missing lifecycle tags and the attachment's ungoverned owner are parts of its NHI-GOV-001.
    expect(r.findings.find((f) => f.ruleId === "NHI-GOV-001")?.parts).toEqual([
      "NHI-GOV-002[Owner::urn:pulumi:stack::project::aws:iam/role:Role::raw-deployer] @ urn:pulumi:stack::project::aws:iam/rolePolicyAttachment:RolePolicyAttachment::raw-deployer-admin",
      ...["credential", "environment", "owner", "purpose", "recertify-by", "retirement", "system-of-record", "workload"].map((t) => `NHI-GOV-003[Tag::nhi:${t}]`),
    ]);
  });
});

/** The findings docs/provider.md describes. */
const EXPECTED_RAW = [
  "NHI-GOV-001 high aws:iam/role:Role::raw-deployer",
  "NHI-GOV-007[Policy::AdministratorAccess] critical aws:iam/rolePolicyAttachment:RolePolicyAttachment::raw-deployer-admin",
  "NHI-GOV-008[Boundary::missing] high aws:iam/role:Role::raw-deployer",
];
