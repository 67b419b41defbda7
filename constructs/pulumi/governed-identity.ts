import * as pulumi from "@pulumi/pulumi";
// Deep imports: each resource module alone loads in ~4 ms; `@pulumi/aws` (root) takes 200-300 ms
// and `@pulumi/aws/iam` etc. ~10-17 ms (measured here; see docs/pulumi.md).
import { Role } from "@pulumi/aws/iam/role";
import { User } from "@pulumi/aws/iam/user";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { UserPolicy } from "@pulumi/aws/iam/userPolicy";
import { AccessKey } from "@pulumi/aws/iam/accessKey";
import { Secret } from "@pulumi/aws/secretsmanager/secret";
import { SecretRotation } from "@pulumi/aws/secretsmanager/secretRotation";
import { SecretVersion } from "@pulumi/aws/secretsmanager/secretVersion";
import { Schedule } from "@pulumi/aws/scheduler/schedule";
import { RolePoliciesExclusive } from "@pulumi/aws/iam/rolePoliciesExclusive";
import { RolePolicyAttachmentsExclusive } from "@pulumi/aws/iam/rolePolicyAttachmentsExclusive";
import { UserPoliciesExclusive } from "@pulumi/aws/iam/userPoliciesExclusive";
import { UserPolicyAttachmentsExclusive } from "@pulumi/aws/iam/userPolicyAttachmentsExclusive";
import { Clock, systemClock } from "../../src/engine/clock";
import { GateConfig, GateConfigSchema } from "../../src/spec/config";
import { FieldIssue, GovernedIdentitySpec, SpecValidationError, specIssues, zodIssues } from "../../src/spec/identity";
import { TAG } from "../../src/spec/tags";
import { GOVERNED_IDENTITY_TYPE, RenderedIdentity, renderIdentity } from "../../src/render/aws";
import { AdoptionWiring, adoptIssues, adoptionWiring, AdoptSpec } from "../../src/render/adopt";
import { CredentialKind, GovernedIdentityArgs, GovernedIdentitySpecArgs } from "./args";
import { KeyRotation, keyRotation } from "./key-rotation";

/** The kinds whose principal is an IAM role (every kind but `static-key`, an IAM user). */
export type RoleCredentialKind = Exclude<CredentialKind, "static-key">;
/** The kinds that keep a credential in Secrets Manager. */
export type SecretCredentialKind = "managed-secret" | "static-key";
/**
 * An attribute's type for the credential kind `K`: `T` when every kind in `K` has it, `undefined`
 * when none has, `T | undefined` when `K` is not known at compile time.
 */
export type AttributeFor<K extends CredentialKind, Has extends CredentialKind, T> = [K] extends [Has] ? T : [K] extends [Exclude<CredentialKind, Has>] ? undefined : T | undefined;

/** Options of `GovernedIdentity`: Pulumi's component options, plus the clock. */
export interface GovernedIdentityOptions extends pulumi.ComponentResourceOptions {
  /**
   * The clock the spec's dates are checked against and the static-key rotation epoch is derived
   * from. Tests pass `fixedClock(...)`.
   * @default systemClock
   */
  clock?: Clock;
}

/** The component's own inputs, as the policy pack reads them back. */
export interface GovernedIdentityInputs {
  /** The validated spec, defaults applied and the permissions boundary resolved. */
  spec: GovernedIdentitySpec;
  /** The `nhi:seal` the spec renders. */
  seal: string;
  /** Gate settings the rendering depends on. */
  governance: { accessGracePeriodDays: number };
}

const SPEC_FIELDS: (keyof GovernedIdentitySpecArgs)[] = [
  "name",
  "owner",
  "purpose",
  "environment",
  "systemOfRecord",
  "retirement",
  "workload",
  "access",
  "permissionsBoundary",
  "trust",
  "credential",
  "recertifyBy",
  "emergency",
  "recertificationReminder",
  "path",
  "tags",
];
const OPTION_FIELDS = ["config", "reminderRoleArn", "adopt"];

/** Copy without `undefined` members (another language's SDK sends absent optionals that way). */
function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (!v || typeof v !== "object" || pulumi.Output.isInstance(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) if (child !== undefined) out[k] = dropUndefined(child);
  return out;
}

/** The spec part of the args; unknown fields are kept so that validation names them. */
function specOf(args: GovernedIdentityArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((dropUndefined(args) ?? {}) as Record<string, unknown>)) if (!OPTION_FIELDS.includes(k)) out[k] = v;
  return out;
}

