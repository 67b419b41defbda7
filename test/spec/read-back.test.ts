import { resolveConfig } from "../../src/spec/config";
import { GovernedIdentitySpecShape, parseSpec, readBackSpec } from "../../src/spec/identity";
import { clock, specsOfEveryKind, validSpec } from "../helpers";

const oidc = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
const config = resolveConfig({ defaultPermissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary", githubOidcProviderArns: { "111111111111": oidc("111111111111") }, environmentAccounts: { prod: ["111111111111"] } });
const noBoundary = ({ permissionsBoundary: _, ...rest }: ReturnType<typeof validSpec>) => rest;
const inputs = [
  ...specsOfEveryKind(),
  // Fields parseSpec fills in from the gate config: the boundary, a github-oidc trust's provider.
  noBoundary(validSpec({ name: "filled-boundary" })),
  noBoundary(validSpec({ name: "filled-oidc", environment: "prod", trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main" } })),
];

describe("reading back a recorded spec (readBackSpec, memoized by content)", () => {
  test.each(inputs.map((s) => [s.name, s] as const))("a spec parseSpec returns reads back as the same text: %s", (_name, input) => {
    const spec = parseSpec(input, { clock, config });
    // The invariant the memo relies on: the shape reads parseSpec's output as itself.
    expect(JSON.stringify(GovernedIdentitySpecShape.parse(spec))).toBe(JSON.stringify(spec));
    const read = readBackSpec(spec);
    expect(read.success && JSON.stringify(read.data)).toBe(JSON.stringify(spec));
  });

  it("a hit is a fresh copy: changing what one reader got changes nothing for the next", () => {
    const spec = parseSpec(validSpec({ name: "fresh-copy" }), { clock, config });
    const first = readBackSpec(spec);
    if (!first.success) throw new Error("expected the spec to read back");
    first.data.access.push({ actions: ["*"], resources: ["*"] } as never);
    const second = readBackSpec(spec);
    expect(second.success && second.data.access).toEqual(spec.access);
  });

  it("a spec changed after it was parsed is read again, and what the shape rejects is rejected", () => {
    const spec = parseSpec(validSpec({ name: "changed-later" }), { clock, config });
    readBackSpec(spec);
    const changed = { ...spec, credential: { kind: "static-key", rotation: "P9999D" } };
    expect(readBackSpec(changed).success).toBe(GovernedIdentitySpecShape.safeParse(changed).success);
    expect(readBackSpec({ ...spec, name: 42 }).success).toBe(false);
  });

  it("input that is not plain JSON data is parsed each time, never answered by its text", () => {
    const spec = parseSpec(validSpec({ name: "not-plain" }), { clock, config });
    readBackSpec(spec);
    // The same text, but a Date where the schema wants a string: the schema decides, not the memo.
    const withDate = { ...spec, recertifyBy: Object.assign(new Date(`${spec.recertifyBy}T00:00:00Z`), { toJSON: () => spec.recertifyBy }) };
    expect(JSON.stringify(withDate)).toBe(JSON.stringify(spec));
    expect(readBackSpec(withDate).success).toBe(GovernedIdentitySpecShape.safeParse(withDate).success);
    expect(readBackSpec(withDate).success).toBe(false);
  });
});
