/** Pulumi programs for issue 22's bypass catalogue (root causes 2 and 6), shared by the kit and the pack tests. */
import * as aws from "@pulumi/aws";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

/** A CloudFormation stack whose template creates an admin user, and a Cloud Control admin role. */
export function cloudFormationStack() {
  new aws.cloudformation.Stack("legacy", {
    name: "legacy",
    parameters: { UserName: "svc" },
    templateBody: JSON.stringify({
      Parameters: { UserName: { Type: "String" } },
      Resources: { Svc: { Type: "AWS::IAM::User", Properties: { UserName: { Ref: "UserName" }, ManagedPolicyArns: [ADMIN] } } },
    }),
  });
  new aws.cloudcontrol.Resource("cc-role", {
    typeName: "AWS::IAM::Role",
    desiredState: JSON.stringify({
      RoleName: "cc-admin",
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
      ManagedPolicyArns: [ADMIN],
    }),
  });
}