function configOf(args: GovernedIdentityArgs, subject: string): GateConfig {
  const parsed = GateConfigSchema.safeParse(args.config ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, args.config).map((i) => ({ ...i, path: `config.${i.path}` }));
    throw new SpecValidationError(subject, issues);
  }
  return parsed.data;
}

/** Every value reachable in the spec that is a Pulumi Output: the spec must be plain (see args.ts). */
function outputPaths(v: unknown, path: string, out: string[]): string[] {
  if (pulumi.Output.isInstance(v) || (v && typeof v === "object" && typeof (v as { then?: unknown }).then === "function")) out.push(path || "(spec)");
  else if (Array.isArray(v)) v.forEach((e, i) => outputPaths(e, `${path}.${i}`, out));
  else if (v && typeof v === "object") for (const [k, c] of Object.entries(v)) outputPaths(c, path ? `${path}.${k}` : k, out);
  return out;
}

/** What validating and rendering the args gives, before any resource is registered. */
export interface GovernedIdentityPlan {
  spec: GovernedIdentitySpec;
  rendered: RenderedIdentity;
  seal: string;
  /** The component's own inputs (registered with its type token). */
  inputs: GovernedIdentityInputs;
  /** Existing resources the children import (`adopt`). */
  adopt?: AdoptionWiring;
}

/**
 * Validate and render the args: throws `SpecValidationError` (subject `name`) naming every bad
 * field. Shared by `GovernedIdentity` and the component provider's class (provider/), so both
 * accept and reject exactly the same args.
 */
export function planGovernedIdentity(name: string, args: GovernedIdentityArgs, clock: Clock): GovernedIdentityPlan {
  const config = configOf(args, name);
  const specInput = specOf(args);
  // The spec and the component's own options are checked together: one error names every problem.
  const outputs = outputPaths(specInput, "", []);
  const issues: FieldIssue[] = outputs.map((path) => ({
    path,
    message: "expected a plain value, not a Pulumi Output: spec fields are sealed and checked at preview, so they must be known before apply; fix: pass a literal (build ARNs from known names)",
  }));
  // A field that is an Output is reported as such, not also as "expected text".
  const checked = specIssues(specInput, { config, clock });
  issues.push(...checked.issues.filter((i) => !outputs.some((o) => o === "(spec)" || i.path === o || i.path.startsWith(`${o}.`))));
  if (specInput.recertificationReminder !== undefined && args.reminderRoleArn === undefined) {
    issues.push({ path: "reminderRoleArn", message: "expected the ARN of the role EventBridge Scheduler assumes to publish the reminder (sns:Publish on the topic); fix: set reminderRoleArn, or remove recertificationReminder", received: "nothing" });
  }
  if (issues.length || !checked.spec) {
    throw new SpecValidationError(name, issues);
  }
  const spec = checked.spec;
  const rendered = renderIdentity(spec, config, GOVERNED_IDENTITY_TYPE);
  const adoptProblems = adoptIssues(dropUndefined(args.adopt), rendered);
  if (adoptProblems.length) throw new SpecValidationError(name, adoptProblems);
  const seal = rendered.principal.tags[TAG.seal];
  const plan: GovernedIdentityPlan = { spec, rendered, seal, inputs: { spec, seal, governance: { accessGracePeriodDays: config.accessGracePeriodDays } } };
  const adopt = adoptionWiring(dropUndefined(args.adopt) as AdoptSpec | undefined);
  if (adopt) plan.adopt = adopt;
  return plan;
}

/** The children `createGovernedIdentityChildren` registered, and the outputs to register. */
export interface GovernedIdentityChildren {
  principal: Role | User;
  policy: RolePolicy | UserPolicy;
  secret?: Secret;
  accessKey?: AccessKey;
  keyRotation?: KeyRotation;
  /** Adopted identities (`adopt.exclusive`): the principal keeps only its own inline policy and no managed policy. */
  policiesExclusive?: RolePoliciesExclusive | UserPoliciesExclusive;
  attachmentsExclusive?: RolePolicyAttachmentsExclusive | UserPolicyAttachmentsExclusive;
  roleArn?: pulumi.Output<string>;
  userArn?: pulumi.Output<string>;
  principalName: pulumi.Output<string>;
  secretArn?: pulumi.Output<string>;
  /** What the component registers with `registerOutputs`. */
  outputs: Record<string, pulumi.Input<string>>;
}

/**
 * Create the rendered children of a governed identity component, each with `{ parent }`. Call it
 * right after the component's `super(GOVERNED_IDENTITY_TYPE, name, plan.inputs, opts)`.
 */
