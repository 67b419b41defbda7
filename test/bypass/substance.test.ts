/**
 * Issue 22, root cause 7: substance gaps. Reading every secret, privilege-escalation paths named
 * without wildcards (from the cited list in src/iam/escalation-paths.ts), and a seal recomputed
 * over access that never lapses. The identities are GovernedIdentity renderings (sealed, so only
 * the substance rules stand between them and a pass), planned by the real Terraform.
 */
import { renderIdentity } from "../../src/render/aws";
import { parseSpec, StatementInput } from "../../src/spec/identity";
import { ADMIN_ROLE_NAME, ESCALATION_PATHS, ESCALATION_SOURCES } from "../../src/iam/escalation-paths";
import { actionInfo } from "../../src/iam/actions";
import { privilegeEscalation } from "../../src/rules/privilege-escalation";
import { secretReadEverywhere } from "../../src/rules/secret-read-everywhere";
import { timeBoundAccess } from "../../src/rules/time-bound-access";
import { renderedResources, resource } from "../../testing/resources";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { clock, validSpec } from "../helpers";
import { allow, doc, findings, role } from "../rules/fixtures";
import { expectBypass } from "./catalogue";
import { gate } from "./gate";
import { governedRoleHcl, jsonHcl } from "./hcl";

const governed = (name: string, access: StatementInput[]) =>
  renderIdentity(parseSpec(validSpec({ name, access, credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }), { clock }));
const ACCOUNT = "123456789012";

