/**
 * Issue 22, root cause 3: the governed credential leaks unseen. Its secret's resource policy is
 * judged, and configuration references are followed from every secret-bearing attribute to every
 * consumer (any resource type, module inputs, module outputs, root outputs), on a real plan, on
 * the streaming path, and in CDKTF synth output.
 */
import { TerraformLocal, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { NhiGovernance } from "../../constructs/cdktf";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { clock, spec } from "../helpers";
import { newStack } from "../cdktf/helpers";
import { expectBypass } from "./catalogue";
import { gate, scratch } from "./gate";
import { governedUserHcl, jsonHcl } from "./hcl";

const staticKey = (name: string) => renderIdentity(spec({ name, credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }), resolveConfig({}));
const everyone = { Version: "2012-10-17", Statement: [{ Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }] };

describeWithTerraform("root cause 3 on a real plan: the governed credential and its copies", () => {
  let planFile: string;
  beforeAll(() => {
    ({ planFile } = terraformPlan({
      "main.tf": `${awsProviderHcl()}
${governedUserHcl("key", staticKey("rc3-sync"))}
resource "aws_secretsmanager_secret_policy" "open" {
  secret_arn = aws_secretsmanager_secret.key.arn
  policy     = ${jsonHcl(everyone)}
}
${governedUserHcl("own_policy", staticKey("rc3-own-policy"), `  policy = ${jsonHcl(everyone)}`)}
resource "aws_ssm_parameter" "copy" {
  name  = "/ci/rc3-sync/secret"
  type  = "SecureString"
  value = aws_iam_access_key.key.secret
}
output "leak" {
  value     = aws_iam_access_key.key.secret
  sensitive = true
}
output "key_id" {
  value = aws_iam_access_key.key.id
}
module "relay" {
  source = "./modules/relay"
  secret = aws_iam_access_key.key.secret
}
module "keys" {
  source = "./modules/keys"
}
output "relayed" {
  value     = module.keys.secret
  sensitive = true
}
`,
      "modules/relay/main.tf": `variable "secret" {
  type      = string
  sensitive = true
}
resource "aws_ssm_parameter" "p" {
  name  = "/relay/secret"
  type  = "SecureString"
  value = var.secret
}
`,
      "modules/keys/main.tf": `resource "aws_iam_access_key" "k" {
  user = "legacy-ci"
}
output "secret" {
  value     = aws_iam_access_key.k.secret
  sensitive = true
}
`,
    }));
  }, 120_000);

  it("the governed user itself, its key stored in Secrets Manager, passes; an output of the key id is no copy of the secret", async () => {
    const run = await gate(["plan", planFile]);
    const governed = ["aws_iam_user.key", "aws_iam_user_policy.key", "aws_secretsmanager_secret_version.key"];
    expect(run.report!.findings.filter((f) => governed.includes(f.address))).toEqual([]);
    expect(run.report!.findings.filter((f) => f.findingId.includes("output.key_id"))).toEqual([]);
  });

  it("RC3-01: a resource policy opening the governed secret to everyone", async () => {
    const run = await gate(["plan", planFile]);
    expect(run.code).toBe(1);
    expectBypass("RC3-01", run.report!);
  });

  it("RC3-02: the governed secret's own policy attribute", async () => {
    expectBypass("RC3-02", (await gate(["plan", planFile])).report!);
  });

  it("RC3-03 / RC3-04: copies into a parameter, a root output and a module input; out through a module output", async () => {
    const run = await gate(["plan", planFile]);
    expectBypass("RC3-03", run.report!);
    expectBypass("RC3-04", run.report!);
    // The messages name the attribute and the consumer, never the value.
    const copy = run.report!.findings.find((f) => f.findingId === "NHI-GOV-014[Copy::output.leak]");
    expect(copy?.message).toMatch(/aws_iam_access_key\.key\.secret is copied into root output leak/);
  });

  it("the streaming reader (huge plans) gives the same findings", async () => {
    const whole = await gate(["plan", planFile]);
    const streamed = await gate(["plan", planFile], { NHI_GATE_STREAM_ABOVE: "1" });
    expect(streamed.report!.findings).toEqual(whole.report!.findings);
    expectBypass("RC3-03", streamed.report!);
    expectBypass("RC3-04", streamed.report!);
  });
});

describe("root cause 3 in CDKTF: a TerraformOutput through a TerraformLocal", () => {
  function leakyStack(): TerraformStack {
    const { stack } = newStack("leaky");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const user = new IamUser(stack, "ci", { name: "ci" });
    const key = new IamAccessKey(stack, "key", { user: user.name });
    const local = new TerraformLocal(stack, "creds", { id: key.id, secret: key.secret });
    new TerraformOutput(stack, "leak", { value: local.expression, sensitive: true });
    return stack;
  }

  it("RC3-05: nhi-gate synth follows the local to the output", async () => {
    const run = await gate(["synth", scratch().write("cdk.tf.json", Testing.synth(leakyStack()))]);
    expect(run.code).toBe(1);
    expectBypass("RC3-05", run.report!);
  });

  it("RC3-05: the aspect reports it on the key", () => {
    const stack = leakyStack();
    NhiGovernance.of(stack).enforce({}, { clock });
    Testing.synth(stack);
    expectBypass("RC3-05", NhiGovernance.of(stack).lastReport!);
  });
});
