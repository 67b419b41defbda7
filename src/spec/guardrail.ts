import * as z from "zod";

/**
 * The `guardrail` block of the gate config: who may issue and change identities in AWS itself
 * (the SCP or permissions boundary `nhi-gate guardrail` and `GovernancePerimeter` generate; see
 * docs/guardrail.md). Patterns are `aws:PrincipalArn` patterns, matched with `ArnLike`: IAM role
 * (or user) ARNs where `*` and `?` stand for characters within one ARN part.
 */

/** A role or user ARN pattern: `arn:<partition>:iam::<account or *>:role/<path and name>`. */
const PRINCIPAL_PATTERN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc|\*):iam::(\d{12}|[\d*?]*\*[\d*?]*):(role|user)\/([\w+=,.@/*?-]+)$/;
/** A customer managed policy ARN pattern. */
const POLICY_PATTERN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc|\*):iam::(\d{12}|[\d*?]*\*[\d*?]*):policy\/([\w+=,.@/*?-]+)$/;

function principalProblem(p: string): string | undefined {
  const m = PRINCIPAL_PATTERN.exec(p);
  if (!m) return "expected a role or user ARN pattern arn:aws:iam::<account id or *>:role/<path/name> (* and ? allowed within a part)";
  if (/^[*?/]*$/.test(m[4])) return `matches every ${m[3]} of the account${m[2].includes("*") ? "s" : ""}, so the guardrail would exempt everyone; name the roles (a path such as role/nhi-pipeline/* works)`;
  return undefined;
}

const principalPattern = z.string().superRefine((p, ctx) => {
  const problem = principalProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(p.slice(0, 200))}: ${problem}` });
});

const policyPattern = z.string().regex(POLICY_PATTERN, { message: "expected a customer managed policy ARN (pattern) arn:aws:iam::<account id or *>:policy/<path/name>" });

export const GuardrailConfigSchema = z.strictObject({
  /**
   * The roles of the governed pipeline (`aws:PrincipalArn` patterns): the only principals that
   * may create and change IAM roles and users, and only with the lifecycle tags.
   */
  deploymentRoles: z.array(principalPattern).min(1, { message: "expected at least one deployment role pattern: without one nobody could issue an identity" }),
  /**
   * Emergency roles (`aws:PrincipalArn` patterns) the guardrail does not restrict at all. Alert
   * on their use; see docs/guardrail.md "Break-glass".
   */
  breakGlassRoles: z.array(principalPattern).default([]),
  /**
   * Customer managed policies only the pipeline may change or delete (new versions, default
   * version, deletion): the permissions boundaries of governed identities. The config's
   * `defaultPermissionsBoundary` is always included.
   */
  protectedPolicies: z.array(policyPattern).default([]),
  /** More IAM actions to deny outside the pipeline (`iam:PutGroupPolicy`); each must exist. */
  additionalActions: z.array(z.string().regex(/^iam:[A-Za-z]+$/, { message: "expected an IAM action such as iam:PutGroupPolicy (no wildcards)" })).default([]),
  /** Name of the SCP or boundary policy; split SCPs get `-2`, `-3`, ... */
  name: z
    .string()
    .regex(/^[\w+=,.@-]{1,100}$/, { message: "expected 1-100 characters: letters, digits and _+=,.@-" })
    .default("nhi-guardrail"),
  /**
   * How many SCPs the guardrail may take on one target. AWS allows 5 per root, OU or account,
   * and the allow list (FullAWSAccess) takes one of them.
   */
  maxPolicies: z.number().int().min(1).max(5).default(4),
});

export type GuardrailConfigInput = z.input<typeof GuardrailConfigSchema>;
export type GuardrailConfig = z.output<typeof GuardrailConfigSchema>;
