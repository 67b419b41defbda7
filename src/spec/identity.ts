import { z } from "zod";
import { DEFAULT_CONFIG, GateConfig } from "./config";
import { durationSeconds, isDuration } from "./duration";
import { Clock, daysBetween, parseDate, systemClock } from "../engine/clock";
import { TAG, tagProblem } from "./tags";

/*
 * GovernedIdentitySpec: the single source of truth for what a governed non-human identity is.
 * The constructs take it as props; the gates read it back from tags and component inputs.
 */

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/;
const HANDLE = /^@?[A-Za-z0-9][A-Za-z0-9._/-]{1,127}$/;
const ACTION = /^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$/;

const duration = (what: string) =>
  z.string({ error: `expected ${what} as an ISO 8601 duration such as PT1H or P30D` }).refine(isDuration, {
    message: `expected ${what} as an ISO 8601 duration such as PT1H or P30D; fix: write it as PnD or PTnH`,
  });

const text = (min: number, what: string) =>
  z.string({ error: `expected ${what} (text)` }).trim().min(min, { message: `expected ${what} of at least ${min} characters` });

export const StatementSchema = z.strictObject({
  sid: z.string().regex(/^[A-Za-z0-9]*$/, { message: "expected an alphanumeric Sid" }).optional(),
  effect: z.enum(["Allow", "Deny"]).default("Allow"),
  actions: z
    .array(z.string().regex(ACTION, { message: "expected an IAM action such as s3:GetObject (service:Action)" }))
    .min(1, { message: "expected at least one action" }),
  resources: z.array(z.string().min(1)).min(1, { message: "expected at least one resource ARN" }),
  conditions: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).optional(),
});
export type StatementSpec = z.output<typeof StatementSchema>;
export type StatementInput = z.input<typeof StatementSchema>;

export const TrustSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("github-oidc"),
      /** `owner/repo` */
      repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "expected owner/repo (no wildcards)" }),
      /** An exact ref such as `refs/heads/main` (give this or `environment`). */
      ref: z.string().regex(/^refs\/(heads|tags)\/[^*?]+$/, { message: "expected an exact ref such as refs/heads/main (no wildcards)" }).optional(),
      /** A GitHub deployment environment (give this or `ref`). */
      environment: z.string().regex(/^[^*?:]+$/, { message: "expected an exact environment name (no wildcards)" }).optional(),
      /** ARN of the account's token.actions.githubusercontent.com OIDC provider. */
      oidcProviderArn: z.string().regex(OIDC_PROVIDER_ARN, { message: "expected arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com" }),
    }),
    z.strictObject({
      kind: z.literal("aws-service"),
      /** Service principal such as `lambda.amazonaws.com`. */
      service: z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, { message: "expected a service principal such as lambda.amazonaws.com" }),
      /** Restrict to this source account (`aws:SourceAccount`), against confused-deputy use. */
      sourceAccount: z.string().regex(/^\d{12}$/, { message: "expected a 12-digit account id" }).optional(),
    }),
    z.strictObject({
      kind: z.literal("aws-role"),
      /** ARN of the role allowed to assume this one (not an account root). */
      roleArn: z.string().regex(ROLE_ARN, { message: "expected a role ARN arn:aws:iam::<account>:role/<name> (an account root is too broad)" }),
      /** Required `sts:ExternalId`, for a third party assuming the role. */
      externalId: z.string().min(2).max(1224).optional(),
    }),
    z.strictObject({
      kind: z.literal("eks-pod-identity"),
      clusterName: z.string().min(1),
      namespace: z.string().min(1),
      serviceAccount: z.string().min(1),
    }),
  ],
  { error: "expected trust.kind to be one of github-oidc, aws-service, aws-role, eks-pod-identity" },
);
export type TrustSpec = z.output<typeof TrustSchema>;
export const TRUST_KINDS = ["github-oidc", "aws-service", "aws-role", "eks-pod-identity"] as const;

