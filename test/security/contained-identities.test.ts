/**
 * Issue 22, root cause 2: resources that create identities inside them (CloudFormation stacks and
 * stack sets, Cloud Control resources, authoritative GCP IAM policies, Serverless Application
 * Repository applications) are expanded into the identities they declare, and what cannot be read
 * is an NHI-GOV-030 finding. Real plans from the real Terraform where the shape matters.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseTemplate, Resolver, convertProperties, UNKNOWN } from "../../src/adapters/cloudformation";
import { planToInput } from "../../src/adapters/terraform-plan";
import { stateToInput } from "../../src/adapters/terraform-state";
import { expandResources } from "../../src/engine/expand";
import { buildInventory } from "../../src/engine/inventory";
import { resource } from "../../testing/resources";
import { change, plan } from "../fixtures/plans/builder";
import { clock, inDays } from "../helpers";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { NhiGovernance } from "../../constructs/cdktf";
import { synthError, tmpApp } from "../cdktf/helpers";
import { checkPulumiProgram } from "../../testing";
import { cli, judge, of } from "./bypass-helpers";
import { cloudFormationStack } from "./programs";

const TRUST_LAMBDA = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

const TRUST_HCL = '{ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] }';

/** Every case in one real plan (a plan costs seconds). */
const HCL = `${awsProviderHcl()}
resource "aws_s3_bucket" "b" {
  bucket = "acme-templates"
}
# YAML with short-form tags, a parameter, a condition that is false, AdministratorAccess through !Sub.
resource "aws_cloudformation_stack" "yaml" {
  name       = "ops"
  parameters = { Team = "ops" }
  template_body = <<-YAML
    Parameters:
      Team:
        Type: String
    Conditions:
      IsProd: !Equals [!Ref Team, prod]
    Resources:
      Admin:
        Type: AWS::IAM::Role
        Properties:
          RoleName: !Sub "$\${Team}-admin"
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: { Service: lambda.amazonaws.com }
                Action: sts:AssumeRole
          ManagedPolicyArns:
            - !Sub "arn:$\${AWS::Partition}:iam::aws:policy/AdministratorAccess"
          Policies:
            - PolicyName: everything
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: "*"
                    Resource: "*"
      ProdOnly:
        Type: AWS::IAM::User
        Condition: IsProd
        Properties:
          UserName: prod-only
  YAML
}
# JSON: a user, its access key and an inline policy, linked by Ref.
resource "aws_cloudformation_stack" "json" {
  name = "ci"
  template_body = jsonencode({
    Resources = {
      Ci       = { Type = "AWS::IAM::User", Properties = { UserName = "ci-bot" } }
      CiKey    = { Type = "AWS::IAM::AccessKey", Properties = { UserName = { Ref = "Ci" } } }
      CiPolicy = { Type = "AWS::IAM::Policy", Properties = { PolicyName = "ci", Users = [{ Ref = "Ci" }], PolicyDocument = { Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] } } }
    }
  })
}
resource "aws_cloudformation_stack" "url" {
  name         = "url"
  template_url = "https://acme-templates.s3.amazonaws.com/admin-role.yaml"
}
resource "aws_cloudformation_stack" "sam" {
  name         = "sam"
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
  template_body = jsonencode({
    Transform = "AWS::Serverless-2016-10-31"
    Resources = { Fn = { Type = "AWS::Serverless::Function", Properties = { Runtime = "python3.12", Handler = "x.h", CodeUri = "s3://b/k", Policies = ["AdministratorAccess"] } } }
  })
}
resource "aws_cloudformation_stack" "nested" {
  name          = "nested"
  template_body = jsonencode({ Resources = { Child = { Type = "AWS::CloudFormation::Stack", Properties = { TemplateURL = "https://acme-templates.s3.amazonaws.com/child.yaml" } } } })
}
resource "aws_cloudformation_stack" "bucket" {
  name          = "bucket"
  template_body = jsonencode({ Resources = { B = { Type = "AWS::S3::Bucket" } } })
}
resource "aws_cloudformation_stack" "unknown" {
  name          = "unknown"
  template_body = jsonencode({ Resources = { R = { Type = "AWS::IAM::Role", Properties = { RoleName = aws_s3_bucket.b.arn } } } })
}
resource "aws_cloudformation_stack_set" "ss" {
  name          = "org-roles"
  template_body = jsonencode({ Resources = { Break = { Type = "AWS::IAM::Role", Properties = { RoleName = "org-admin", AssumeRolePolicyDocument = ${TRUST_HCL}, ManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"] } } } })
}
resource "aws_cloudcontrolapi_resource" "role" {
  type_name     = "AWS::IAM::Role"
  schema        = jsonencode({ typeName = "AWS::IAM::Role", properties = { RoleName = { type = "string" }, AssumeRolePolicyDocument = { type = ["object", "string"] }, ManagedPolicyArns = { type = "array", items = { type = "string" } } }, additionalProperties = false, primaryIdentifier = ["/properties/RoleName"] })
  desired_state = jsonencode({ RoleName = "cc-admin", AssumeRolePolicyDocument = jsonencode(${TRUST_HCL}), ManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"] })
}
resource "aws_cloudcontrolapi_resource" "queue" {
  type_name     = "AWS::SQS::Queue"
  schema        = jsonencode({ typeName = "AWS::SQS::Queue", properties = { QueueName = { type = "string" } }, additionalProperties = false, primaryIdentifier = ["/properties/QueueName"] })
  desired_state = jsonencode({ QueueName = "q" })
}
resource "aws_serverlessapplicationrepository_cloudformation_stack" "sar" {
  name           = "sar-app"
  application_id = "arn:aws:serverlessrepo:us-east-1:123456789012:applications/some-app"
  capabilities   = ["CAPABILITY_IAM"]
}
`;

