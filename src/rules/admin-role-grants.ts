import { isUnknownAt } from "../engine/model";
import { Severity } from "../spec/config";
import { cannotEvaluate, defineRule, fail, RuleFinding } from "./rule";
import { stringList } from "./support";

/**
 * Administrator roles outside AWS (AWS managed policies are NHI-GOV-007): Kubernetes cluster
 * roles, Google Cloud basic and IAM-administration roles, Azure RBAC and Entra ID directory roles
 * that let the holder take over the cluster, project or tenant, or make itself administrator.
 */
const KUBERNETES_ROLES: Record<string, Severity> = { "cluster-admin": "critical", admin: "high", edit: "high" };

const GCP_ROLES: Record<string, Severity> = {
  "roles/owner": "critical",
  "roles/editor": "high",
  "roles/iam.securityAdmin": "critical",
  "roles/iam.organizationRoleAdmin": "critical",
  "roles/resourcemanager.organizationAdmin": "critical",
  "roles/resourcemanager.folderAdmin": "critical",
  "roles/resourcemanager.projectIamAdmin": "critical",
  "roles/resourcemanager.folderIamAdmin": "critical",
  "roles/iam.roleAdmin": "high",
  "roles/iam.serviceAccountAdmin": "high",
  "roles/iam.serviceAccountKeyAdmin": "high",
  "roles/iam.serviceAccountTokenCreator": "high",
  "roles/iam.serviceAccountUser": "high",
  "roles/iam.workloadIdentityPoolAdmin": "high",
};

/** Azure built-in roles by name and by role definition id (the GUID is the same in every subscription). */
const AZURE_ROLES: Record<string, [string, Severity]> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": ["Owner", "critical"],
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": ["User Access Administrator", "critical"],
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": ["Role Based Access Control Administrator", "critical"],
  "b24988ac-6180-42a0-ab88-20f7382dd24c": ["Contributor", "high"],
};
const AZURE_BY_NAME = new Map(Object.values(AZURE_ROLES).map(([name, sev]) => [name.toLowerCase(), [name, sev] as [string, Severity]]));

/** Entra ID directory roles by role template id. */
const ENTRA_ROLES: Record<string, [string, Severity]> = {
  "62e90394-69f5-4237-9190-012177145e10": ["Global Administrator", "critical"],
  "e8611ab8-c189-46e8-94e1-60213ab1f814": ["Privileged Role Administrator", "critical"],
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": ["Privileged Authentication Administrator", "critical"],
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": ["Application Administrator", "high"],
  "158c047a-c907-4556-b7ef-446551a6b5f7": ["Cloud Application Administrator", "high"],
};

const KUBERNETES = ["kubernetes_role_binding_v1", "kubernetes_role_binding", "kubernetes_cluster_role_binding_v1", "kubernetes_cluster_role_binding"];
const GCP = ["google_project_iam_member", "google_project_iam_binding", "google_folder_iam_member", "google_folder_iam_binding", "google_organization_iam_member", "google_organization_iam_binding"];

/** `role_ref` is a one-element block list in Terraform and an object in Pulumi. */
function roleRefName(v: unknown): unknown {
  const ref = Array.isArray(v) ? v[0] : v;
  return ref && typeof ref === "object" ? (ref as Record<string, unknown>).name : undefined;
}

export const adminRoleGrants = defineRule({
  id: "NHI-GOV-032",
  title: "Administrator role granted to a workload identity outside AWS",
  severity: "critical",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "cluster-admin on a Kubernetes cluster, roles/owner or roles/iam.securityAdmin on a Google Cloud project, Owner or User Access Administrator in Azure, Global Administrator in Entra ID: each gives a workload the whole cluster, project or tenant, or the power to grant itself anything. A leaked token of a service account, a federated workload or a managed identity holding one is a takeover; these grants are the non-AWS counterpart of AdministratorAccess.",
  remediation:
    "Grant the workload a role that names the resources and verbs it needs (a namespaced Role, a predefined or custom GCP role on the resource, an Azure role at resource-group scope); keep administrator roles for break-glass people, not workloads.",
  appliesTo: { types: [...KUBERNETES, ...GCP, "azurerm_role_assignment", "azuread_directory_role_assignment"] },
  check(r) {
    const findings: RuleFinding[] = [];
    const add = (role: string, severity: Severity, field: string, where: string) =>
      findings.push({ key: `Role::${role}`, field, severity, message: `${r.address} grants ${role} ${where}; expected no administrator role for a non-human identity. Fix: grant a role scoped to the resources and actions the workload needs` });
    if (KUBERNETES.includes(r.entry.id)) {
      if (isUnknownAt(r, "role_ref")) return fail(cannotEvaluate("role_ref"));
      const name = roleRefName(r.props.role_ref);
      if (typeof name === "string" && KUBERNETES_ROLES[name]) add(name, KUBERNETES_ROLES[name], "role_ref", r.entry.id.includes("cluster") ? "across the whole cluster" : "in its namespace");
    } else if (GCP.includes(r.entry.id)) {
      if (isUnknownAt(r, "role")) return fail(cannotEvaluate("role"));
      const role = typeof r.props.role === "string" ? r.props.role : undefined;
      if (role && GCP_ROLES[role]) add(role, GCP_ROLES[role], "role", `on ${String(r.props.project ?? r.props.folder ?? r.props.org_id ?? "its scope")}`);
    } else if (r.entry.id === "azurerm_role_assignment") {
      if (isUnknownAt(r, "role_definition_name") && isUnknownAt(r, "role_definition_id")) return fail(cannotEvaluate("role_definition_name"));
      const byName = AZURE_BY_NAME.get(String(r.props.role_definition_name ?? "").toLowerCase());
      const id = stringList(r.props.role_definition_id)[0]?.split("/").pop()?.toLowerCase();
      const hit = byName ?? (id ? AZURE_ROLES[id] : undefined);
      if (hit) add(hit[0], hit[1], byName ? "role_definition_name" : "role_definition_id", `on ${String(r.props.scope ?? "its scope")}`);
    } else {
      if (isUnknownAt(r, "role_id")) return fail(cannotEvaluate("role_id"));
      const hit = ENTRA_ROLES[String(r.props.role_id ?? "").toLowerCase()];
      if (hit) add(hit[0], hit[1], "role_id", "in the Entra ID tenant");
    }
    return fail(...findings);
  },
});
