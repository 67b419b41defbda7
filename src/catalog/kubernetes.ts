import { CatalogEntry, NhiScope } from "./types";

const k8s = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "kubernetes", id: e.terraform, ...e });

const SA_TOKEN: NhiScope = { paths: ["type"], equals: ["kubernetes.io/service-account-token"], description: "type is kubernetes.io/service-account-token" };
/** Terraform names the list `subject`, Pulumi `subjects`. */
const TO_SERVICE_ACCOUNT: NhiScope = { paths: ["subject[].kind", "subjects[].kind"], equals: ["ServiceAccount"], description: "a subject is a ServiceAccount" };

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
