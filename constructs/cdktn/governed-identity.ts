// Generated from constructs/cdktf/governed-identity.ts by scripts/gen-cdktn.js (npm run gen:cdktn): do not edit.
import { Construct } from "constructs";
import { DEFAULT_CONFIG, GateConfig, GateConfigInput, GateConfigSchema } from "../../src/spec/config";
import { FieldIssue, GovernedIdentitySpec, GovernedIdentitySpecInput, parseSpec, SpecValidationError, specIssues, StatementInput } from "../../src/spec/identity";
import { renderIdentity, renderIdentityOfText, RenderedIdentity, GOVERNED_IDENTITY_TYPE } from "../../src/render/aws";
import { Clock, systemClock } from "../../src/engine/clock";
import { adoptIssues, adoptionWiring } from "../../src/render/adopt";
import { applyRendered, createIdentityResources, IdentityResources } from "./provider";

/** Options of the construct itself, beside the spec. */
export interface GovernedIdentityOptions {
  /**
   * The gate config the spec is validated against (environments, TTL limits, default boundary,
   * access grace period). Use the same config as `NhiGovernance.enforce` and `nhi-gate`.
   * @default - the default gate config
   */
  readonly config?: GateConfigInput;
  /**
   * The clock dates are checked against (recertification window, emergency expiry).
   * @default - the system clock
   */
  readonly clock?: Clock;
  /**
   * ARN of the role EventBridge Scheduler assumes to publish the recertification reminder to
   * SNS (it needs `sns:Publish` on the topic). Required when the spec has
   * `recertificationReminder`. It is a construct option, not part of the spec: the scheduler's
   * role is platform plumbing, not a property of the identity. This construct does not create
   * that role, because a role created here would itself be an ungoverned identity.
   * @default - none; required with recertificationReminder
   */
  readonly reminderRoleArn?: string;
  /**
   * Take over an existing IAM role (or user) and its resources instead of creating them: each id
   * becomes a Terraform `import` block (`importFrom`), so the first plan imports the principal and
   * updates it in place (tags, boundary, trust, the time-bound policy). `nhi-gate adopt` writes
   * these ids. Name and path must be the existing ones (a change would replace the principal).
   * @default - nothing is imported: every resource is created
   */
  readonly adopt?: AdoptProps;
}

/** Existing resources a GovernedIdentity takes over (`adopt`). */
export interface AdoptProps {
  /** Name of the existing IAM role (or, for `static-key`, IAM user); must equal the spec's `name`. */
  readonly principal: string;
  /**
   * Import id (`<name>:<name>-access`) of an existing inline policy that already has the
   * identity's policy name; its document is replaced by the spec's access.
   * @default - the identity's policy is created
   */
  readonly policy?: string;
  /**
   * Id of the user's existing access key (`static-key`). Its consumers keep working; it is
   * replaced at the first rotation. AWS never returns a key's secret again, so until then the
   * Secrets Manager secret holds the key id without the secret.
   * @default - a new key is created and stored in the secret (the old one stays until removed by hand)
   */
  readonly accessKey?: string;
  /**
   * ARN of an existing Secrets Manager secret named `nhi/<name>` (`static-key`, `managed-secret`).
   * @default - the secret is created
   */
  readonly secret?: string;
  /**
   * Make the identity's policy the principal's only inline policy and leave no managed policy
   * attached (`aws_iam_role_policies_exclusive`, `aws_iam_role_policy_attachments_exclusive`, or
   * the user variants): on apply, the policies the spec's access now reproduces are removed, so
   * no grant stays beside the sealed, time-bound policy. The principal is never replaced.
   * @default true
   */
  readonly exclusive?: boolean;
}

/** The credential kinds, most preferred first (`credential.kind` of the spec). */
export type CredentialKind = GovernedIdentitySpecInput["credential"]["kind"];
/** The kinds whose principal is an IAM role (every kind but `static-key`, an IAM user). */
export type RoleCredentialKind = Exclude<CredentialKind, "static-key">;
/** The kinds that keep a credential in Secrets Manager. */
export type SecretCredentialKind = "managed-secret" | "static-key";

