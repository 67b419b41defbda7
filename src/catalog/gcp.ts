import { CatalogEntry, NhiScope } from "./types";

const gcp = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "gcp", id: e.terraform, ...e });

const toServiceAccount = (path: string): NhiScope => ({ paths: [path], prefixes: ["serviceAccount:"], description: `${path.replace("[]", "")} is a serviceAccount:… member` });

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
  gcp({ terraform: "google_iam_workload_identity_pool", pulumi: ["gcp:iam/workloadIdentityPool:WorkloadIdentityPool"], kind: "trust-anchor", taggable: false, description: "Workload identity pool (external identities federated into GCP)" }),
  gcp({ terraform: "google_iam_workload_identity_pool_provider", pulumi: ["gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"], kind: "trust-anchor", taggable: false, description: "Workload identity pool provider (OIDC, AWS or SAML issuer and attribute condition)" }),
];
