import * as z from "zod";
import { DEFAULT_CONFIG, GateConfig } from "./config";
import { durationSeconds, isDuration } from "./duration";
import { Clock, daysBetween, parseDate, systemClock } from "../engine/clock";
import { AWS_TAG_CHARS, AWS_TAG_VALUE_MAX, TAG, tagProblem } from "./tags";
import { DEFAULT_OWNER_EXPECTATION, ownerProblem } from "./owner";
import { chooseGithubOidcProvider } from "../render/github-oidc";

/*
 * GovernedIdentitySpec: the single source of truth for what a governed non-human identity is.
 * The constructs take it as props; the gates read it back from tags and component inputs.
 *
 * Every message has the form `expected <what>; fix: <how>`; SpecValidationError puts the field
 * and what was given in front (`owner: got "x"; expected ...; fix: ...`).
 */

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/;
const ACTION = /^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$/;
const ACCOUNT = /^\d{12}$/;
/** Tags IAM allows on one role or user. */
const AWS_MAX_TAGS = 50;
/** A value left for a person to fill in (`nhi-gate adopt` writes them): never accepted. */
export const PLACEHOLDER = /^\s*TODO:/;

/** A message: what is expected, and how to fix it. */
const says = (expected: string, fix: string) => `expected ${expected}; fix: ${fix}`;
/** Zod's error for a field that is missing or of the wrong type (what was given is shown beside it). */
const needs = (expected: string, fix: string) => ({ error: says(expected, fix) });

const duration = (field: string, what: string, example: string) =>
  z
    .string(needs(`${what}, an ISO 8601 duration such as ${example}`, `set ${field}`))
    .refine(isDuration, { message: says(`an ISO 8601 duration such as PT1H or P30D`, "write it as PnD (days) or PTnH (hours)") });

const text = (field: string, what: string, min: number, fix: string) =>
  z
    .string(needs(`${what} (at least ${min} characters)`, `set ${field}`))
    .trim()
    .min(min, { message: says(`at least ${min} characters: ${what}`, fix) });

const arn = (field: string, what: string, re: RegExp, shape: string) =>
  z.string(needs(`${what} (${shape})`, `set ${field}`)).regex(re, { message: says(`${what} (${shape})`, `write the full ARN`) });

const name = (field: string, what: string) => z.string(needs(what, `set ${field}`)).min(1, { message: says(what, `set ${field}`) });

export const StatementSchema = z.strictObject({
  sid: z
    .string(needs("an alphanumeric statement id", "remove sid or make it letters and digits"))
    .regex(/^[A-Za-z0-9]*$/, { message: says("an alphanumeric statement id (letters and digits only)", "remove the other characters") })
    .optional(),
  effect: z.enum(["Allow", "Deny"], needs("Allow or Deny", "remove effect (Allow is the default) or write Allow or Deny")).default("Allow"),
  actions: z
    .array(
      z.string(needs("an IAM action such as s3:GetObject (service:Action)", "write each action as service:Action")).regex(ACTION, {
        message: says("an IAM action such as s3:GetObject (service:Action)", "write it as service:Action"),
      }),
      needs("actions: a list of IAM actions such as [\"s3:GetObject\"]", "list the actions the statement allows"),
    )
    .min(1, { message: says("at least one action", "list the actions the statement allows") }),
  resources: z
    .array(
      z.string(needs("a resource ARN", "write each resource as an ARN")).min(1, { message: says("a resource ARN", "write each resource as an ARN") }),
      needs("resources: a list of resource ARNs", "list the ARNs the statement applies to"),
    )
    .min(1, { message: says("at least one resource ARN", "list the ARNs the statement applies to") }),
  conditions: z
    .record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())], needs("a string or a list of strings", "write each condition value as text"))), needs("IAM condition blocks { operator: { key: value or [values] } }", "write conditions as in an IAM policy's Condition"))
    .optional(),
});
export type StatementSpec = z.output<typeof StatementSchema>;
export type StatementInput = z.input<typeof StatementSchema>;

