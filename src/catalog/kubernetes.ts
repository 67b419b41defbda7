import { CatalogEntry, NhiScope } from "./types";

const k8s = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "kubernetes", id: e.terraform, ...e });

const SA_TOKEN: NhiScope = { paths: ["type"], equals: ["kubernetes.io/service-account-token"], description: "type is kubernetes.io/service-account-token" };
/**
 * Subjects that are workloads, not people. Terraform names the list `subject`, Pulumi `subjects`.
 * - kind ServiceAccount;
 * - a service account named as a user or group: User `system:serviceaccount:<ns>:<name>`, Group
 *   `system:serviceaccounts` (every service account) or `system:serviceaccounts:<ns>`;
 * - kubelets: User `system:node:<node>`, Group `system:nodes`;
 * - cloud workload identities as users: GKE `<name>@<project>.iam.gserviceaccount.com`; EKS
 *   (access entries, aws-auth) IAM role and assumed-role ARNs. AKS names Entra service principals
 *   and managed identities by object id, a GUID a person's id shares: judged when its value is
 *   unknown at plan (a reference to an identity being created) or matches a principal the
 *   evaluation holds (evaluate.ts), not from the GUID alone.
 */
const TO_SERVICE_ACCOUNT: NhiScope = {
  paths: ["subject[].kind", "subjects[].kind", "subject[].name", "subjects[].name"],
  equals: ["ServiceAccount", "system:serviceaccounts", "system:nodes"],
  prefixes: ["system:serviceaccount:", "system:serviceaccounts:", "system:node:"],
  suffixes: [".iam.gserviceaccount.com"],
  patterns: [/^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|assumed-role)\//],
  description: "a subject is a ServiceAccount, a service account or node named as a User or Group (system:serviceaccount:…, system:serviceaccounts[:…], system:node:…), or a cloud workload identity (a Google service account e-mail, an IAM role ARN)",
};

/**
 * Kubernetes (Terraform `hashicorp/kubernetes`, Pulumi `@pulumi/kubernetes`). Terraform has a
 * legacy and a `_v1` name for each; the Pulumi token (and its server-side-apply `Patch` form)
 * is listed on the `_v1` entry. Kubernetes objects carry labels and annotations, not tags.
 */
export const KUBERNETES_CATALOG: CatalogEntry[] = [
  k8s({ terraform: "kubernetes_service_account_v1", pulumi: ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch"], kind: "principal", taggable: false, description: "Kubernetes service account" }),
  k8s({ terraform: "kubernetes_service_account", pulumi: [], kind: "principal", taggable: false, description: "Kubernetes service account (legacy Terraform name)" }),
  k8s({
    terraform: "kubernetes_secret_v1",
    pulumi: ["kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch"],
    kind: "credential",
    taggable: false,
    secretAttributes: ["data", "binary_data", "string_data"],
    staticCredential: true,
    nhiScope: SA_TOKEN,
    description: "Long-lived service account token secret",
  }),
  k8s({ terraform: "kubernetes_secret", pulumi: [], kind: "credential", taggable: false, secretAttributes: ["data", "binary_data"], staticCredential: true, nhiScope: SA_TOKEN, description: "Long-lived service account token secret (legacy Terraform name)" }),
  k8s({
    terraform: "kubernetes_role_binding_v1",
    pulumi: ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:RoleBindingPatch"],
    kind: "grant",
    taggable: false,
    nhiScope: TO_SERVICE_ACCOUNT,
    description: "Namespaced role bound to a service account",
  }),
  k8s({ terraform: "kubernetes_role_binding", pulumi: [], kind: "grant", taggable: false, nhiScope: TO_SERVICE_ACCOUNT, description: "Namespaced role bound to a service account (legacy Terraform name)" }),
  k8s({
    terraform: "kubernetes_cluster_role_binding_v1",
    pulumi: ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBindingPatch"],
    kind: "grant",
    taggable: false,
    nhiScope: TO_SERVICE_ACCOUNT,
    description: "Cluster role bound to a service account",
  }),
  k8s({ terraform: "kubernetes_cluster_role_binding", pulumi: [], kind: "grant", taggable: false, nhiScope: TO_SERVICE_ACCOUNT, description: "Cluster role bound to a service account (legacy Terraform name)" }),
  k8s({ terraform: "kubernetes_token_request_v1", pulumi: [], kind: "credential", taggable: false, secretAttributes: ["token"], description: "Service account token requested through the TokenRequest API (bounded lifetime)" }),
];
