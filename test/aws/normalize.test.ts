/**
 * The pure half of discovery: IAM API shapes to the engine's model (src/adapters/aws/iam.ts),
 * what a drifted seal says, and the live-only rules on edge cases. The SDK half is in
 * discover.test.ts.
 */
import { decodePolicyDocument, normalizeAccount, parseCredentialReport, RawAccount, RoleDetail } from "../../src/adapters/aws/iam";
import { catalogByTerraformType } from "../../src/catalog";
import { evaluate } from "../../src/engine/evaluate";
import { explainSealMismatch, trustShapeProblem } from "../../src/engine/seal-drift";
import { computeSeal } from "../../src/render/seal";
import { clock } from "../helpers";
import { rfc3986 } from "./fake-aws";
import { A, deployer, worker } from "./scenario";

function raw(roles: RoleDetail[], extra: Partial<RawAccount> = {}): RawAccount {
  return {
    account: A,
    authorization: { roles, users: [], groups: [], policies: [] },
    roles: new Map(roles.map((r) => [r.RoleName as string, { MaxSessionDuration: 3600 }])),
    passwords: new Map(),
    keys: new Map(),
    gaps: [],
    skipped: {},
    ...extra,
  };
}

/** A role as GetAccountAuthorizationDetails returns it, from a rendering. */
function detail(r: ReturnType<typeof deployer>, edit: Partial<RoleDetail> = {}, account = A): RoleDetail {
  const p = r.principal;
  return {
    RoleName: p.name,
    Path: p.path,
    Arn: `arn:aws:iam::${account}:role${p.path}${p.name}`,
    RoleId: "AROAEXAMPLE",
    CreateDate: new Date("2026-05-01T00:00:00Z"),
    AssumeRolePolicyDocument: rfc3986(p.assumeRolePolicyJson as string),
    PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: p.permissionsBoundary },
    Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
    RolePolicyList: [{ PolicyName: r.policy.name, PolicyDocument: rfc3986(r.policy.json) }],
    RoleLastUsed: { LastUsedDate: new Date("2026-05-30T00:00:00Z"), Region: "eu-west-1" },
    ...edit,
  };
}

const judge = (account: RawAccount, config = {}) => {
  const { resources, gaps } = normalizeAccount(account);
  return evaluate({ resources, gaps, scope: "all" }, { clock, config });
};
const findingIds = (rep: ReturnType<typeof judge>) => rep.findings.map((f) => `${f.address.slice(13)} ${f.findingId}`);