const RULES = ["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-005", "NHI-GOV-007", "NHI-GOV-012", "NHI-GOV-030", "NHI-GOV-032"];

/** What the gate must report on that plan, for RULES: the same on the plan and on the state after apply. */
const EXPECTED = [
  "NHI-GOV-001 @ aws_cloudcontrolapi_resource.role",
  "NHI-GOV-001 @ aws_cloudformation_stack.json/Resources/Ci",
  "NHI-GOV-001 @ aws_cloudformation_stack.yaml/Resources/Admin",
  "NHI-GOV-001 @ aws_cloudformation_stack_set.ss/Resources/Break",
  "NHI-GOV-005[Action::*] @ aws_cloudformation_stack.yaml/Resources/Admin",
  "NHI-GOV-005[Action::iam:*] @ aws_cloudformation_stack.json/Resources/CiPolicy",
  "NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudcontrolapi_resource.role",
  "NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudformation_stack.yaml/Resources/Admin",
  "NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudformation_stack_set.ss/Resources/Break",
  "NHI-GOV-012[Rotation::missing] @ aws_cloudformation_stack.json/Resources/CiKey",
  "NHI-GOV-012[TTL::missing] @ aws_cloudformation_stack.json/Resources/CiKey",
  "NHI-GOV-030[Application::application_id] @ aws_serverlessapplicationrepository_cloudformation_stack.sar",
  "NHI-GOV-030[NestedTemplate::Resources/Child] @ aws_cloudformation_stack.nested",
  "NHI-GOV-030[TemplateUrl::template_url] @ aws_cloudformation_stack.url",
  "NHI-GOV-030[Transform::AWS::Serverless-2016-10-31] @ aws_cloudformation_stack.sam",
];

