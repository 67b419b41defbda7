import * as pulumi from "@pulumi/pulumi";
import type { GovernedIdentityArgs } from "../../constructs/pulumi";
import { fromPulumiResources } from "../../src/adapters/pulumi";
import { evaluate } from "../../src/engine/evaluate";
import { TAG } from "../../src/spec/tags";
import { BOUNDARY, clock, validSpec } from "../helpers";
import { build, pulumiComponent, recorder } from "../pulumi-component/build";
import type { RecordedResource } from "../pulumi-component/harness";
import { construct, overTheWire } from "./construct";

const PROD = "111111111111";
const oidc = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
/** The gate config a platform team passes to every component (the args' `config`). */
const PLATFORM = {
  defaultPermissionsBoundary: BOUNDARY,
  githubOidcProviderArns: { [PROD]: oidc(PROD) },
  ownerPattern: { pattern: "@acme/[a-z0-9-]+", description: "a team handle @acme/<team>" },
};
const deployer = (extra: Record<string, unknown> = {}): GovernedIdentityArgs =>
  ({
    ...validSpec({ permissionsBoundary: undefined, trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", account: PROD } }),
    config: PLATFORM,
    ...extra,
  }) as GovernedIdentityArgs;

const trustOf = (resources: RecordedResource[]) => JSON.parse(resources.find((r) => r.type === "aws:iam/role:Role")?.props.assumeRolePolicy as string).Statement[0].Principal;

/** The gates' view (the policy pack's adapter) with a config that supplies nothing: the registered spec must be enough. */
function packReport(resources: RecordedResource[]) {
  const input = fromPulumiResources(
    resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies })),
    { action: "create" },
  );
  return evaluate({ ...input, scope: "all" }, { config: {}, clock });
}

describe("Pulumi: the OIDC provider ARN from the gate config (component and component provider)", () => {
  test("the TypeScript component renders the config's ARN and registers it in its declared spec", async () => {
    const b = await build("deployer", deployer());
    expect(trustOf(b.all)).toEqual({ Federated: oidc(PROD) });
    expect((b.self.props.spec as { trust: { oidcProviderArn?: string } }).trust.oidcProviderArn).toBe(oidc(PROD));
    // The pack re-renders from the registered spec: no drift, governed, even with a config that has no ARNs.
    const report = packReport(b.all);
    expect(report.findings.map((f) => `${f.findingId} ${f.message}`)).toEqual([]);
    expect(report.resources.every((r) => r.governed === "governed")).toBe(true);
  });

  test("the component provider (another language's inputs) registers exactly the same", async () => {
    const ts = await build("deployer", deployer());
    const c = await construct("deployer", overTheWire(deployer()));
    expect(trustOf(c.resources)).toEqual({ Federated: oidc(PROD) });
    const seal = (rs: RecordedResource[]) => (rs.find((r) => r.type === "aws:iam/role:Role")?.props.tags as Record<string, string>)[TAG.seal];
    expect(seal(c.resources)).toBe(seal(ts.all));
    expect(packReport(c.resources).findings).toEqual([]);
  });
});

describe("Pulumi: ownerPattern from the gate config", () => {
  const expected = {
    path: "owner",
    received: '"platform@acme.com"',
    message: "expected an owner matching the gate config's ownerPattern: a team handle @acme/<team> (/@acme/[a-z0-9-]+/); fix: use an owner of that form, or change ownerPattern in the gate config",
  };

  test("the TypeScript component rejects a non-matching owner", async () => {
    recorder.reset();
    let error: unknown;
    try {
      new pulumiComponent.GovernedIdentity("deployer", deployer({ owner: "platform@acme.com" }), { clock });
    } catch (e) {
      error = e;
    }
    await recorder.settle();
    expect(recorder.resources).toEqual([]);
    expect(error).toBeInstanceOf(pulumiComponent.SpecValidationError);
    expect((error as InstanceType<typeof pulumiComponent.SpecValidationError>).issues).toEqual([expected]);
  });

  test("the component provider returns it as the check failure of property owner", async () => {
    let error: unknown;
    try {
      await construct("deployer", overTheWire(deployer({ owner: "platform@acme.com" })));
    } catch (e) {
      error = e;
    }
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    expect((error as pulumi.InputPropertiesError).errors).toEqual([{ propertyPath: "owner", reason: `got ${expected.received}; ${expected.message}` }]);
  });

  test("a bad pattern in the config is a config error naming the field", async () => {
    recorder.reset();
    expect(() => new pulumiComponent.GovernedIdentity("deployer", deployer({ config: { ...PLATFORM, ownerPattern: { pattern: "(a+)+", description: "a's" } } }), { clock })).toThrow(
      /^deployer: invalid governed identity spec\n {2}- config\.ownerPattern\.pattern: got "\(a\+\)\+"; expected a pattern without nested quantifiers/,
    );
    await recorder.settle();
  });
});