export const TRUST_KINDS = ["github-oidc", "aws-service", "aws-role", "eks-pod-identity"] as const;
export const TrustSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("github-oidc"),
      /** `owner/repo` */
      repository: z
        .string(needs("the GitHub repository as owner/repo", "set trust.repository"))
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: says("owner/repo (no wildcards)", "name exactly one repository") }),
      /** An exact ref such as `refs/heads/main` (give this or `environment`). */
      ref: z
        .string(needs("an exact ref such as refs/heads/main", "set trust.ref, or trust.environment instead"))
        .regex(/^refs\/(heads|tags)\/[^*?]+$/, { message: says("an exact ref such as refs/heads/main (no wildcards)", "name one branch or tag") })
        .optional(),
      /** A GitHub deployment environment (give this or `ref`). */
      environment: z
        .string(needs("a GitHub deployment environment name", "set trust.environment, or trust.ref instead"))
        .regex(/^[^*?:]+$/, { message: says("an exact environment name (no wildcards or colons)", "name one GitHub environment") })
        .optional(),
      /**
       * ARN of the account's token.actions.githubusercontent.com OIDC provider.
       * @default - from the gate config: `githubOidcProviderArns` for the role's account, else `defaultGithubOidcProviderArn`
       */
      oidcProviderArn: z
        .string(needs("the ARN of the account's GitHub OIDC provider", "set trust.oidcProviderArn, or leave it to the gate config"))
        .regex(OIDC_PROVIDER_ARN, { message: says("arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com", "write the ARN of the account's GitHub OIDC provider") })
        .optional(),
      /**
       * The AWS account (12 digits) the role lives in: selects its OIDC provider from the gate
       * config's `githubOidcProviderArns` when `oidcProviderArn` is not given.
       * @default - the one account `environmentAccounts` lists for the spec's environment, if any
       */
      account: z.string(needs("a 12-digit AWS account id", "set trust.account")).regex(ACCOUNT, { message: says("a 12-digit AWS account id", "write the account id, digits only") }).optional(),
    }),
    z.strictObject({
      kind: z.literal("aws-service"),
      /** Service principal such as `lambda.amazonaws.com`. */
      service: z
        .string(needs("the service principal such as lambda.amazonaws.com", "set trust.service"))
        .regex(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, { message: says("a service principal such as lambda.amazonaws.com", "write the service's principal name") }),
      /** Restrict to this source account (`aws:SourceAccount`), against confused-deputy use. */
      sourceAccount: z.string(needs("a 12-digit account id", "remove sourceAccount or write the account id")).regex(ACCOUNT, { message: says("a 12-digit account id", "write the account id, digits only") }).optional(),
    }),
    z.strictObject({
      kind: z.literal("aws-role"),
      /** ARN of the role allowed to assume this one (not an account root). */
      roleArn: z
        .string(needs("the ARN of the role allowed to assume this one (arn:aws:iam::<account>:role/<name>)", "set trust.roleArn"))
        .regex(ROLE_ARN, { message: says("a role ARN arn:aws:iam::<account>:role/<name> (an account root is too broad)", "name the one role that may assume this identity") }),
      /** Required `sts:ExternalId`, for a third party assuming the role. */
      externalId: z
        .string(needs("an external id (text)", "remove externalId or write the agreed id"))
        .min(2, { message: says("an external id of 2-1224 characters", "use the id agreed with the other account") })
        .max(1224, { message: says("an external id of 2-1224 characters", "use the id agreed with the other account") })
        .optional(),
    }),
    z.strictObject({
      kind: z.literal("eks-pod-identity"),
      clusterName: name("trust.clusterName", "the EKS cluster name"),
      namespace: name("trust.namespace", "the Kubernetes namespace of the service account"),
      serviceAccount: name("trust.serviceAccount", "the Kubernetes service account name"),
    }),
  ],
  {
    error: (iss) =>
      (iss as { code: string }).code === "invalid_type"
        ? says(`trust: { kind, ... } with kind one of ${TRUST_KINDS.join(", ")}`, "declare who may assume the identity")
        : says(`trust.kind to be one of ${TRUST_KINDS.join(", ")}`, "set trust.kind to one of these"),
  },
);
export type TrustSpec = z.output<typeof TrustSchema>;

export const CREDENTIAL_KINDS = ["federated", "ephemeral", "managed-secret", "static-key"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
const sessionDuration = () => duration("credential.maxSessionDuration", "the longest role session", "PT1H").default("PT1H");
export const CredentialSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("federated"), maxSessionDuration: sessionDuration() }),
    z.strictObject({ kind: z.literal("ephemeral"), maxSessionDuration: sessionDuration() }),
    z.strictObject({
      kind: z.literal("managed-secret"),
      maxSessionDuration: sessionDuration(),
      rotation: duration("credential.rotation", "how often the secret is rotated", "P30D"),
      /** The Lambda function that rotates the secret. */
      rotationLambdaArn: arn("credential.rotationLambdaArn", "the ARN of the Lambda function that rotates the secret", ARN, "arn:aws:lambda:<region>:<account>:function:<name>"),
    }),
    z.strictObject({
      kind: z.literal("static-key"),
      ttl: duration("credential.ttl", "the longest life of a key", "P90D"),
      rotation: duration("credential.rotation", "how often the key is replaced", "P30D"),
    }),
  ],
  {
    error: (iss) =>
      (iss as { code: string }).code === "invalid_type"
        ? says(`credential: { kind, ... } with kind one of ${CREDENTIAL_KINDS.join(", ")} (most preferred first)`, "declare how the identity authenticates")
        : says(`credential.kind to be one of ${CREDENTIAL_KINDS.join(", ")} (most preferred first)`, "set credential.kind to one of these"),
  },
);
export type CredentialSpec = z.output<typeof CredentialSchema>;

