import { CatalogEntry } from "./types";

/**
 * A Terraform module call as a synth-time gate sees it (`module` in cdk.tf.json): its resources
 * exist only once Terraform plans it, so the call itself is judged (NHI-GOV-031): an approved
 * source (`approvedModuleSources`) is governed, any other cannot be seen before plan. Not in
 * CATALOG: no adapter meets it as a resource type.
 */
export const TERRAFORM_MODULE_CALL: CatalogEntry = {
  id: "module",
  provider: "terraform",
  pulumi: [],
  kind: "container",
  contains: "terraform-module",
  taggable: false,
  description: "Terraform module call (its resources are known only when Terraform plans it)",
};
