import * as crypto from "node:crypto";
import { DEFAULT_CONFIG, GateConfig, GateConfigSchema } from "../src/spec/config";
import { FieldIssue, GovernedIdentitySpec, parseSpec, SpecValidationError } from "../src/spec/identity";
import { renderIdentity, RenderedIdentity } from "../src/render/aws";
import { Clock, DAY_MS, fixedClock, isoDate, parseDate, systemClock } from "../src/engine/clock";
import { describeValue } from "../src/spec/identity";
import { TAG } from "../src/spec/tags";
import { CtyType, CtyValue } from "./cty";

/*
 * provider::nhi::identity(spec, options?): the HCL front end of the one renderer. The spec comes
 * in as an HCL object with the fields of GovernedIdentitySpec (snake_case as HCL writes them, or
 * the camelCase the TypeScript spec uses); it is validated by the same schema the constructs use
 * and rendered by src/render/aws.ts renderIdentity, so an identity declared in HCL, CDKTF or
 * Pulumi from the same spec carries the same seal.
 *
 * Terraform calls provider functions on an unconfigured provider and records each result in the
 * plan, failing the apply when a call returns something else for the same arguments. So the
 * function is pure: everything it depends on is an argument. The gate config and the clock come
 * in the optional second argument ({ config, now, reminder_role_arn }); without `now`, dates are
 * judged against the system clock, which only decides whether the spec is valid, never what the
 * result is.
 */

const S: CtyType = "string";
const N: CtyType = "number";

/** The function's return type (and the data source's `result`). Attributes that do not apply are null. */
export const RESULT_TYPE: CtyType = [
  "object",
  {
    governed_by: S,
    seal: S,
    access_expires_at: S,
    principal: [
      "object",
      { type: S, name: S, path: S, tags: ["map", S], assume_role_policy: S, permissions_boundary: S, max_session_duration: N },
    ],
    policy: ["object", { name: S, json: S }],
    credential: [
      "object",
      { type: S, secret_name: S, rotation_days: N, rotation_lambda_arn: S, ttl_days: N, max_session_duration: N, rotation_window: S },
    ],
    reminder: ["object", { name: S, at: S, schedule_expression: S, sns_topic_arn: S, message: S, role_arn: S }],
  },
];

/** What the function and the data source take beside the spec. */
export interface IdentityOptions {
  config: GateConfig;
  /** The instant dates are judged at, when given (Terraform: plantimestamp()). */
  now?: Date;
  reminderRoleArn?: string;
}

/** An invalid argument: the field-level issues, and which argument (0 spec, 1 options). */
export class IdentityArgumentError extends Error {
  constructor(
    readonly argument: number,
    readonly issues: FieldIssue[],
    headline: string,
  ) {
    super(`${headline}\n${issues.map((i) => `  - ${i.path}: ${i.message}${i.received !== undefined ? ` (got ${i.received})` : ""}`).join("\n")}`);
    this.name = "IdentityArgumentError";
  }
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Which children of a spec object are themselves spec objects (their keys are spec fields, so snake_case is accepted). */
type Level = { [key: string]: Level | "list" | undefined };
const STATEMENT: Level = {};
const SPEC_LEVEL: Level = { trust: {}, credential: {}, emergency: {}, recertificationReminder: {}, access: "list" };

/** Original key spellings of normalized objects, to name fields in errors as the user wrote them. */
const spelled = new WeakMap<object, Map<string, string>>();

/**
 * An HCL object in a spec object's place: snake_case keys become the spec's camelCase, null
 * attributes (HCL's unset optional attributes) are left out. Values below the known levels (IAM
 * condition blocks, whose keys are IAM's) are kept as they are.
 */
function normalize(v: CtyValue, level: Level, where: string, issues: FieldIssue[]): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [key, value] of Object.entries(v)) {
    const k = camel(key);
    if (value === null) {
      // Not set; remember the spelling, for an error that says the field is missing.
      if (!names.has(k)) names.set(k, key);
      continue;
    }
    if (names.has(k) && k in out) {
      issues.push({ path: `${where}${key}`, message: `given twice, as ${names.get(k)} and ${key}; fix: keep one` });
      continue;
    }
    names.set(k, key);
    const child = level[k];
    if (child === "list" && Array.isArray(value)) out[k] = value.map((e, i) => normalize(e, STATEMENT, `${where}${key}.${i}.`, issues));
    else if (child && child !== "list") out[k] = normalize(value, child, `${where}${key}.`, issues);
    else out[k] = value;
  }
  spelled.set(out, names);
  return out;
}