const dateString = (field: string, what: string) =>
  z
    .string(needs(`${what}, a date YYYY-MM-DD`, `set ${field}`))
    .refine((v) => parseDate(v) !== undefined, { message: says(`${what}, a valid date YYYY-MM-DD`, "write the date as YYYY-MM-DD") });

const BaseSpecSchema = z.strictObject({
  /** IAM role (or user) name. */
  name: z
    .string(needs("name: the IAM role or user name (1-64 characters from letters, digits and +=,.@_-)", "set name"))
    .regex(IAM_NAME, { message: says("1-64 characters from letters, digits and +=,.@_-", "shorten it or remove the other characters") }),
  /**
   * The team or person accountable for this identity (`@acme/payments`, `platform@acme.com`,
   * `Payments Team`): any valid AWS tag value of 2-256 characters, unless the gate config's
   * `ownerPattern` narrows it.
   */
  owner: z
    .string(needs("owner: the team or person accountable for the identity, such as @acme/payments or platform@acme.com", "set owner"))
    .trim()
    .refine((v) => ownerProblem(v) === undefined, { message: says(DEFAULT_OWNER_EXPECTATION, "name the accountable team or person using those characters") }),
  /** What the identity is for, in words (at least 10 characters). */
  purpose: text("purpose", "what the identity is for, in words", 10, "say what the identity does and for whom"),
  /** Deployment environment, from the gate config's list. */
  environment: z.string(needs("environment: one of the gate config's environments", "set environment")),
  /** Where the identity is recorded: a ticket, CMDB id or URL. */
  systemOfRecord: text("systemOfRecord", "where the identity is recorded: a ticket, CMDB id or URL", 3, "give the ticket, CMDB id or URL"),
  /** When the identity is retired: a condition or a date. */
  retirement: text("retirement", "when the identity is retired: a condition or a date", 3, "say when or on what condition it is retired"),
  /** What runs as this identity (a service, pipeline or job). */
  workload: text("workload", "what runs as this identity: a service, pipeline or job", 2, "name the service, pipeline or job"),
  /** The IAM statements the identity may use. */
  access: z
    .array(StatementSchema, needs("access: a list of IAM statements { actions, resources }", "set access to the statements the workload needs"))
    .min(1, { message: says("at least one access statement", "add the statement(s) the workload needs") }),
  /** Permissions boundary ARN; the gate config's defaultPermissionsBoundary applies when omitted. */
  permissionsBoundary: z
    .string(needs("a managed policy ARN", "set permissionsBoundary, or defaultPermissionsBoundary in the gate config"))
    .regex(ARN, { message: says("a managed policy ARN (arn:aws:iam::<account>:policy/<name>)", "write the boundary policy's full ARN") })
    .optional(),
  /** Who may use the identity. Omit only for `static-key` credentials (an IAM user). */
  trust: TrustSchema.optional(),
  /** How the identity authenticates, most preferred first: federated, ephemeral, managed-secret, static-key. */
  credential: CredentialSchema,
  /** The date (YYYY-MM-DD) by which the owner must recertify the identity. */
  recertifyBy: dateString("recertifyBy", "the date by which the owner recertifies the identity"),
  /** Break-glass identity: a short life, and a ticket. */
  emergency: z
    .strictObject(
      {
        expires: dateString("emergency.expires", "the date the emergency identity expires"),
        ticket: text("emergency.ticket", "the incident or change ticket", 3, "give the ticket id"),
      },
      needs("emergency: { expires, ticket }", "give both, or remove emergency"),
    )
    .optional(),
  /** Notify the owner before the recertification date (EventBridge Scheduler → SNS). */
  recertificationReminder: z
    .strictObject(
      {
        snsTopicArn: arn("recertificationReminder.snsTopicArn", "an SNS topic ARN", ARN, "arn:aws:sns:<region>:<account>:<topic>"),
        daysBefore: z
          .number(needs("a whole number of days (1-90)", "set daysBefore, or remove it for 14"))
          .int({ message: says("a whole number of days (1-90)", "use a whole number") })
          .positive({ message: says("a whole number of days (1-90)", "use 1 or more") })
          .max(90, { message: says("a whole number of days (1-90)", "use 90 or fewer") })
          .default(14),
      },
      needs("recertificationReminder: { snsTopicArn, daysBefore? }", "give snsTopicArn, or remove recertificationReminder"),
    )
    .optional(),
  /** IAM path. */
  path: z
    .string(needs("an IAM path such as /nhi/", "remove path (the default is /nhi/) or write one"))
    .regex(/^\/([\w+=,.@-]+\/)*$/, { message: says("an IAM path such as /nhi/ (starts and ends with /)", "write it as /segment/.../") })
    .default("/nhi/"),
  // ---- other tags (issue #20: adopted identities keep their cost-allocation and team tags) ----
  /**
   * Other tags the principal carries beside the `nhi:*` lifecycle tags (cost allocation, team,
   * application). Sealed like every tag. Keys must not start with `nhi:` (the lifecycle tags
   * come from the spec's fields) or `aws:` (reserved by AWS).
   */
  tags: z
    .record(z.string(), z.string(needs("a tag value (text)", "write each tag value as text")), needs("tags: a map of tag keys to values", "write tags as { key: value }"))
    .superRefine((tags, ctx) => {
      for (const [k, v] of Object.entries(tags)) {
        if (/^(nhi|aws):/i.test(k)) ctx.addIssue({ code: "custom", path: [k], message: says(`a tag key not starting with ${k.slice(0, 4)} (nhi: tags come from the spec's fields; aws: is reserved)`, "remove it, or set the spec field it stands for") });
        else {
          const problem = tagProblem(k, v);
          if (problem) ctx.addIssue({ code: "custom", path: [k], message: says(`a tag AWS accepts (${problem})`, "shorten it or remove the other characters") });
        }
      }
    })
    .optional(),
}, needs("a governed identity spec: an object with name, owner, purpose, environment, ... (see the spec table in the README)", "pass the spec as an object"));

