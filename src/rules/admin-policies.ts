import { isUnknownAt } from "../engine/model";
import { Severity } from "../spec/config";
import { cannotEvaluate, defineRule, fail, RuleFinding } from "./rule";
import { stringList } from "./support";

/** Where each type names the managed policies it attaches. */
const POLICY_ARN_FIELDS: Record<string, string> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role: "managed_policy_arns",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
  aws_iam_group_policy_attachments_exclusive: "policy_arns",
  awscc_iam_role: "managed_policy_arns",
  awscc_iam_user: "managed_policy_arns",
};

const CRITICAL = ["AdministratorAccess", "IAMFullAccess"];

/** The admin-level AWS managed policy an ARN names, or undefined. */
export function adminPolicyName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) return undefined;
  const name = m[1];
  if (name === "AdministratorAccess" || name === "IAMFullAccess" || name === "PowerUserAccess" || name.startsWith("AdministratorAccess-")) return name;
  return undefined;
}

export const adminPolicies = defineRule({
  id: "NHI-GOV-007",
  title: "Admin managed policy attached",
  severity: "critical",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "AdministratorAccess, IAMFullAccess, PowerUserAccess and the service AdministratorAccess-* policies give a workload the whole account (or all of IAM, which is the same thing one step later). A leaked credential of such an identity is an account compromise.",
  remediation: "Detach the admin policy and grant the workload's exact actions and resources through the spec's access statements.",
  appliesTo: { types: Object.keys(POLICY_ARN_FIELDS) },
  check(r) {
    const field = POLICY_ARN_FIELDS[r.entry.id];
    if (isUnknownAt(r, field)) return fail(cannotEvaluate(field));
    const findings: RuleFinding[] = [];
    for (const arn of stringList(r.props[field])) {
      const name = adminPolicyName(arn);
      if (!name) continue;
      const severity: Severity = CRITICAL.includes(name) ? "critical" : "high";
      findings.push({
        key: `Policy::${name}`,
        field,
        severity,
        message: `${r.address} attaches AWS managed policy ${name} (${arn}) through ${field}; expected no admin-level policy on a non-human identity. Fix: detach it and grant the exact actions the workload needs in the spec's access`,
      });
    }
    return fail(...findings);
  },
});
