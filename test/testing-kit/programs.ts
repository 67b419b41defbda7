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

/*
 * Programs the mocks cannot run as written, shaped like real ones: an organization program
 * (as pulumi/examples aws-ts-organizations is built: an OU under the organization's root from
 * `getOrganization`, an account in it, a provider assuming a role in that account, and roles
 * created through that provider), and programs using resource transforms.
 */

/** An AWS Organizations program: the root id comes from an invoke; the roles are created in the new account. */
export function organization() {
  const config = new pulumi.Config();
  const rootId = aws.organizations.getOrganization({}).then((o) => o.roots[0].id);
  const ou = new aws.organizations.OrganizationalUnit("platform-ou", { parentId: rootId, name: "Platform" });
  const account = new aws.organizations.Account("platform-account", { name: "platform", parentId: ou.id, email: config.requireSecret("accountEmail"), roleName: "OrganizationAccountAccessRole" });
  const provider = new aws.Provider("platform-account", { region: "eu-west-1", assumeRoles: [{ roleArn: pulumi.interpolate`arn:aws:iam::${account.id}:role/OrganizationAccountAccessRole` }] });
  new aws.iam.Role("ci-deployer", { name: `ci-deployer-${pulumi.getOrganization()}`, assumeRolePolicy: trust }, { provider });
  new aws.iam.User("automation", { name: "automation" });
}
/** What getOrganization answers for that program (the AWS API's DescribeOrganization + ListRoots, as the provider maps them). */
export const organizationInvokes = (args: { token: string; inputs: Record<string, unknown> }) =>
  args.token === "aws:organizations/getOrganization:getOrganization"
    ? { id: "o-a1b2c3d4e5", arn: "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5", masterAccountId: "123456789012", featureSet: "ALL", roots: [{ id: "r-a1b2", arn: "arn:aws:organizations::123456789012:root/o-a1b2c3d4e5/r-a1b2", name: "Root", policyTypes: [] }] }
    : undefined;

/** A role whose name is derived from an invoke result the mocks do not answer: its inputs reject. */
export function nameFromInvoke() {
  const caller = aws.getCallerIdentityOutput({});
  new aws.iam.Role("ok", { name: "ok", assumeRolePolicy: trust });
  new aws.iam.Role("from-invoke", { name: caller.apply((c) => `deployer-${c.accountId.slice(0, 4)}`), assumeRolePolicy: trust });
}

/** A governed identity and a raw role, each with a resource transform (transforms can change anything, sealed fields included). */
export function withTransforms() {
  const widen = (args: pulumi.ResourceTransformArgs) => ({ props: { ...args.props, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }, opts: args.opts });
  new GovernedIdentity("deployer", validSpec({ credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }), { clock, transforms: [widen] });
  new aws.iam.Role("raw", { name: "raw", assumeRolePolicy: trust }, { transforms: [widen] });
  new aws.iam.Role("plain", { name: "plain", assumeRolePolicy: trust });
}

/** A stack transform: every resource registered after it is affected. */
export function withStackTransform() {
  new aws.iam.User("before", { name: "before" });
  pulumi.runtime.registerResourceTransform((args) => ({ props: args.props, opts: args.opts }));
  new aws.iam.User("after", { name: "after" });
}
