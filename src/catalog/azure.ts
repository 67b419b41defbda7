import { CatalogEntry } from "./types";

const ad = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "azuread", id: e.terraform, ...e });
const az = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "azure", id: e.terraform, ...e });

/**
 * Microsoft Entra ID (Terraform `hashicorp/azuread`, Pulumi `@pulumi/azuread`; Entra tags are
 * plain strings, not key/value pairs) and Azure Resource Manager (Terraform `hashicorp/azurerm`,
 * Pulumi `@pulumi/azure` and `@pulumi/azure-native`).
 */
export const AZURE_CATALOG: CatalogEntry[] = [
  ad({ terraform: "azuread_application", pulumi: ["azuread:index/application:Application"], kind: "principal", taggable: false, description: "Entra ID application (app registration)" }),
  ad({ terraform: "azuread_application_registration", pulumi: ["azuread:index/applicationRegistration:ApplicationRegistration"], kind: "principal", taggable: false, description: "Entra ID application registration (minimal)" }),
  ad({ terraform: "azuread_service_principal", pulumi: ["azuread:index/servicePrincipal:ServicePrincipal"], kind: "principal", taggable: false, principalProps: ["client_id"], description: "Entra ID service principal" }),
  ad({
    terraform: "azuread_application_password",
    pulumi: ["azuread:index/applicationPassword:ApplicationPassword"],
    kind: "credential",
    taggable: false,
    principalProps: ["application_id"],
    secretAttributes: ["value"],
    staticCredential: true,
    description: "Entra ID application client secret",
  }),
  ad({
    terraform: "azuread_service_principal_password",
    pulumi: ["azuread:index/servicePrincipalPassword:ServicePrincipalPassword"],
    kind: "credential",
    taggable: false,
    principalProps: ["service_principal_id"],
    secretAttributes: ["value"],
    staticCredential: true,
    description: "Entra ID service principal client secret",
  }),
  ad({ terraform: "azuread_application_certificate", pulumi: ["azuread:index/applicationCertificate:ApplicationCertificate"], kind: "credential", taggable: false, principalProps: ["application_id"], staticCredential: true, description: "Entra ID application certificate credential" }),
  ad({
    terraform: "azuread_service_principal_certificate",
    pulumi: ["azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate"],
    kind: "credential",
    taggable: false,
    principalProps: ["service_principal_id"],
    staticCredential: true,
    description: "Entra ID service principal certificate credential",
  }),
  ad({
    terraform: "azuread_application_federated_identity_credential",
    pulumi: ["azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"],
    kind: "trust-anchor",
    taggable: false,
    principalProps: ["application_id"],
    description: "Entra ID federated identity credential (external OIDC subject trusted by an application)",
  }),
  ad({ terraform: "azuread_app_role_assignment", pulumi: ["azuread:index/appRoleAssignment:AppRoleAssignment"], kind: "grant", taggable: false, principalProps: ["principal_object_id"], description: "Entra ID app role granted to a principal" }),
  ad({ terraform: "azuread_directory_role_assignment", pulumi: ["azuread:index/directoryRoleAssignment:DirectoryRoleAssignment"], kind: "grant", taggable: false, principalProps: ["principal_object_id"], description: "Entra ID directory role granted to a principal" }),
  az({
    terraform: "azurerm_user_assigned_identity",
    pulumi: ["azure:authorization/userAssignedIdentity:UserAssignedIdentity", "azure-native:managedidentity:UserAssignedIdentity"],
    kind: "principal",
    taggable: true,
    description: "Azure user-assigned managed identity",
  }),
  az({
    terraform: "azurerm_federated_identity_credential",
    pulumi: ["azure:armmsi/federatedIdentityCredential:FederatedIdentityCredential", "azure-native:managedidentity:FederatedIdentityCredential"],
    kind: "trust-anchor",
    taggable: false,
    principalProps: ["parent_id"],
    description: "Federated identity credential on a managed identity (external OIDC subject)",
  }),
  az({
    terraform: "azurerm_role_assignment",
    pulumi: ["azure:authorization/assignment:Assignment", "azure-native:authorization:RoleAssignment"],
    kind: "grant",
    taggable: false,
    principalProps: ["principal_id"],
    nhiScope: { paths: ["principal_type"], equals: ["ServicePrincipal"], description: "principal_type is ServicePrincipal (managed identities and applications)" },
    description: "Azure RBAC role assignment to a service principal or managed identity",
  }),
];