describeWithTerraform("root cause 7 on a real plan", () => {
  let planFile: string;
  beforeAll(() => {
    const forever = governed("rc7-forever", [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-reports/*"] }]);
    const late = governed("rc7-late", [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-reports/*"] }]);
    ({ planFile } = terraformPlan({
      "main.tf": `${awsProviderHcl()}
${governedRoleHcl("read_secrets", governed("rc7-read-secrets", [{ actions: ["secretsmanager:GetSecretValue"], resources: ["*"] }]))}
${governedRoleHcl("read_parameters", governed("rc7-read-parameters", [{ actions: ["ssm:GetParameter*"], resources: ["arn:aws:ssm:*:*:parameter/*"] }, { actions: ["kms:Decrypt"], resources: ["*"] }]))}
resource "aws_iam_role" "breakglass" {
  name               = "ops-breakglass"
  assume_role_policy = ${jsonHcl({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] })}
}
resource "aws_iam_role_policy_attachment" "breakglass" {
  role       = aws_iam_role.breakglass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
${governedRoleHcl("split", governed("rc7-split", [{ actions: ["lambda:CreateFunction", "lambda:InvokeFunction"], resources: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:rc7-*`] }]))}
resource "aws_iam_role_policy" "split_pass" {
  name   = "pass"
  role   = aws_iam_role.split.name
  policy = ${jsonHcl({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/ops-breakglass` }] })}
}
${governedRoleHcl("hop", governed("rc7-hop", [{ actions: ["sts:AssumeRole"], resources: ["arn:aws:iam::999999999999:role/deployer"] }]))}
${governedRoleHcl(
  "iam_writer",
  governed("rc7-iam-writer", [
    { actions: ["iam:CreatePolicyVersion"], resources: [`arn:aws:iam::${ACCOUNT}:policy/app-*`] },
    { actions: ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], resources: [`arn:aws:iam::${ACCOUNT}:role/app-*`] },
    { actions: ["iam:CreateAccessKey"], resources: [`arn:aws:iam::${ACCOUNT}:user/app-*`] },
  ]),
)}
${governedRoleHcl("forever", forever, { policyJson: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Access0", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-reports/*" }] }) })}
${governedRoleHcl("late", late, { policyJson: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Access0", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-reports/*", Condition: { DateLessThan: { "aws:CurrentTime": "2099-01-01T00:00:00Z" } } }] }) })}
${governedRoleHcl("scoped", governed("rc7-scoped", [{ actions: ["secretsmanager:GetSecretValue"], resources: [`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:app/db-??????`] }, { actions: ["iam:PassRole"], resources: [`arn:aws:iam::${ACCOUNT}:role/rc7-function-runtime`] }, { actions: ["lambda:CreateFunction", "lambda:InvokeFunction"], resources: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:rc7-*`] }]))}
`,
    }));
  }, 120_000);

  it("the control: a governed identity that names its secret, and passes a non-admin role of its own account to Lambda, passes", async () => {
    const run = await gate(["plan", planFile]);
    expect(run.report!.findings.filter((f) => f.address.endsWith(".scoped"))).toEqual([]);
    // The forged seals verify: only the substance rule stands in their way.
    expect(run.report!.resources.filter((r) => r.address === "aws_iam_role.forever" || r.address === "aws_iam_role.late").map((r) => r.via)).toEqual(["seal", "seal"]);
  });

  it.each(["RC7-01", "RC7-02", "RC7-03", "RC7-04", "RC7-05", "RC7-06", "RC7-07"])("%s", async (id) => {
    const run = await gate(["plan", planFile]);
    expect(run.code).toBe(1);
    expectBypass(id, run.report!);
  });
});

describe("the escalation paths list (src/iam/escalation-paths.ts)", () => {
  it("every path has a unique id, real actions, cited sources and a description", () => {
    const ids = ESCALATION_PATHS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of ESCALATION_PATHS) {
      expect([p.id, p.steps.length > 0, p.sources.length > 0, p.description.length > 20]).toEqual([p.id, true, true, true]);
      for (const s of p.steps) expect([p.id, s.action, actionInfo(s.action)?.action]).toEqual([p.id, s.action, s.action]);
      for (const src of p.sources) expect(ESCALATION_SOURCES[src]).toMatch(/^https:\/\//);
    }
  });

  it("names admin roles by convention", () => {
    expect(["admin", "payments-admin", "OrganizationAccountAccessRole", "AdministratorAccess-ops"].filter((n) => ADMIN_ROLE_NAME.test(n))).toHaveLength(4);
    expect(["badminton-scores", "payments-deployer", "administered-by-ops"].filter((n) => ADMIN_ROLE_NAME.test(n))).toEqual([]);
  });
});

describe("NHI-GOV-021 privilege escalation, unit cases", () => {
  const withPolicy = (...statements: Record<string, unknown>[]) => [role({}, {}, "aws_iam_role.r"), resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r", policy: doc(...statements) }, { propRefs: { role: ["aws_iam_role.r.name"] } })];
  const ids = (...statements: Record<string, unknown>[]) => findings(privilegeEscalation, withPolicy(...statements));

  it("passes what is not a path: a scoped PassRole of the own account, UpdateFunctionCode on one function, reads", () => {
    expect(ids(allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/app-runtime`), allow("lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:app`), allow("iam:GetRole", "*"))).toEqual([]);
  });
  it("self-service keys and passwords (${aws:username}) are not escalation", () => {
    expect(ids(allow(["iam:CreateAccessKey", "iam:UpdateLoginProfile"], "arn:aws:iam::*:user/${aws:username}"))).toEqual([]);
    expect(ids(allow("iam:CreateAccessKey", "*"))).toEqual(["NHI-GOV-021[Escalation::iam:CreateAccessKey] @ aws_iam_role.r"]);
  });
  it("a confining condition takes the step out (iam:PolicyARN on an attach action)", () => {
    expect(ids(allow("iam:AttachRolePolicy", "*", { Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess" } } }))).toEqual([]);
  });
  it("an explicit Deny on * removes the action", () => {
    expect(ids(allow("iam:PutRolePolicy", "*"), { Effect: "Deny", Action: "iam:Put*", Resource: "*" })).toEqual([]);
  });
  it("wildcards are NHI-GOV-005's (named with their escalation actions), not repeated here", () => {
    expect(ids(allow("iam:*", "*"))).toEqual([]);
  });
  it("reports the longest path only: PassRole on * with CreateFunction and InvokeFunction", () => {
    expect(ids(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "*"))).toEqual(["NHI-GOV-021[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction] @ aws_iam_role.r"]);
  });
  it("cross-account by the configured environment accounts, else by the boundary's account", () => {
    expect(ids(allow("sts:AssumeRole", "arn:aws:iam::210987654321:role/x"))).toEqual(["NHI-GOV-021[Escalation::sts:AssumeRole] @ aws_iam_role.r"]);
    expect(findings(privilegeEscalation, withPolicy(allow("sts:AssumeRole", "arn:aws:iam::210987654321:role/x")), { environmentAccounts: { prod: ["210987654321"] } })).toEqual([]);
  });
  it("an inline policy on a role outside the plan is judged alone", () => {
    const p = resource("aws_iam_role_policy", "aws_iam_role_policy.ext", { name: "p", role: "existing-role", policy: doc(allow("iam:CreatePolicyVersion", "*")) });
    expect(findings(privilegeEscalation, [p])).toEqual(["NHI-GOV-021[Escalation::iam:CreatePolicyVersion] @ aws_iam_role_policy.ext"]);
  });
});

describe("NHI-GOV-020 reads every secret, unit cases", () => {
  const pol = (...statements: Record<string, unknown>[]) => resource("aws_iam_policy", "aws_iam_policy.p", { name: "p", policy: doc(...statements) });
  it("every secret: *, an all-secrets ARN, NotResource", () => {
    expect(findings(secretReadEverywhere, [pol(allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*"))])).toEqual(["NHI-GOV-020[SecretRead::secretsmanager] @ aws_iam_policy.p"]);
    expect(findings(secretReadEverywhere, [pol({ Effect: "Allow", Action: "ssm:GetParameters", NotResource: "arn:aws:ssm:*:*:parameter/other/*" })])).toEqual(["NHI-GOV-020[SecretRead::ssm] @ aws_iam_policy.p"]);
  });
  it("named secrets, a prefix, or a tag condition pass", () => {
    expect(findings(secretReadEverywhere, [pol(allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*"), allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/app/*"))])).toEqual([]);
    expect(findings(secretReadEverywhere, [pol(allow("secretsmanager:GetSecretValue", "*", { Condition: { StringEquals: { "aws:ResourceTag/team": "payments" } } }))])).toEqual([]);
    expect(findings(secretReadEverywhere, [pol(allow("kms:Decrypt", "*", { Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } } }))])).toEqual([]);
  });
  it("read wildcards count (they are only medium in NHI-GOV-005)", () => {
    expect(findings(secretReadEverywhere, [pol(allow("secretsmanager:Get*", "*"))])).toEqual(["NHI-GOV-020[SecretRead::secretsmanager] @ aws_iam_policy.p"]);
  });
});

describe("NHI-GOV-022 time-bound access, unit cases", () => {
  it("what GovernedIdentity renders passes", () => {
    const r = governed("tb-ok", [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }]);
    expect(findings(timeBoundAccess, renderedResources(r))).toEqual([]);
  });
  it("an unsealed role is not this rule's (NHI-GOV-001 and the tag rules judge it)", () => {
    expect(findings(timeBoundAccess, [role()])).toEqual([]);
  });
});