describe("IAM API shapes to the model", () => {
  it("decodes policy documents as IAM returns them (RFC 3986), and leaves plain JSON alone", () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::a b/*", Condition: { StringLike: { "s3:prefix": ["home/${aws:username}/*"] } } }] });
    expect(decodePolicyDocument(rfc3986(doc))).toBe(doc);
    expect(decodePolicyDocument(doc)).toBe(doc);
    expect(decodePolicyDocument("%E0%A4%A")).toBe("%E0%A4%A"); // not decodable: handed on, the rules call it unparsable
  });

  it("parses the credential report's CSV, quoted cells included", () => {
    expect(parseCredentialReport('user,arn,password_enabled\n"a,b",arn:aws:iam::1:user/x,true\r\n\n')).toEqual([{ user: "a,b", arn: "arn:aws:iam::1:user/x", password_enabled: "true" }]);
  });

  it("links children to their principal by reference, not by name, so same-named roles of two accounts stay apart", () => {
    const one = normalizeAccount(raw([detail(deployer(A))])).resources;
    const other = normalizeAccount({ ...raw([detail(deployer("222222222222"), {}, "222222222222")]), account: "222222222222" }).resources;
    const rep = evaluate({ resources: [...one, ...other], scope: "all" }, { clock });
    expect(rep.resources.filter((r) => r.governed === "governed").map((r) => r.address)).toEqual([
      "111111111111/aws_iam_role.payments-ci-deployer",
      "111111111111/aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access",
      "222222222222/aws_iam_role.payments-ci-deployer",
      "222222222222/aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access",
    ]);
  });

  it("AWS-managed roles are left out unless asked for, and counted", () => {
    const slr: RoleDetail = { RoleName: "AWSServiceRoleForECS", Path: "/aws-service-role/ecs.amazonaws.com/", AssumeRolePolicyDocument: "{}" };
    const sso: RoleDetail = { RoleName: "AWSReservedSSO_Admin_0123", Path: "/aws-reserved/sso.amazonaws.com/", AssumeRolePolicyDocument: "{}" };
    const out = normalizeAccount(raw([slr, sso]));
    expect([out.resources, out.skipped]).toEqual([[], { "service-linked roles (/aws-service-role/)": 1, "AWS-reserved roles (/aws-reserved/, IAM Identity Center)": 1 }]);
    expect(normalizeAccount(raw([slr, sso]), { includeAwsManaged: true }).resources.map((r) => r.address)).toEqual([`${A}/aws_iam_role.AWSReservedSSO_Admin_0123`, `${A}/aws_iam_role.AWSServiceRoleForECS`]);
  });
});

describe("a drifted seal names what differs", () => {
  const sealOf = (r: ReturnType<typeof worker>) => ({
    principalType: "role" as const,
    name: r.principal.name,
    path: r.principal.path,
    tags: r.principal.tags,
    trustPolicy: r.principal.assumeRolePolicyJson,
    permissionsBoundary: r.principal.permissionsBoundary,
    maxSessionDuration: r.principal.maxSessionDuration as number,
    policies: [r.policy.json],
    declared: r.principal.tags["nhi:seal"],
  });

  it("the boundary removed, the own policy deleted, a statement without its time bound", () => {
    const w = worker(A);
    expect(explainSealMismatch({ ...sealOf(w), permissionsBoundary: null })).toEqual(["permissions boundary was removed (GovernedIdentity always sets one)"]);
    expect(explainSealMismatch({ ...sealOf(w), policies: [] })).toEqual(["its own policy orders-worker-access was deleted"]);
    const widened = JSON.parse(w.policy.json);
    widened.Statement.push({ Sid: "Debug", Effect: "Allow", Action: "sqs:*", Resource: "*" });
    expect(explainSealMismatch({ ...sealOf(w), policies: [JSON.stringify(widened)] })).toEqual(["statement Debug of orders-worker-access has no DateLessThan aws:CurrentTime bound (added or edited after deploy)"]);
  });

  it("a trust statement edited within its shape: not pinpointed, and said so", () => {
    const w = worker(A);
    const trust = JSON.parse(w.principal.assumeRolePolicyJson as string);
    trust.Statement[0].Principal.Service = "ecs-tasks.amazonaws.com";
    expect(trustShapeProblem(JSON.stringify(trust))).toBeUndefined();
    expect(explainSealMismatch({ ...sealOf(w), trustPolicy: JSON.stringify(trust) })).toEqual([
      "not pinpointed: the trust policy, the permissions boundary, the own policy's statements or a lifecycle tag's value was edited within the shapes GovernedIdentity renders",
    ]);
    trust.Statement[0].Action = ["sts:AssumeRole", "sts:TagSession"];
    expect(trustShapeProblem(JSON.stringify(trust))).toBe("its trust policy statement AwsService differs from what GovernedIdentity renders for that trust (a principal, action or condition was edited after deploy)");
  });

  it("a lifecycle tag removed", () => {
    const w = worker(A);
    const { "nhi:owner": _owner, ...tags } = w.principal.tags;
    expect(explainSealMismatch({ ...sealOf(w), tags })).toEqual(["lifecycle tag nhi:owner was removed"]);
  });

  it("the providers' default tags are left out of the live seal when the config names them", () => {
    const d = deployer(A);
    const withDefault = detail(d, { Tags: [...Object.entries(d.principal.tags).map(([Key, Value]) => ({ Key, Value })), { Key: "CostCenter", Value: "cc-1" }] });
    expect(findingIds(judge(raw([withDefault])))).toEqual(["aws_iam_role.payments-ci-deployer NHI-GOV-002[Seal::mismatch]", "aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access NHI-GOV-002[Owner::111111111111/aws_iam_role.payments-ci-deployer]"]);
    expect(findingIds(judge(raw([withDefault]), { defaultTagKeys: ["CostCenter"] }))).toEqual([]);
  });

  it("the seal of a rendering is what the live check recomputes (sanity)", () => {
    const w = worker(A);
    const { declared, ...input } = sealOf(w);
    expect(computeSeal(input)).toBe(declared);
  });
});

describe("live-only rules on edge cases", () => {
  it("NHI-GOV-041: a role created recently and never used passes; one with no last-use data (a plan) is not judged", () => {
    const fresh = { RoleName: "fresh", Path: "/", AssumeRolePolicyDocument: "{}", CreateDate: new Date("2026-05-20T00:00:00Z"), RoleLastUsed: {} };
    const old = { ...fresh, RoleName: "old", CreateDate: new Date("2025-01-01T00:00:00Z") };
    const ids = findingIds(judge(raw([fresh, old]))).filter((f) => f.includes("NHI-GOV-041"));
    expect(ids).toEqual(["aws_iam_role.old NHI-GOV-041[Unused::never]"]);
    const rep = evaluate({ resources: [{ ...normalizeAccount(raw([old])).resources[0], props: { name: "old", create_date: "2025-01-01T00:00:00Z" } }], scope: "all" }, { clock });
    expect(rep.findings.filter((f) => f.ruleId === "NHI-GOV-041")).toEqual([]);
  });

  it("NHI-GOV-042: a user whose console password could not be read, with an active key, cannot be evaluated", () => {
    const account = raw([], {
      authorization: { roles: [], users: [{ UserName: "svc", Path: "/", Arn: `arn:aws:iam::${A}:user/svc`, CreateDate: new Date("2026-01-01T00:00:00Z") }], groups: [], policies: [] },
      passwordsUnreadable: "discovery was denied iam:GetCredentialReport and iam:GetLoginProfile",
      keys: new Map([["svc", [{ AccessKeyId: "AKIASVC0000000000001", Status: "Active", CreateDate: new Date("2026-05-01T00:00:00Z"), lastUsed: { LastUsedDate: new Date("2026-05-31T00:00:00Z") } }]]]),
    });
    const f = judge(account).findings.find((x) => x.findingId === "NHI-GOV-042[Unknown::login_profile]");
    expect(f?.message).toBe(
      "cannot evaluate login_profile of 111111111111/aws_iam_user.svc: discovery was denied iam:GetCredentialReport and iam:GetLoginProfile. The gate does not pass what it cannot see; grant the audit role that permission and discover again, or exempt this finding with a ticket",
    );
  });

  it("NHI-GOV-040 judges any input with a key's creation date (a Terraform state too), and not a key being created", () => {
    const rep = judge(
      raw([], {
        authorization: { roles: [], users: [{ UserName: "svc", Path: "/", Arn: `arn:aws:iam::${A}:user/svc`, Tags: [{ Key: "nhi:ttl", Value: "P30D" }] }], groups: [], policies: [] },
        passwords: new Map([["svc", { enabled: false, source: "credential report" }]]),
        keys: new Map([["svc", [{ AccessKeyId: "AKIASVC0000000000001", Status: "Active", CreateDate: "2026-04-01T00:00:00Z", lastUsed: {} }]]]),
      }),
    );
    expect(rep.findings.find((f) => f.ruleId === "NHI-GOV-040")?.message).toContain("is 61 days old (created 2026-04-01); expected at most 30 days (nhi:ttl P30D on 111111111111/aws_iam_user.svc)");
    const entry = catalogByTerraformType("aws_iam_access_key");
    const planned = evaluate({ resources: [{ address: "aws_iam_access_key.k", nativeType: "aws_iam_access_key", entry: entry!, action: "create", props: { user: "svc" }, unknownPaths: ["id", "create_date"], sensitivePaths: [], origin: { source: "terraform-plan" } }] }, { clock });
    expect(planned.findings.filter((f) => f.ruleId === "NHI-GOV-040")).toEqual([]);
    // An existing key whose creation date the input does not know is not passed.
    const existing = evaluate({ resources: [{ address: "aws_iam_access_key.k", nativeType: "aws_iam_access_key", entry: entry!, action: "update", props: { user: "svc" }, unknownPaths: ["create_date"], sensitivePaths: [], origin: { source: "terraform-plan" } }] }, { clock });
    expect(existing.findings.filter((f) => f.ruleId === "NHI-GOV-040").map((f) => f.findingId)).toEqual(["NHI-GOV-040[Unknown::create_date]"]);
  });
});
