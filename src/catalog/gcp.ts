import { CatalogEntry, NhiScope } from "./types";

const gcp = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "gcp", id: e.terraform, ...e });

/**
 * Workload identity federation members: one federated workload (`principal://…/subject/…`) or a
 * set of them (`principalSet://…/attribute.repository/acme/app`, `…/*`), in a workload identity
 * pool (GKE's `PROJECT.svc.id.goog` pool included). Workforce pools (`locations/global/workforcePools/…`)
 * federate people, not workloads, and stay out.
 */
export const WORKLOAD_IDENTITY_MEMBER = /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\//;

const toServiceAccount = (path: string): NhiScope => ({
  paths: [path],
  prefixes: ["serviceAccount:", "deleted:serviceAccount:"],
  patterns: [WORKLOAD_IDENTITY_MEMBER],
  description: `${path.replace("[]", "")} is a serviceAccount:… member, or a principal:// / principalSet:// workload identity pool member`,
});

/** Google Cloud (Terraform `hashicorp/google`, Pulumi `@pulumi/gcp`). GCP resources carry labels, not tags. */
export const GCP_CATALOG: CatalogEntry[] = [
  gcp({ terraform: "google_service_account", pulumi: ["gcp:serviceaccount/account:Account"], kind: "principal", taggable: false, description: "GCP service account" }),
  gcp({
    terraform: "google_service_account_key",
    pulumi: ["gcp:serviceaccount/key:Key"],
    kind: "credential",
    taggable: false,
    principalProps: ["service_account_id"],
    secretAttributes: ["private_key"],
    staticCredential: true,
    description: "GCP service account key (long-lived private key)",
  }),
  gcp({ terraform: "google_service_account_iam_member", pulumi: ["gcp:serviceaccount/iAMMember:IAMMember"], kind: "grant", taggable: false, principalProps: ["service_account_id"], description: "Who may use (impersonate) a service account: one member" }),
  gcp({ terraform: "google_service_account_iam_binding", pulumi: ["gcp:serviceaccount/iAMBinding:IAMBinding"], kind: "grant", taggable: false, principalProps: ["service_account_id"], description: "Who may use (impersonate) a service account: one role's members" }),
  gcp({ terraform: "google_service_account_iam_policy", pulumi: ["gcp:serviceaccount/iAMPolicy:IAMPolicy"], kind: "grant", taggable: false, principalProps: ["service_account_id"], description: "Who may use (impersonate) a service account: the whole policy" }),
  gcp({ terraform: "google_project_iam_member", pulumi: ["gcp:projects/iAMMember:IAMMember"], kind: "grant", taggable: false, principalProps: ["member"], nhiScope: toServiceAccount("member"), description: "Project role granted to a service account" }),
  gcp({ terraform: "google_project_iam_binding", pulumi: ["gcp:projects/iAMBinding:IAMBinding"], kind: "grant", taggable: false, principalProps: ["members"], nhiScope: toServiceAccount("members[]"), description: "Project role binding including service accounts" }),
  gcp({ terraform: "google_folder_iam_member", pulumi: ["gcp:folder/iAMMember:IAMMember"], kind: "grant", taggable: false, principalProps: ["member"], nhiScope: toServiceAccount("member"), description: "Folder role granted to a service account" }),
  gcp({ terraform: "google_organization_iam_member", pulumi: ["gcp:organizations/iAMMember:IAMMember"], kind: "grant", taggable: false, principalProps: ["member"], nhiScope: toServiceAccount("member"), description: "Organization role granted to a service account" }),
  gcp({ terraform: "google_folder_iam_binding", pulumi: ["gcp:folder/iAMBinding:IAMBinding"], kind: "grant", taggable: false, principalProps: ["members"], nhiScope: toServiceAccount("members[]"), description: "Folder role binding including service accounts" }),
  gcp({ terraform: "google_organization_iam_binding", pulumi: ["gcp:organizations/iAMBinding:IAMBinding"], kind: "grant", taggable: false, principalProps: ["members"], nhiScope: toServiceAccount("members[]"), description: "Organization role binding including service accounts" }),
  // Authoritative IAM policies: `policy_data` (JSON bindings) replaces every binding; each binding is judged like a *_iam_binding.
  gcp({ terraform: "google_project_iam_policy", pulumi: ["gcp:projects/iAMPolicy:IAMPolicy"], kind: "container", contains: "gcp-iam-policy", taggable: false, description: "Authoritative project IAM policy (its bindings grant roles to members)" }),
  gcp({ terraform: "google_folder_iam_policy", pulumi: ["gcp:folder/iAMPolicy:IAMPolicy"], kind: "container", contains: "gcp-iam-policy", taggable: false, description: "Authoritative folder IAM policy (its bindings grant roles to members)" }),
  gcp({ terraform: "google_organization_iam_policy", pulumi: ["gcp:organizations/iAMPolicy:IAMPolicy"], kind: "container", contains: "gcp-iam-policy", taggable: false, description: "Authoritative organization IAM policy (its bindings grant roles to members)" }),
  gcp({ terraform: "google_iam_workload_identity_pool", pulumi: ["gcp:iam/workloadIdentityPool:WorkloadIdentityPool"], kind: "trust-anchor", taggable: false, description: "Workload identity pool (external identities federated into GCP)" }),
  gcp({ terraform: "google_iam_workload_identity_pool_provider", pulumi: ["gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"], kind: "trust-anchor", taggable: false, description: "Workload identity pool provider (OIDC, AWS or SAML issuer and attribute condition)" }),
];
