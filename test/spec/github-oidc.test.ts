import { evaluate } from "../../src/engine/evaluate";
import { renderIdentity, renderTrust } from "../../src/render/aws";
import { GateConfigInput, GateConfigSchema, resolveConfig } from "../../src/spec/config";
import { GovernedIdentitySpecInput, parseSpec, SpecValidationError } from "../../src/spec/identity";
import { TAG } from "../../src/spec/tags";
import { renderedResources } from "../../testing/resources";
import { clock, OIDC, validSpec } from "../helpers";

const oidc = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
const PROD = "111111111111";
const STAGING = "222222222222";
const SHARED = "333333333333";
/** A platform team's config: one provider per account, a default for the shared CI account. */
const PLATFORM: GateConfigInput = {
  githubOidcProviderArns: { [PROD]: oidc(PROD), [STAGING]: oidc(STAGING) },
  environmentAccounts: { prod: [PROD], staging: [STAGING], dev: [SHARED, "444444444444"] },
};
const github = (extra: Record<string, unknown> = {}) => ({ kind: "github-oidc" as const, repository: "acme/payments-api", ref: "refs/heads/main", ...extra });
const spec = (trust: Record<string, unknown>, overrides: Partial<GovernedIdentitySpecInput> = {}) => validSpec({ trust: trust as GovernedIdentitySpecInput["trust"], ...overrides });
const federated = (s: ReturnType<typeof renderIdentity>) => (s.principal.assumeRolePolicy?.Statement[0].Principal as { Federated: string }).Federated;

function problems(input: unknown, config: GateConfigInput): string[] {
  try {
    parseSpec(input, { clock, config: resolveConfig(config) });
  } catch (e) {
    if (e instanceof SpecValidationError) return e.message.split("\n").slice(1);
    throw e;
  }
  throw new Error("expected the spec to be rejected");
}

describe("the GitHub OIDC provider comes from the gate config when the spec names none", () => {
  test.each<[string, Record<string, unknown>, Partial<GovernedIdentitySpecInput>, GateConfigInput, string]>([
    ["the default", github(), {}, { defaultGithubOidcProviderArn: OIDC }, OIDC],
    ["the entry of trust.account", github({ account: STAGING }), {}, PLATFORM, oidc(STAGING)],
    ["the entry of the environment's one account", github(), { environment: "prod" }, PLATFORM, oidc(PROD)],
    ["the default, when it is in trust.account", github({ account: SHARED }), {}, { ...PLATFORM, defaultGithubOidcProviderArn: oidc(SHARED) }, oidc(SHARED)],
    ["the default, when the environment has several accounts", github(), { environment: "dev" }, { ...PLATFORM, defaultGithubOidcProviderArn: oidc(SHARED) }, oidc(SHARED)],
    ["the spec's own ARN over the config's", github({ oidcProviderArn: OIDC }), { environment: "prod" }, { ...PLATFORM, defaultGithubOidcProviderArn: oidc(SHARED) }, OIDC],
  ])("%s", (_label, trust, overrides, config, expected) => {
    const cfg = resolveConfig(config);
    const s = parseSpec(spec(trust, overrides), { clock, config: cfg });
    // The validated spec records the choice (the Pulumi component registers it; the policy pack re-renders from it).
    expect(s.trust).toMatchObject({ kind: "github-oidc", oidcProviderArn: expected });
    const rendered = renderIdentity(s, cfg);
    expect(federated(rendered)).toBe(expected);
    // A literal in the trust policy: exactly what a spec naming that ARN renders, seal included.
    const explicit = renderIdentity(parseSpec(spec({ ...trust, oidcProviderArn: expected }, overrides), { clock, config: cfg }), cfg);
    expect(rendered.principal.assumeRolePolicyJson).toBe(explicit.principal.assumeRolePolicyJson);
    expect(rendered.principal.tags[TAG.seal]).toBe(explicit.principal.tags[TAG.seal]);
    // And the gates verify it at plan time like any governed identity.
    const report = evaluate({ resources: renderedResources(rendered) }, { clock, config: cfg });
    expect(report.findings.map((f) => f.findingId)).toEqual([]);
    expect(report.resources.every((r) => r.governed === "governed")).toBe(true);
  });

  test("the renderer decides from the config even for a spec that was not resolved by parseSpec", () => {
    const cfg = resolveConfig(PLATFORM);
    expect((renderTrust(github({ account: PROD }), cfg).Statement[0].Principal as { Federated: string }).Federated).toBe(oidc(PROD));
    expect(() => renderTrust(github(), resolveConfig({}))).toThrow(
      "cannot render the github-oidc trust of acme/payments-api: trust.oidcProviderArn: expected the ARN of the account's GitHub OIDC provider",
    );
  });
});

