import { CATALOG, catalogById, catalogByPulumiType, catalogByTerraformType, concernsNonHumanIdentity } from "../../src/catalog";

describe("catalog", () => {
  it("has at least 60 identity types across every provider", () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(60);
    expect([...new Set(CATALOG.map((e) => e.provider))].sort()).toEqual(["aws", "aws-native", "azure", "azuread", "gcp", "github", "kubernetes"]);
  });

  it("has unique ids, Terraform types and Pulumi tokens", () => {
    const ids = CATALOG.map((e) => e.id);
    const tf = CATALOG.flatMap((e) => (e.terraform ? [e.terraform] : []));
    const pulumi = CATALOG.flatMap((e) => e.pulumi);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(tf).size).toBe(tf.length);
    expect(new Set(pulumi).size).toBe(pulumi.length);
  });

  it("looks every entry up both ways", () => {
    for (const e of CATALOG) {
      expect(catalogById(e.id)).toBe(e);
      if (e.terraform) expect(catalogByTerraformType(e.terraform)).toBe(e);
      for (const t of e.pulumi) expect(catalogByPulumiType(t)).toBe(e);
    }
  });

  it("gives every entry a kind, provider and description, and well-formed names", () => {
    for (const e of CATALOG) {
      expect(["principal", "credential", "grant", "trust-anchor", "container"]).toContain(e.kind);
      if (e.kind === "container") expect(e.contains).toBeDefined();
      expect(e.description.length).toBeGreaterThan(5);
      if (e.terraform) expect(e.terraform).toMatch(/^[a-z]+(_[a-z0-9]+)+$/);
      for (const t of e.pulumi) expect(t).toMatch(/^[a-z-]+:[A-Za-z0-9./-]+:[A-Z][A-Za-z0-9]+$/);
      expect(e.terraform ?? e.pulumi.length).toBeTruthy();
    }
  });

  it("has both names where both exist (only legacy Kubernetes names have no Pulumi token)", () => {
    const onlyTerraform = CATALOG.filter((e) => !e.pulumi.length).map((e) => e.id);
    expect(onlyTerraform.sort()).toEqual(["kubernetes_cluster_role_binding", "kubernetes_role_binding", "kubernetes_secret", "kubernetes_service_account", "kubernetes_token_request_v1"]);
  });

  it("knows the required types", () => {
    for (const t of [
      "aws_iam_role", "aws_iam_access_key", "aws_iam_user_login_profile", "aws_rolesanywhere_trust_anchor", "aws_secretsmanager_secret", "aws_cognito_user_pool_client", "aws_api_gateway_api_key",
      "google_service_account", "google_service_account_key", "google_service_account_iam_member", "google_project_iam_member", "google_iam_workload_identity_pool_provider",
      "azuread_application", "azuread_service_principal", "azuread_application_password", "azuread_application_federated_identity_credential", "azurerm_user_assigned_identity", "azurerm_role_assignment",
      "kubernetes_service_account_v1", "kubernetes_secret_v1", "kubernetes_cluster_role_binding_v1", "github_repository_deploy_key", "github_actions_secret",
    ]) expect([t, catalogByTerraformType(t)?.id]).toEqual([t, t]);
    for (const t of ["aws-native:iam:Role", "aws-native:iam:ManagedPolicy", "aws-native:iam:OidcProvider", "gcp:serviceaccount/key:Key", "azure-native:managedidentity:UserAssignedIdentity", "kubernetes:core/v1:ServiceAccount"]) {
      expect(catalogByPulumiType(t)).toBeDefined();
    }
    expect(catalogByPulumiType("gcp:serviceaccount/key:Key")?.secretAttributes).toEqual(["private_key"]);
  });

  it("does not list data sources", () => {
    expect(catalogByTerraformType("aws_iam_policy_document")).toBeUndefined();
    expect(CATALOG.some((e) => e.id.startsWith("data."))).toBe(false);
  });

  it("scopes shared types to non-human identities", () => {
    const member = catalogById("google_project_iam_member")!;
    expect(concernsNonHumanIdentity(member, { member: "serviceAccount:ci@p.iam.gserviceaccount.com" })).toBe(true);
    expect(concernsNonHumanIdentity(member, { member: "user:alice@example.com" })).toBe(false);
    expect(concernsNonHumanIdentity(member, {})).toBe("unknown");
    const secret = catalogById("kubernetes_secret_v1")!;
    expect(concernsNonHumanIdentity(secret, { type: "kubernetes.io/service-account-token" })).toBe(true);
    expect(concernsNonHumanIdentity(secret, { type: "Opaque" })).toBe(false);
    const binding = catalogById("kubernetes_role_binding_v1")!;
    expect(concernsNonHumanIdentity(binding, { subject: [{ kind: "User" }, { kind: "ServiceAccount" }] })).toBe(true);
    expect(concernsNonHumanIdentity(binding, { subjects: [{ kind: "Group" }] })).toBe(false);
    expect(concernsNonHumanIdentity(catalogById("aws_iam_role")!, {})).toBe(true);
  });
});