/**
 * An attribute's type for the credential kind `K`: `T` when every kind in `K` has it, `undefined`
 * when none has, `T | undefined` when `K` is not known at compile time (a spec typed
 * `GovernedIdentitySpecInput`). `{ role: identity.roleName }` compiles under `strict` for a role.
 */
export type AttributeFor<K extends CredentialKind, Has extends CredentialKind, T> = [K] extends [Has] ? T : [K] extends [Exclude<CredentialKind, Has>] ? undefined : T | undefined;

/** The construct's props: the spec (its credential kind `K` types the attributes) and the construct's options. */
export type GovernedIdentityProps<K extends CredentialKind = CredentialKind> = GovernedIdentitySpecInput & { credential: { kind: K } } & GovernedIdentityOptions;

/** Resolved configs by input object: constructs sharing a config object share one resolved config (and its cached schema). */
const configs = new WeakMap<object, GateConfig>();
function configOf(input: GateConfigInput | undefined, subject: string): GateConfig {
  if (input === undefined) return DEFAULT_CONFIG;
  let config = configs.get(input);
  if (!config) configs.set(input, (config = gateConfig(input, subject)));
  return config;
}

/** Resolve a gate config; an invalid one throws one clear error naming each field. */
export function gateConfig(input: GateConfigInput, subject: string): GateConfig {
  const result = GateConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new Error(`${subject}: invalid gate config: ${result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`);
}

const MARK = Symbol.for("nhi-governance.cdktf.GovernedIdentity");

/**
 * A governed AWS non-human identity: one spec in; an IAM role (or, for `static-key`, an IAM
 * user) with lifecycle tags and the seal, its time-bound inline policy, and the credential the
 * spec's credential kind calls for. Validated at construction; every property comes from the
 * shared renderer, so the gates agree with it by construction.
 */
export class GovernedIdentity<K extends CredentialKind = CredentialKind> extends Construct {
  /** Whether `x` is a GovernedIdentity (works across copies of this package). */
  static isGovernedIdentity(x: unknown): x is GovernedIdentity {
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[MARK] === true;
  }

  /** The component type token the engine knows (`nhi-governance:aws:GovernedIdentity`). */
  readonly governedType = GOVERNED_IDENTITY_TYPE;
  /** The resources this identity consists of (escape hatch; changing them breaks the seal). */
  readonly resources: IdentityResources;
  private specInput: GovernedIdentitySpecInput;
  private parsed: GovernedIdentitySpec;
  private renderedValue: RenderedIdentity;
  private readonly config: GateConfig;
  private readonly clock: Clock;

  constructor(scope: Construct, id: string, props: GovernedIdentityProps<K>) {
    super(scope, id);
    Object.defineProperty(this, MARK, { value: true });
    // The spec is the props without the construct options (a rest copy: no `delete`, which
    // would turn the object into a slow dictionary that zod then walks).
    const { config: _config, clock: _clock, reminderRoleArn: _reminderRoleArn, adopt: _adopt, ...input } = props;
    this.specInput = input;
    this.config = configOf(props.config, this.node.path);
    this.clock = props.clock ?? systemClock;
    // The spec and the construct's own options are checked together: one error names every problem.
    const { issues, spec, specText } = specIssues(this.specInput, { config: this.config, clock: this.clock });
    const options: FieldIssue[] = [];
    const reminder = (this.specInput as { recertificationReminder?: unknown }).recertificationReminder;
    if (reminder !== undefined && !props.reminderRoleArn) {
      options.push({
        path: "reminderRoleArn",
        message: "expected the ARN of a role EventBridge Scheduler may assume to publish to the reminder's SNS topic; fix: pass reminderRoleArn, or drop recertificationReminder",
        received: "nothing",
      });
    }
    if (props.reminderRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(props.reminderRoleArn)) {
      options.push({ path: "reminderRoleArn", message: "expected a role ARN arn:aws:iam::<account>:role/<name>; fix: pass the ARN of the scheduler's role", received: JSON.stringify(props.reminderRoleArn) });
    }
    const rendered = spec ? renderIdentityOfText(spec, specText as string, this.config) : undefined;
    if (rendered) options.push(...adoptIssues(props.adopt, rendered));
    if (!spec || !rendered || options.length) {
      throw new SpecValidationError(this.node.path, [...issues, ...options]);
    }
    this.parsed = spec;
    this.renderedValue = rendered;
    this.resources = createIdentityResources(this, this.renderedValue, { reminderRoleArn: props.reminderRoleArn, adopt: adoptionWiring(props.adopt) });
  }

