import * as z from "zod";
import { isDuration } from "./duration";
import { GuardrailConfigSchema } from "./guardrail";
import { moduleSourcePatternProblem } from "./module-source";

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

// ---- owners and platform-wide values (issue #16 items 8 and 9) ----

/** ARN of an account's GitHub Actions OIDC provider. */
export const GITHUB_OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/token\.actions\.githubusercontent\.com$/;
const githubOidcProviderArn = z
  .string({ error: "expected the ARN of a GitHub OIDC provider (text)" })
  .regex(GITHUB_OIDC_PROVIDER_ARN, { message: "expected arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com" });

/**
 * How the gate config narrows owners: `pattern`, a JavaScript regular expression the whole owner
 * must match (it is anchored: `^(?:pattern)$`), and `description`, what it accepts in words (used
 * in messages). Patterns with nested quantifiers such as `(a+)+` are refused (safe-regex2), and
 * owners are at most 256 characters (AWS's tag value limit), so a check stays fast.
 */
/** safe-regex2, loaded when a config has an owner pattern: most have none, and a policy pack or CLI run then need not load it. */
const safeRegex = (pattern: string): boolean => (require("safe-regex2") as typeof import("safe-regex2")).safeRegex(pattern);

export const OwnerPatternSchema = z.strictObject({
  pattern: z
    .string({ error: "expected ownerPattern.pattern: a regular expression (text)" })
    .min(1, { message: "expected a regular expression such as @acme/[a-z0-9-]+" })
    .superRefine((pattern, ctx) => {
      try {
        new RegExp(pattern, "u");
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `expected a valid JavaScript regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, "")}); fix: correct the pattern` });
        return;
      }
      if (!safeRegex(pattern)) {
        ctx.addIssue({ code: "custom", message: "expected a pattern without nested quantifiers such as (a+)+ or (\\w+\\s?)*, which can take exponential time; fix: quantify a character class instead, e.g. [\\w ]+" });
      }
    }),
  description: z
    .string({ error: "expected ownerPattern.description: what the pattern accepts, in words (used in messages)" })
    .trim()
    .min(3, { message: "expected what the pattern accepts, in words, such as \"a team handle @acme/<team>\"" }),
});
export type OwnerPattern = z.output<typeof OwnerPatternSchema>;

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
  /**
   * Approved Terraform module sources, matched against `configuration.module_calls.*.source` of
   * the outermost module call (src/spec/module-source.ts): `<address>[//<subdirectory>][?<query>]`,
   * e.g. `app.terraform.io/acme/governed-identity/aws` or
   * `git::https://github.com/acme/gi.git//modules/role?ref=v1.4.0`. The address matches path
   * segment by path segment (`*` one whole segment, `**` as the last segment any below; a `*`
   * inside a segment is refused); a subdirectory matches only when the pattern lists it; query
   * parameters (`?ref=`) must be exactly the pattern's, so a ref counts only when pinned here.
   */
  approvedModuleSources: z
    .array(
      z
        .string()
        .min(1)
        .superRefine((pattern, ctx) => {
          const problem = moduleSourcePatternProblem(pattern);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .default([]),
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
  // ---- owners and platform-wide values (issue #16 items 8 and 9) ----
  /**
   * Narrow the owners accepted on identities (spec `owner`, the `nhi:owner` tag NHI-GOV-003 reads)
   * and exemptions: `{ pattern, description }`. Without it, any owner that is a valid AWS tag
   * value of 2 to 256 characters is accepted (`@acme/payments`, `platform@acme.com`, `Payments Team`).
   */
  ownerPattern: OwnerPatternSchema.optional(),
  /**
   * ARN of the GitHub Actions OIDC provider that `github-oidc` trust uses when the spec names
   * none (`trust.oidcProviderArn`) and `githubOidcProviderArns` has no entry for its account.
   */
  defaultGithubOidcProviderArn: githubOidcProviderArn.optional(),
  /**
   * The GitHub Actions OIDC provider ARN of each AWS account (`{ "111111111111": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }`).
   * A `github-oidc` spec without `oidcProviderArn` picks its account's entry: `trust.account`, or
   * the one account `environmentAccounts` lists for its environment. The ARN is rendered as a
   * literal in the trust policy, so the seal stays verifiable at plan time.
   */
  githubOidcProviderArns: z
    .record(z.string().regex(/^\d{12}$/), githubOidcProviderArn, {
      error: (iss) => ((iss as { code: string }).code === "invalid_key" ? "expected 12-digit AWS account ids as keys; fix: key each ARN by its account id" : undefined),
    })
    .superRefine((arns, ctx) => {
      for (const [account, arn] of Object.entries(arns)) {
        const inArn = GITHUB_OIDC_PROVIDER_ARN.exec(arn)?.[1];
        if (inArn && inArn !== account) ctx.addIssue({ code: "custom", path: [account], message: `expected an OIDC provider of account ${account}, got one of account ${inArn}; fix: put the ARN under its own account id` });
      }
    })
    .default({}),
  // ---- the cloud-side guardrail (issue #19; src/spec/guardrail.ts, docs/guardrail.md) ----
  /**
   * Who may issue and change identities in AWS itself: the deployment and break-glass roles the
   * SCP or permissions boundary of `nhi-gate guardrail` and `GovernancePerimeter` let through.
   */
  guardrail: GuardrailConfigSchema.optional(),
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