describe("when no provider can be chosen, the spec is rejected naming the field and the fix", () => {
  test.each<[string, Record<string, unknown>, Partial<GovernedIdentitySpecInput>, GateConfigInput, string]>([
    [
      "an account the config has no provider for",
      github({ account: SHARED }),
      {},
      PLATFORM,
      `  - trust.oidcProviderArn: got nothing; expected the ARN of the GitHub OIDC provider in account ${SHARED} (trust.account); the gate config has none for that account; fix: add "${SHARED}" to githubOidcProviderArns in the gate config, or set trust.oidcProviderArn`,
    ],
    [
      "a default in another account than the role's",
      github({ account: SHARED }),
      {},
      { defaultGithubOidcProviderArn: oidc(PROD) },
      `  - trust.oidcProviderArn: got nothing; expected the ARN of the GitHub OIDC provider in account ${SHARED} (trust.account); the gate config has none for that account; fix: add "${SHARED}" to githubOidcProviderArns in the gate config, or set trust.oidcProviderArn`,
    ],
    [
      "an environment whose one account has none",
      github(),
      { environment: "test" },
      { ...PLATFORM, environmentAccounts: { test: [SHARED] } },
      `  - trust.oidcProviderArn: got nothing; expected the ARN of the GitHub OIDC provider in account ${SHARED} (the one account environmentAccounts lists for environment test); the gate config has none for that account; fix: add "${SHARED}" to githubOidcProviderArns in the gate config, or set trust.oidcProviderArn`,
    ],
    [
      "several accounts and no way to choose",
      github(),
      { environment: "dev" },
      PLATFORM,
      `  - trust.account: got nothing; expected trust.account, the AWS account the role lives in, to choose its GitHub OIDC provider from the gate config's githubOidcProviderArns (${PROD}, ${STAGING}); fix: set trust.account, or trust.oidcProviderArn`,
    ],
    [
      "an ARN of another account than trust.account",
      github({ oidcProviderArn: oidc(PROD), account: STAGING }),
      {},
      {},
      `  - trust.account: got "${STAGING}"; expected the account of trust.oidcProviderArn (${PROD}); fix: correct trust.account or trust.oidcProviderArn, or drop one of them`,
    ],
  ])("%s", (_label, trust, overrides, config, line) => {
    expect(problems(spec(trust, overrides), config)).toEqual([line]);
  });
});

describe("the gate config's provider ARNs are validated", () => {
  test.each<[string, GateConfigInput, [string, string][]]>([
    ["an ARN filed under another account", { githubOidcProviderArns: { [STAGING]: oidc(PROD) } }, [[STAGING, `expected an OIDC provider of account ${STAGING}, got one of account ${PROD}; fix: put the ARN under its own account id`]]],
    ["a key that is no account id", { githubOidcProviderArns: { prod: oidc(PROD) } }, [["prod", "expected 12-digit AWS account ids as keys; fix: key each ARN by its account id"]]],
    ["another provider than GitHub's", { defaultGithubOidcProviderArn: `arn:aws:iam::${PROD}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X` }, [["", "expected arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com"]]],
  ])("%s", (_label, config, issues) => {
    const r = GateConfigSchema.safeParse(config);
    expect(r.error?.issues.map((i) => [i.path.slice(1).join("."), i.message])).toEqual(issues);
  });
});
