import { fixedClock, addDays, isoDate } from "../src/engine/clock";
import { GovernedIdentitySpecInput, parseSpec } from "../src/spec/identity";
import { GateConfigInput, resolveConfig } from "../src/spec/config";

/** Tests run at a fixed instant; dates in specs are relative to it, so nothing expires next year. */
export const NOW = new Date("2026-06-01T12:00:00Z");
export const clock = fixedClock(NOW);
export const inDays = (n: number) => isoDate(addDays(NOW, n));

export const BOUNDARY = "arn:aws:iam::123456789012:policy/nhi-boundary";
export const OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

/** A valid spec (the happy path); tests change one field per failing case. */
export function validSpec(overrides: Partial<GovernedIdentitySpecInput> = {}): GovernedIdentitySpecInput {
  return {
    name: "payments-deployer",
    owner: "@acme/payments",
    purpose: "Deploys the payments API from GitHub Actions",
    environment: "prod",
    systemOfRecord: "https://cmdb.example.com/ci/PAY-42",
    retirement: "when the payments API is decommissioned",
    workload: "github-actions payments-api deploy job",
    access: [{ actions: ["s3:PutObject", "s3:GetObject"], resources: ["arn:aws:s3:::acme-payments-artifacts/*"] }],
    permissionsBoundary: BOUNDARY,
    trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: OIDC },
    credential: { kind: "federated" },
    recertifyBy: inDays(90),
    ...overrides,
  };
}

export function spec(overrides: Partial<GovernedIdentitySpecInput> = {}, config: GateConfigInput = {}) {
  return parseSpec(validSpec(overrides), { clock, config: resolveConfig(config) });
}

/** One spec of each credential kind, each with a fitting trust. */
export function specsOfEveryKind(): GovernedIdentitySpecInput[] {
  return [
    validSpec(),
    validSpec({ name: "orders-lambda", credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com", sourceAccount: "123456789012" } }),
    validSpec({ name: "reporting-reader", credential: { kind: "ephemeral" }, trust: { kind: "aws-role", roleArn: "arn:aws:iam::210987654321:role/reporting", externalId: "acme-reporting-7731" } }),
    validSpec({ name: "cart-pods", credential: { kind: "federated" }, trust: { kind: "eks-pod-identity", clusterName: "prod-eks", namespace: "cart", serviceAccount: "cart-api" } }),
    validSpec({
      name: "db-rotator",
      credential: { kind: "managed-secret", rotation: "P30D", rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate-db" },
      trust: { kind: "aws-service", service: "ecs-tasks.amazonaws.com" },
    }),
    validSpec({ name: "legacy-sftp-sync", credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }),
    validSpec({ name: "gh-env-deployer", trust: { kind: "github-oidc", repository: "acme/infra", environment: "production", oidcProviderArn: OIDC } }),
  ];
}
