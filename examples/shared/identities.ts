import type { GovernedIdentitySpecInput } from "../../src/spec/identity";

/**
 * The identities a small payments team needs, as specs. The CDKTF and Pulumi examples build
 * them from this one file: two front ends of one spec.
 */
export const ACCOUNT = "123456789012";
export const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/nhi-permissions-boundary`;
export const GITHUB_OIDC_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** Recertify in 90 days from today: the examples stay valid whenever they run. */
export function recertifyIn(days: number, from: Date = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function exampleIdentities(now: Date = new Date()): Record<string, GovernedIdentitySpecInput> {
  const common = {
    owner: "@acme/payments",
    environment: "prod",
    systemOfRecord: "https://cmdb.example.com/ci/PAY-42",
    permissionsBoundary: BOUNDARY,
    recertifyBy: recertifyIn(90, now),
  };
  return {
    // A CI deployer: GitHub Actions on main, through OIDC, no secret anywhere.
    ciDeployer: {
      ...common,
      name: "payments-ci-deployer",
      purpose: "Deploys the payments API from GitHub Actions on main",
      retirement: "when the payments API moves off GitHub Actions",
      workload: "github.com/acme/payments-api deploy workflow",
      trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: GITHUB_OIDC_PROVIDER },
      credential: { kind: "federated" },
      access: [
        { actions: ["lambda:UpdateFunctionCode", "lambda:GetFunction"], resources: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:payments-api`] },
        { actions: ["s3:PutObject"], resources: ["arn:aws:s3:::acme-payments-artifacts/releases/*"] },
      ],
    },
    // A service role for a Lambda function: short sessions, scoped to one table and one queue.
    lambdaRole: {
      ...common,
      name: "payments-api-lambda",
      purpose: "Runtime role of the payments API Lambda function",
      retirement: "when the payments-api function is deleted",
      workload: "lambda function payments-api",
      trust: { kind: "aws-service", service: "lambda.amazonaws.com", sourceAccount: ACCOUNT },
      credential: { kind: "ephemeral", maxSessionDuration: "PT1H" },
      access: [
        { actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], resources: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/payments`] },
        { actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:eu-west-1:${ACCOUNT}:payments-events`] },
      ],
    },
    // A legacy SFTP integration that can only use an access key: expiry and rotation required.
    legacyIntegration: {
      ...common,
      name: "payments-legacy-sftp",
      purpose: "Legacy bank SFTP sync that only supports static access keys",
      retirement: "when the bank offers OIDC federation - ticket PAY-311",
      workload: "bank-sync cron on the partner side",
      credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" },
      access: [{ actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::acme-bank-exchange/inbound/*"] }],
    },
  };
}
