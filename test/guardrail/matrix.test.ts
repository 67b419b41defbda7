/**
 * What the generated guardrail allows and denies, proven by evaluation: a matrix of request
 * contexts (caller x action x tags), each with the expected decision, decided over the generated
 * SCPs (deny-only, layered over FullAWSAccess) and the generated boundary (allow-all minus the
 * denies) by src/guardrail/evaluate.ts (itself checked against AWS's documented rules in
 * evaluate.test.ts). Every request carries only the context keys AWS puts in a request for that
 * action (checked against the Service Authorization Reference data), and the tags of a governed
 * create are what the renderer gives GovernedIdentity.
 */
import fc from "fast-check";
import { evaluateBoundary, evaluateScp, Request } from "../../src/guardrail/evaluate";
import { boundaryPolicy, guardrailStatements, scpPolicies } from "../../src/guardrail/policy";
import { renderIdentity } from "../../src/render/aws";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { TAG } from "../../src/spec/tags";
import { spec } from "../helpers";
import { keyFor } from "./iam-data";

const BOUNDARY = "arn:aws:iam::111111111111:policy/nhi-permissions-boundary";
const CONFIG: GateConfigInput = {
  defaultPermissionsBoundary: BOUNDARY,
  guardrail: {
    deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*", "arn:aws:iam::111111111111:role/github-deploy-payments-*"],
    breakGlassRoles: ["arn:aws:iam::*:role/break-glass"],
  },
};

const CALLERS = {
  "deployment role (path)": { arn: "arn:aws:iam::111111111111:role/nhi-pipeline/payments-deploy", is: "pipeline" },
  "deployment role (GitHub OIDC of the payments repository)": { arn: "arn:aws:iam::111111111111:role/github-deploy-payments-main", is: "pipeline" },
  "developer (Identity Center admin)": { arn: "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef", is: "other" },
  "CI role of another repository": { arn: "arn:aws:iam::111111111111:role/github-deploy-search-main", is: "other" },
  "look-alike outside the pipeline path": { arn: "arn:aws:iam::111111111111:role/nhi-pipeline-copy", is: "other" },
  "legacy IAM user with admin rights": { arn: "arn:aws:iam::111111111111:user/legacy-admin", is: "other" },
  "break-glass role": { arn: "arn:aws:iam::222222222222:role/break-glass", is: "breakGlass" },
} as const;
type Who = (typeof CALLERS)[keyof typeof CALLERS]["is"];

/** The tags a GovernedIdentity creates its role with (what the renderer gives the construct). */
const governedTags = renderIdentity(spec(), resolveConfig(CONFIG)).principal.tags;
const without = (tags: Record<string, string>, ...keys: string[]) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

const ROLE = "arn:aws:iam::111111111111:role/nhi/payments-deployer";
const USER = "arn:aws:iam::111111111111:user/nhi/legacy-integration";
/** A request as AWS builds its context: tags in the request give aws:RequestTag/<key> and aws:TagKeys. */
function request(action: string, options: { resource?: string; tags?: Record<string, string>; tagKeys?: string[] } = {}) {
  return (principalArn: string): Request => {
    const context: Request["context"] = { "aws:PrincipalArn": principalArn };
    if (options.tags) {
      for (const [k, v] of Object.entries(options.tags)) context[`aws:RequestTag/${k}`] = v;
      if (Object.keys(options.tags).length) context["aws:TagKeys"] = Object.keys(options.tags);
    }
    if (options.tagKeys) context["aws:TagKeys"] = options.tagKeys;
    return { action, resource: options.resource ?? "*", context };
  };
}

type Expect = Record<Who, "allow" | "deny">;
const PIPELINE_ONLY: Expect = { pipeline: "allow", breakGlass: "allow", other: "deny" };
const NOBODY_BUT_BREAK_GLASS: Expect = { pipeline: "deny", breakGlass: "allow", other: "deny" };
const EVERYONE: Expect = { pipeline: "allow", breakGlass: "allow", other: "allow" };

