import * as aws from "@pulumi/aws";

/**
 * The payments identities written with raw @pulumi/aws resources, as many real programs do.
 * The nhi-governance policy pack must fail `pulumi preview` on it.
 */
export function program() {
  const deployer = new aws.iam.Role("ci-deployer", {
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
  });
  new aws.iam.RolePolicyAttachment("ci-deployer-admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
  const user = new aws.iam.User("legacy-sftp", { name: "payments-legacy-sftp" });
  const key = new aws.iam.AccessKey("legacy-sftp-key", { user: user.name });
  return { deployerArn: deployer.arn, accessKeyId: key.id };
}

