export type IdentityKind = "principal" | "credential" | "grant" | "trust-anchor";
export type CatalogProvider = "aws" | "aws-native" | "gcp" | "azuread" | "azure" | "kubernetes" | "github";

export interface CatalogEntry {
  /** Canonical id: the Terraform type where one exists, else the Pulumi token. */
  id: string;
  kind: IdentityKind;
  provider: CatalogProvider;
  /** Terraform resource type, when the provider has one. */
  terraform?: string;
  /** Pulumi type tokens (bridged and native), including aliases. */
  pulumi: string[];
  description: string;
  /** Whether the resource carries tags (where lifecycle metadata can live). */
  taggable: boolean;
  /** Attributes (Terraform names) that name the principal this resource belongs to or grants to. */
  principalProps?: string[];
  /** Attributes holding secret material: never printed, whatever the plan says. */
  secretAttributes?: string[];
  /** A long-lived secret credential (key, password, certificate). */
  staticCredential?: boolean;
  /** Console (human) access. */
  consoleAccess?: boolean;
}
