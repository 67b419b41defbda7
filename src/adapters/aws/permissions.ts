/**
 * The least privilege discovery needs: every API action `nhi-gate discover aws` calls, and why.
 * The policy below is what the audit role needs, exactly (a test runs discovery against a
 * local IAM server and compares the actions it saw with this list). All are read-only; none
 * returns a secret (the credential report lists dates and flags, never passwords or keys).
 */
export const DISCOVERY_PERMISSIONS = {
  "iam:GetAccountAuthorizationDetails": "users, groups, roles, inline and attached policies, trust policies, boundaries, tags and role last use, 1,000 per call",
  "iam:ListRoles": "each role's maximum session duration (sealed; GetAccountAuthorizationDetails does not return it), 1,000 per call",
  "iam:GenerateCredentialReport": "refreshes the credential report (at most every 4 hours)",
  "iam:GetCredentialReport": "which users have console passwords and access keys, in one call",
  "iam:GetLoginProfile": "console password of a user the credential report does not list yet (created since it was generated)",
  "iam:ListAccessKeys": "access keys, status and creation date of each user that has keys",
  "iam:GetAccessKeyLastUsed": "when, where and for which service each access key was last used",
} as const;

/** Calls that need no IAM permission of the audit role (STS answers who the caller is to anyone; AssumeRole is the caller's permission). */
export const CALLER_ACTIONS = {
  "sts:GetCallerIdentity": "the account id and the identity discovery runs as (no permission needed)",
  "sts:AssumeRole": "with --role-arn: the caller's permission to assume the audit role (in the caller's policy and the role's trust policy)",
} as const;

export type DiscoveryAction = keyof typeof DISCOVERY_PERMISSIONS | keyof typeof CALLER_ACTIONS;

/** The IAM policy for the audit role: exactly the actions discovery calls. */
export function discoveryPolicy(): { Version: "2012-10-17"; Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: "*" }[] } {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "NhiGateDiscoverReadOnly", Effect: "Allow", Action: Object.keys(DISCOVERY_PERMISSIONS).sort(), Resource: "*" }],
  };
}