export function createGovernedIdentityChildren(parent: pulumi.ComponentResource, name: string, args: GovernedIdentityArgs, plan: GovernedIdentityPlan, clock: Clock): GovernedIdentityChildren {
  const { rendered, adopt } = plan;
  const p = rendered.principal;
  const child = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({ parent, ...extra });
  const imported = (id: string | undefined): pulumi.CustomResourceOptions => (id ? { import: id } : {});
  // An adopted role keeps its description (not part of the spec, not sealed).
  const principalOptions = adopt ? child({ import: adopt.principal, ...(p.type === "role" ? { ignoreChanges: ["description"] } : {}) }) : child();
  let policiesExclusive: RolePoliciesExclusive | UserPoliciesExclusive | undefined;
  let attachmentsExclusive: RolePolicyAttachmentsExclusive | UserPolicyAttachmentsExclusive | undefined;
  let principal: Role | User;
  let policy: RolePolicy | UserPolicy;
  let roleArn: pulumi.Output<string> | undefined;
  let userArn: pulumi.Output<string> | undefined;

  if (p.type === "role") {
    const role = new Role(
      `${name}-role`,
      {
        name: p.name,
        path: p.path,
        assumeRolePolicy: p.assumeRolePolicyJson as string,
        permissionsBoundary: p.permissionsBoundary,
        maxSessionDuration: p.maxSessionDuration,
        tags: { ...p.tags },
      },
      principalOptions,
    );
    principal = role;
    roleArn = role.arn;
    policy = new RolePolicy(`${name}-policy`, { name: rendered.policy.name, role: p.name, policy: rendered.policy.json }, child({ dependsOn: [role], ...imported(adopt?.policy) }));
    if (adopt?.exclusive) {
      policiesExclusive = new RolePoliciesExclusive(`${name}-policies-exclusive`, { roleName: p.name, policyNames: [rendered.policy.name] }, child({ dependsOn: [role, policy] }));
      attachmentsExclusive = new RolePolicyAttachmentsExclusive(`${name}-attachments-exclusive`, { roleName: p.name, policyArns: [] }, child({ dependsOn: [role, policy] }));
    }
  } else {
    const user = new User(`${name}-user`, { name: p.name, path: p.path, permissionsBoundary: p.permissionsBoundary, tags: { ...p.tags } }, principalOptions);
    principal = user;
    userArn = user.arn;
    policy = new UserPolicy(`${name}-policy`, { name: rendered.policy.name, user: p.name, policy: rendered.policy.json }, child({ dependsOn: [user], ...imported(adopt?.policy) }));
    if (adopt?.exclusive) {
      policiesExclusive = new UserPoliciesExclusive(`${name}-policies-exclusive`, { userName: p.name, policyNames: [rendered.policy.name] }, child({ dependsOn: [user, policy] }));
      attachmentsExclusive = new UserPolicyAttachmentsExclusive(`${name}-attachments-exclusive`, { userName: p.name, policyArns: [] }, child({ dependsOn: [user, policy] }));
    }
  }
  const principalName = principal.name;
  let secret: Secret | undefined;
  let secretArn: pulumi.Output<string> | undefined;
  let accessKey: AccessKey | undefined;
  let rotation: KeyRotation | undefined;

  const cred = rendered.credential;
  if (cred.type === "managed-secret" || cred.type === "access-key") {
    secret = new Secret(`${name}-secret`, { name: cred.secretName, description: `Credential of governed identity ${p.name} (${cred.type})`, tags: { ...p.tags } }, child(imported(adopt?.secret)));
    secretArn = secret.arn;
    if (cred.type === "managed-secret") {
      new SecretRotation(`${name}-rotation`, { secretId: secret.id, rotationLambdaArn: cred.rotationLambdaArn, rotationRules: { automaticallyAfterDays: cred.rotationDays } }, child());
    } else {
      rotation = keyRotation(clock, cred.rotationDays);
      // A new epoch is a new logical name: Pulumi creates the new key, then deletes the old one.
      const key = new AccessKey(`${name}-key-${rotation.epoch}`, { user: p.name }, child({ dependsOn: [principal], additionalSecretOutputs: ["secret"], ...imported(adopt?.accessKey) }));
      accessKey = key;
      new SecretVersion(
        `${name}-key-value`,
        { secretId: secret.id, secretString: pulumi.secret(pulumi.all([key.id, key.secret]).apply(([accessKeyId, secretAccessKey]) => JSON.stringify({ accessKeyId, secretAccessKey }))) },
        child(),
      );
    }
  }

  if (rendered.reminder) {
    const r = rendered.reminder;
    new Schedule(
      `${name}-recertify`,
      {
        name: r.name,
        description: `One-time recertification reminder for ${p.name}`,
        scheduleExpression: `at(${r.at})`,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        target: { arn: r.snsTopicArn, roleArn: args.reminderRoleArn as pulumi.Input<string>, input: JSON.stringify({ subject: `Recertify ${p.name}`, message: r.message }) },
      },
      child(),
    );
  }

  const outputs: Record<string, pulumi.Input<string>> = { principalName };
  if (roleArn) outputs.roleArn = roleArn;
  if (userArn) outputs.userArn = userArn;
  if (secretArn) outputs.secretArn = secretArn;
  return { principal, policy, secret, accessKey, keyRotation: rotation, policiesExclusive, attachmentsExclusive, roleArn, userArn, principalName, secretArn, outputs };
}

