/** Pulumi programs written the way real projects write them; shared by the kit and the protocol tests. */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { GovernedIdentity } from "../../constructs/pulumi";
import { clock, validSpec } from "../helpers";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** A role, a policy attachment and an access key, written by hand. */
export function handWritten() {
  const role = new aws.iam.Role("deployer", { name: "deployer", assumeRolePolicy: trust });
  new aws.iam.RolePolicyAttachment("deployer-admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
  const user = new aws.iam.User("ci", { name: "ci" });
  new aws.iam.AccessKey("ci-key", { user: user.name });
}

/** The user's own component, not approved in the gate config. */
export class TeamDeployer extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("acme:platform:TeamDeployer", name, {}, opts);
    new aws.iam.Role(`${name}-role`, { name: `${name}-role`, assumeRolePolicy: trust }, { parent: this });
    this.registerOutputs({});
  }
}
export function ownComponent() {
  new TeamDeployer("payments");
}

/** The same identity, governed. */
export function governed() {
  new GovernedIdentity("deployer", validSpec({ credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }), { clock });
}

/** A raw role whose parent is a GovernedIdentity: `parent:` claims provenance it does not have. */
export function spoofedParent() {
  const gov = new GovernedIdentity("deployer", validSpec({ credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }), { clock });
  new aws.iam.Role("sneaky", { name: "sneaky", assumeRolePolicy: trust }, { parent: gov });
  new aws.iam.RolePolicyAttachment("sneaky-admin", { role: "payments-deployer", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { parent: gov });
}

/** Identities of other providers, registered as their SDKs register them (type token + inputs). */
/** What every provider SDK's resource class is: a CustomResource with its type token. */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}
export function otherProviders() {
  new Raw("aws-native:iam:Role", "native-role", { roleName: "native-role", assumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] } });
  new Raw("gcp:serviceaccount/account:Account", "gcp-sa", { accountId: "deployer", displayName: "deployer" });
  new Raw("azuread:index/servicePrincipal:ServicePrincipal", "sp", { clientId: "00000000-0000-0000-0000-000000000001" });
  new Raw("kubernetes:core/v1:ServiceAccount", "ksa", { metadata: { name: "deployer", namespace: "ci" } });
}
