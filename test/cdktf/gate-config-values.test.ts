import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity, NhiGovernance, SpecValidationError } from "../../constructs/cdktf";
import type { GateConfigInput } from "../../constructs/cdktf";
import { TAG } from "../../src/spec/tags";
import { clock, validSpec } from "../helpers";
import { block, findingIds, gateSynth, readStackJson, synthError, tmpApp } from "./helpers";

const PROD = "111111111111";
const oidc = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
/** Values the platform team sets once in the shared gate config. */
const PLATFORM: GateConfigInput = {
  githubOidcProviderArns: { [PROD]: oidc(PROD) },
  environmentAccounts: { prod: [PROD] },
  ownerPattern: { pattern: "@acme/[a-z0-9-]+", description: "a team handle @acme/<team>" },
};
const deployer = () => validSpec({ trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main" } });

describe("CDKTF: the OIDC provider ARN from the gate config", () => {
  it("renders the config's ARN as a literal; the aspect and a gate reading cdk.tf.json both find the identity governed", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "payments");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const gi = new GovernedIdentity(stack, "deployer", { ...deployer(), clock, config: PLATFORM });
    NhiGovernance.of(stack).enforce(PLATFORM, { clock });
    app.synth();
    expect(NhiGovernance.of(stack).lastReport?.findings).toEqual([]);
    expect(gi.spec.trust).toMatchObject({ oidcProviderArn: oidc(PROD) });
    const tf = readStackJson(outdir, "payments");
    const role = block(tf, "aws_iam_role", "deployer");
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Federated: oidc(PROD) });
    // No config needed to verify: the seal covers the literal ARN.
    expect(findingIds(gateSynth(tf))).toEqual([]);
    expect((role.tags as Record<string, string>)[TAG.seal]).toBe(gi.rendered.principal.tags[TAG.seal]);
  });

  it("without a config that supplies one, the construct names the field", () => {
    const { app } = tmpApp();
    const stack = new TerraformStack(app, "payments");
    expect(() => new GovernedIdentity(stack, "deployer", { ...deployer(), clock })).toThrow(
      "payments/deployer: invalid governed identity spec\n  - trust.oidcProviderArn: got nothing; expected the ARN of the account's GitHub OIDC provider",
    );
  });
});

describe("CDKTF: ownerPattern is enforced alike by the construct and by the aspect", () => {
  it("the construct validates the owner against its config", () => {
    const { app } = tmpApp();
    const stack = new TerraformStack(app, "payments");
    let error: unknown;
    try {
      new GovernedIdentity(stack, "deployer", { ...deployer(), owner: "platform@acme.com", clock, config: PLATFORM });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues).toEqual([
      {
        path: "owner",
        received: '"platform@acme.com"',
        message: "expected an owner matching the gate config's ownerPattern: a team handle @acme/<team> (/@acme/[a-z0-9-]+/); fix: use an owner of that form, or change ownerPattern in the gate config",
      },
    ]);
  });

  it("an identity built with a looser config fails the stack's gate (NHI-GOV-003 on nhi:owner)", () => {
    const { app } = tmpApp();
    const stack = new TerraformStack(app, "payments");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new GovernedIdentity(stack, "deployer", { ...validSpec(), owner: "platform@acme.com", clock });
    NhiGovernance.of(stack).enforce(PLATFORM, { clock });
    const message = synthError(app);
    expect(message).toContain("NHI-GOV-003");
    expect(message).toContain('has nhi:owner = "platform@acme.com"; expected an owner matching the gate config\'s ownerPattern: a team handle @acme/<team>');
  });
});