/** A zod path over the normalized value, spelled as the user wrote it. */
function userPath(root: unknown, path: string): string {
  if (path === "(spec)") return path;
  let cur: unknown = root;
  const out: string[] = [];
  for (const seg of path.split(".")) {
    const names = cur && typeof cur === "object" ? spelled.get(cur as object) : undefined;
    out.push(names?.get(seg) ?? seg);
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return out.join(".");
}

/** The spec argument as the spec schema's input (camelCase, no nulls). */
export function specInput(value: CtyValue): { input: unknown; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { input: value, issues: [{ path: "(spec)", message: "expected an object with the fields of a governed identity spec (name, owner, purpose, ...)", received: describeValue(value) }] };
  }
  return { input: normalize(value, SPEC_LEVEL, "", issues), issues };
}

/** A gate config given as an HCL object (snake_case or camelCase top-level keys, nulls left out). */
export function gateConfigFrom(value: CtyValue, where: string): { config?: GateConfig; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (value === null) return { config: DEFAULT_CONFIG, issues };
  if (typeof value !== "object" || Array.isArray(value)) return { issues: [{ path: where, message: "expected an object with gate config fields (environments, max_credential_ttl, ...)", received: describeValue(value) }] };
  const input = normalize(value, { approvedConstructs: "list" }, "", issues) as Record<string, unknown>;
  const parsed = GateConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const p = i.path.map(String).join(".");
      const message = i.code === "unrecognized_keys" ? `unknown gate config field(s) ${i.keys.join(", ")}; fix: remove them or check their spelling (see src/spec/config.ts)` : i.message;
      issues.push({ path: `${where}${p ? `.${userPath(input, p)}` : ""}`, message });
    }
    return { issues };
  }
  return { config: parsed.data, issues };
}

/** The options argument: { config, now, reminder_role_arn }. */
export function optionsFrom(value: CtyValue | undefined): { options?: IdentityOptions; issues: FieldIssue[] } {
  if (value === undefined || value === null) return { options: { config: DEFAULT_CONFIG }, issues: [] };
  if (typeof value !== "object" || Array.isArray(value)) {
    return { issues: [{ path: "options", message: "expected an object { config, now, reminder_role_arn }", received: describeValue(value) }] };
  }
  const issues: FieldIssue[] = [];
  const opts = normalize(value, {}, "options.", issues) as Record<string, CtyValue>;
  for (const k of Object.keys(opts)) {
    if (!["config", "now", "reminderRoleArn"].includes(k)) issues.push({ path: `options.${userPath(opts, k)}`, message: "unknown option; expected config, now or reminder_role_arn" });
  }
  const { config, issues: configIssues } = gateConfigFrom(opts.config ?? null, "options.config");
  issues.push(...configIssues);
  const out: IdentityOptions = { config: config ?? DEFAULT_CONFIG };
  if (opts.now !== undefined) {
    const d = typeof opts.now === "string" ? parseDate(opts.now) : undefined;
    if (!d) issues.push({ path: "options.now", message: "expected a timestamp (RFC 3339, as plantimestamp() gives) or a date YYYY-MM-DD", received: describeValue(opts.now) });
    else out.now = d;
  }
  if (opts.reminderRoleArn !== undefined) {
    if (typeof opts.reminderRoleArn !== "string" || !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(opts.reminderRoleArn)) {
      issues.push({ path: `options.${userPath(opts, "reminderRoleArn")}`, message: "expected a role ARN arn:aws:iam::<account>:role/<name>", received: describeValue(opts.reminderRoleArn) });
    } else out.reminderRoleArn = opts.reminderRoleArn;
  }
  return issues.length ? { issues } : { options: out, issues };
}

/**
 * The rotation window a static key is in at `now`: windows are `rotationDays` long and staggered
 * per identity name, so keys of many identities do not all rotate on the same day. The value is
 * the window's first day; the module replaces the key when it changes (at the first plan on or
 * after that day), which works with Terraform's built-in terraform_data and no time provider.
 */