describeWithTerraform("identities inside CloudFormation, Cloud Control and SAR resources (real Terraform plan)", () => {
  let planJson: any;
  let planFile: string;
  beforeAll(() => {
    ({ plan: planJson, planFile } = terraformPlan({ "main.tf": HCL }));
  }, 120_000);

  it("nhi-gate plan judges a CloudFormation template's roles, users, keys and policies, a Cloud Control role, and refuses to pass what it cannot read", () => {
    const report = judge(planToInput(planJson, "plan.json"));
    // The one template Terraform cannot know before apply (it embeds a bucket ARN) is also "cannot evaluate".
    expect(of(report, ...RULES)).toEqual([...EXPECTED, "NHI-GOV-030[Unknown::template_body] @ aws_cloudformation_stack.unknown"].sort());
    expect(report.passed).toBe(false);
    // The user's key and policy attach to an identity created outside a governed construct: parts of its NHI-GOV-001 (one finding per problem).
    expect(report.findings.find((f) => f.findingId === "NHI-GOV-001" && f.address === "aws_cloudformation_stack.json/Resources/Ci")?.parts).toEqual(
      expect.arrayContaining([
        "NHI-GOV-002[Owner::aws_cloudformation_stack.json/Resources/Ci] @ aws_cloudformation_stack.json/Resources/CiKey",
        "NHI-GOV-002[Owner::aws_cloudformation_stack.json/Resources/Ci] @ aws_cloudformation_stack.json/Resources/CiPolicy",
      ]),
    );
    const admin = report.resources.find((r) => r.address === "aws_cloudformation_stack.yaml/Resources/Admin");
    expect(admin).toMatchObject({ type: "AWS::IAM::Role", kind: "principal", governed: "ungoverned", judged: true });
    // The condition IsProd is false for Team=ops: the user it guards is not created.
    expect(report.resources.some((r) => r.address.endsWith("/ProdOnly"))).toBe(false);
    // Stacks and resources that create no identity add no finding.
    expect(report.findings.filter((f) => /stack\.bucket|resource\.queue/.test(f.address))).toEqual([]);
  });

  it("nhi-gate state judges the same identities after apply, from the stack's template in the state", () => {
    // What `terraform show -json` of the state holds after apply: the planned values, everything known.
    const values = JSON.parse(JSON.stringify(planJson.planned_values));
    for (const r of values.root_module.resources) if (r.address === "aws_cloudformation_stack.unknown") r.values.template_body = JSON.stringify({ Resources: { B: { Type: "AWS::S3::Bucket" } } });
    const report = judge(stateToInput({ format_version: "1.0", terraform_version: "1.11.4", values }, "state.json"));
    expect(of(report, ...RULES)).toEqual(EXPECTED);
  });

  it("nhi-gate plan exits 1 on the plan file and names the role inside the stack", async () => {
    const { code, stdout } = await cli(["plan", planFile, "--format", "json"]);
    expect(code).toBe(1);
    const findings = JSON.parse(stdout).findings.map((f: { findingId: string; address: string }) => `${f.findingId} @ ${f.address}`);
    expect(findings).toContain("NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudformation_stack.yaml/Resources/Admin");
  });

  it("an exemption names an identity inside a stack by its address, and only that one", () => {
    const exemption = { rule: "NHI-GOV-007", resource: "aws_cloudformation_stack.yaml/Resources/*", reason: "break-glass role, being moved to GovernedIdentity", owner: "@acme/ops", ticket: "OPS-1", expires: inDays(20), approvedBy: "@acme/security" };
    const report = judge(planToInput(planJson, "plan.json"), {}, [exemption as never]);
    const seven = report.findings.filter((f) => f.ruleId === "NHI-GOV-007").map((f) => [f.address, f.exemptedBy?.ticket ?? null]);
    expect(seven).toEqual([
      ["aws_cloudcontrolapi_resource.role", null],
      ["aws_cloudformation_stack.yaml/Resources/Admin", "OPS-1"],
      ["aws_cloudformation_stack_set.ss/Resources/Break", null],
    ]);
  });

  it("the inventory lists the identities inside stacks, not the stacks", () => {
    const inv = buildInventory([planToInput(planJson, "plan.json")], { clock });
    const addresses = inv.identities.map((i) => i.address);
    expect(addresses).toEqual(expect.arrayContaining(["aws_cloudformation_stack.json/Resources/CiKey", "aws_cloudformation_stack.yaml/Resources/Admin", "aws_cloudcontrolapi_resource.role"]));
    expect(addresses.filter((a) => /^aws_cloudformation_stack\.[a-z]+$/.test(a))).toEqual([]);
    expect(inv.orphanedCredentials).toEqual([]);
  });
});