/**
 * A governed non-human identity on AWS: an IAM role (or, for static keys, an IAM user) with
 * lifecycle tags and the `nhi:seal`, permissions boundary, trust policy, one inline policy whose
 * statements lapse after the recertification date, the credential its spec allows, and an
 * optional recertification reminder. Everything is rendered by `renderIdentity`, the renderer the
 * gates use, so this component and the gates cannot disagree.
 *
 * The spec is validated at construction: a bad field throws `SpecValidationError` naming the
 * field, what was given and what is expected. The component registers its validated spec, seal
 * and governance settings as its own inputs, so the policy pack can compare what was declared
 * with the children created under it.
 */
export class GovernedIdentity<K extends CredentialKind = CredentialKind> extends pulumi.ComponentResource {
  /** The validated spec (defaults applied, boundary resolved). */
  readonly spec: GovernedIdentitySpec;
  /** What the spec renders: the same object the gates compute. */
  readonly rendered: RenderedIdentity;
  /** The `nhi:seal` tag value. */
  readonly seal: string;
  /** The IAM role, or the IAM user for a static-key credential. */
  readonly principal: [K] extends [RoleCredentialKind] ? Role : [K] extends ["static-key"] ? User : Role | User;
  /** The principal's one inline policy. */
  readonly policy: [K] extends [RoleCredentialKind] ? RolePolicy : [K] extends ["static-key"] ? UserPolicy : RolePolicy | UserPolicy;
  /** The managed-secret or static-key secret. */
  readonly secret: AttributeFor<K, SecretCredentialKind, Secret>;
  /** The current access key (static-key). */
  readonly accessKey: AttributeFor<K, "static-key", AccessKey>;
  /** The static-key rotation epoch (in the access key's logical name) and the next rotation. */
  readonly keyRotation: AttributeFor<K, "static-key", KeyRotation>;
  /** ARN of the role: an Output for every credential kind but `static-key` (an IAM user: `undefined`). */
  readonly roleArn: AttributeFor<K, RoleCredentialKind, pulumi.Output<string>>;
  /** ARN of the user: an Output for `static-key`, `undefined` otherwise. */
  readonly userArn: AttributeFor<K, "static-key", pulumi.Output<string>>;
  /** Name of the role or user. */
  readonly principalName: pulumi.Output<string>;
  /** ARN of the secret: an Output for `managed-secret` and `static-key`, `undefined` otherwise. */
  readonly secretArn: AttributeFor<K, SecretCredentialKind, pulumi.Output<string>>;

  constructor(name: string, args: GovernedIdentityArgs & { credential: { kind: K } }, opts: GovernedIdentityOptions = {}) {
    const { clock = systemClock, ...componentOpts } = opts;
    const plan = planGovernedIdentity(name, args, clock);
    super(GOVERNED_IDENTITY_TYPE, name, plan.inputs, componentOpts);

    this.spec = plan.spec;
    this.rendered = plan.rendered;
    this.seal = plan.seal;
    const children = createGovernedIdentityChildren(this, name, args, plan, clock);
    // The attributes' types follow the credential kind; the renderer decided which exist.
    this.principal = children.principal as never;
    this.policy = children.policy as never;
    this.secret = children.secret as never;
    this.accessKey = children.accessKey as never;
    this.keyRotation = children.keyRotation as never;
    this.roleArn = children.roleArn as never;
    this.userArn = children.userArn as never;
    this.principalName = children.principalName;
    this.secretArn = children.secretArn as never;
    this.registerOutputs(children.outputs);
  }
}