export type GovernedIdentitySpecInput = z.input<typeof BaseSpecSchema>;

/**
 * The spec's shape without the checks that depend on the clock or the gate config: what a gate
 * uses to read back a spec declared earlier (its recertification date may have passed since).
 */
export const GovernedIdentitySpecShape = BaseSpecSchema;

/*
 * Reading a recorded spec back (GovernedIdentitySpecShape, which is context-free) is memoized by
 * its JSON text: a gate in the same process as the constructs reads back the specs they have just
 * parsed. A spec specIssues (parseSpec) returns is recorded as its own reading: the shape's checks are a subset
 * of parseSpec's and reading it is idempotent (no transforms, defaults filled in already, fields
 * resolveSpec fills in kept in the schema's key order), so it reads back as the same text
 * (test/spec/read-back.test.ts). Other input is memoized only when it is plain JSON data (plain
 * objects, arrays, strings, finite numbers, booleans, null; no toJSON), where the text is all the
 * schema reads; anything else, and anything the schema rejects, is parsed each time. A hit is a
 * fresh copy (the text parsed), so no caller shares it. Bounded.
 */
const READ_BACK_MAX = 10_000;
const readBack = new Map<string, string>();

/** Record a spec parseSpec returned as its own reading; returns its JSON text. */
function rememberReadBack(spec: GovernedIdentitySpec): string {
  const text = JSON.stringify(spec);
  if (readBack.size >= READ_BACK_MAX) readBack.clear();
  readBack.set(text, text);
  return text;
}

/** `GovernedIdentitySpecShape.safeParse(raw)`, memoized by content (above): how a gate reads back a recorded spec. */
export function readBackSpec(raw: unknown): ReturnType<typeof GovernedIdentitySpecShape.safeParse> {
  return readBackSpecWithText(raw).parsed;
}

/**
 * readBackSpec, with the JSON text of the spec read (`text`, JSON.stringify of `parsed.data`)
 * when it is known without more work: a reading memoized or plain JSON data.
 */