describe("CloudFormation templates: short forms, parameters, conditions, intrinsic functions", () => {
  const resolve = (text: string, params: Record<string, string> = {}, unknownParams: string[] = []) => {
    const t = parseTemplate(text);
    const r = new Resolver({ template: t, parameterValues: params, unknownParameters: new Set(unknownParams), stackName: "s" });
    return Object.fromEntries(t.resources.map((x) => [x.logicalId, convertProperties(r.value(x.properties))]));
  };

  it("reads every short-form tag and resolves what is known before deploy", () => {
    const out = resolve(
      `Parameters:
  Env: { Type: String, Default: dev }
  Arns: { Type: CommaDelimitedList }
Mappings:
  Boundary: { dev: { Arn: "arn:aws:iam::123456789012:policy/dev-boundary" } }
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  NotDev: !Not [!Condition IsDev]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Join ["-", [!Ref Env, !Select [1, !Split [",", "a,b,c"]]]]
      Path: !If [NotDev, /prod/, /dev/]
      PermissionsBoundary: !FindInMap [Boundary, !Ref Env, Arn]
      ManagedPolicyArns: !Ref Arns
      Description: !Sub
        - "\${Name} in \${AWS::Region} for \${!Literal}"
        - Name: !Ref AWS::StackName
      MaxSessionDuration: !If [IsDev, 3600, !Ref AWS::NoValue]
      Description2: !If [NotDev, x, !Ref AWS::NoValue]
      Tags:
        - Key: nhi:owner
          Value: !GetAtt Other.Arn
`,
      { Arns: "arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess" },
    );
    expect(out.R).toEqual({
      props: {
        role_name: "dev-b",
        path: "/dev/",
        permissions_boundary: "arn:aws:iam::123456789012:policy/dev-boundary",
        managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
        max_session_duration: 3600,
        tags: [{ key: "nhi:owner" }],
      },
      // The region is only known at deploy; so is another resource's attribute.
      unknownPaths: ["description", "tags.0.value"],
    });
  });

  it("leaves deploy-time values unknown: account id, SSM parameter types, dynamic references, imports, unknown parameters", () => {
    const out = resolve(
      `Parameters:
  FromSsm: { Type: "AWS::SSM::Parameter::Value<String>", Default: /admin/arn }
  Passed: { Type: String }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root" }, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [!Ref FromSsm, "{{resolve:ssm:/admin/arn}}", !ImportValue AdminArn]
      RoleName: !Ref Passed
`,
      {},
      ["Passed"],
    );
    expect(out.R.unknownPaths).toEqual(["assume_role_policy_document.Statement.0.Principal.AWS", "managed_policy_arns.0", "managed_policy_arns.1", "managed_policy_arns.2", "role_name"]);
  });

  it("refuses what CloudFormation would not read, with one line naming the problem", () => {
    expect(() => parseTemplate("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !NotATag x\n")).toThrow(/^not a readable template: .*tag/i);
    expect(() => parseTemplate("Resources: [")).toThrow(/^not a readable template/);
    expect(() => parseTemplate('{"AWSTemplateFormatVersion": "2010-09-09"}')).toThrow("not a template: Resources is missing or not a mapping");
    expect(() => parseTemplate("Resources:\n  R: { Properties: {} }\n")).toThrow("Resources.R: expected a mapping with a Type");
    expect(UNKNOWN.toString()).toContain("unknown until deploy");
  });

  it("an unreadable template, a Fn::Transform and a CloudFormation module are cannot-evaluate findings", () => {
    const stack = (address: string, body: string) => resource("aws_cloudformation_stack", address, { name: "s", template_body: body });
    const report = judge({
      resources: [
        stack("aws_cloudformation_stack.broken", "Resources:\n  R: !Bogus x\n"),
        stack("aws_cloudformation_stack.include", JSON.stringify({ Resources: { R: { Type: "AWS::IAM::Role", Properties: { "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://b/role.yaml" } } } } } })),
        stack("aws_cloudformation_stack.module", JSON.stringify({ Resources: { M: { Type: "Acme::Iam::AdminRole::MODULE", Properties: {} } } })),
      ],
    });
    expect(of(report, "NHI-GOV-030")).toEqual([
      "NHI-GOV-030[Module::Resources/M] @ aws_cloudformation_stack.module",
      "NHI-GOV-030[Transform::AWS::Include] @ aws_cloudformation_stack.include",
      "NHI-GOV-030[Unparsable::template_body] @ aws_cloudformation_stack.broken",
    ]);
  });

  it("an update judges the identities the template adds or changes, not the ones it keeps, and sees those it removes", () => {
    const role = (name: string, policy = "arn:aws:iam::aws:policy/ReadOnlyAccess") => ({ Type: "AWS::IAM::Role", Properties: { RoleName: name, AssumeRolePolicyDocument: TRUST_LAMBDA, ManagedPolicyArns: [policy] } });
    const before = { name: "s", template_body: JSON.stringify({ Resources: { Keep: role("keep"), Widen: role("widen"), Gone: role("gone") } }) };
    const after = { name: "s", template_body: JSON.stringify({ Resources: { Keep: role("keep"), Widen: role("widen", "arn:aws:iam::aws:policy/AdministratorAccess"), New: role("new") } }) };
    const input = planToInput(plan([change({ address: "aws_cloudformation_stack.s", type: "aws_cloudformation_stack", actions: ["update"], before, after })]), "plan.json");
    const report = judge(input);
    expect(report.resources.filter((r) => r.address.includes("/")).map((r) => [r.address, r.action])).toEqual([
      ["aws_cloudformation_stack.s/Resources/Gone", "delete"],
      ["aws_cloudformation_stack.s/Resources/Keep", "no-op"],
      ["aws_cloudformation_stack.s/Resources/New", "create"],
      ["aws_cloudformation_stack.s/Resources/Widen", "update"],
    ]);
    expect(of(report, "NHI-GOV-001", "NHI-GOV-007")).toEqual([
      "NHI-GOV-001 @ aws_cloudformation_stack.s/Resources/New",
      "NHI-GOV-001 @ aws_cloudformation_stack.s/Resources/Widen",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudformation_stack.s/Resources/Widen",
    ]);
  });

  it("expansion is idempotent and leaves lists without containers untouched", () => {
    const list = [resource("aws_iam_role", "aws_iam_role.r", { name: "r" })];
    expect(expandResources(list)).toBe(list);
    const stack = [resource("aws_cloudformation_stack", "aws_cloudformation_stack.s", { template_body: JSON.stringify({ Resources: { U: { Type: "AWS::IAM::User", Properties: { UserName: "u", Path: { Ref: "AWS::NoValue" } } } } }) })];
    const once = expandResources(stack);
    expect(once.map((r) => r.address)).toEqual(["aws_cloudformation_stack.s", "aws_cloudformation_stack.s/Resources/U"]);
    // AWS::NoValue removes the property.
    expect(once[1].props).toEqual({ user_name: "u" });
    expect(expandResources(once)).toBe(once);
  });
});