const MATRIX: [string, (arn: string) => Request, Expect][] = [
  ["create a role with the governed tags", request("iam:CreateRole", { resource: ROLE, tags: governedTags }), PIPELINE_ONLY],
  ["create a role without nhi:owner", request("iam:CreateRole", { resource: ROLE, tags: without(governedTags, TAG.owner) }), NOBODY_BUT_BREAK_GLASS],
  ["create a role without nhi:seal", request("iam:CreateRole", { resource: ROLE, tags: without(governedTags, TAG.seal) }), NOBODY_BUT_BREAK_GLASS],
  ["create a role without nhi:recertify-by", request("iam:CreateRole", { resource: ROLE, tags: without(governedTags, TAG.recertifyBy) }), NOBODY_BUT_BREAK_GLASS],
  ["create a role with no tags at all", request("iam:CreateRole", { resource: ROLE }), NOBODY_BUT_BREAK_GLASS],
  ["create a user with the governed tags", request("iam:CreateUser", { resource: USER, tags: governedTags }), PIPELINE_ONLY],
  ["create a user without nhi:credential", request("iam:CreateUser", { resource: USER, tags: without(governedTags, TAG.credential) }), NOBODY_BUT_BREAK_GLASS],
  ["create an access key", request("iam:CreateAccessKey", { resource: USER }), PIPELINE_ONLY],
  ["create a login profile (console password)", request("iam:CreateLoginProfile", { resource: USER }), PIPELINE_ONLY],
  ["set a new console password", request("iam:UpdateLoginProfile", { resource: USER }), PIPELINE_ONLY],
  ["create a service-specific credential", request("iam:CreateServiceSpecificCredential", { resource: USER }), PIPELINE_ONLY],
  ["reset a service-specific credential", request("iam:ResetServiceSpecificCredential", { resource: USER }), PIPELINE_ONLY],
  ["upload an SSH public key", request("iam:UploadSSHPublicKey", { resource: USER }), PIPELINE_ONLY],
  ["upload a signing certificate", request("iam:UploadSigningCertificate", { resource: USER }), PIPELINE_ONLY],
  ["put an inline policy on a role", request("iam:PutRolePolicy", { resource: ROLE }), PIPELINE_ONLY],
  ["attach a managed policy to a role", request("iam:AttachRolePolicy", { resource: ROLE }), PIPELINE_ONLY],
  ["detach a managed policy from a role", request("iam:DetachRolePolicy", { resource: ROLE }), PIPELINE_ONLY],
  ["delete a role's inline policy", request("iam:DeleteRolePolicy", { resource: ROLE }), PIPELINE_ONLY],
  ["put an inline policy on a user", request("iam:PutUserPolicy", { resource: USER }), PIPELINE_ONLY],
  ["attach a managed policy to a user", request("iam:AttachUserPolicy", { resource: USER }), PIPELINE_ONLY],
  ["add a user to a group", request("iam:AddUserToGroup", { resource: "arn:aws:iam::111111111111:group/admins" }), PIPELINE_ONLY],
  ["update a trust policy", request("iam:UpdateAssumeRolePolicy", { resource: ROLE }), PIPELINE_ONLY],
  ["set a role's permissions boundary", request("iam:PutRolePermissionsBoundary", { resource: ROLE }), PIPELINE_ONLY],
  ["delete a role's permissions boundary", request("iam:DeleteRolePermissionsBoundary", { resource: ROLE }), PIPELINE_ONLY],
  ["delete a user's permissions boundary", request("iam:DeleteUserPermissionsBoundary", { resource: USER }), PIPELINE_ONLY],
  ["raise a role's maximum session duration", request("iam:UpdateRole", { resource: ROLE }), PIPELINE_ONLY],
  ["tag a role with team (not an nhi: tag)", request("iam:TagRole", { resource: ROLE, tags: { team: "payments" } }), EVERYONE],
  ["tag a role with nhi:owner", request("iam:TagRole", { resource: ROLE, tags: { [TAG.owner]: "@someone-else" } }), PIPELINE_ONLY],
  ["tag a role with NHI:Owner (IAM role tag keys ignore case)", request("iam:TagRole", { resource: ROLE, tags: { "NHI:Owner": "@someone-else" } }), PIPELINE_ONLY],
  ["tag a role with team and a forged nhi:seal", request("iam:TagRole", { resource: ROLE, tags: { team: "x", [TAG.seal]: "v1:forged" } }), PIPELINE_ONLY],
  ["tag a user with nhi:recertify-by", request("iam:TagUser", { resource: USER, tags: { [TAG.recertifyBy]: "2099-01-01" } }), PIPELINE_ONLY],
  ["untag team from a role", request("iam:UntagRole", { resource: ROLE, tagKeys: ["team"] }), EVERYONE],
  ["untag nhi:seal from a role", request("iam:UntagRole", { resource: ROLE, tagKeys: [TAG.seal] }), NOBODY_BUT_BREAK_GLASS],
  ["untag NHI:SEAL from a role (any case)", request("iam:UntagRole", { resource: ROLE, tagKeys: ["NHI:SEAL"] }), NOBODY_BUT_BREAK_GLASS],
  ["untag nhi:owner from a user", request("iam:UntagUser", { resource: USER, tagKeys: ["team", TAG.owner] }), NOBODY_BUT_BREAK_GLASS],
  ["untag nhi:ttl (not a required tag) from a role", request("iam:UntagRole", { resource: ROLE, tagKeys: [TAG.ttl] }), PIPELINE_ONLY],
  ["create a new version of the governed identities' boundary", request("iam:CreatePolicyVersion", { resource: BOUNDARY }), PIPELINE_ONLY],
  ["delete the governed identities' boundary", request("iam:DeletePolicy", { resource: BOUNDARY }), PIPELINE_ONLY],
  ["create a new version of another managed policy", request("iam:CreatePolicyVersion", { resource: "arn:aws:iam::111111111111:policy/team-reporting" }), EVERYONE],
  ["create a service-linked role", request("iam:CreateServiceLinkedRole", { resource: "arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" }), EVERYONE],
  ["pass a role to a service", request("iam:PassRole", { resource: ROLE }), EVERYONE],
  ["deactivate a leaked access key", request("iam:UpdateAccessKey", { resource: USER }), EVERYONE],
  ["delete an access key", request("iam:DeleteAccessKey", { resource: USER }), EVERYONE],
  ["delete a role (offboarding)", request("iam:DeleteRole", { resource: ROLE }), EVERYONE],
  ["create a managed policy (attaching it is denied)", request("iam:CreatePolicy", { resource: "arn:aws:iam::111111111111:policy/x" }), EVERYONE],
  ["assume a role (non-IAM: STS)", request("sts:AssumeRole", { resource: ROLE }), EVERYONE],
  ["write an S3 object (non-IAM)", request("s3:PutObject", { resource: "arn:aws:s3:::acme-artifacts/build.zip" }), EVERYONE],
  ["run an EC2 instance (non-IAM)", request("ec2:RunInstances", { resource: "arn:aws:ec2:eu-west-1:111111111111:instance/*" }), EVERYONE],
];

