import type * as pulumi from "@pulumi/pulumi";
import type { GateConfigInput } from "../../src/spec/config";
import type { GovernedIdentitySpecInput } from "../../src/spec/identity";
import type { AdoptSpec } from "../../src/render/adopt";

/*
 * The component's arguments as plain, documented TypeScript interfaces (no zod types, no
 * unions of object shapes), so that a schema inferred from them (a Pulumi component provider)
 * carries every field, its description and the required ones. The spec schema in
 * src/spec/identity.ts stays the one validator; the checks at the bottom of this file fail to
 * compile when these interfaces and the spec drift apart.
 *
 * Why the spec fields are plain values and not `pulumi.Input`s: every spec field either feeds
 * the seal (name, path, lifecycle tags, trust policy, boundary, session duration, access) or is
 * part of the declared spec that the component registers as its own input and that the policy
 * pack re-renders at `pulumi preview`. A value unknown until apply there could not be validated
 * at construction, sealed, or compared by the gate: every preview would report "cannot
 * evaluate". The only Pulumi input is `reminderRoleArn`, which is outside the spec.
 */

/*
 * The string enums below are `as const` objects with a type of the same name: the form a schema
 * inferred from these types (the component provider, provider/) turns into an enum. A plain union
 * of string literals is not inferred.
 */

/** How the identity authenticates, most preferred first. */
export const CredentialKind = {
  /** A role assumed through OIDC federation (GitHub Actions, EKS): no stored secret. */
  Federated: "federated",
  /** A role assumed by an AWS service or another role: short-lived STS sessions. */
  Ephemeral: "ephemeral",
  /** A role plus a Secrets Manager secret rotated by a Lambda function. */
  ManagedSecret: "managed-secret",
  /** An IAM user with an access key replaced on a schedule (last resort). */
  StaticKey: "static-key",
} as const;
/** How the identity authenticates, most preferred first. */
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

/** Who may assume the role. */
export const TrustKind = {
  /** GitHub Actions through the account's OIDC provider, one repository and ref or environment. */
  GithubOidc: "github-oidc",
  /** An AWS service principal such as `lambda.amazonaws.com`. */
  AwsService: "aws-service",
  /** Another IAM role (not an account root). */
  AwsRole: "aws-role",
  /** An EKS service account through EKS Pod Identity. */
  EksPodIdentity: "eks-pod-identity",
} as const;
/** Who may assume the role. */
export type TrustKind = (typeof TrustKind)[keyof typeof TrustKind];

/** Effect of an IAM statement. */
export const Effect = { Allow: "Allow", Deny: "Deny" } as const;
/** Effect of an IAM statement. */
export type Effect = (typeof Effect)[keyof typeof Effect];