  private validate(input: GovernedIdentitySpecInput): GovernedIdentitySpec {
    return parseSpec(input, { config: this.config, clock: this.clock, subject: this.node.path });
  }

  /** Apply a change to the spec: re-validate the whole spec, re-render, update the resources (seal included). */
  private change(next: GovernedIdentitySpecInput): void {
    const parsed = this.validate(next);
    this.specInput = next;
    this.parsed = parsed;
    this.renderedValue = renderIdentity(parsed, this.config);
    applyRendered(this.resources, this.renderedValue);
  }

  /**
   * Add an IAM statement to the identity's access. The spec is re-validated and re-rendered, so
   * the statement gets the time-bound condition and the seal stays right. Call before synth.
   * Throws SpecValidationError when the statement is invalid.
   */
  addToPolicy(statement: StatementInput): this {
    this.change({ ...this.specInput, access: [...this.specInput.access, statement] });
    return this;
  }

  /**
   * Let this identity assume another role (`sts:AssumeRole` on `roleArn`), as part of its
   * declared, time-bound access. Who may assume this identity is its `trust` (one per identity
   * by design): change the spec to change that.
   */
  grantAssume(roleArn: string): this {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
      throw new SpecValidationError(this.node.path, [{ path: "grantAssume", message: "expected a role ARN arn:aws:iam::<account>:role/<name> (no wildcards); fix: name the one role this identity may assume", received: JSON.stringify(roleArn) }]);
    }
    return this.addToPolicy({ actions: ["sts:AssumeRole"], resources: [roleArn] });
  }

  /** The validated spec, defaults applied (what the gate compares the resources with). */
  get spec(): GovernedIdentitySpec {
    return this.parsed;
  }

  /** What the shared renderer produced for the current spec. */
  get rendered(): RenderedIdentity {
    return this.renderedValue;
  }

  /** The access grace period this identity was rendered with (recorded for the gate). */
  get accessGracePeriodDays(): number {
    return this.config.accessGracePeriodDays;
  }

  /** `role`, or `user` for a static-key credential. */
  get principalType(): [K] extends [RoleCredentialKind] ? "role" : [K] extends ["static-key"] ? "user" : "role" | "user" {
    return this.renderedValue.principal.type as never;
  }

  /** ARN of the role or user (a reference, known after apply). */
  get principalArn(): string {
    return this.resources.principal.arn;
  }

  /** Name of the role or user (a reference, so using it orders resources after the principal). */
  get principalName(): string {
    return this.resources.principal.name;
  }

  /** ARN of the role: a `string` for every credential kind but `static-key` (an IAM user: `undefined`). */
  get roleArn(): AttributeFor<K, RoleCredentialKind, string> {
    return (this.renderedValue.principal.type === "role" ? this.principalArn : undefined) as AttributeFor<K, RoleCredentialKind, string>;
  }

  /** Name of the role: a `string` for every credential kind but `static-key`. */
  get roleName(): AttributeFor<K, RoleCredentialKind, string> {
    return (this.renderedValue.principal.type === "role" ? this.principalName : undefined) as AttributeFor<K, RoleCredentialKind, string>;
  }

  /** ARN of the IAM user: a `string` for `static-key`, `undefined` otherwise. */
  get userArn(): AttributeFor<K, "static-key", string> {
    return (this.renderedValue.principal.type === "user" ? this.principalArn : undefined) as AttributeFor<K, "static-key", string>;
  }

  /** Name of the IAM user: a `string` for `static-key`, `undefined` otherwise. */
  get userName(): AttributeFor<K, "static-key", string> {
    return (this.renderedValue.principal.type === "user" ? this.principalName : undefined) as AttributeFor<K, "static-key", string>;
  }

  /** ARN of the Secrets Manager secret holding the credential: a `string` for `managed-secret` and `static-key`, `undefined` for `federated` and `ephemeral`. */
  get secretArn(): AttributeFor<K, SecretCredentialKind, string> {
    return this.resources.secret?.arn as AttributeFor<K, SecretCredentialKind, string>;
  }
}
