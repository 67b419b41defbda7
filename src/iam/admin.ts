import { Severity } from "../spec/config";
import { actionMatches } from "./actions";
import { NormalPolicy } from "./policy";

/**
 * Whether a policy document grants administrator-level access, by what it says, not by its
 * name: every action on every resource (AdministratorAccess), every action but a few
 * (PowerUserAccess: everything except IAM), or IAM's own permission-granting actions on every
 * role and user (IAMFullAccess: administrator one call later).
 */
export interface AdminLevel {
  severity: Severity;
  /** What it grants, for a message: "every action on every resource". */
  grants: string;
}

/** IAM actions that give a principal any permission or credential it asks for. */
const PERMISSION_GRANTING = [
  "iam:AttachRolePolicy",
  "iam:PutRolePolicy",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:AddUserToGroup",
  "iam:UpdateAssumeRolePolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
];

const onEveryResource = (st: NormalPolicy["Statement"][number]) => (st.Resource ?? []).includes("*") || st.NotResource !== undefined;

export function adminLevel(policy: NormalPolicy): AdminLevel | undefined {
  let found: AdminLevel | undefined;
  const keep = (l: AdminLevel) => {
    if (!found || (found.severity !== "critical" && l.severity === "critical")) found = l;
  };
  for (const st of policy.Statement) {
    if (st.Effect !== "Allow" || !onEveryResource(st)) continue;
    const conditions = st.Condition ? Object.values(st.Condition).flatMap((c) => Object.keys(c)) : [];
    const under = conditions.length ? ` (under the condition${conditions.length === 1 ? "" : "s"} ${conditions.join(", ")})` : "";
    if (st.NotAction) {
      keep({ severity: "high", grants: `every action except ${st.NotAction.join(", ")} on every resource${under}` });
      continue;
    }
    const actions = st.Action ?? [];
    if (actions.some((a) => a === "*" || a === "*:*")) {
      keep({ severity: conditions.length ? "high" : "critical", grants: `every action on every resource${under}` });
      continue;
    }
    if (conditions.length) continue; // conditions narrow the IAM grants below; the wildcard rules judge them
    const granting = PERMISSION_GRANTING.filter((g) => actions.some((a) => actionMatches(a, g)));
    if (granting.length >= 3) keep({ severity: "critical", grants: `the IAM actions that grant any permission to any role or user (${granting.slice(0, 4).join(", ")}${granting.length > 4 ? ", ..." : ""}) on every resource` });
  }
  return found;
}
