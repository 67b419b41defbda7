/**
 * The CrossGuard pack in a Pulumi Cloud audit policy group: it runs against the resources Insights
 * Discovery finds in a connected account. Those have no parent chain and the properties the
 * provider read from AWS (outputs: arn, uniqueId, createDate, the role's read-back
 * inlinePolicies and managedPolicyArns). Driven over the analyzer protocol, as the engine drives it.
 */
import { execFileSync } from "child_process";
import { join } from "path";
import { renderIdentity, RenderedIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { NOW, spec } from "../helpers";
import { Diagnostic, Harness, HarnessResource, PACK_DIR, startPack } from "./harness";

const ACCOUNT = "111111111111";
let h: Harness;
beforeAll(async () => {
  execFileSync(process.execPath, [join(__dirname, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(PACK_DIR, "tsconfig.json")], { stdio: "inherit" });
  h = await startPack({ env: { NHI_GOVERNANCE_NOW: NOW.toISOString() }, dryRun: false });
  await h.configure({});
}, 120_000);
afterAll(async () => h?.close());

const urn = (type: string, name: string) => `urn:pulumi:aws-${ACCOUNT}::insights::${type}::${name}`;

/** A role as Insights Discovery reads it: the bridged provider's outputs, camelCase. */
function discoveredRole(r: RenderedIdentity, edit: (props: Record<string, unknown>) => void = () => undefined): HarnessResource {
  const p = r.principal;
  const props: Record<string, unknown> = {
    arn: `arn:aws:iam::${ACCOUNT}:role${p.path}${p.name}`,
    assumeRolePolicy: p.assumeRolePolicyJson,
    createDate: "2026-05-02T09:30:00Z",
    description: "",
    forceDetachPolicies: false,
    id: p.name,
    inlinePolicies: [{ name: r.policy.name, policy: r.policy.json }],
    managedPolicyArns: [],
    maxSessionDuration: p.maxSessionDuration,
    name: p.name,
    namePrefix: "",
    path: p.path,
    permissionsBoundary: p.permissionsBoundary,
    tags: { ...p.tags },
    tagsAll: { ...p.tags },
    uniqueId: "AROAEXAMPLEROLEID0001",
  };
  edit(props);
  return { type: "aws:iam/role:Role", urn: urn("aws:iam/role:Role", p.name), name: p.name, props };
}

const governed = () => renderIdentity(spec({ name: "payments-ci-deployer", permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/nhi-boundary` }), resolveConfig({}));
const handMade: HarnessResource = {
  type: "aws:iam/role:Role",
  urn: urn("aws:iam/role:Role", "legacy-etl"),
  name: "legacy-etl",
  props: {
    arn: `arn:aws:iam::${ACCOUNT}:role/legacy-etl`,
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    createDate: "2023-03-14T08:00:00Z",
    id: "legacy-etl",
    inlinePolicies: [{ name: "everything", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) }],
    managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    maxSessionDuration: 3600,
    name: "legacy-etl",
    path: "/",
    tags: {},
    tagsAll: {},
    uniqueId: "AROAEXAMPLEROLEID0002",
  },
};

const brief = (d: Diagnostic) => `${d.urn?.slice(d.urn.lastIndexOf("::") + 2)} ${d.message.slice(0, d.message.indexOf(": "))}`;

describe("the pack in an audit policy group, on resources Insights Discovery finds", () => {
  it("a governed role whose seal verifies against its read properties passes, judged alone", async () => {
    const role = discoveredRole(governed());
    expect(await h.analyze(role)).toEqual([]);
    expect(await h.analyzeStack([role])).toEqual([]);
  });

  it("a hand-made role: created outside governed IaC, and its read-back policies are judged, under the role's URN", async () => {
    const diags = await h.analyze(handMade);
    expect(diags.map(brief).sort()).toEqual([
      "legacy-etl NHI-GOV-001",
      "legacy-etl NHI-GOV-005[Action::s3:*]",
      "legacy-etl NHI-GOV-006[Action::s3:*]",
      "legacy-etl NHI-GOV-007[Policy::AdministratorAccess]",
      "legacy-etl NHI-GOV-008[Boundary::missing]",
    ]);
    expect(diags.find((d) => d.policyName === "NHI-GOV-001")?.message).toContain("was created outside governed IaC");
    expect(diags.find((d) => d.policyName === "NHI-GOV-007")?.message).toContain("aws:iam/role:Role::legacy-etl#managed_policy_arns/arn:aws:iam::aws:policy/AdministratorAccess attaches AWS managed policy AdministratorAccess");
    // The whole account at once says the same, once: what Analyze reported is not repeated.
    expect(await h.analyzeStack([handMade])).toEqual([]);
  });

  it("a governed role edited after deploy has drifted, and the message names what differs", async () => {
    const role = discoveredRole(governed(), (p) => {
      p.maxSessionDuration = 43200;
    });
    const diags = await h.analyze(role);
    const drift = diags.find((d) => d.message.startsWith("NHI-GOV-002[Seal::mismatch]"));
    expect(drift?.message).toContain("drifted after deploy");
    expect(drift?.message).toContain("maximum session duration is 43200 s, but its nhi:ttl tag says PT1H (3600 s); with that undone the seal verifies, so nothing else changed");
    expect(diags.map(brief).sort()).toEqual(["payments-ci-deployer NHI-GOV-002[Owner::urn:pulumi:aws-111111111111::insights::aws:iam/role:Role::payments-ci-deployer]", "payments-ci-deployer NHI-GOV-002[Seal::mismatch]", "payments-ci-deployer NHI-GOV-011[Session::too-long]"]);
  });

  it("a policy attached beside a governed role after deploy is an integrity finding on the role", async () => {
    const role = discoveredRole(governed(), (p) => {
      p.managedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
      (p.inlinePolicies as unknown[]).push({ name: "debug", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:GetLogEvents", Resource: "*" }] }) });
    });
    const diags = await h.analyze(role);
    expect(diags.map(brief).sort()).toEqual([
      "payments-ci-deployer NHI-GOV-002[Attachment::urn:pulumi:aws-111111111111::insights::aws:iam/role:Role::payments-ci-deployer#inline_policy/debug]",
      "payments-ci-deployer NHI-GOV-002[Attachment::urn:pulumi:aws-111111111111::insights::aws:iam/role:Role::payments-ci-deployer#managed_policy_arns/arn:aws:iam::aws:policy/ReadOnlyAccess]",
      // ReadOnlyAccess judged by its document, as everywhere (the substance rules).
      "payments-ci-deployer NHI-GOV-005[Policy::ReadOnlyAccess]",
      "payments-ci-deployer NHI-GOV-006[Policy::ReadOnlyAccess]",
    ]);
    expect(diags.find((d) => d.message.startsWith("NHI-GOV-002"))?.message).toContain("is not part of its seal");
  });

  it("the role's policy discovered as a resource of its own too is counted once", async () => {
    const r = governed();
    const role = discoveredRole(r);
    const policy: HarnessResource = {
      type: "aws:iam/rolePolicy:RolePolicy",
      urn: urn("aws:iam/rolePolicy:RolePolicy", `${r.principal.name}:${r.policy.name}`),
      name: `${r.principal.name}:${r.policy.name}`,
      props: { id: `${r.principal.name}:${r.policy.name}`, name: r.policy.name, namePrefix: "", policy: r.policy.json, role: r.principal.name },
    };
    expect(await h.analyzeStack([role, policy])).toEqual([]);
  });

  it("a resource with a component parent is not taken for a discovered one", async () => {
    const role = discoveredRole(governed());
    const child = { ...role, urn: "urn:pulumi:dev::app::acme:x:Thing$aws:iam/role:Role::payments-ci-deployer", parent: "urn:pulumi:dev::app::acme:x:Thing::thing" };
    expect(await h.analyze(child)).toEqual([]); // sealed and parented: judged with its stack only
    const seal = (await h.analyzeStack([child])).find((d) => d.message.startsWith("NHI-GOV-002[Seal::mismatch]"));
    expect(seal?.message).not.toContain("drifted after deploy");
  });
});