export function rotationWindow(name: string, rotationDays: number, now: Date): string {
  const days = Math.max(1, Math.floor(rotationDays));
  const offset = parseInt(crypto.createHash("sha256").update(name).digest("hex").slice(0, 8), 16) % days;
  const day = Math.floor(now.getTime() / DAY_MS);
  const start = Math.floor((day + offset) / days) * days - offset;
  return isoDate(new Date(start * DAY_MS));
}

/** Validate and render: the governed identity, or an IdentityArgumentError naming every bad field. */
export function governedIdentity(specValue: CtyValue, optionsValue?: CtyValue): GovernedIdentityResult {
  const { options, issues: optionIssues } = optionsFrom(optionsValue);
  if (!options) throw new IdentityArgumentError(1, optionIssues, "invalid options");
  return governedIdentityWith(specValue, options);
}

export interface GovernedIdentityResult {
  spec: GovernedIdentitySpec;
  rendered: RenderedIdentity;
  result: CtyValue;
}

/** governedIdentity with the options already resolved (the data source: the provider block's gate config). */
export function governedIdentityWith(specValue: CtyValue, options: IdentityOptions): GovernedIdentityResult {
  const { input, issues } = specInput(specValue);
  if (issues.length) throw new IdentityArgumentError(0, issues, "invalid governed identity spec");
  const clock: Clock = options.now ? fixedClock(options.now) : systemClock;
  let spec: GovernedIdentitySpec;
  try {
    spec = parseSpec(input, { config: options.config, clock, subject: "spec" });
  } catch (e) {
    if (!(e instanceof SpecValidationError)) throw e;
    throw new IdentityArgumentError(
      0,
      e.issues.map((i) => ({ ...i, path: userPath(input, i.path) })),
      `invalid governed identity spec (${e.issues.length} problem${e.issues.length === 1 ? "" : "s"})`,
    );
  }
  if (spec.recertificationReminder && !options.reminderRoleArn) {
    throw new IdentityArgumentError(1, [
      {
        path: "options.reminder_role_arn",
        message: "expected the ARN of a role EventBridge Scheduler may assume to publish to the reminder's SNS topic; fix: pass reminder_role_arn, or drop recertification_reminder",
        received: "nothing",
      },
    ], "invalid options");
  }
  const rendered = renderIdentity(spec, options.config);
  return { spec, rendered, result: resultValue(rendered, options) };
}

/** The rendered identity as the function's result object (RESULT_TYPE). */
export function resultValue(r: RenderedIdentity, options: Pick<IdentityOptions, "now" | "reminderRoleArn">): CtyValue {
  const p = r.principal;
  const c = r.credential;
  return {
    governed_by: r.governedBy,
    seal: p.tags[TAG.seal],
    access_expires_at: r.accessExpiresAt,
    principal: {
      type: p.type,
      name: p.name,
      path: p.path,
      tags: { ...p.tags },
      assume_role_policy: p.assumeRolePolicyJson ?? null,
      permissions_boundary: p.permissionsBoundary,
      max_session_duration: p.maxSessionDuration ?? null,
    },
    policy: { name: r.policy.name, json: r.policy.json },
    credential: {
      type: c.type,
      secret_name: c.type === "managed-secret" || c.type === "access-key" ? c.secretName : null,
      rotation_days: c.type === "managed-secret" || c.type === "access-key" ? c.rotationDays : null,
      rotation_lambda_arn: c.type === "managed-secret" ? c.rotationLambdaArn : null,
      ttl_days: c.type === "access-key" ? c.ttlDays : null,
      max_session_duration: c.type === "session" ? c.maxSessionDuration : null,
      rotation_window: c.type === "access-key" && options.now ? rotationWindow(p.name, c.rotationDays, options.now) : null,
    },
    reminder: r.reminder
      ? { name: r.reminder.name, at: r.reminder.at, schedule_expression: `at(${r.reminder.at})`, sns_topic_arn: r.reminder.snsTopicArn, message: r.reminder.message, role_arn: options.reminderRoleArn ?? null }
      : null,
  };
}
