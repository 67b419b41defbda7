import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";

/**
 * The same payments identities written the way many real projects write them: raw provider
 * resources, a wildcard trust subject, broad policies, a static key exported as an output.
 * `nhi-gate synth` on its output must fail.
 */
export class RawPaymentsIdentities extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const deployer = new IamRole(this, "ci-deployer", {
      name: "payments-ci-deployer",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } },
          },
        ],
      }),
      maxSessionDuration: 43200,
    });
    new IamRolePolicyAttachment(this, "ci-deployer-admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const lambda = new IamRole(this, "lambda-role", {
      name: "payments-api-lambda",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      tags: { team: "payments" },
    });
    new IamRolePolicy(this, "lambda-policy", {
      role: lambda.name,
      name: "payments-api",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*", "iam:PassRole"], Resource: "*" }] }),
    });
    const user = new IamUser(this, "legacy-sftp", { name: "payments-legacy-sftp" });
    const key = new IamAccessKey(this, "legacy-sftp-key", { user: user.name });
    new TerraformOutput(this, "legacy-sftp-secret", { value: key.secret, sensitive: true });
  }
}

export function synth(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new RawPaymentsIdentities(app, "payments-raw");
  app.synth();
  return app;
}

if (require.main === module) synth();