describe("authoritative GCP IAM policies (google_project_iam_policy and its folder and organization forms)", () => {
  // As the google provider plans it: policy_data is the JSON of data.google_iam_policy, known at plan when its members are literals.
  const policyData = JSON.stringify({
    bindings: [
      { role: "roles/owner", members: ["serviceAccount:ci@acme-prod.iam.gserviceaccount.com", "user:alice@acme.com"] },
      { role: "roles/viewer", members: ["group:readers@acme.com"] },
      { role: "roles/iam.serviceAccountTokenCreator", members: ["principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/attribute.repository/acme/app"] },
    ],
  });
  const gcpPlan = (after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}) =>
    planToInput(plan([change({ address: "google_project_iam_policy.p", type: "google_project_iam_policy", after, afterUnknown })]), "plan.json");

  it("each binding is judged like a google_project_iam_binding: owner to a service account fails, a people-only binding is out of scope", () => {
    const report = judge(gcpPlan({ project: "acme-prod", policy_data: policyData, etag: null }, { etag: true, id: true }));
    expect(report.resources.map((r) => [r.address, r.type, r.judged])).toEqual([
      ["google_project_iam_policy.p", "google_project_iam_policy", true],
      ["google_project_iam_policy.p/bindings/roles/iam.serviceAccountTokenCreator", "google_project_iam_binding", true],
      ["google_project_iam_policy.p/bindings/roles/owner", "google_project_iam_binding", true],
      ["google_project_iam_policy.p/bindings/roles/viewer", "google_project_iam_binding", false],
    ]);
    // Members outside the plan are "external" identities the binding grants to (as for google_project_iam_binding).
    expect(of(report, "NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-030", "NHI-GOV-032")).toEqual([
      "NHI-GOV-002[External::members] @ google_project_iam_policy.p/bindings/roles/iam.serviceAccountTokenCreator",
      "NHI-GOV-002[External::members] @ google_project_iam_policy.p/bindings/roles/owner",
      "NHI-GOV-032[Role::roles/iam.serviceAccountTokenCreator] @ google_project_iam_policy.p/bindings/roles/iam.serviceAccountTokenCreator",
      "NHI-GOV-032[Role::roles/owner] @ google_project_iam_policy.p/bindings/roles/owner",
    ]);
    expect(report.findings.find((f) => f.findingId === "NHI-GOV-032[Role::roles/owner]")?.severity).toBe("critical");
  });

  it("policy_data unknown until apply, or not a policy, cannot be evaluated", () => {
    expect(of(judge(gcpPlan({ project: "acme-prod" }, { policy_data: true })), "NHI-GOV-030")).toEqual(["NHI-GOV-030[Unknown::policy_data] @ google_project_iam_policy.p"]);
    expect(of(judge(gcpPlan({ project: "acme-prod", policy_data: '{"bindings": "all"}' })), "NHI-GOV-030")).toEqual(["NHI-GOV-030[Unparsable::policy_data] @ google_project_iam_policy.p"]);
  });

  it("folder and organization policies expand to their bindings", () => {
    const report = judge({
      resources: [
        resource("google_folder_iam_policy", "google_folder_iam_policy.f", { folder: "folders/1", policy_data: policyData }),
        resource("google_organization_iam_policy", "google_organization_iam_policy.o", { org_id: "42", policy_data: policyData }),
      ],
    });
    expect(of(report, "NHI-GOV-032").filter((f) => f.includes("roles/owner"))).toEqual([
      "NHI-GOV-032[Role::roles/owner] @ google_folder_iam_policy.f/bindings/roles/owner",
      "NHI-GOV-032[Role::roles/owner] @ google_organization_iam_policy.o/bindings/roles/owner",
    ]);
  });
});

