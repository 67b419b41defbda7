import { CatalogEntry } from "./types";

const gh = (e: Omit<CatalogEntry, "provider" | "id"> & { terraform: string }): CatalogEntry => ({ provider: "github", id: e.terraform, ...e });

/** GitHub (Terraform `integrations/github`, Pulumi `@pulumi/github`): machine keys and CI secrets. */
export const GITHUB_CATALOG: CatalogEntry[] = [
  gh({ terraform: "github_repository_deploy_key", pulumi: ["github:index/repositoryDeployKey:RepositoryDeployKey"], kind: "credential", taggable: false, staticCredential: true, description: "Repository deploy key (SSH key with repository access)" }),
  gh({ terraform: "github_actions_secret", pulumi: ["github:index/actionsSecret:ActionsSecret"], kind: "credential", taggable: false, secretAttributes: ["plaintext_value", "encrypted_value", "value", "value_encrypted"], description: "GitHub Actions repository secret" }),
  gh({ terraform: "github_actions_organization_secret", pulumi: ["github:index/actionsOrganizationSecret:ActionsOrganizationSecret"], kind: "credential", taggable: false, secretAttributes: ["plaintext_value", "encrypted_value", "value", "value_encrypted"], description: "GitHub Actions organization secret" }),
  gh({ terraform: "github_actions_environment_secret", pulumi: ["github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"], kind: "credential", taggable: false, secretAttributes: ["plaintext_value", "encrypted_value", "value", "value_encrypted"], description: "GitHub Actions environment secret" }),
  gh({ terraform: "github_dependabot_secret", pulumi: ["github:index/dependabotSecret:DependabotSecret"], kind: "credential", taggable: false, secretAttributes: ["plaintext_value", "encrypted_value"], description: "Dependabot secret" }),
];