export function readBackSpecWithText(raw: unknown): { parsed: ReturnType<typeof GovernedIdentitySpecShape.safeParse>; text?: string } {
  const key = plainJsonText(raw);
  const hit = key === undefined ? undefined : readBack.get(key);
  // The text is JSON.stringify output, so the copy parsed from it stringifies to it again.
  if (hit !== undefined) return { parsed: { success: true, data: JSON.parse(hit) } as ReturnType<typeof GovernedIdentitySpecShape.safeParse>, text: hit };
  const parsed = GovernedIdentitySpecShape.safeParse(raw);
  if (parsed.success && key !== undefined) {
    const text = plainJsonText(parsed.data);
    if (text !== undefined) {
      if (readBack.size >= READ_BACK_MAX) readBack.clear();
      readBack.set(key, text);
      return { parsed, text };
    }
  }
  return { parsed };
}

/** The JSON text of `v` when it is plain JSON data (what JSON.parse could have made), else undefined. */
function plainJsonText(v: unknown): string | undefined {
  return plainText(v, 0) ?? plainJsonTextByReplacer(v);
}

/**
 * plainJsonText written out by a walk (no replacer call per value): the text JSON.stringify gives
 * for plain JSON data, each property read twice and taken only when both reads agree (as the
 * replacer's check does). Undefined for anything else (a toJSON, another prototype, undefined,
 * a non-finite number, deeper than 64), which plainJsonTextByReplacer then decides as before.
 */
function plainText(v: unknown, depth: number): string | undefined {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : undefined;
  if (typeof v !== "object" || depth > 64 || typeof (v as { toJSON?: unknown }).toJSON === "function") return undefined;
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) return undefined;
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const t = x === v[i] ? plainText(x, depth + 1) : undefined;
      if (t === undefined) return undefined;
      out += (i ? "," : "") + t;
    }
    return `${out}]`;
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  const o = v as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const k of Object.keys(o)) {
    const x = o[k];
    const t = x === o[k] ? plainText(x, depth + 1) : undefined;
    if (t === undefined) return undefined;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + t;
    first = false;
  }
  return `${out}}`;
}

function plainJsonTextByReplacer(v: unknown): string | undefined {
  let plain = true;
  const text = JSON.stringify(v, function (this: Record<string, unknown>, k: string, value: unknown) {
    if (this[k] !== value) plain = false; // a toJSON
    else if (typeof value === "number") plain &&= Number.isFinite(value);
    else if (typeof value === "object" && value !== null) {
      const proto = Object.getPrototypeOf(value);
      plain &&= Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
    } else if (typeof value !== "string" && typeof value !== "boolean" && value !== null) plain = false;
    return value;
  });
  return plain ? text : undefined;
}
/** A validated spec: defaults applied, the permissions boundary and a github-oidc trust's OIDC provider resolved from the gate config. */
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

/** A value as the checks below see it when the shape itself is invalid: anything may be missing or of another type. */
type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Loose) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const dur = (v: unknown): string | undefined => (typeof v === "string" && isDuration(v) ? v : undefined);