describe("Cloud Control resources", () => {
  it("an IAM type_name is judged like the native type; an unknown type_name or desired_state cannot be evaluated", () => {
    const cc = (address: string, props: Record<string, unknown>, unknownPaths: string[] = []) => resource("aws_cloudcontrolapi_resource", address, props, { unknownPaths });
    const report = judge({
      resources: [
        cc("aws_cloudcontrolapi_resource.user", { type_name: "AWS::IAM::User", desired_state: JSON.stringify({ UserName: "svc", ManagedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }) }),
        cc("aws_cloudcontrolapi_resource.t", { desired_state: "{}" }, ["type_name"]),
        cc("aws_cloudcontrolapi_resource.s", { type_name: "AWS::IAM::Role" }, ["desired_state"]),
        cc("aws_cloudcontrolapi_resource.bad", { type_name: "AWS::IAM::Role", desired_state: "not json" }),
      ],
    });
    expect(of(report, "NHI-GOV-001", "NHI-GOV-007", "NHI-GOV-030")).toEqual([
      "NHI-GOV-001 @ aws_cloudcontrolapi_resource.user",
      "NHI-GOV-007[Policy::IAMFullAccess] @ aws_cloudcontrolapi_resource.user",
      "NHI-GOV-030[Unknown::desired_state] @ aws_cloudcontrolapi_resource.s",
      "NHI-GOV-030[Unknown::type_name] @ aws_cloudcontrolapi_resource.t",
      "NHI-GOV-030[Unparsable::desired_state] @ aws_cloudcontrolapi_resource.bad",
    ]);
  });
});

