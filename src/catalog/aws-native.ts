import { CatalogEntry } from "./types";

const native = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "aws-native", id: e.terraform, ...e });

/**
 * AWS Cloud Control types: Pulumi `aws-native` tokens and the Terraform `hashicorp/awscc`
 * provider, which share the CloudFormation schemas (props: snake_case of the CloudFormation
 * names; tags as a list of `{key, value}`).
 */
export const AWS_NATIVE_CATALOG: CatalogEntry[] = [
  native({ terraform: "awscc_iam_role", pulumi: ["aws-native:iam:Role"], kind: "principal", taggable: true, readBack: ["policies", "managed_policy_arns"], description: "IAM role (Cloud Control)" }),
  native({ terraform: "awscc_iam_user", pulumi: ["aws-native:iam:User"], kind: "principal", taggable: true, readBack: ["policies", "managed_policy_arns"], description: "IAM user (Cloud Control)" }),
  native({ terraform: "awscc_iam_role_policy", pulumi: ["aws-native:iam:RolePolicy"], kind: "grant", taggable: false, principalProps: ["role_name"], description: "IAM role inline policy (Cloud Control)" }),
  native({ terraform: "awscc_iam_user_policy", pulumi: ["aws-native:iam:UserPolicy"], kind: "grant", taggable: false, principalProps: ["user_name"], description: "IAM user inline policy (Cloud Control)" }),
  native({ terraform: "awscc_iam_group_policy", pulumi: ["aws-native:iam:GroupPolicy"], kind: "grant", taggable: false, principalProps: ["group_name"], description: "IAM group inline policy (Cloud Control)" }),
  native({ terraform: "awscc_iam_managed_policy", pulumi: ["aws-native:iam:ManagedPolicy"], kind: "grant", taggable: false, principalProps: ["roles", "users"], description: "IAM customer managed policy with its attachments (Cloud Control)" }),
  native({ terraform: "awscc_iam_instance_profile", pulumi: ["aws-native:iam:InstanceProfile"], kind: "grant", taggable: false, principalProps: ["roles"], description: "EC2 instance profile (Cloud Control)" }),
  native({ terraform: "awscc_iam_oidc_provider", pulumi: ["aws-native:iam:OidcProvider"], kind: "trust-anchor", taggable: true, description: "IAM OIDC identity provider (Cloud Control)" }),
  native({ terraform: "awscc_iam_saml_provider", pulumi: ["aws-native:iam:SamlProvider"], kind: "trust-anchor", taggable: true, description: "IAM SAML identity provider (Cloud Control)" }),
  native({ terraform: "awscc_rolesanywhere_trust_anchor", pulumi: ["aws-native:rolesanywhere:TrustAnchor"], kind: "trust-anchor", taggable: true, description: "IAM Roles Anywhere trust anchor (Cloud Control)" }),
  native({ terraform: "awscc_rolesanywhere_profile", pulumi: ["aws-native:rolesanywhere:Profile"], kind: "grant", taggable: true, principalProps: ["role_arns"], description: "IAM Roles Anywhere profile (Cloud Control)" }),
  native({ terraform: "awscc_eks_pod_identity_association", pulumi: ["aws-native:eks:PodIdentityAssociation"], kind: "grant", taggable: true, principalProps: ["role_arn"], description: "EKS Pod Identity association (Cloud Control)" }),
  native({ terraform: "awscc_secretsmanager_secret", pulumi: ["aws-native:secretsmanager:Secret"], kind: "credential", taggable: true, secretAttributes: ["secret_string"], description: "Secrets Manager secret (Cloud Control)" }),
  native({ terraform: "awscc_apigateway_api_key", pulumi: ["aws-native:apigateway:ApiKey"], kind: "credential", taggable: true, secretAttributes: ["value"], staticCredential: true, description: "API Gateway API key (Cloud Control)" }),
  native({ terraform: "awscc_cognito_user_pool_client", pulumi: ["aws-native:cognito:UserPoolClient"], kind: "credential", taggable: false, secretAttributes: ["client_secret"], description: "Cognito app client (Cloud Control)" }),
];

/**
 * IAM groups (CloudFormation `AWS::IAM::Group`, with embedded `policies` and
 * `managed_policy_arns`) and `AWS::IAM::UserToGroupAddition`. A Cloud Control user names its
 * groups itself (`groups`), so it links to them like a membership does.
 */
AWS_NATIVE_CATALOG.push(
  native({ terraform: "awscc_iam_group", pulumi: ["aws-native:iam:Group"], kind: "grant", taggable: false, readBack: ["policies", "managed_policy_arns"], description: "IAM group (Cloud Control)" }),
  native({ terraform: "awscc_iam_user_to_group_addition", pulumi: ["aws-native:iam:UserToGroupAddition"], kind: "grant", taggable: false, principalProps: ["group_name", "users"], description: "Users added to an IAM group (Cloud Control)" }),
);
const cfnOnly = (e: Omit<CatalogEntry, "provider" | "pulumi"> & { id: string }): CatalogEntry => ({ provider: "aws-native", pulumi: [], ...e });

/**
 * CloudFormation IAM types that Cloud Control (so aws-native and awscc) does not offer, met only
 * inside templates (src/engine/expand.ts): not in CATALOG, found by catalogByCloudFormationType.
 * Props are the snake_case of the CloudFormation names, as for the Cloud Control types.
 */
export const CLOUDFORMATION_ONLY_CATALOG: CatalogEntry[] = [
  cfnOnly({ id: "AWS::IAM::AccessKey", kind: "credential", taggable: false, principalProps: ["user_name"], secretAttributes: ["secret_access_key"], staticCredential: true, description: "IAM user access key (CloudFormation)" }),
  cfnOnly({ id: "AWS::IAM::Policy", kind: "grant", taggable: false, principalProps: ["roles", "users"], description: "IAM inline policy on roles, users and groups (CloudFormation)" }),
  cfnOnly({ id: "AWS::IAM::UserToGroupAddition", kind: "grant", taggable: false, principalProps: ["users"], description: "IAM users added to a group (CloudFormation)" }),
];
