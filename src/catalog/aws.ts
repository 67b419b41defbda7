import { CatalogEntry } from "./types";

const aws = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "aws", id: e.terraform, ...e });

/** AWS (Terraform `hashicorp/aws`, Pulumi `@pulumi/aws`). */
export const AWS_CATALOG: CatalogEntry[] = [
  aws({ terraform: "aws_iam_role", pulumi: ["aws:iam/role:Role"], kind: "principal", taggable: true, readBack: ["inline_policy", "managed_policy_arns"], description: "IAM role" }),
  aws({ terraform: "aws_iam_user", pulumi: ["aws:iam/user:User"], kind: "principal", taggable: true, description: "IAM user" }),
  aws({
    terraform: "aws_iam_access_key",
    pulumi: ["aws:iam/accessKey:AccessKey"],
    kind: "credential",
    taggable: false,
    principalProps: ["user"],
    secretAttributes: ["secret", "ses_smtp_password_v4", "encrypted_secret", "encrypted_ses_smtp_password_v4"],
    staticCredential: true,
    description: "IAM user access key (long-lived)",
  }),
  aws({
    terraform: "aws_iam_user_login_profile",
    pulumi: ["aws:iam/userLoginProfile:UserLoginProfile"],
    kind: "credential",
    taggable: false,
    principalProps: ["user"],
    secretAttributes: ["password", "encrypted_password"],
    staticCredential: true,
    consoleAccess: true,
    description: "IAM user console password",
  }),
  aws({
    terraform: "aws_iam_service_specific_credential",
    pulumi: ["aws:iam/serviceSpecificCredential:ServiceSpecificCredential"],
    kind: "credential",
    taggable: false,
    principalProps: ["user_name"],
    secretAttributes: ["service_password", "service_credential_secret"],
    staticCredential: true,
    description: "IAM service-specific credential (CodeCommit, Keyspaces, Bedrock)",
  }),
  aws({
    terraform: "aws_iam_signing_certificate",
    pulumi: ["aws:iam/signingCertificate:SigningCertificate"],
    kind: "credential",
    taggable: false,
    principalProps: ["user_name"],
    staticCredential: true,
    description: "IAM user X.509 signing certificate",
  }),
  aws({ terraform: "aws_iam_user_ssh_key", pulumi: ["aws:iam/sshKey:SshKey"], kind: "credential", taggable: false, principalProps: ["username"], staticCredential: true, description: "IAM user SSH public key" }),
  aws({ terraform: "aws_iam_instance_profile", pulumi: ["aws:iam/instanceProfile:InstanceProfile"], kind: "grant", taggable: true, principalProps: ["role"], description: "EC2 instance profile (hands a role to instances)" }),
  aws({ terraform: "aws_iam_openid_connect_provider", pulumi: ["aws:iam/openIdConnectProvider:OpenIdConnectProvider"], kind: "trust-anchor", taggable: true, description: "IAM OIDC identity provider" }),
  aws({ terraform: "aws_iam_saml_provider", pulumi: ["aws:iam/samlProvider:SamlProvider"], kind: "trust-anchor", taggable: true, description: "IAM SAML identity provider" }),
  aws({ terraform: "aws_iam_policy", pulumi: ["aws:iam/policy:Policy"], kind: "grant", taggable: true, description: "IAM customer managed policy" }),
  aws({ terraform: "aws_iam_role_policy", pulumi: ["aws:iam/rolePolicy:RolePolicy"], kind: "grant", taggable: false, principalProps: ["role"], description: "IAM role inline policy" }),
  aws({ terraform: "aws_iam_role_policy_attachment", pulumi: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"], kind: "grant", taggable: false, principalProps: ["role"], description: "IAM managed policy attached to a role" }),
  aws({ terraform: "aws_iam_role_policies_exclusive", pulumi: ["aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"], kind: "grant", taggable: false, principalProps: ["role_name"], description: "Exclusive set of a role's inline policies" }),
  aws({ terraform: "aws_iam_role_policy_attachments_exclusive", pulumi: ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"], kind: "grant", taggable: false, principalProps: ["role_name"], description: "Exclusive set of a role's managed policies" }),
  aws({ terraform: "aws_iam_user_policy", pulumi: ["aws:iam/userPolicy:UserPolicy"], kind: "grant", taggable: false, principalProps: ["user"], description: "IAM user inline policy" }),
  aws({ terraform: "aws_iam_user_policy_attachment", pulumi: ["aws:iam/userPolicyAttachment:UserPolicyAttachment"], kind: "grant", taggable: false, principalProps: ["user"], description: "IAM managed policy attached to a user" }),
  aws({ terraform: "aws_iam_group_policy", pulumi: ["aws:iam/groupPolicy:GroupPolicy"], kind: "grant", taggable: false, principalProps: ["group"], description: "IAM group inline policy (reaches users through membership)" }),
  aws({ terraform: "aws_iam_group_policy_attachment", pulumi: ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment"], kind: "grant", taggable: false, principalProps: ["group"], description: "IAM managed policy attached to a group" }),
  aws({ terraform: "aws_iam_policy_attachment", pulumi: ["aws:iam/policyAttachment:PolicyAttachment"], kind: "grant", taggable: false, principalProps: ["roles", "users", "groups"], description: "Exclusive attachment of a managed policy to roles, users and groups" }),
  aws({ terraform: "aws_iam_group_membership", pulumi: ["aws:iam/groupMembership:GroupMembership"], kind: "grant", taggable: false, principalProps: ["users", "group"], description: "IAM group membership (exclusive)" }),
  aws({ terraform: "aws_iam_user_group_membership", pulumi: ["aws:iam/userGroupMembership:UserGroupMembership"], kind: "grant", taggable: false, principalProps: ["user", "groups"], description: "IAM user's group memberships" }),
  aws({ terraform: "aws_rolesanywhere_trust_anchor", pulumi: ["aws:rolesanywhere/trustAnchor:TrustAnchor"], kind: "trust-anchor", taggable: true, description: "IAM Roles Anywhere trust anchor (X.509 CA)" }),
  aws({ terraform: "aws_rolesanywhere_profile", pulumi: ["aws:rolesanywhere/profile:Profile"], kind: "grant", taggable: true, principalProps: ["role_arns"], description: "IAM Roles Anywhere profile (roles reachable by certificate)" }),
  aws({ terraform: "aws_eks_pod_identity_association", pulumi: ["aws:eks/podIdentityAssociation:PodIdentityAssociation"], kind: "grant", taggable: true, principalProps: ["role_arn"], description: "EKS Pod Identity association (service account → role)" }),
  aws({ terraform: "aws_secretsmanager_secret", pulumi: ["aws:secretsmanager/secret:Secret"], kind: "credential", taggable: true, readBack: ["policy"], description: "Secrets Manager secret" }),
  aws({
    terraform: "aws_secretsmanager_secret_version",
    pulumi: ["aws:secretsmanager/secretVersion:SecretVersion"],
    kind: "credential",
    taggable: false,
    principalProps: ["secret_id"],
    secretAttributes: ["secret_string", "secret_binary", "secret_string_wo"],
    description: "Secrets Manager secret value",
  }),
  aws({
    terraform: "aws_cognito_user_pool_client",
    pulumi: ["aws:cognito/userPoolClient:UserPoolClient"],
    kind: "credential",
    taggable: false,
    secretAttributes: ["client_secret"],
    description: "Cognito app client (with a client secret: a machine credential)",
  }),
  aws({ terraform: "aws_api_gateway_api_key", pulumi: ["aws:apigateway/apiKey:ApiKey"], kind: "credential", taggable: true, secretAttributes: ["value"], staticCredential: true, description: "API Gateway API key" }),
];

/** Exclusive-management variants added in provider 5.7x / 6.x (users and groups). */
AWS_CATALOG.push(
  aws({ terraform: "aws_iam_user_policies_exclusive", pulumi: ["aws:iam/userPoliciesExclusive:UserPoliciesExclusive"], kind: "grant", taggable: false, principalProps: ["user_name"], description: "Exclusive set of a user's inline policies" }),
  aws({ terraform: "aws_iam_user_policy_attachments_exclusive", pulumi: ["aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"], kind: "grant", taggable: false, principalProps: ["user_name"], description: "Exclusive set of a user's managed policies" }),
  aws({ terraform: "aws_iam_group_policies_exclusive", pulumi: ["aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive"], kind: "grant", taggable: false, principalProps: ["group_name"], description: "Exclusive set of a group's inline policies" }),
  aws({ terraform: "aws_iam_group_policy_attachments_exclusive", pulumi: ["aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"], kind: "grant", taggable: false, principalProps: ["group_name"], description: "Exclusive set of a group's managed policies" }),
);

/**
 * IAM groups: not principals themselves (nothing authenticates as a group), but how policies
 * reach IAM users. A group's policies are judged where they are attached; what a group grants
 * reaches the findings of the memberships that put users in it.
 */
AWS_CATALOG.push(
  aws({ terraform: "aws_iam_group", pulumi: ["aws:iam/group:Group"], kind: "grant", taggable: false, description: "IAM group" }),
);

/** Resource policies on credential stores: who else may read a secret (issue 22, root cause 3). */
AWS_CATALOG.push(
  aws({ terraform: "aws_secretsmanager_secret_policy", pulumi: ["aws:secretsmanager/secretPolicy:SecretPolicy"], kind: "grant", taggable: false, principalProps: ["secret_arn"], description: "Secrets Manager secret resource policy" }),
);

/**
 * Resources that declare identities inside them (kind `container`): the engine reads what they
 * contain (src/engine/expand.ts) and judges each identity found, addressed inside the container
 * (`aws_cloudformation_stack.x/Resources/MyRole`). What it cannot read (a template only reachable
 * by URL, a Transform, values unknown until apply) is an NHI-GOV-030 finding on the container.
 */
AWS_CATALOG.push(
  // `parameters` is Optional+Computed: unset, the provider reads the template's defaults back (unknown in a plan).
  aws({ terraform: "aws_cloudformation_stack", pulumi: ["aws:cloudformation/stack:Stack"], kind: "container", contains: "cloudformation-template", taggable: true, readBack: ["parameters"], description: "CloudFormation stack (its template may create IAM roles, users, keys and policies)" }),
  aws({ terraform: "aws_cloudformation_stack_set", pulumi: ["aws:cloudformation/stackSet:StackSet"], kind: "container", contains: "cloudformation-template", taggable: true, description: "CloudFormation stack set (its template is deployed to many accounts)" }),
  aws({ terraform: "aws_serverlessapplicationrepository_cloudformation_stack", pulumi: ["aws:serverlessrepository/cloudFormationStack:CloudFormationStack"], kind: "container", contains: "sar-application", taggable: true, description: "Serverless Application Repository application (a CloudFormation stack from a published template)" }),
  aws({ terraform: "aws_cloudcontrolapi_resource", pulumi: ["aws:cloudcontrol/resource:Resource"], kind: "container", contains: "cloudcontrol-desired-state", taggable: false, description: "Cloud Control API resource (any CloudFormation type, from its desired state)" }),
);
