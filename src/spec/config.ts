import { z } from "zod";
import { isDuration } from "./duration";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = z.enum(SEVERITIES);

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

const duration = z.string().refine(isDuration, { message: "expected an ISO 8601 duration such as PT1H or P90D" });

/** An approved construct or component type that platform teams register (their own wrappers of GovernedIdentity). */
export const ApprovedConstructSchema = z.strictObject({
  /** CDKTF construct class name, or Pulumi component type token (`acme:iam:DeployerRole`). */
  type: z.string().min(1),
  description: z.string().optional(),
});

/**
 * Gate configuration (`nhi-governance.config.json` or `.yaml`). Every field has a default, so
 * `{}` is a valid config.
 */
export const GateConfigSchema = z.strictObject({
  /** Longest allowed life of a static credential (access key, service account key, password). */
  maxCredentialTtl: duration.default("P90D"),
  /** Longest allowed `max_session_duration` of an assumable role. */
  maxSessionDuration: duration.default("PT1H"),
  /** How far ahead a recertification date may be set. */
  recertificationWindowDays: z.number().int().positive().default(180),
  /** Warn when a recertification date is this close. */
  recertificationWarningDays: z.number().int().nonnegative().default(14),
  /** Grace period after the recertification date before the time-bound IAM condition cuts access. */
  accessGracePeriodDays: z.number().int().nonnegative().default(14),
  /** Environments an identity may declare. */
  environments: z.array(z.string().min(1)).min(1).default(["prod", "staging", "dev", "test", "sandbox"]),
  /** Lifecycle tags an identity must carry (canonical keys). */
  requiredTags: z
    .array(z.string())
    .default(["nhi:owner", "nhi:purpose", "nhi:environment", "nhi:system-of-record", "nhi:retirement", "nhi:workload", "nhi:recertify-by", "nhi:credential"]),
  /** Permissions boundary applied when a spec names none. */
  defaultPermissionsBoundary: z.string().optional(),
  /** Approved construct / component types besides ours. */
  approvedConstructs: z.array(ApprovedConstructSchema).default([]),
  /** Approved Terraform module sources (exact, or ending in `*`), e.g. `app.terraform.io/acme/governed-identity/aws`. */
  approvedModuleSources: z.array(z.string().min(1)).default([]),
  /** The gate fails on findings at or above this severity. */
  failOn: SeveritySchema.default("high"),
  /** Per-rule severity overrides: `{ "NHI-GOV-008": "medium" }`. */
  severityOverrides: z.record(z.string(), SeveritySchema).default({}),
  /** Rules switched off entirely (prefer a time-boxed exemption). */
  disabledRules: z.array(z.string()).default([]),
  /** Longest an exemption may run, counted from today. */
  maxExemptionDays: z.number().int().positive().default(30),
  /**
   * Which AWS accounts belong to which environment (`{ "prod": ["111111111111"] }`): an identity
   * tagged for one environment that lives in, or is trusted from, another environment's account
   * breaks environment isolation (NHI8).
   */
  environmentAccounts: z.record(z.string(), z.array(z.string().regex(/^\d{12}$/, { message: "expected 12-digit account ids" }))).default({}),
  /** Longest an emergency (break-glass) identity may live. */
  maxEmergencyDuration: duration.default("P3D"),
  // --- Discovery (nhi-gate discover, issue 18): rules only live data can judge. ---
  /**
   * A role or access key not used for longer than this many days (RoleLastUsed,
   * AccessKeyLastUsed) is an offboarding candidate (NHI-GOV-041). Access key age is judged
   * against `nhi:ttl` or `maxCredentialTtl` (NHI-GOV-040).
   */
  maxUnusedDays: z.number().int().positive().default(90),
  /**
   * Tag keys the IaC providers add to every resource (Terraform `default_tags`, Pulumi
   * `defaultTags`): in the account they sit beside the rendered tags, so the seal check of a
   * discovered identity leaves them out, as the plan-time check (which sees `tags`, not
   * `tags_all`) does. `nhi:*` keys cannot be listed.
   */
  defaultTagKeys: z.array(z.string().min(1).refine((k) => !k.startsWith("nhi:"), { message: "nhi:* tags are governed and always sealed" })).default([]),
});

export type GateConfigInput = z.input<typeof GateConfigSchema>;
export type GateConfig = z.output<typeof GateConfigSchema>;

export function resolveConfig(input: GateConfigInput = {}): GateConfig {
  return GateConfigSchema.parse(input);
}

export const DEFAULT_CONFIG: GateConfig = resolveConfig({});