export const CredentialSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("federated"), maxSessionDuration: duration("credential.maxSessionDuration").default("PT1H") }),
    z.strictObject({ kind: z.literal("ephemeral"), maxSessionDuration: duration("credential.maxSessionDuration").default("PT1H") }),
    z.strictObject({
      kind: z.literal("managed-secret"),
      maxSessionDuration: duration("credential.maxSessionDuration").default("PT1H"),
      rotation: duration("credential.rotation"),
      /** The Lambda function that rotates the secret. */
      rotationLambdaArn: z.string().regex(ARN, { message: "expected the ARN of the rotation Lambda function" }),
    }),
    z.strictObject({ kind: z.literal("static-key"), ttl: duration("credential.ttl"), rotation: duration("credential.rotation") }),
  ],
  { error: "expected credential.kind to be one of federated, ephemeral, managed-secret, static-key (most preferred first)" },
);
export type CredentialSpec = z.output<typeof CredentialSchema>;
export const CREDENTIAL_KINDS = ["federated", "ephemeral", "managed-secret", "static-key"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

const dateString = (what: string) =>
  z.string({ error: `expected ${what} as a date YYYY-MM-DD` }).refine((v) => parseDate(v) !== undefined, { message: `expected ${what} as a valid date YYYY-MM-DD` });

const BaseSpecSchema = z.strictObject({
  /** IAM role (or user) name. */
  name: z.string({ error: "expected name (the IAM role or user name)" }).regex(IAM_NAME, { message: "expected 1-64 characters from letters, digits and +=,.@_-" }),
  /** The team or person accountable for this identity (`@acme/payments`, `team-payments`). */
  owner: z.string({ error: "expected owner (a team or person handle)" }).regex(HANDLE, { message: "expected a team or person handle such as @acme/payments" }),
  /** What the identity is for, in words (at least 10 characters). */
  purpose: text(10, "purpose"),
  /** Deployment environment, from the gate config's list. */
  environment: z.string({ error: "expected environment" }),
  /** Where the identity is recorded: a ticket, CMDB id or URL. */
  systemOfRecord: text(3, "systemOfRecord (a ticket, CMDB id or URL)"),
  /** When the identity is retired: a condition or a date. */
  retirement: text(3, "retirement (a condition or a date)"),
  /** What runs as this identity (a service, pipeline or job). */
  workload: text(2, "workload (what runs as this identity)"),
  /** The IAM statements the identity may use. */
  access: z.array(StatementSchema, { error: "expected access: a list of IAM statements" }).min(1, { message: "expected at least one access statement" }),
  /** Permissions boundary ARN; the gate config's defaultPermissionsBoundary applies when omitted. */
  permissionsBoundary: z.string().regex(ARN, { message: "expected a managed policy ARN" }).optional(),
  /** Who may use the identity. Omit only for `static-key` credentials (an IAM user). */
  trust: TrustSchema.optional(),
  /** How the identity authenticates, most preferred first: federated, ephemeral, managed-secret, static-key. */
  credential: CredentialSchema,
  /** The date (YYYY-MM-DD) by which the owner must recertify the identity. */
  recertifyBy: dateString("recertifyBy"),
  /** Break-glass identity: a short life, and a ticket. */
  emergency: z.strictObject({ expires: dateString("emergency.expires"), ticket: text(3, "emergency.ticket") }).optional(),
  /** Notify the owner before the recertification date (EventBridge Scheduler → SNS). */
  recertificationReminder: z
    .strictObject({ snsTopicArn: z.string().regex(ARN, { message: "expected an SNS topic ARN" }), daysBefore: z.number().int().positive().max(90).default(14) })
    .optional(),
  /** IAM path. */
  path: z.string().regex(/^\/([\w+=,.@-]+\/)*$/, { message: "expected an IAM path such as /nhi/" }).default("/nhi/"),
});

export type GovernedIdentitySpecInput = z.input<typeof BaseSpecSchema>;

/**
 * The spec's shape without the checks that depend on the clock or the gate config: what a gate
 * uses to read back a spec declared earlier (its recertification date may have passed since).
 */
export const GovernedIdentitySpecShape = BaseSpecSchema;
export type GovernedIdentitySpec = z.output<typeof BaseSpecSchema> & { permissionsBoundary: string };

export interface SpecContext {
  config?: GateConfig;
  clock?: Clock;
}

const schemaCache = new WeakMap<GateConfig, WeakMap<Clock, ReturnType<typeof buildSpecSchema>>>();

/** The spec schema with the checks that depend on the gate config and the clock (cached per pair). */
export function specSchema(ctx: SpecContext = {}) {
  const config = ctx.config ?? DEFAULT_CONFIG;
  const clock = ctx.clock ?? systemClock;
  let byClock = schemaCache.get(config);
  if (!byClock) schemaCache.set(config, (byClock = new WeakMap()));
  let schema = byClock.get(clock);
  if (!schema) byClock.set(clock, (schema = buildSpecSchema(config, clock)));
  return schema;
}

function buildSpecSchema(config: GateConfig, clock: Clock) {
  return BaseSpecSchema.superRefine((spec, z2) => {
    const add = (path: (string | number)[], message: string) => z2.addIssue({ code: "custom", path, message });
    if (!config.environments.includes(spec.environment)) {
      add(["environment"], `expected one of ${config.environments.join(", ")}; fix: use one of these, or add it to "environments" in the gate config`);
    }
    if (!spec.permissionsBoundary && !config.defaultPermissionsBoundary) {
      add(["permissionsBoundary"], `expected a permissions boundary ARN; fix: set permissionsBoundary, or defaultPermissionsBoundary in the gate config`);
    }
    const cred = spec.credential;
    if (cred.kind === "static-key") {
      if (spec.trust) add(["trust"], "expected no trust for a static-key identity (an IAM user is not assumed); fix: remove trust, or use a role with an ephemeral credential");
      check(cred.ttl, config.maxCredentialTtl, ["credential", "ttl"], "maxCredentialTtl", add);
      if (isDuration(cred.ttl) && isDuration(cred.rotation) && durationSeconds(cred.rotation) > durationSeconds(cred.ttl)) {
        add(["credential", "rotation"], `expected rotation (${cred.rotation}) no longer than ttl (${cred.ttl}); fix: rotate at least once per ttl`);
      }
    } else {
      if (!spec.trust) add(["trust"], `expected trust for a ${cred.kind} identity: github-oidc, aws-service, aws-role or eks-pod-identity`);
      check(cred.maxSessionDuration, config.maxSessionDuration, ["credential", "maxSessionDuration"], "maxSessionDuration", add);
      if (isDuration(cred.maxSessionDuration)) {
        const s = durationSeconds(cred.maxSessionDuration);
        if (s < 3600 || s > 43200) add(["credential", "maxSessionDuration"], "expected between PT1H and PT12H (IAM's limits for max_session_duration)");
      }
      if (cred.kind === "federated" && spec.trust && !["github-oidc", "eks-pod-identity"].includes(spec.trust.kind)) {
        add(["credential", "kind"], `expected a federated credential to use github-oidc or eks-pod-identity trust (got ${spec.trust.kind}); fix: use kind "ephemeral" for ${spec.trust.kind} trust`);
      }
      if (cred.kind === "managed-secret") check(cred.rotation, config.maxCredentialTtl, ["credential", "rotation"], "maxCredentialTtl", add);
    }
    if (spec.trust?.kind === "github-oidc") {
      const t = spec.trust;
      if ((t.ref === undefined) === (t.environment === undefined)) {
        add(["trust"], "expected exactly one of trust.ref or trust.environment, so the OIDC subject is exact");
      }
    }
    const recert = parseDate(spec.recertifyBy);
    if (recert) {
      const days = daysBetween(clock.now(), recert);
      if (days <= 0) add(["recertifyBy"], `expected a date in the future (today is ${clock.now().toISOString().slice(0, 10)}); fix: recertify the identity and set a new date`);
      else if (days > config.recertificationWindowDays) {
        add(["recertifyBy"], `expected a date within ${config.recertificationWindowDays} days (the recertification window); fix: choose an earlier date`);
      }
    }
    if (spec.emergency) {
      const exp = parseDate(spec.emergency.expires);
      if (exp) {
        const days = daysBetween(clock.now(), exp);
        const max = durationSeconds(config.maxEmergencyDuration) / 86400;
        if (days <= 0) add(["emergency", "expires"], "expected a future date; an emergency identity past its expiry must be removed");
        else if (days > max) add(["emergency", "expires"], `expected at most ${config.maxEmergencyDuration} ahead (maxEmergencyDuration); break-glass identities are short-lived`);
      }
    }
    for (const [key, value] of Object.entries(lifecycleTagsOf(spec as GovernedIdentitySpec))) {
      const problem = tagProblem(key, value);
      if (problem) add([TAG_FIELD[key] ?? key], `${problem}; fix: shorten the value or remove those characters`);
    }
  });
}

function check(value: string, max: string, path: string[], configKey: string, add: (p: string[], m: string) => void) {
  if (isDuration(value) && durationSeconds(value) > durationSeconds(max)) {
    add(path, `expected at most ${max} (the gate config's ${configKey}); fix: shorten it, or raise ${configKey} with a documented exception`);
  }
}

const TAG_FIELD: Record<string, string> = {
  [TAG.owner]: "owner",
  [TAG.purpose]: "purpose",
  [TAG.environment]: "environment",
  [TAG.systemOfRecord]: "systemOfRecord",
  [TAG.retirement]: "retirement",
  [TAG.workload]: "workload",
  [TAG.emergencyTicket]: "emergency",
};

export interface FieldIssue {
  path: string;
  message: string;
  received?: string;
}

/** Thrown when a spec is invalid: names every field, what was given, what is expected, how to fix it. */
export class SpecValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: FieldIssue[],
  ) {
    super(`${subject}: invalid governed identity spec\n${issues.map((i) => `  - ${i.path}: ${i.message}${i.received !== undefined ? ` (got ${i.received})` : ""}`).join("\n")}`);
    this.name = "SpecValidationError";
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function zodIssues(error: z.ZodError, input: unknown): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(spec)";
    let message = issue.message;
    if (issue.code === "unrecognized_keys") message = `unknown field(s) ${issue.keys.join(", ")}; fix: remove them or check their spelling`;
    const v = issue.code === "unrecognized_keys" ? undefined : valueAt(input, issue.path);
    return { path, message, received: issue.code === "unrecognized_keys" ? undefined : describeValue(v) };
  });
}