describe("nhi-gate synth and the CDKTF aspect see identities inside a CloudFormation stack", () => {
  it("nhi-gate synth: a CloudformationStack with an inline template creating an admin user fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-cfn-synth-"));
    fs.mkdirSync(path.join(dir, "stacks", "app"), { recursive: true });
    const template = { Resources: { Svc: { Type: "AWS::IAM::User", Properties: { UserName: "svc", ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } } };
    fs.writeFileSync(
      path.join(dir, "stacks", "app", "cdk.tf.json"),
      JSON.stringify({ terraform: { required_providers: { aws: { source: "aws" } } }, resource: { aws_cloudformation_stack: { legacy_ABC: { name: "legacy", template_body: JSON.stringify(template), "//": { metadata: { path: "app/legacy" } } } } } }),
    );
    const { code, stdout } = await cli(["synth", dir, "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.findings.filter((f: { ruleId: string }) => ["NHI-GOV-001", "NHI-GOV-007"].includes(f.ruleId)).map((f: { findingId: string; address: string }) => `${f.findingId} @ ${f.address}`)).toEqual([
      "NHI-GOV-001 @ aws_cloudformation_stack.legacy_ABC/Resources/Svc",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws_cloudformation_stack.legacy_ABC/Resources/Svc",
    ]);
    expect(report.resources.find((r: { address: string }) => r.address === "aws_cloudformation_stack.legacy_ABC/Resources/Svc").origin.constructPath).toBe("app/legacy");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the CDKTF aspect: app.synth() fails on a CloudformationStack whose template creates an admin role, on the stack's construct", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "cfn");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new CloudformationStack(stack, "legacy", {
      name: "legacy",
      templateBody: JSON.stringify({ Resources: { Admin: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: TRUST_LAMBDA, ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } } }),
    });
    NhiGovernance.of(stack).enforce({}, { clock });
    expect(synthError(app)).toMatch(/\[cfn\/legacy\] NHI-GOV-007\[Policy::AdministratorAccess\] \(critical\) .*aws_cloudformation_stack\.legacy\/Resources\/Admin attaches AWS managed policy AdministratorAccess/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("the offline Pulumi kit sees identities inside a CloudFormation stack and a Cloud Control resource", () => {
  it("checkPulumiProgram: aws.cloudformation.Stack and aws.cloudcontrol.Resource with admin identities fail", async () => {
    const report = await checkPulumiProgram(cloudFormationStack, { clock });
    const short = (a: string) => a.replace(/^urn:pulumi:stack::project::/, "");
    expect(report.findings.filter((f) => ["NHI-GOV-001", "NHI-GOV-007"].includes(f.ruleId)).map((f) => `${f.findingId} @ ${short(f.address)}`).sort()).toEqual([
      "NHI-GOV-001 @ aws:cloudcontrol/resource:Resource::cc-role",
      "NHI-GOV-001 @ aws:cloudformation/stack:Stack::legacy/Resources/Svc",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws:cloudcontrol/resource:Resource::cc-role",
      "NHI-GOV-007[Policy::AdministratorAccess] @ aws:cloudformation/stack:Stack::legacy/Resources/Svc",
    ]);
    expect(report.passed).toBe(false);
  });
});
