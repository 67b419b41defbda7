import { execFileSync } from "child_process";
import { join } from "path";
import { recordPulumiProgram, checkPulumiProgram } from "../../testing";
import { PulumiResourceInput } from "../../src/adapters/pulumi";
import { clock, NOW } from "../helpers";
import * as P from "../testing-kit/programs";
import { cloudFormationStack } from "../security/programs";
import { Diagnostic, Harness, PACK_DIR, PREVIEW_UNKNOWN, startPack } from "./harness";

let h: Harness;
beforeAll(async () => {
  // The pack runs compiled JavaScript, as `pulumi preview --policy-pack` runs it: build it first.
  execFileSync(process.execPath, [join(__dirname, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(PACK_DIR, "tsconfig.json")], { stdio: "inherit" });
  h = await startPack({ env: { NHI_GOVERNANCE_NOW: NOW.toISOString() } });
  await h.configure({});
}, 120_000);
afterAll(async () => h?.close());

const toHarness = (r: PulumiResourceInput) => ({ type: r.type as string, urn: r.urn, name: r.name ?? "", props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies });

/** Everything the engine reports for a program: Analyze per resource, then AnalyzeStack, as in a preview. */
async function preview(rows: PulumiResourceInput[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const r of rows) out.push(...(await h.analyze(toHarness(r))));
  out.push(...(await h.analyzeStack(rows.map(toHarness))));
  return out;
}
const key = (urn: string | undefined, id: string) => `${urn} ${id}`;

describe("the policy pack under the analyzer protocol", () => {
  it("describes every rule as a policy, with severity, remediation, url and framework, and a config schema", async () => {
    const info = await h.analyzerInfo();
    expect(info.name).toBe("nhi-governance");
    const gov001 = info.policies.find((p) => p.name === "NHI-GOV-001");
    expect(gov001).toMatchObject({ enforcementLevel: "mandatory", severity: "high", url: expect.stringContaining("#nhi-gov-001") });
    expect(gov001?.remediationSteps).toContain("GovernedIdentity");
    expect(gov001?.framework?.reference).toContain("NHI1");
    const engine = info.policies.find((p) => p.name === "nhi-governance");
    expect(Object.keys(engine?.configSchema ?? {})).toEqual(expect.arrayContaining(["failOn", "approvedConstructs", "exemptionsFile", "exemptions"]));
  });

  for (const [name, program] of Object.entries({ handWritten: P.handWritten, governed: P.governed, ownComponent: P.ownComponent, spoofedParent: P.spoofedParent, otherProviders: P.otherProviders })) {
    it(`${name}: the same findings as the offline kit, each under its rule's policy, once`, async () => {
      const rows = await recordPulumiProgram(program);
      const report = await checkPulumiProgram(program, { clock });
      const diags = await preview(rows);
      const got = diags.map((d) => key(d.urn, d.message.slice(0, d.message.indexOf(": "))));
      expect(got.sort()).toEqual(report.findings.map((f) => key(f.address, f.findingId)).sort());
      for (const d of diags) expect(d.policyName).toBe(d.message.slice(0, d.message.search(/[[:]/)));
      if (name === "governed") expect(diags).toEqual([]);
    });
  }

  it("the engine's URNs carry the whole type chain: a parent missing from the list still counts", async () => {
    const role = "urn:pulumi:dev::app::acme:platform:TeamDeployer$nhi-governance:aws:GovernedIdentity$aws:iam/role:Role::x-role";
    const diags = await h.analyzeStack([{ type: "aws:iam/role:Role", urn: role, name: "x-role", props: { name: "x" } }]);
    expect(diags.map((d) => d.message.slice(0, d.message.indexOf(":", d.message.indexOf("]")) ))).toContain("NHI-GOV-002[Component::missing]");
  });

  it("a value unknown during preview is reported with the field named, never passed", async () => {
    const urn = "urn:pulumi:dev::app::aws:iam/role:Role::r";
    const diags = await preview([{ type: "aws:iam/role:Role", urn, name: "r", props: { name: "r", assumeRolePolicy: PREVIEW_UNKNOWN, tags: PREVIEW_UNKNOWN } }]);
    // The unknown tags are part of the role's NHI-GOV-001 finding (one problem: a hand-written role).
    expect(diags.filter((d) => d.message.includes("Lifecycle tags (NHI-GOV-003): cannot evaluate them: tags are unknown until apply")).map((d) => d.policyName)).toEqual(["NHI-GOV-001"]);
    expect(diags.some((d) => d.message.includes("(field: assume_role_policy)"))).toBe(true);
  });

  it("enforcement follows failOn from the pack config; inline exemptions apply", async () => {
    await h.configure({ "nhi-governance": { failOn: "critical", exemptions: [{ rule: "NHI-GOV-001", resource: "*::deployer", reason: "migrating to GovernedIdentity", owner: "@acme/payments", ticket: "SEC-9", expires: "2026-06-05" }] } });
    try {
      const rows = await recordPulumiProgram(P.handWritten);
      const diags = await preview(rows);
      const role001 = diags.find((d) => d.policyName === "NHI-GOV-001" && d.urn?.endsWith("::deployer"));
      expect(role001?.enforcementLevel).toBe("advisory");
      expect(role001?.message).toContain("exempted by SEC-9");
      // With NHI-GOV-001 exempted, the role's lifecycle tags are one NHI-GOV-003 finding of their own.
      expect(diags.filter((d) => d.policyName === "NHI-GOV-003").map((d) => [d.urn?.split("::").pop(), d.message.slice(0, d.message.indexOf(":")), d.enforcementLevel])).toEqual([["deployer", "NHI-GOV-003", "advisory"]]);
      expect(diags.find((d) => d.policyName === "NHI-GOV-007")?.enforcementLevel).toBe("mandatory");
    } finally {
      await h.configure({});
    }
  });

  it("identities inside a CloudFormation stack are reported on the stack, naming the identity; a Cloud Control role on itself", async () => {
    const rows = await recordPulumiProgram(cloudFormationStack);
    const diags = await preview(rows);
    const stack = rows.find((r) => r.type === "aws:cloudformation/stack:Stack")!.urn;
    const cc = rows.find((r) => r.type === "aws:cloudcontrol/resource:Resource")!.urn;
    const admin = diags.filter((d) => d.policyName === "NHI-GOV-007").map((d) => [d.urn, d.message.slice(0, d.message.indexOf(": ")), d.enforcementLevel]);
    expect(admin.sort()).toEqual([
      [cc, "NHI-GOV-007[Policy::AdministratorAccess]", "mandatory"],
      [stack, "NHI-GOV-007[Policy::AdministratorAccess]", "mandatory"],
    ].sort());
    expect(diags.find((d) => d.policyName === "NHI-GOV-007" && d.urn === stack)?.message).toContain(`${stack}/Resources/Svc attaches AWS managed policy AdministratorAccess`);
    // Each finding once, whether Analyze or AnalyzeStack reported it.
    const keys = diags.map((d) => `${d.urn} ${d.message}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
