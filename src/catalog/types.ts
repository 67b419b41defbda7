/**
 * `container`: a resource that is not an identity itself but declares identities inside it (a
 * CloudFormation stack's template, a Cloud Control resource's desired state, a GCP IAM policy's
 * bindings, a Terraform module call seen before plan). The engine expands it into the identities
 * it contains (src/engine/expand.ts); only rules that name the kind judge the container itself.
 */
export type IdentityKind = "principal" | "credential" | "grant" | "trust-anchor" | "container";
export type CatalogProvider = "aws" | "aws-native" | "gcp" | "azuread" | "azure" | "kubernetes" | "github" | "terraform";

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
  /**
   * Optional+Computed attributes the provider reads back from other resources when the
   * configuration leaves them unset (aws_iam_role's `inline_policy` and `managed_policy_arns`).
   * A plan marks them unknown then; that is not a gap the gate must fail on, because what fills
   * them is attached by other resources, which are judged themselves. Set in the configuration,
   * they are the resource's own and an unknown value stays "cannot evaluate".
   */
  readBack?: string[];
  /** A long-lived secret credential (key, password, certificate). */
  staticCredential?: boolean;
  /** Console (human) access. */
  consoleAccess?: boolean;
  /**
   * For types that also serve humans or other objects (a project IAM member, a Kubernetes
   * secret, a role binding): when the resource concerns a non-human identity. Absent: always.
   */
  nhiScope?: NhiScope;
  /** For containers: how the engine reads the identities inside (src/engine/expand.ts). */
  contains?: ContainerFormat;
}

/** What a container holds, and so which expander reads it. */
export type ContainerFormat = "cloudformation-template" | "sar-application" | "cloudcontrol-desired-state" | "gcp-iam-policy" | "terraform-module";

/** Values at `paths` (dot paths, `[]` for every element of a list) that make a resource concern an NHI. */
export interface NhiScope {
  paths: string[];
  /** Any value equal to one of these. */
  equals?: string[];
  /** Any value starting with one of these. */
  prefixes?: string[];
  /** Any value ending with one of these. */
  suffixes?: string[];
  /** Any value matching one of these. */
  patterns?: RegExp[];
  /** One line for the docs: "member is serviceAccount:…". */
  description: string;
}