function buildSpecSchema(config: GateConfig, clock: Clock) {
  // The checks that need the gate config or the clock, or span fields. They run even when the
  // shape has problems (`when`), so one pass reports every problem; each reads a field only
  // when it has the right type (a malformed field is reported by the shape already).
  return BaseSpecSchema.superRefine(
    (value, z2) => {
      const spec = obj(value);
      if (!spec) return;
      const add = (path: (string | number)[], message: string) => z2.addIssue({ code: "custom", path, message });
      const environment = str(spec.environment);
      if (environment !== undefined && !config.environments.includes(environment)) {
        add(["environment"], says(`one of ${config.environments.join(", ")}`, `use one of these, or add it to "environments" in the gate config`));
      }
      const owner = str(spec.owner);
      if (owner !== undefined && ownerProblem(owner) === undefined && config.ownerPattern) {
        const problem = ownerProblem(owner, config);
        if (problem) add(["owner"], says(problem, "use an owner of that form, or change ownerPattern in the gate config"));
      }
      if (spec.permissionsBoundary === undefined && !config.defaultPermissionsBoundary) {
        add(["permissionsBoundary"], says("a permissions boundary ARN", "set permissionsBoundary, or defaultPermissionsBoundary in the gate config"));
      }
      const cred = obj(spec.credential);
      const kind = str(cred?.kind);
      const trust = obj(spec.trust);
      const trustKind = str(trust?.kind);
      if (cred && kind === "static-key") {
        if (spec.trust !== undefined) add(["trust"], says("no trust for a static-key identity (an IAM user is not assumed)", "remove trust, or use a role with an ephemeral credential"));
        const ttl = dur(cred.ttl);
        const rotation = dur(cred.rotation);
        if (ttl) check(ttl, config.maxCredentialTtl, ["credential", "ttl"], "maxCredentialTtl", add);
        if (ttl && rotation && durationSeconds(rotation) > durationSeconds(ttl)) {
          add(["credential", "rotation"], says(`rotation (${rotation}) no longer than ttl (${ttl})`, "rotate at least once per ttl"));
        }
      } else if (cred && kind && (CREDENTIAL_KINDS as readonly string[]).includes(kind)) {
        if (spec.trust === undefined) add(["trust"], says(`trust for a ${kind} identity: github-oidc, aws-service, aws-role or eks-pod-identity`, "declare who may assume the identity"));
        const session = dur(cred.maxSessionDuration);
        if (session) {
          check(session, config.maxSessionDuration, ["credential", "maxSessionDuration"], "maxSessionDuration", add);
          const s = durationSeconds(session);
          if (s < 3600 || s > 43200) add(["credential", "maxSessionDuration"], says("between PT1H and PT12H (IAM's limits for max_session_duration)", "choose a duration in that range"));
        }
        if (kind === "federated" && trustKind && (TRUST_KINDS as readonly string[]).includes(trustKind) && !["github-oidc", "eks-pod-identity"].includes(trustKind)) {
          add(["credential", "kind"], says(`github-oidc or eks-pod-identity trust for a federated credential (the trust is ${trustKind})`, `use kind "ephemeral" for ${trustKind} trust`));
        }
        const rotation = dur(cred.rotation);
        if (kind === "managed-secret" && rotation) check(rotation, config.maxCredentialTtl, ["credential", "rotation"], "maxCredentialTtl", add);
      }
      if (trust && trustKind === "github-oidc") {
        if ((trust.ref === undefined) === (trust.environment === undefined)) {
          add(["trust"], says("exactly one of trust.ref or trust.environment, so the OIDC subject is exact", trust.ref === undefined ? "set trust.ref or trust.environment" : "keep only one of them"));
        }
        const arnGiven = trust.oidcProviderArn;
        const account = trust.account;
        // A malformed ARN or account is reported by the shape; the choice needs well-formed ones.
        if ((arnGiven === undefined || (typeof arnGiven === "string" && OIDC_PROVIDER_ARN.test(arnGiven))) && (account === undefined || (typeof account === "string" && ACCOUNT.test(account)))) {
          const choice = chooseGithubOidcProvider({ oidcProviderArn: arnGiven as string | undefined, account: account as string | undefined, environment }, config);
          if (choice.arn === undefined) add(["trust", choice.field], choice.message);
        }
      }
      const recert = typeof spec.recertifyBy === "string" ? parseDate(spec.recertifyBy) : undefined;
      if (recert) {
        const days = daysBetween(clock.now(), recert);
        if (days <= 0) add(["recertifyBy"], says(`a date in the future (today is ${clock.now().toISOString().slice(0, 10)})`, "recertify the identity and set a new date"));
        else if (days > config.recertificationWindowDays) {
          add(["recertifyBy"], says(`a date within ${config.recertificationWindowDays} days (the recertification window)`, "choose an earlier date"));
        }
      }
      const emergency = obj(spec.emergency);
      const exp = typeof emergency?.expires === "string" ? parseDate(emergency.expires) : undefined;
      if (exp) {
        const days = daysBetween(clock.now(), exp);
        const max = durationSeconds(config.maxEmergencyDuration) / 86400;
        if (days <= 0) add(["emergency", "expires"], says("a future date", "an emergency identity past its expiry must be removed"));
        else if (days > max) add(["emergency", "expires"], says(`at most ${config.maxEmergencyDuration} ahead (maxEmergencyDuration); break-glass identities are short-lived`, "choose an earlier date"));
      }
      // The lifecycle fields become tags: AWS's tag value limits apply (owner has its own check).
      for (const [path, v] of [["purpose"], ["systemOfRecord"], ["retirement"], ["workload"], ["emergency", "ticket"]].map((p) => [p, p.length === 1 ? spec[p[0]] : obj(spec[p[0]])?.[p[1]]] as const)) {
        if (typeof v !== "string") continue;
        const tag = TAG_OF[path.join(".")];
        if (v.length > AWS_TAG_VALUE_MAX) add([...path], says(`at most ${AWS_TAG_VALUE_MAX} characters (it becomes the ${tag} tag; AWS's limit), got ${v.length}`, "shorten it"));
        else if (!AWS_TAG_CHARS.test(v)) add([...path], says(`only characters AWS accepts in a tag value (letters, digits, spaces and _ . : / = + - @), since it becomes the ${tag} tag`, "remove or replace the others"));
      }
      const extra = obj(spec.tags);
      if (extra) {
        const lifecycle = 11 + (kind === "static-key" || kind === "managed-secret" ? 1 : 0) + (spec.emergency !== undefined ? 2 : 0);
        const count = Object.keys(extra).length + lifecycle;
        if (count > AWS_MAX_TAGS) add(["tags"], says(`at most ${AWS_MAX_TAGS - lifecycle} tags beside the ${lifecycle} nhi:* tags (IAM allows ${AWS_MAX_TAGS} per role or user), got ${Object.keys(extra).length}`, "drop some"));
      }
    },
    { when: () => true },
  );
}

