/** Pulumi programs for the bypass catalogue, written as an attacker would (shared by the kit and the pack tests). */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { GovernedIdentity } from "../../constructs/pulumi";
import { GOVERNED_IDENTITY_TYPE, renderIdentity } from "../../src/render/aws";
import { parseSpec } from "../../src/spec/identity";
import { clock, validSpec } from "../helpers";
import { LIFECYCLE } from "../rules/fixtures";

const lambdaSpec = (name: string) => validSpec({ name, credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } });
const passAdmin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/admin" }] });
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
export const APPROVED_TYPE = "acme:platform:Deployer";

/** RC1-08: a resource transformation widens the role GovernedIdentity renders. */
export function transformed() {
  new GovernedIdentity("deployer", lambdaSpec("rc1-transformed"), {
    clock,
    transformations: [
      (a) =>
        a.type === "aws:iam/role:Role"
          ? { props: { ...a.props, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"], inlinePolicies: [{ name: "sneaky", policy: passAdmin }] }, opts: a.opts }
          : undefined,
    ],
  });
}

/** RC1-09: a component that claims GovernedIdentity's type token, with a valid spec, and a role that matches it plus an admin policy. */
class ForgedGovernedIdentity extends pulumi.ComponentResource {
  constructor(name: string) {
    const spec = parseSpec(lambdaSpec("rc1-forged"), { clock });
    super(GOVERNED_IDENTITY_TYPE, name, { spec, governance: { accessGracePeriodDays: 14 } });
    const r = renderIdentity(spec);
    const p = r.principal;
    new aws.iam.Role(
      `${name}-role`,
      { name: p.name, path: p.path, assumeRolePolicy: p.assumeRolePolicyJson as string, permissionsBoundary: p.permissionsBoundary, maxSessionDuration: p.maxSessionDuration, tags: { ...p.tags }, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      { parent: this },
    );
    new aws.iam.RolePolicy(`${name}-policy`, { name: r.policy.name, role: p.name, policy: r.policy.json }, { parent: this });
    this.registerOutputs({});
  }
}
export function forgedGovernedIdentity() {
  new ForgedGovernedIdentity("forged");
}

/** A component of the approved type token: any code can declare it. */
class ClaimsApproval extends pulumi.ComponentResource {
  constructor(name: string, body: (parent: pulumi.ComponentResource) => void) {
    super(APPROVED_TYPE, name, {});
    body(this);
    this.registerOutputs({});
  }
}

/** RC4-07: a raw role, with every lifecycle tag and a boundary, inside it. */
export function forgedApproved() {
  new ClaimsApproval("forged", (parent) => {
    new aws.iam.Role("forged-role", { name: "forged-role", assumeRolePolicy: trust, permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary", tags: { ...LIFECYCLE } }, { parent });
  });
}

/** What every provider SDK's resource class is: a CustomResource with its type token. */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** RC4-08: an aws-native role with embedded policies inside it. */
export function nativeInApproved() {
  new ClaimsApproval("native", (parent) => {
    new Raw(
      "aws-native:iam:Role",
      "native-role",
      {
        roleName: "native-role",
        assumeRolePolicyDocument: JSON.parse(trust),
        permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
        managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        policies: [{ policyName: "read", policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-artifacts/*" }] } }],
        tags: Object.entries(LIFECYCLE).map(([key, value]) => ({ key, value })),
      },
      { parent },
    );
  });
}