const cases = MATRIX.flatMap(([what, req, expected]) => Object.entries(CALLERS).map(([caller, c]) => ({ what, caller, req: req(c.arn), expected: expected[c.is] })));

describe("the request contexts are the ones AWS builds", () => {
  it("each carries only condition keys AWS puts in a request for its action", () => {
    for (const { what, req } of cases) {
      for (const key of Object.keys(req.context)) expect([what, req.action, key, Boolean(keyFor(req.action, key))]).toEqual([what, req.action, key, true]);
    }
  });
});

describe.each([
  ["the SCP (one document)", CONFIG],
  [
    "the SCP split into several documents",
    { ...CONFIG, guardrail: { ...CONFIG.guardrail!, deploymentRoles: [...CONFIG.guardrail!.deploymentRoles, ...Array.from({ length: 24 }, (_, i) => `arn:aws:iam::${String(300000000000 + i)}:role/nhi-pipeline-extra-${i}/deployer`)] } },
  ],
])("%s", (_label, config) => {
  const resolved = resolveConfig(config);
  const scps = scpPolicies(resolved);

  it("has the expected number of documents, each within 5,120 characters", () => {
    expect(scps.length).toBe(config === CONFIG ? 1 : 2);
    for (const p of scps) expect(p.size).toBeLessThanOrEqual(5120);
  });

  it.each(cases.map((c) => [`${c.caller}: ${c.what}`, c] as const))("%s", (_name, c) => {
    expect(evaluateScp(scps.map((p) => p.document), c.req)).toBe(c.expected);
  });
});

describe("the permissions boundary", () => {
  const boundary = boundaryPolicy(resolveConfig(CONFIG));
  it.each(cases.map((c) => [`${c.caller}: ${c.what}`, c] as const))("%s", (_name, c) => {
    expect(evaluateBoundary(boundary.document, c.req)).toBe(c.expected);
  });
});

describe("splitting never changes a decision", () => {
  it("the split SCPs decide every request as the unsplit statements do, for any number of role patterns", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 }), (deployers, breakGlass) => {
        const config = resolveConfig({
          defaultPermissionsBoundary: BOUNDARY,
          guardrail: {
            deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*", ...Array.from({ length: deployers }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/deploy-${i}`)],
            breakGlassRoles: Array.from({ length: breakGlass }, (_, i) => `arn:aws:iam::*:role/break-glass-${i}`),
            maxPolicies: 5,
          },
        });
        const split = scpPolicies(config).map((p) => p.document);
        const whole = [{ Version: "2012-10-17" as const, Statement: guardrailStatements(config) }];
        const callers = [...Object.values(CALLERS).map((c) => c.arn), "arn:aws:iam::100000000000:role/deploy-0", `arn:aws:iam::${String(100000000000 + deployers - 1)}:role/deploy-${deployers - 1}`, "arn:aws:iam::1:role/break-glass-0"];
        for (const [, req] of MATRIX) for (const arn of callers) expect(evaluateScp(split, req(arn))).toBe(evaluateScp(whole, req(arn)));
      }),
      { numRuns: 30 },
    );
  });
});