/** Severity of a gate finding. */
export const Severity = { Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical" } as const;
/** Severity of a gate finding. */
export type Severity = (typeof Severity)[keyof typeof Severity];

/** One IAM statement the identity may use. The renderer adds a time-bound `aws:CurrentTime` condition. */
export interface StatementArgs {
  /** Statement id (alphanumeric). @default "Access<index>" */
  sid?: string;
  /** Allow or Deny. @default "Allow" */
  effect?: Effect;
  /** IAM actions such as `s3:GetObject` (at least one). */
  actions: string[];
  /** Resource ARNs (at least one). */
  resources: string[];
  /**
   * IAM condition blocks: operator -> key -> a string or a list of strings. (Typed `any` because a
   * schema inferred from these types cannot express "string or list"; the value is validated at
   * construction.)
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  conditions?: Record<string, Record<string, any>>;
}

/**
 * Who may assume the role. `kind` selects which of the other fields apply; a field that does not
 * belong to the kind is rejected at construction.
 */
export interface TrustArgs {
  /** Which kind of principal may assume the role; selects the fields below. */
  kind: TrustKind;
  /** github-oidc: `owner/repo`, no wildcards. */
  repository?: string;
  /** github-oidc: an exact ref such as `refs/heads/main` (give this or `environment`). */
  ref?: string;
  /** github-oidc: a GitHub deployment environment (give this or `ref`). */
  environment?: string;
  /**
   * github-oidc: ARN of the account's token.actions.githubusercontent.com OIDC provider.
   * @default - from the gate config: `githubOidcProviderArns` for the role's account, else `defaultGithubOidcProviderArn`
   */
  oidcProviderArn?: string;
  /**
   * github-oidc: the AWS account (12 digits) the role lives in; selects its OIDC provider from the
   * gate config's `githubOidcProviderArns` when `oidcProviderArn` is not given.
   * @default - the one account the gate config's `environmentAccounts` lists for the environment, if any
   */
  account?: string;
  /** aws-service: service principal such as `lambda.amazonaws.com`. */
  service?: string;
  /** aws-service: restrict to this source account (`aws:SourceAccount`). @default - any account */
  sourceAccount?: string;
  /** aws-role: ARN of the role allowed to assume this one (not an account root). */
  roleArn?: string;
  /** aws-role: required `sts:ExternalId`, for a third party. @default - none */
  externalId?: string;
  /** eks-pod-identity: cluster name. */
  clusterName?: string;
  /** eks-pod-identity: Kubernetes namespace. */
  namespace?: string;
  /** eks-pod-identity: Kubernetes service account. */
  serviceAccount?: string;
}

/**
 * How the identity authenticates. `kind` selects which of the other fields apply:
 * federated / ephemeral: `maxSessionDuration`; managed-secret: `maxSessionDuration`, `rotation`,
 * `rotationLambdaArn`; static-key (an IAM user with an access key): `ttl`, `rotation`.
 */
export interface CredentialArgs {
  /** How the identity authenticates; selects the fields below. */
  kind: CredentialKind;
  /** Role session length, ISO 8601 (PT1H..PT12H, at most the gate config's maxSessionDuration). @default "PT1H" */
  maxSessionDuration?: string;
  /** managed-secret, static-key: rotation period, ISO 8601 such as `P30D`. */
  rotation?: string;
  /** managed-secret: ARN of the Lambda function that rotates the secret (a literal ARN, see above). */
  rotationLambdaArn?: string;
  /** static-key: longest life of a key, ISO 8601 such as `P90D` (at most the gate config's maxCredentialTtl). */
  ttl?: string;
}

/** A break-glass identity: a short life and a ticket. */
export interface EmergencyArgs {
  /** Date (YYYY-MM-DD) the identity expires; at most the gate config's maxEmergencyDuration ahead. */
  expires: string;
  /** The incident or change ticket. */
  ticket: string;
}

/** Notify the owner before the recertification date (EventBridge Scheduler one-time schedule -> SNS). */
export interface RecertificationReminderArgs {
  /** SNS topic the reminder is published to. */
  snsTopicArn: string;
  /** Days before `recertifyBy` (1..90). @default 14 */
  daysBefore?: number;
}

/** The governed identity spec (the same fields as `GovernedIdentitySpec`, as plain values). */
export interface GovernedIdentitySpecArgs {
  /** IAM role (or user) name: 1-64 characters from letters, digits and +=,.@_-. */
  name: string;
  /** The team or person accountable for this identity (`@acme/payments`). */
  owner: string;
  /** What the identity is for, in words (at least 10 characters). */
  purpose: string;
  /** Deployment environment, one of the gate config's environments. */
  environment: string;
  /** Where the identity is recorded: a ticket, CMDB id or URL. */
  systemOfRecord: string;
  /** When the identity is retired: a condition or a date. */
  retirement: string;
  /** What runs as this identity (a service, pipeline or job). */
  workload: string;
  /** The IAM statements the identity may use (at least one). */
  access: StatementArgs[];
  /** Permissions boundary ARN. @default - the gate config's defaultPermissionsBoundary */
  permissionsBoundary?: string;
  /** Who may assume the role. Omit only for `static-key` credentials (an IAM user). */
  trust?: TrustArgs;
  /** How the identity authenticates. */
  credential: CredentialArgs;
  /** Date (YYYY-MM-DD) by which the owner must recertify; within the gate config's recertification window. */
  recertifyBy: string;
  /** Break-glass identity. @default - not an emergency identity */
  emergency?: EmergencyArgs;
  /** Reminder before the recertification date. @default - no reminder */
  recertificationReminder?: RecertificationReminderArgs;
  /** IAM path. @default "/nhi/" */
  path?: string;
  /**
   * Other tags beside the `nhi:*` lifecycle tags (cost allocation, team); keys must not start
   * with `nhi:` or `aws:`. Sealed like every tag. @default - none
   */
  tags?: Record<string, string>;
}

/** A construct or component type platform teams register as approved (their own wrappers of GovernedIdentity). */
export interface ApprovedConstructArgs {
  /** CDKTF construct class name, or Pulumi component type token (`acme:iam:DeployerRole`). */
  type: string;
  /** Why it is approved. */
  description?: string;
}

/**
 * Gate configuration (the fields of `nhi-governance.config.json`); every field has a default.
 * Use the same configuration as the policy pack.
 */
export interface GateConfigArgs {
  /** Longest allowed life of a static credential, ISO 8601. @default "P90D" */
  maxCredentialTtl?: string;
  /** Longest allowed role session, ISO 8601. @default "PT1H" */
  maxSessionDuration?: string;
  /** How far ahead a recertification date may be set, in days. @default 180 */
  recertificationWindowDays?: number;
  /** Warn when a recertification date is this close, in days. @default 14 */
  recertificationWarningDays?: number;
  /** Days after the recertification date before the time-bound IAM condition cuts access. @default 14 */
  accessGracePeriodDays?: number;
  /** Environments an identity may declare. @default ["prod","staging","dev","test","sandbox"] */
  environments?: string[];
  /** Lifecycle tags an identity must carry (canonical keys such as `nhi:owner`). */
  requiredTags?: string[];
  /** Permissions boundary applied when a spec names none. */
  defaultPermissionsBoundary?: string;
  /** Approved construct / component types besides GovernedIdentity. */
  approvedConstructs?: ApprovedConstructArgs[];
  /** Approved Terraform module sources (exact, or ending in `*`). */
  approvedModuleSources?: string[];
  /** The gate fails on findings at or above this severity. @default "high" */
  failOn?: Severity;
  /** Per-rule severity overrides, rule id -> severity (`{ "NHI-GOV-008": "medium" }`). */
  severityOverrides?: Record<string, string>;
  /** Rules switched off entirely (prefer a time-boxed exemption). */
  disabledRules?: string[];
  /** Longest an exemption may run, in days from today. @default 30 */
  maxExemptionDays?: number;
  /** Which AWS accounts belong to which environment: environment -> 12-digit account ids. */
  environmentAccounts?: Record<string, string[]>;
  /** Longest an emergency (break-glass) identity may live, ISO 8601. @default "P3D" */
  maxEmergencyDuration?: string;
  /**
   * Narrow the owners accepted on identities and exemptions (by default any valid AWS tag value
   * of 2-256 characters). @default - no narrowing
   */
  ownerPattern?: OwnerPatternArgs;
  /** GitHub OIDC provider ARN for github-oidc trust that names none and has no per-account entry. @default - none */
  defaultGithubOidcProviderArn?: string;
  /** GitHub OIDC provider ARN per 12-digit AWS account id (selected by `trust.account` or the environment's one account). @default - none */
  githubOidcProviderArns?: Record<string, string>;
  /** Days a role or access key may go unused before discovery reports it as an offboarding candidate. @default 90 */
  maxUnusedDays?: number;
  /** Tag keys your providers add to every resource (default tags): the seal check of a discovered identity leaves them out. */
  defaultTagKeys?: string[];
  /** The cloud-side guardrail: who may issue identities in AWS itself (`GovernancePerimeter`, docs/guardrail.md). */
  guardrail?: GuardrailArgs;
}

/** The `guardrail` block of the gate config (src/spec/guardrail.ts). */
export interface GuardrailArgs {
  /** `aws:PrincipalArn` patterns of the governed pipeline's roles (`arn:aws:iam::*:role/nhi-pipeline/*`). */
  deploymentRoles: string[];
  /** Emergency roles the guardrail does not restrict (alert on their use). @default [] */
  breakGlassRoles?: string[];
  /** Managed policies (the boundaries) only the pipeline may change; `defaultPermissionsBoundary` is always included. @default [] */
  protectedPolicies?: string[];
  /** More IAM actions to deny outside the pipeline (`iam:PutGroupPolicy`). @default [] */
  additionalActions?: string[];
  /** Policy name; split SCPs get `-2`, `-3`, ... @default "nhi-guardrail" */
  name?: string;
  /** How many SCPs the guardrail may take on one target (AWS allows 5, FullAWSAccess takes one). @default 4 */
  maxPolicies?: number;
}

/** Which owners the gate config accepts. */
export interface OwnerPatternArgs {
  /** A JavaScript regular expression the whole owner must match (anchored; no nested quantifiers). */
  pattern: string;
  /** What the pattern accepts, in words (used in messages). */
  description: string;
}

/** Arguments of `GovernedIdentity`: the spec, plus options that are not part of it. */
export interface GovernedIdentityArgs extends GovernedIdentitySpecArgs {
  /**
   * Gate configuration the spec is validated and rendered with (environments, windows, default
   * boundary, access grace period). Use the same configuration as the policy pack.
   * @default - the default gate configuration
   */
  config?: GateConfigArgs;
  /**
   * Role EventBridge Scheduler assumes to publish the recertification reminder (needs
   * `sns:Publish` on the topic). Required when `recertificationReminder` is set. Not part of the
   * spec or the seal, so it may be an output of another resource.
   */
  reminderRoleArn?: pulumi.Input<string>;
  /**
   * Take over an existing IAM role (or user) and its resources instead of creating them: each id
   * becomes the `import` resource option of the child, so the first `pulumi up` imports the
   * principal and updates it in place (tags, boundary, trust, the time-bound policy). This needs
   * a Pulumi CLI that imports and then updates a resource whose inputs differ (pulumi/pulumi#19339,
   * 2025); older CLIs refuse such an import. `nhi-gate adopt` writes these ids. Name and path must
   * be the existing ones. Not part of the spec.
   * @default - nothing is imported: every child is created
   */
  adopt?: AdoptArgs;
}

/** Existing resources a GovernedIdentity takes over (`adopt`). */
export interface AdoptArgs {
  /** Name of the existing IAM role (or, for `static-key`, IAM user); must equal the spec's `name`. */
  principal: string;
  /**
   * Import id (`<name>:<name>-access`) of an existing inline policy that already has the
   * identity's policy name. @default - the identity's policy is created
   */
  policy?: string;
  /**
   * Id of the user's existing access key (`static-key`); replaced at the first rotation (until
   * then the secret holds the key id without the secret, which AWS never returns again).
   * @default - a new key is created and stored in the secret
   */
  accessKey?: string;
  /** ARN of an existing Secrets Manager secret named `nhi/<name>`. @default - the secret is created */
  secret?: string;
  /**
   * Make the identity's policy the principal's only inline policy and leave no managed policy
   * attached (RolePoliciesExclusive and RolePolicyAttachmentsExclusive, or the user variants),
   * so the grants the spec's access now reproduces are removed on apply. @default true
   */
  exclusive?: boolean;
}

// ---- compile-time drift checks between these interfaces and the spec schema ----
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type Exact<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : { missingOrExtra: [Exclude<A, B>, Exclude<B, A>] };
type SpecTrust = NonNullable<GovernedIdentitySpecInput["trust"]>;
type SpecCredential = GovernedIdentitySpecInput["credential"];
type SpecStatement = GovernedIdentitySpecInput["access"][number];
const specKeys: Exact<keyof GovernedIdentitySpecInput, keyof GovernedIdentitySpecArgs> = true;
const trustKeys: Exact<KeysOfUnion<SpecTrust>, keyof TrustArgs> = true;
const credentialKeys: Exact<KeysOfUnion<SpecCredential>, keyof CredentialArgs> = true;
const statementKeys: Exact<keyof SpecStatement, keyof StatementArgs> = true;
const trustKinds: Exact<SpecTrust["kind"], TrustKind> = true;
const credentialKinds: Exact<SpecCredential["kind"], CredentialKind> = true;
/** Every valid spec input is valid args (the reverse is checked at construction by parseSpec). */
const specFitsArgs = (s: GovernedIdentitySpecInput): GovernedIdentitySpecArgs => s;
const configKeys: Exact<keyof GateConfigInput, keyof GateConfigArgs> = true;
/** Every valid gate config input is valid config args (the reverse is checked by GateConfigSchema). */
const configFitsArgs = (c: GateConfigInput): GateConfigArgs => c;
const severities: Exact<NonNullable<GateConfigInput["failOn"]>, Severity> = true;
const guardrailKeys: Exact<keyof NonNullable<GateConfigInput["guardrail"]>, keyof GuardrailArgs> = true;
const adoptKeys: Exact<keyof AdoptSpec, keyof AdoptArgs> = true;
void [guardrailKeys, adoptKeys, configKeys, configFitsArgs, severities, specKeys, trustKeys, credentialKeys, statementKeys, trustKinds, credentialKinds, specFitsArgs];
