import { TAG } from "../../src/spec/tags";
import { build } from "../pulumi-component/build";
import { configurations } from "../pulumi-component/fixtures";
import type { RecordedResource } from "../pulumi-component/harness";
import { construct, overTheWire } from "./construct";

/** What a registration looks like to the engine, minus nothing: type, name, parent, inputs, dependencies. */
const shape = (r: RecordedResource) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, props: r.props, propertyDependencies: r.propertyDependencies });
const byUrn = (a: RecordedResource, b: RecordedResource) => a.urn.localeCompare(b.urn);

describe("construct through the component provider = the TypeScript component", () => {
  describe.each(configurations())("$label", ({ args }) => {
    test("registers the same component and children, with the same inputs, tags and seal", async () => {
      const ts = await build("gi", args);
      const expected = ts.all.map(shape).sort(byUrn);
      const viaProvider = await construct("gi", overTheWire(args));
      expect(viaProvider.resources.map(shape).sort(byUrn)).toEqual(expected);

      const self = viaProvider.resources.find((r) => r.type === "nhi-governance:aws:GovernedIdentity") as RecordedResource;
      expect(self.props.seal).toBe(ts.component.seal);
      const principal = viaProvider.resources.find((r) => r.type === "aws:iam/role:Role" || r.type === "aws:iam/user:User") as RecordedResource;
      expect((principal.props.tags as Record<string, string>)[TAG.seal]).toBe(ts.component.seal);
      expect(principal.parent).toBe(self.urn);
    });

    test("returns the component's URN and its outputs as state", async () => {
      const ts = await build("gi", args);
      const c = await construct("gi", overTheWire(args));
      const urn = await new Promise((r) => (c.result.urn as unknown as { apply(f: (u: string) => void): void }).apply(r));
      expect(urn).toBe(ts.self.urn);
      const expectedState: Record<string, unknown> = { ...ts.outputs, seal: ts.component.seal };
      for (const k of ["roleArn", "userArn", "secretArn"]) if (!(k in expectedState)) expectedState[k] = undefined;
      expect(c.state).toEqual(expectedState);
    });
  });

  test("rejects a type token it does not publish", async () => {
    await expect(construct("gi", overTheWire(configurations()[0].args), "nhi-governance:index:GovernedIdentity")).rejects.toThrow(
      "unknown resource type nhi-governance:index:GovernedIdentity; this provider constructs nhi-governance:aws:GovernedIdentity",
    );
  });
});