const TAG_OF: Record<string, string> = {
  purpose: TAG.purpose,
  systemOfRecord: TAG.systemOfRecord,
  retirement: TAG.retirement,
  workload: TAG.workload,
  "emergency.ticket": TAG.emergencyTicket,
};

function check(value: string, max: string, path: string[], configKey: string, add: (p: string[], m: string) => void) {
  if (durationSeconds(value) > durationSeconds(max)) {
    add(path, says(`at most ${max} (the gate config's ${configKey})`, `shorten it, or raise ${configKey} with a documented exception`));
  }
}

/** One problem with one field of a spec. */
export interface FieldIssue {
  /** The field, dotted (`trust.oidcProviderArn`, `access.0.actions`), or `(spec)` for the whole spec. */
  path: string;
  /** What is expected and how to fix it: `expected ...; fix: ...`. */
  message: string;
  /** What was given, as JSON (`nothing` when the field is absent); absent when it says nothing useful (unknown fields). */
  received?: string;
}

/** One field's problem as text: `got <value>; expected ...; fix: ...` (what the field line and the provider's per-property reason say). */
export function issueText(i: FieldIssue): string {
  return i.received !== undefined ? `got ${i.received}; ${i.message}` : i.message;
}

/** One issue per field, in first-seen order: a field with several problems gets them on one line. */
export function mergeIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  const byPath = new Map<string, FieldIssue>();
  for (const i of issues) {
    const seen = byPath.get(i.path);
    if (!seen) byPath.set(i.path, { ...i });
    else if (!seen.message.split("; also ").includes(i.message)) seen.message = `${seen.message}; also ${i.message}`;
  }
  return [...byPath.values()];
}

/**
 * Thrown when a spec is invalid. The message names the identity, then one line per field: the
 * field, what was given, what is expected and how to fix it. `subject` and `issues` are
 * available to code but not enumerable, so an uncaught error prints as its message and stack
 * only (Node's inspector lists an error's own enumerable properties after the stack).
 */
export class SpecValidationError extends Error {
  /** The identity: the construct path, the component name, or the spec's name. */
  declare readonly subject: string;
  /** One entry per field (merged), in the order found. */
  declare readonly issues: FieldIssue[];

  constructor(subject: string, issues: readonly FieldIssue[]) {
    const merged = mergeIssues(issues);
    super(`${subject}: invalid governed identity spec\n${merged.map((i) => `  - ${i.path}: ${issueText(i)}`).join("\n")}`);
    Object.defineProperty(this, "subject", { value: subject, enumerable: false });
    Object.defineProperty(this, "issues", { value: merged, enumerable: false });
  }
}
Object.defineProperty(SpecValidationError.prototype, "name", { value: "SpecValidationError", enumerable: false, writable: true, configurable: true });

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
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  if (s === undefined) s = typeof v === "function" ? "a function" : String(v);
  if (s.length <= 80) return s;
  return typeof v === "string" ? `${s.slice(0, 77)}... (${v.length} characters)` : `${s.slice(0, 77)}...`;
}

const dotted = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join(".") : "(spec)");

export function zodIssues(error: z.ZodError, input: unknown): FieldIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return { path: dotted(issue.path), message: `unknown field(s) ${issue.keys.join(", ")}; fix: remove them or check their spelling` };
    }
    // zod reports a bad discriminator at `trust.kind`; what was given is the kind (or nothing).
    // zod's own messages (config fields without a message of ours) lose their "Too small: " prefix.
    const message = issue.message.replace(/^(Invalid input|Invalid option|Too small|Too big|Invalid string|Invalid format): (?=expected)/, "");
    return { path: dotted(issue.path), message, received: describeValue(valueAt(input, issue.path)) };
  });
}

