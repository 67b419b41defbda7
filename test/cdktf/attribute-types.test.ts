/**
 * The construct's attributes are typed by credential kind (issue #16, item 10): on a role
 * identity `roleName` is a `string`, so `{ role: identity.roleName }` compiles under `strict`.
 * The type assertions are checked by `tsc --noEmit` (npm test); the runtime assertions by jest.
 */
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import * as pulumi from "@pulumi/pulumi";
import { GovernedIdentity } from "../../constructs/cdktf";
import { GovernedIdentity as CdktnGovernedIdentity } from "../../constructs/cdktn";
import { GovernedIdentity as PulumiGovernedIdentity } from "../../constructs/pulumi";
import { GovernedIdentitySpecInput } from "../../src/spec/identity";
import { clock, validSpec } from "../helpers";
import { newStack } from "./helpers";

/** True only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const is = <T extends true>(_: T) => undefined;

const staticKey = { kind: "static-key", ttl: "P90D", rotation: "P30D" } as const;
const managed = { kind: "managed-secret", rotation: "P30D", rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate" } as const;

describe("attributes typed by credential kind", () => {
  it("CDKTF: a role identity's roleName and roleArn are strings; a static key's userName is; the secret follows the kind", () => {
    const { stack } = newStack();
    const role = new GovernedIdentity(stack, "role", { ...validSpec(), credential: { kind: "federated" }, clock });
    const user = new GovernedIdentity(stack, "user", { ...validSpec({ name: "legacy" }), trust: undefined, credential: staticKey, clock });
    const secret = new GovernedIdentity(stack, "secret", { ...validSpec({ name: "db" }), trust: { kind: "aws-service", service: "ecs-tasks.amazonaws.com" }, credential: managed, clock });
    is<Equals<typeof role.roleName, string>>(true);
    is<Equals<typeof role.roleArn, string>>(true);
    is<Equals<typeof role.userName, undefined>>(true);
    is<Equals<typeof role.secretArn, undefined>>(true);
    is<Equals<typeof role.principalType, "role">>(true);
    is<Equals<typeof user.userName, string>>(true);
    is<Equals<typeof user.roleName, undefined>>(true);
    is<Equals<typeof user.secretArn, string>>(true);
    is<Equals<typeof user.principalType, "user">>(true);
    is<Equals<typeof secret.secretArn, string>>(true);
    // What a user writes: compiles under strict without a `!`.
    new IamRolePolicyAttachment(stack, "attach", { role: role.roleName, policyArn: "arn:aws:iam::123456789012:policy/read-artifacts" });
    new IamUserPolicyAttachment(stack, "attach-user", { user: user.userName, policyArn: "arn:aws:iam::123456789012:policy/read-artifacts" });
    expect([typeof role.roleName, role.userName, role.secretArn, role.principalType]).toEqual(["string", undefined, undefined, "role"]);
    expect([user.roleName, typeof user.userName, typeof user.secretArn, user.principalType]).toEqual([undefined, "string", "string", "user"]);
    expect(typeof secret.secretArn).toBe("string");
  });

  it("CDKTF: a spec whose kind is not known at compile time keeps `string | undefined`", () => {
    const { stack } = newStack();
    const spec: GovernedIdentitySpecInput = validSpec();
    const any = new GovernedIdentity(stack, "any", { ...spec, clock });
    is<Equals<typeof any.roleName, string | undefined>>(true);
    is<Equals<typeof any.principalType, "role" | "user">>(true);
    expect(typeof any.roleName).toBe("string");
  });

  it("CDK Terrain: the same types (generated from the CDKTF construct)", () => {
    const cdktn = require("cdktn");
    const stack = new cdktn.TerraformStack(cdktn.Testing.app(), "s");
    const role = new CdktnGovernedIdentity(stack, "role", { ...validSpec(), credential: { kind: "ephemeral" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" }, clock });
    is<Equals<typeof role.roleName, string>>(true);
    expect(typeof role.roleName).toBe("string");
  });

  it("Pulumi: roleArn is an Output on a role, the principal is a Role, and a static key's are the user's", async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "project", "stack", true);
    const role = new PulumiGovernedIdentity("role", { ...validSpec(), credential: { kind: "federated" } }, { clock });
    const user = new PulumiGovernedIdentity("user", { ...validSpec({ name: "legacy" }), trust: undefined, credential: staticKey }, { clock });
    is<Equals<typeof role.roleArn, pulumi.Output<string>>>(true);
    is<Equals<typeof role.userArn, undefined>>(true);
    is<Equals<typeof role.secretArn, undefined>>(true);
    is<Equals<typeof role.principal, import("@pulumi/aws/iam/role").Role>>(true);
    is<Equals<typeof user.userArn, pulumi.Output<string>>>(true);
    is<Equals<typeof user.roleArn, undefined>>(true);
    is<Equals<typeof user.accessKey, import("@pulumi/aws/iam/accessKey").AccessKey>>(true);
    is<Equals<typeof user.principal, import("@pulumi/aws/iam/user").User>>(true);
    expect(pulumi.Output.isInstance(role.roleArn)).toBe(true);
    expect([role.userArn, role.secretArn, user.roleArn]).toEqual([undefined, undefined, undefined]);
    expect(pulumi.Output.isInstance(user.userArn)).toBe(true);
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
  });
});
