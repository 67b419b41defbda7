import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { fromPulumiResources } from "../../src/adapters/pulumi";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";
import { build, Built, pulumiComponent, recorder } from "./build";
import { CONFIG, configurations } from "./fixtures";
import { RecordedResource } from "./harness";

/**
 * The gates' view of what the component registers: the recorded registrations (wire-format
 * inputs, parent URNs, property dependencies) through the Pulumi adapter (src/adapters/pulumi.ts),
 * which the policy pack uses too, then the engine with every registered rule.
 */
function report(resources: RecordedResource[], scope: "changes" | "all" = "changes") {
  const input = fromPulumiResources(
    resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies })),
    { action: "create" },
  );
  return { input, report: evaluate({ ...input, scope }, { config: CONFIG, clock }) };
}
const brief = (findings: { findingId: string; address: string; message: string }[]) => findings.map((f) => `${f.findingId} ${f.address}: ${f.message}`);

describe("the engine reports nothing for any valid configuration", () => {
  test.each(configurations())("$label", async ({ args }) => {
    const b: Built = await build("gi", args);
    for (const scope of ["changes", "all"] as const) {
      const { input, report: r } = report(b.all, scope);
      expect(input.components.map((c) => c.id)).toEqual([b.self.urn]);
      expect(brief(r.findings)).toEqual([]);
      // Every identity resource the adapter found is judged governed, through the component.
      const summary = r.resources.map((s) => `${s.type} ${s.governed} via ${s.via}`).sort();
      expect(summary).toEqual(input.resources.map((x) => `${x.nativeType} governed via component`).sort());
      expect(input.resources.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("and it does report what does not belong (so the test above can fail)", () => {
  const args = configurations()[0].args;

  test("a raw role created beside the component", async () => {
    const b = await build("gi", args);
    recorder.reset();
    new Role("raw", { name: "raw-deployer", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    await recorder.settle();
    const { report: r } = report([...b.all, ...recorder.resources]);
    const raw = "urn:pulumi:stack::project::aws:iam/role:Role::raw";
    expect(r.findings.length).toBeGreaterThan(0);
    expect(new Set(r.findings.map((f) => f.address))).toEqual(new Set([raw]));
    expect(r.findings.map((f) => f.ruleId)).toContain("NHI-GOV-001");
  });

  test("an extra inline policy created under the component with parent: it proves nothing", async () => {
    recorder.reset();
    const component = new pulumiComponent.GovernedIdentity("gi", args, { clock });
    new RolePolicy("gi-extra", { name: "extra", role: "payments-deployer", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }, { parent: component });
    await recorder.settle();
    const { report: r } = report(recorder.resources);
    const extra = r.findings.filter((f) => f.address.endsWith("::gi-extra"));
    expect(extra.length).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.address.endsWith("::gi-role"))).toEqual([]);
    // Note: provenance counts "a second policy" in registration order, so the component's own
    // policy (registered after the extra one here) is reported as the second; reported upstream.
  });

  test("a child whose tags were changed after rendering", async () => {
    const b = await build("gi", args);
    const edited = b.all.map((r) => (r.type === "aws:iam/role:Role" ? { ...r, props: { ...r.props, tags: { ...(r.props.tags as object), "nhi:owner": "@someone/else" } } } : r));
    const { report: r } = report(edited);
    expect(r.findings.map((f) => f.ruleId)).toContain("NHI-GOV-002");
    expect(r.findings.some((f) => /tags differs from what the declared spec/.test(f.message))).toBe(true);
  });
});