/** Validate a spec; throws SpecValidationError naming every bad field. */
export function parseSpec(input: unknown, ctx: SpecContext & { subject?: string } = {}): GovernedIdentitySpec {
  const result = specSchema(ctx).safeParse(input);
  if (!result.success) throw new SpecValidationError(ctx.subject ?? "GovernedIdentity", zodIssues(result.error, input));
  const spec = result.data;
  const config = ctx.config ?? DEFAULT_CONFIG;
  return { ...spec, permissionsBoundary: spec.permissionsBoundary ?? (config.defaultPermissionsBoundary as string) };
}

/** The value written to `nhi:ttl`: the key TTL, or the session duration for assumable roles. */
export function credentialTtl(c: CredentialSpec): string {
  return c.kind === "static-key" ? c.ttl : c.maxSessionDuration;
}

/** The lifecycle tags of a spec (without `nhi:governed-by` and `nhi:seal`). */
export function lifecycleTagsOf(spec: GovernedIdentitySpec): Record<string, string> {
  const tags: Record<string, string> = {
    [TAG.owner]: spec.owner,
    [TAG.purpose]: spec.purpose,
    [TAG.environment]: spec.environment,
    [TAG.systemOfRecord]: spec.systemOfRecord,
    [TAG.retirement]: spec.retirement,
    [TAG.workload]: spec.workload,
    [TAG.recertifyBy]: spec.recertifyBy,
    [TAG.credential]: spec.credential.kind,
    [TAG.ttl]: credentialTtl(spec.credential),
  };
  if (spec.credential.kind === "static-key" || spec.credential.kind === "managed-secret") tags[TAG.rotation] = spec.credential.rotation;
  if (spec.emergency) {
    tags[TAG.emergencyExpires] = spec.emergency.expires;
    tags[TAG.emergencyTicket] = spec.emergency.ticket;
  }
  return tags;
}