const isPlainObject = (v: unknown): v is Loose => {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Every string in the input that is a `TODO:` placeholder, as an issue naming its field. */
export function placeholderIssues(input: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  const walk = (v: unknown, path: string[], depth: number) => {
    if (typeof v === "string") {
      if (PLACEHOLDER.test(v)) {
        const field = path.join(".") || "(spec)";
        out.push({ path: field, received: describeValue(v), message: says("a real value, not a placeholder", `fill in ${field} (a TODO: value is left for a person to complete)`) });
      }
    } else if (Array.isArray(v) && depth < 20) v.forEach((e, i) => walk(e, [...path, String(i)], depth + 1));
    else if (isPlainObject(v) && depth < 20) for (const [k, c] of Object.entries(v)) walk(c, [...path, k], depth + 1);
  };
  walk(input, [], 0);
  return out;
}

/** The identity a spec error names when the caller gives no subject: the spec's name, if it has a usable one. */
function subjectOf(input: unknown): string {
  const n = obj(input)?.name;
  return typeof n === "string" && IAM_NAME.test(n) ? n : "GovernedIdentity";
}

/**
 * Every problem of a spec, one per field (empty when it is valid): placeholders first (a
 * placeholder field reports nothing else), then the shape, then the checks against the gate
 * config and the clock.
 */
export function specIssues(input: unknown, ctx: SpecContext = {}): { issues: FieldIssue[]; spec?: GovernedIdentitySpec; specText?: string } {
  const placeholders = placeholderIssues(input);
  const result = specSchema(ctx).safeParse(input);
  if (result.success && !placeholders.length) {
    const spec = resolveSpec(result.data, ctx.config ?? DEFAULT_CONFIG);
    // specText: JSON.stringify(spec), for a render of it before anything can change it (renderIdentityOfText).
    return { issues: [], spec, specText: rememberReadBack(spec) };
  }
  const held = new Set(placeholders.map((p) => p.path));
  const rest = result.success ? [] : zodIssues(result.error, input).filter((i) => !held.has(i.path));
  return { issues: inFieldOrder(mergeIssues([...placeholders, ...rest])) };
}

const FIELD_ORDER = ["(spec)", ...Object.keys(BaseSpecSchema.shape)];
/** Issues in the order of the spec's fields (then as found), so the message reads like the spec. */
function inFieldOrder(issues: FieldIssue[]): FieldIssue[] {
  const rank = (i: FieldIssue) => {
    const r = FIELD_ORDER.indexOf(i.path.split(".")[0]);
    return r < 0 ? FIELD_ORDER.length : r;
  };
  return issues.map((i, n) => ({ i, n })).sort((a, b) => rank(a.i) - rank(b.i) || a.n - b.n).map((x) => x.i);
}

/**
 * The spec with what the gate config supplies filled in: the permissions boundary, and a
 * github-oidc trust's OIDC provider. A field filled in takes its place in the schema's key order,
 * so the spec's JSON is the same text as that of the spec parsed again (what a gate does with a
 * component's recorded spec): renders are memoized by that text (src/render/aws.ts).
 */
function resolveSpec(spec: z.output<typeof BaseSpecSchema>, config: GateConfig): GovernedIdentitySpec {
  const out = (spec.permissionsBoundary === undefined ? withKey(spec, "permissionsBoundary", config.defaultPermissionsBoundary, SPEC_KEYS) : { ...spec }) as GovernedIdentitySpec;
  const t = spec.trust;
  if (t?.kind === "github-oidc" && t.oidcProviderArn === undefined) {
    const choice = chooseGithubOidcProvider({ account: t.account, environment: spec.environment }, config);
    out.trust = withKey(t, "oidcProviderArn", choice.arn, GITHUB_TRUST_KEYS);
  }
  return out;
}

const SPEC_KEYS = Object.keys(BaseSpecSchema.shape);
const GITHUB_TRUST_KEYS = Object.keys(TrustSchema.options.find((o) => o.shape.kind.value === "github-oidc")?.shape ?? {});

/** `o` with `key` set to `value`, its keys in `order` (then any others, as they were). */
function withKey<T extends object>(o: T, key: string, value: unknown, order: readonly string[]): T {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) {
    if (k === key) out[k] = value;
    else if (Object.hasOwn(src, k)) out[k] = src[k];
  }
  for (const k of Object.keys(src)) if (!Object.hasOwn(out, k)) out[k] = src[k];
  if (!Object.hasOwn(out, key)) out[key] = value;
  return out as T;
}

/** Validate a spec; throws SpecValidationError naming the identity and every bad field at once. */
export function parseSpec(input: unknown, ctx: SpecContext & { subject?: string } = {}): GovernedIdentitySpec {
  const { issues, spec } = specIssues(input, ctx);
  if (spec) return spec;
  const subject = ctx.subject ?? subjectOf(input);
  throw new SpecValidationError(subject, issues);
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
