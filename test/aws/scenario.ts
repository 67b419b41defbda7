/**
 * Two AWS accounts as the local IAM server plays them, built from what the product renders:
 * governed identities are rendered with renderIdentity and served as AWS returns them after CDKTF
 * deployed them (the trust and policy JSON as written, URL-encoded on the wire); the rest is
 * what accounts accumulate: a role edited in the console after deploy, a hand-made admin role
 * with an instance profile, a service-linked role, a legacy user with a console password, an old
 * unused key and an inactive one, a governed static-key user whose key outlived its nhi:ttl.
 */
import { renderIdentity, RenderedIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { inDays, spec } from "../helpers";
import { FakeAccount, FakeAwsOptions, FakeRole, FakeUser } from "./fake-aws";

export const A = "111111111111";
export const B = "222222222222";
export const BASE_KEY = "AKIAAUDITBASE0000001";
export const AUDIT_A = `arn:aws:iam::${A}:role/nhi-audit`;
export const AUDIT_B = `arn:aws:iam::${B}:role/nhi-audit`;

const boundary = (account: string) => `arn:aws:iam::${account}:policy/nhi-boundary`;
const oidc = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;

/** A GitHub Actions deployer, rendered for an account. */
export function deployer(account: string): RenderedIdentity {
  return renderIdentity(
    spec({
      name: "payments-ci-deployer",
      permissionsBoundary: boundary(account),
      trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: oidc(account) },
      access: [{ actions: ["lambda:UpdateFunctionCode"], resources: [`arn:aws:lambda:eu-west-1:${account}:function:payments-api`] }],
    }),
    resolveConfig({}),
  );
}

export function worker(account: string): RenderedIdentity {
  return renderIdentity(
    spec({
      name: "orders-worker",
      permissionsBoundary: boundary(account),
      credential: { kind: "ephemeral", maxSessionDuration: "PT1H" },
      trust: { kind: "aws-service", service: "lambda.amazonaws.com", sourceAccount: account },
      access: [{ actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: [`arn:aws:sqs:eu-west-1:${account}:orders`] }],
    }),
    resolveConfig({}),
  );
}

export function staticUser(account: string): RenderedIdentity {
  return renderIdentity(
    spec({
      name: "billing-export",
      permissionsBoundary: boundary(account),
      credential: { kind: "static-key", ttl: "P60D", rotation: "P30D" },
      trust: undefined,
      access: [{ actions: ["s3:PutObject"], resources: [`arn:aws:s3:::acme-billing-exports-${account}/*`] }],
    }),
    resolveConfig({}),
  );
}

/** What IAM returns for a role CDKTF created from this rendering. */
export function deployedRole(r: RenderedIdentity, extra: Partial<FakeRole> = {}): FakeRole {
  const p = r.principal;
  return {
    RoleName: p.name,
    Path: p.path,
    CreateDate: "2026-05-02T09:30:00Z",
    AssumeRolePolicyDocument: p.assumeRolePolicyJson as string,
    MaxSessionDuration: p.maxSessionDuration,
    PermissionsBoundaryArn: p.permissionsBoundary,
    Tags: { ...p.tags },
    RoleLastUsed: { LastUsedDate: "2026-05-31T17:04:11Z", Region: "eu-west-1" },
    RolePolicies: [{ PolicyName: r.policy.name, PolicyDocument: r.policy.json }],
    ...extra,
  };
}

export function deployedUser(r: RenderedIdentity, extra: Partial<FakeUser> = {}): FakeUser {
  const p = r.principal;
  return {
    UserName: p.name,
    Path: p.path,
    CreateDate: "2026-01-15T10:00:00Z",
    PermissionsBoundaryArn: p.permissionsBoundary,
    Tags: { ...p.tags },
    UserPolicies: [{ PolicyName: r.policy.name, PolicyDocument: r.policy.json }],
    ...extra,
  };
}

const ec2Trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

export function accountA(): FakeAccount {
  const w = worker(A);
  return {
    id: A,
    roles: [
      deployedRole(deployer(A)),
      // Edited in the console after deploy: a 12-hour session and a cost tag.
      deployedRole(w, { MaxSessionDuration: 43200, Tags: { ...w.principal.tags, CostCenter: "cc-1042" } }),
      {
        RoleName: "legacy-etl",
        CreateDate: "2023-03-14T08:00:00Z",
        AssumeRolePolicyDocument: ec2Trust,
        AttachedManagedPolicies: [{ PolicyName: "AdministratorAccess", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
        InstanceProfiles: [{ InstanceProfileName: "legacy-etl", CreateDate: "2023-03-14T08:00:05Z" }],
        RoleLastUsed: { LastUsedDate: "2025-10-01T03:00:00Z", Region: "us-east-1" },
      },
      {
        RoleName: "AWSServiceRoleForSupport",
        Path: "/aws-service-role/support.amazonaws.com/",
        CreateDate: "2020-01-01T00:00:00Z",
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "support.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        AttachedManagedPolicies: [{ PolicyName: "AWSSupportServiceRolePolicy", PolicyArn: "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy" }],
      },
    ],
    users: [
      {
        UserName: "legacy-sftp",
        CreateDate: "2024-01-10T12:00:00Z",
        Password: { Changed: "2024-01-10T12:05:00Z", LastUsed: "2026-05-20T08:12:00Z" },
        Keys: [
          { AccessKeyId: "AKIALEGACYSFTP000001", Status: "Active", CreateDate: "2025-03-01T09:00:00Z" },
          { AccessKeyId: "AKIALEGACYSFTP000002", Status: "Inactive", CreateDate: "2024-01-10T12:10:00Z" },
        ],
      },
      // Created after the credential report was generated: discovery asks GetLoginProfile for it.
      deployedUser(staticUser(A), {
        NotInReport: true,
        Keys: [{ AccessKeyId: "AKIABILLINGEXPORT001", Status: "Active", CreateDate: "2026-03-18T00:00:00Z", LastUsed: { LastUsedDate: "2026-05-31T23:10:00Z", ServiceName: "s3", Region: "eu-west-1" } }],
      }),
    ],
    reportGeneratedAt: "2026-06-01T08:00:00Z",
  };
}

/** The same deployer in a second account, its trust policy edited in the console (pretty-printed, a statement added). */
export function accountB(): FakeAccount {
  const d = deployer(B);
  const trust = JSON.parse(d.principal.assumeRolePolicyJson as string) as { Statement: unknown[] };
  trust.Statement.push({ Sid: "Debug", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole" });
  return { id: B, roles: [deployedRole(d, { AssumeRolePolicyDocument: JSON.stringify(trust, null, 4) })], users: [], reportGeneratedAt: "2026-06-01T08:00:00Z" };
}

export function options(extra: Partial<FakeAwsOptions> = {}): FakeAwsOptions {
  return {
    accounts: [accountA(), accountB()],
    callers: { [BASE_KEY]: { account: "999999999999", arn: "arn:aws:iam::999999999999:user/ci-auditor" } },
    pageSize: 2,
    ...extra,
  };
}

export { inDays };
