/**
 * What adopt derives from one identity: trust mapped only when a kind renders it exactly (pass /
 * left-for-a-person fixtures side by side), access from every kind of grant, placeholders and
 * their fields, import ids, what is reported.
 */
import { mapTrust } from "../../src/adopt/trust";
import { deriveAdoptions } from "../../src/adopt/derive";
import { stateToInput } from "../../src/adapters/terraform-state";
import { resolveConfig } from "../../src/spec/config";
import { renderTrust } from "../../src/render/aws";
import { clock } from "../helpers";
import { nonGovernedDifferences } from "./compare";

const GH = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (extra: Record<string, unknown>) => ({ Effect: "Allow", Action: "sts:AssumeRole", ...extra });

describe("mapTrust: a trust policy maps to a kind only when the kind renders exactly it", () => {
  test.each([
    ["an AWS service", doc(allow({ Principal: { Service: "lambda.amazonaws.com" }, Sid: "" })), { kind: "aws-service", service: "lambda.amazonaws.com" }],
    ["a service with its source account", doc(allow({ Principal: { Service: "ecs-tasks.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } })), { kind: "aws-service", service: "ecs-tasks.amazonaws.com", sourceAccount: "123456789012" }],
    ["one role, with an external id", doc(allow({ Principal: { AWS: "arn:aws:iam::210987654321:role/reporting" }, Condition: { StringEquals: { "sts:ExternalId": "acme-7731" } } })), { kind: "aws-role", roleArn: "arn:aws:iam::210987654321:role/reporting", externalId: "acme-7731" }],
    [
      "GitHub OIDC with an exact ref (StringLike without wildcards is exact)",
      doc({ Effect: "Allow", Principal: { Federated: GH }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/api:ref:refs/heads/main" } } }),
      { kind: "github-oidc", repository: "acme/api", ref: "refs/heads/main", oidcProviderArn: GH },
    ],
    [
      "GitHub OIDC with an environment",
      doc({ Effect: "Allow", Principal: { Federated: GH }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"], "token.actions.githubusercontent.com:sub": "repo:acme/api:environment:production" } } }),
      { kind: "github-oidc", repository: "acme/api", environment: "production", oidcProviderArn: GH },
    ],
    [
      "EKS Pod Identity for one service account",
      doc({
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:TagSession", "sts:AssumeRole"],
        Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": "prod", "aws:RequestTag/kubernetes-namespace": "cart", "aws:RequestTag/kubernetes-service-account": "cart-api" } },
      }),
      { kind: "eks-pod-identity", clusterName: "prod", namespace: "cart", serviceAccount: "cart-api" },
    ],
  ])("maps %s, and the kind renders the same statement", (_label, trust, expected) => {
    const mapped = mapTrust(trust);
    expect(mapped).toEqual({ trust: expected });
    const rendered = renderTrust(mapped.trust as never).Statement.map(({ Sid: _s, ...rest }) => rest);
    const original = (JSON.parse(trust).Statement as Record<string, unknown>[]).map(({ Sid: _s, ...rest }) => rest);
    expect(nonGovernedDifferences(
      { values: { root_module: { resources: [{ address: "aws_iam_role.x", type: "aws_iam_role", values: { name: "x", path: "/", assume_role_policy: doc(...original), permissions_boundary: "b", inline_policy: [], managed_policy_arns: [] } }] } } },
      { type: "role", props: { name: "x", path: "/", assume_role_policy: doc(...rendered), permissions_boundary: "b" }, policy: doc() },
    )).toEqual([]);
  });

  test.each([
    ["everyone", doc(allow({ Principal: "*" })), true, /any AWS principal/],
    ["AWS *", doc(allow({ Principal: { AWS: "*" } })), true, /any AWS principal/],
    ["a whole account", doc(allow({ Principal: { AWS: "arn:aws:iam::210987654321:root" } })), true, /whole account 210987654321/],
    ["an account id", doc(allow({ Principal: { AWS: "210987654321" } })), true, /whole account 210987654321/],
    ["two services", doc(allow({ Principal: { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] } })), false, /several principals/],
    ["two statements", doc(allow({ Principal: { Service: "ec2.amazonaws.com" } }), allow({ Principal: { Service: "lambda.amazonaws.com" } })), false, /2 statements/],
    ["a service with sts:TagSession", doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }), false, /renders sts:AssumeRole only/],
    ["a service with a source ARN condition", doc(allow({ Principal: { Service: "sns.amazonaws.com" }, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:x" } } })), false, /conditions \(ArnLike aws:sourcearn\)/],
    ["a user", doc(allow({ Principal: { AWS: "arn:aws:iam::123456789012:user/bob" } })), false, /not a role/],
    ["a role with an MFA condition", doc(allow({ Principal: { AWS: "arn:aws:iam::123456789012:role/x" }, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })), false, /conditions/],
    [
      "GitHub OIDC for every branch",
      doc({ Effect: "Allow", Principal: { Federated: GH }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/api:*" } } }),
      true,
      /not one exact repository ref or environment/,
    ],
    ["GitHub OIDC without an audience", doc({ Effect: "Allow", Principal: { Federated: GH }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/api:ref:refs/heads/main" } } }), false, /audience/],
    ["another OIDC provider", doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity" }), false, /federates/],
    ["EKS Pod Identity for every association", doc({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }), false, /every EKS Pod Identity association/],
    ["a Deny", doc(allow({ Principal: { Service: "ec2.amazonaws.com" } }), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }), false, /Deny statement/],
    ["not JSON", "{", false, /cannot be read/],
  ])("leaves %s for a person, saying why", (_label, trust, open, reason) => {
    const mapped = mapTrust(trust);
    expect(mapped.trust).toBeUndefined();
    expect(mapped.open).toBe(open);
    expect(mapped.reason).toMatch(reason);
  });
});

/** A state with these resources at the root. */
const state = (...resources: { type: string; name: string; values: Record<string, unknown> }[]) => ({
  format_version: "1.0",
  terraform_version: "1.11.4",
  values: { root_module: { resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: "managed", type: r.type, name: r.name, values: r.values })) } },
});
const role = (values: Record<string, unknown>) => ({ type: "aws_iam_role", name: "r", values: { name: "legacy", path: "/", max_session_duration: 3600, assume_role_policy: doc(allow({ Principal: { Service: "lambda.amazonaws.com" } })), arn: "arn:aws:iam::123456789012:role/legacy", ...values } });
const derive = (s: ReturnType<typeof state>, config = {}) => deriveAdoptions(stateToInput(s, "state.json"), { config: resolveConfig(config), clock });

describe("deriveAdoptions", () => {
  test("reproduces name, path, boundary, session, tags and every grant; imports the role and an inline policy of its policy's name", () => {
    const { identities } = derive(
      state(
        role({
          path: "/apps/",
          max_session_duration: 7200,
          permissions_boundary: "arn:aws:iam::123456789012:policy/boundary",
          tags: { Owner: "team-a", CostCenter: "42", "aws:cloudformation:stack-name": "x" },
          description: "Legacy lambda",
          inline_policy: [
            { name: "legacy-access", policy: doc({ Sid: "Read", Effect: "Allow", Action: "S3:GetObject", Resource: "arn:aws:s3:::b/*" }) },
            { name: "deny", policy: doc({ Effect: "Deny", Action: ["s3:DeleteObject"], Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } }) },
          ],
          managed_policy_arns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        }),
      ),
      { maxSessionDuration: "PT2H" },
    );
    expect(identities).toHaveLength(1);
    const i = identities[0];
    expect(i.spec).toMatchObject({
      name: "legacy",
      path: "/apps/",
      permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
      trust: { kind: "aws-service", service: "lambda.amazonaws.com" },
      credential: { kind: "ephemeral", maxSessionDuration: "PT2H" },
      tags: { CostCenter: "42", Owner: "team-a" },
      access: [
        { sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
        { effect: "Deny", actions: ["s3:DeleteObject"], resources: ["*"], conditions: { Bool: { "aws:SecureTransport": "false" } } },
        { actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resources: ["*"] },
      ],
    });
    expect(i.adopt).toEqual({ principal: "legacy", policy: "legacy:legacy-access" });
    expect(i.todo).toEqual(["owner", "purpose", "environment", "systemOfRecord", "retirement", "workload"]);
    expect(i.comments.owner).toEqual(['suggested by what exists: tag Owner = "team-a"']);
    expect(i.comments.purpose).toEqual(['suggested by what exists: description "Legacy lambda"']);
    expect(i.notes).toContain("tags aws:cloudformation:stack-name cannot be kept (reserved or not valid AWS tags)");
    expect(i.superseded.map((g) => g.name)).toEqual(["deny", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
  });

  test("takes the canonical nhi:* tags it finds when they are valid, and the environment from the config's accounts", () => {
    const { identities } = derive(state(role({ tags: { "nhi:owner": "@acme/data", "nhi:purpose": "short", "nhi:workload": "nightly export job" }, inline_policy: [{ name: "p", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }] })), {
      environmentAccounts: { prod: ["123456789012"] },
    });
    expect(identities[0].spec).toMatchObject({ owner: "@acme/data", environment: "prod", workload: "nightly export job" });
    expect(identities[0].todo).toEqual(["purpose", "systemOfRecord", "retirement", "permissionsBoundary"]);
    expect(identities[0].comments.environment).toEqual(["account 123456789012 is prod in the gate config's environmentAccounts"]);
  });

  test("what the spec cannot say becomes a placeholder and a problem, never dropped", () => {
    const { identities } = derive(
      state(
        role({ max_session_duration: 43200, assume_role_policy: doc(allow({ Principal: { AWS: "arn:aws:iam::210987654321:root" } })), inline_policy: [{ name: "p", policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }], managed_policy_arns: ["arn:aws:iam::123456789012:policy/not-in-the-input"] }),
      ),
    );
    const i = identities[0];
    expect(i.todo).toEqual([
      "owner",
      "purpose",
      "environment",
      "systemOfRecord",
      "retirement",
      "workload",
      "permissionsBoundary",
      "trust.roleArn",
      "credential.maxSessionDuration",
      "access.0.actions.0",
      "access.0.resources.0",
      "access.1.actions.0",
      "access.1.resources.0",
    ].sort((a, b) => i.todo.indexOf(a) - i.todo.indexOf(b)));
    expect(i.problems).toEqual([
      expect.stringMatching(/^inline policy p, statement 1: it uses NotAction, which the spec's access cannot express; left as a placeholder$/),
      "customer managed policy arn:aws:iam::123456789012:policy/not-in-the-input is not in the input; its statements are a placeholder",
      "trust left for a person (it is open): the trust lets the whole account 210987654321 assume the role; the aws-role kind names one role",
      "sessions of PT12H are longer than the gate config allows (PT1H): choose a shorter maxSessionDuration (an in-place update)",
    ]);
    expect(i.comments.trust[1]).toContain('"Principal":{"AWS":"arn:aws:iam::210987654321:root"}');
  });

  test("a user becomes static-key with the configured TTL, its access key imported; a console password and extra keys are problems", () => {
    const { identities } = derive(
      state(
        { type: "aws_iam_user", name: "u", values: { name: "sync", path: "/", arn: "arn:aws:iam::123456789012:user/sync" } },
        { type: "aws_iam_access_key", name: "a", values: { user: "sync", id: "AKIAAAAAAAAAAAAAAAAA", status: "Active" } },
        { type: "aws_iam_access_key", name: "b", values: { user: "sync", id: "AKIABBBBBBBBBBBBBBBB", status: "Active" } },
        { type: "aws_iam_user_login_profile", name: "l", values: { user: "sync" } },
        { type: "aws_iam_user_policy", name: "p", values: { user: "sync", name: "sync-s3", policy: doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::x/*" }) } },
      ),
      { maxCredentialTtl: "P60D" },
    );
    const i = identities[0];
    expect(i.spec.credential).toEqual({ kind: "static-key", ttl: "P60D", rotation: "P60D" });
    expect(i.spec.trust).toBeUndefined();
    expect(i.adopt).toEqual({ principal: "sync", accessKey: "AKIAAAAAAAAAAAAAAAAA" });
    expect(i.problems).toEqual([
      "it has 2 access keys (AKIAAAAAAAAAAAAAAAAA, AKIABBBBBBBBBBBBBBBB); a governed user has one: delete the others once nothing uses them",
      "it has a console password (aws_iam_user_login_profile.l): a non-human identity must not; delete the login profile (the governed user does not render one)",
    ]);
    expect(i.takesOver).toEqual(["aws_iam_user.u", "aws_iam_user_policy.p", "aws_iam_access_key.a"]);
  });

  test("skips governed identities and what is not an AWS role or user; a role and a user of one name get distinct ids", () => {
    const r = derive(state(role({}), { type: "aws_iam_user", name: "u", values: { name: "legacy", path: "/" } }, { type: "google_service_account", name: "g", values: { account_id: "x" } }));
    expect(r.identities.map((i) => i.id)).toEqual(["legacy-role", "legacy-user"]);
    expect(r.skipped.map((s) => s.address)).toEqual(["google_service_account.g"]);
  });

  test("the comparison used by the adoption tests reports what is not a governed addition (so those tests can fail)", () => {
    const s = state(role({ tags: { Team: "a" }, inline_policy: [{ name: "p", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }] }));
    const props = { name: "legacy", path: "/nhi/", tags: { "nhi:owner": "x" }, permissions_boundary: "b", assume_role_policy: doc(allow({ Principal: { Service: "ec2.amazonaws.com" } })), max_session_duration: 7200 };
    expect(nonGovernedDifferences(s, { type: "role", props, policy: doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }) })).toEqual([
      "path / -> /nhi/",
      "tag Team a -> undefined",
      "max_session_duration 3600 -> 7200",
      expect.stringMatching(/^trust /),
      expect.stringMatching(/^statement lost: .*s3:getobject/),
      expect.stringMatching(/^statement added: .*s3:putobject/),
    ]);
  });
});