/** What can be read back from tags alone: the lifecycle part of a spec. */
export interface LifecycleFromTags {
  owner?: string;
  purpose?: string;
  environment?: string;
  systemOfRecord?: string;
  retirement?: string;
  workload?: string;
  recertifyBy?: string;
  credential?: { kind: string; ttl?: string; rotation?: string };
  emergency?: { expires?: string; ticket?: string };
  governedBy?: string;
  seal?: string;
}

export function lifecycleFromTags(tags: Record<string, string> | undefined): LifecycleFromTags {
  const t = tags ?? {};
  const out: LifecycleFromTags = {
    owner: t[TAG.owner],
    purpose: t[TAG.purpose],
    environment: t[TAG.environment],
    systemOfRecord: t[TAG.systemOfRecord],
    retirement: t[TAG.retirement],
    workload: t[TAG.workload],
    recertifyBy: t[TAG.recertifyBy],
    governedBy: t[TAG.governedBy],
    seal: t[TAG.seal],
  };
  if (t[TAG.credential]) out.credential = { kind: t[TAG.credential], ttl: t[TAG.ttl], rotation: t[TAG.rotation] };
  if (t[TAG.emergencyExpires] || t[TAG.emergencyTicket]) out.emergency = { expires: t[TAG.emergencyExpires], ticket: t[TAG.emergencyTicket] };
  for (const k of Object.keys(out) as (keyof LifecycleFromTags)[]) if (out[k] === undefined) delete out[k];
  return out;
}
