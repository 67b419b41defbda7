/**
 * Issue 22, root cause 6, and issue 17's Kubernetes gap: workload identities outside AWS are in
 * the NHI scope however they are named. GCP workload identity federation members (`principal://`,
 * `principalSet://`), Kubernetes service accounts named as users or groups, and cloud workload
 * identities bound in Kubernetes RBAC (GKE Google service accounts, EKS IAM roles, AKS managed
 * identities by object id) are judged by `state` and `plan`, not only listed by `inventory`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { catalogById, concernsNonHumanIdentity } from "../../src/catalog";
import { planToInput } from "../../src/adapters/terraform-plan";
import { stateToInput } from "../../src/adapters/terraform-state";
import { buildInventory } from "../../src/engine/inventory";
import { change, configResource, plan, ref } from "../fixtures/plans/builder";
import { clock } from "../helpers";
import { cli, judge, of } from "./bypass-helpers";

const POOL = "projects/123456789012/locations/global/workloadIdentityPools";

/** A Kubernetes role binding as the hashicorp/kubernetes provider writes it in state (metadata, role_ref and subject are blocks). */
function binding(type: string, name: string, role: string, subjects: { kind: string; name: string; namespace?: string }[]) {
  return {
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    provider_name: "registry.terraform.io/hashicorp/kubernetes",
    schema_version: 0,
    values: {
      id: name,
      metadata: [{ name, namespace: type.includes("cluster") ? undefined : "ci", annotations: {}, labels: {}, generation: 0, resource_version: "1", uid: "u" }],
      role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }],
      subject: subjects.map((s) => ({ api_group: s.kind === "ServiceAccount" ? "" : "rbac.authorization.k8s.io", namespace: s.namespace ?? "", ...s })),
    },
    sensitive_values: {},
  };
}

const member = (name: string, m: string, role = "roles/owner") => ({
  address: `google_project_iam_member.${name}`,
  mode: "managed",
  type: "google_project_iam_member",
  name,
  provider_name: "registry.terraform.io/hashicorp/google",
  schema_version: 0,
  values: { id: `acme-prod/${role}/${m}`, project: "acme-prod", role, member: m, condition: [], etag: "BwX" },
  sensitive_values: {},
});

const identity = {
  address: "azurerm_user_assigned_identity.ci",
  mode: "managed",
  type: "azurerm_user_assigned_identity",
  name: "ci",
  provider_name: "registry.terraform.io/hashicorp/azurerm",
  schema_version: 0,
  values: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci", name: "ci", principal_id: "5f0c2a4e-8d1b-4c2e-9f3a-2b7d6e1c0a99", client_id: "0b7c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4", tenant_id: "t", tags: {} },
  sensitive_values: {},
};

const STATE = {
  format_version: "1.0",
  terraform_version: "1.11.4",
  values: {
    root_module: {
      resources: [
        identity,
        binding("kubernetes_cluster_role_binding_v1", "gke_admin", "cluster-admin", [{ kind: "User", name: "deployer@acme-prod.iam.gserviceaccount.com" }]),
        binding("kubernetes_cluster_role_binding_v1", "eks_admin", "cluster-admin", [{ kind: "User", name: "arn:aws:iam::123456789012:role/ci-deployer" }]),
        binding("kubernetes_cluster_role_binding_v1", "aks_admin", "cluster-admin", [{ kind: "User", name: identity.values.principal_id }]),
        binding("kubernetes_cluster_role_binding_v1", "all_sas", "edit", [{ kind: "Group", name: "system:serviceaccounts" }]),
        binding("kubernetes_role_binding_v1", "ns_sas", "admin", [{ kind: "Group", name: "system:serviceaccounts:ci" }]),
        binding("kubernetes_role_binding_v1", "sa_as_user", "view", [{ kind: "User", name: "system:serviceaccount:ci:runner" }]),
        binding("kubernetes_cluster_role_binding_v1", "people", "cluster-admin", [{ kind: "User", name: "alice@acme.com" }, { kind: "Group", name: "platform-admins" }]),
        binding("kubernetes_cluster_role_binding_v1", "someone", "cluster-admin", [{ kind: "User", name: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0" }]),
        member("wif_repo", `principalSet://iam.googleapis.com/${POOL}/github/attribute.repository/acme/app`),
        member("wif_subject", `principal://iam.googleapis.com/${POOL}/github/subject/repo:acme/app:ref:refs/heads/main`, "roles/viewer"),
        member("gke_ksa", `principal://iam.googleapis.com/${POOL}/acme-prod.svc.id.goog/subject/ns/ci/sa/runner`, "roles/iam.serviceAccountTokenCreator"),
        member("workforce", "principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/alice@acme.com"),
        member("human", "user:alice@acme.com"),
      ],
    },
  },
};

describe("non-AWS workload identities are in the NHI scope", () => {
  it("nhi-gate state judges cluster-admin bound to a Google service account, an IAM role, a managed identity and every service account; people stay out", () => {
    const report = judge(stateToInput(STATE, "state.json"));
    expect(report.resources.filter((r) => r.type !== "azurerm_user_assigned_identity").map((r) => [r.address.split(".")[1], r.judged])).toEqual([
      ["gke_ksa", true],
      ["human", false],
      ["wif_repo", true],
      ["wif_subject", true],
      ["workforce", false],
      ["aks_admin", true],
      ["all_sas", true],
      ["eks_admin", true],
      ["gke_admin", true],
      ["people", false],
      ["someone", false],
      ["ns_sas", true],
      ["sa_as_user", true],
    ]);
    expect(of(report, "NHI-GOV-001", "NHI-GOV-032")).toEqual([
      "NHI-GOV-001 @ azurerm_user_assigned_identity.ci",
      "NHI-GOV-001 @ kubernetes_cluster_role_binding_v1.aks_admin",
      "NHI-GOV-001 @ kubernetes_cluster_role_binding_v1.all_sas",
      "NHI-GOV-001 @ kubernetes_cluster_role_binding_v1.eks_admin",
      "NHI-GOV-001 @ kubernetes_cluster_role_binding_v1.gke_admin",
      "NHI-GOV-001 @ kubernetes_role_binding_v1.ns_sas",
      "NHI-GOV-001 @ kubernetes_role_binding_v1.sa_as_user",
      "NHI-GOV-032[Role::cluster-admin] @ kubernetes_cluster_role_binding_v1.aks_admin",
      "NHI-GOV-032[Role::cluster-admin] @ kubernetes_cluster_role_binding_v1.eks_admin",
      "NHI-GOV-032[Role::cluster-admin] @ kubernetes_cluster_role_binding_v1.gke_admin",
      "NHI-GOV-032[Role::edit] @ kubernetes_cluster_role_binding_v1.all_sas",
      "NHI-GOV-032[Role::admin] @ kubernetes_role_binding_v1.ns_sas",
      "NHI-GOV-032[Role::roles/iam.serviceAccountTokenCreator] @ google_project_iam_member.gke_ksa",
      "NHI-GOV-032[Role::roles/owner] @ google_project_iam_member.wif_repo",
    ].sort());
    expect(report.findings.find((f) => f.address.endsWith("gke_admin") && f.ruleId === "NHI-GOV-032")).toMatchObject({ severity: "critical", message: expect.stringContaining("grants cluster-admin across the whole cluster") });
    // Federated members are identities outside the plan: what grants to them is reported as such.
    expect(of(report, "NHI-GOV-002").filter((f) => f.includes("google_project_iam_member"))).toEqual([
      "NHI-GOV-002[External::member] @ google_project_iam_member.gke_ksa",
      "NHI-GOV-002[External::member] @ google_project_iam_member.wif_repo",
      "NHI-GOV-002[External::member] @ google_project_iam_member.wif_subject",
    ]);
  });

  it("nhi-gate state exits 1 on the state file; the inventory lists the same bindings", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-k8s-"));
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, JSON.stringify({ ...STATE, values: { root_module: { resources: [STATE.values.root_module.resources[1]] } } }));
    const { code, stdout } = await cli(["state", file, "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).resources).toEqual([expect.objectContaining({ address: "kubernetes_cluster_role_binding_v1.gke_admin", judged: true })]);
    expect(buildInventory([stateToInput(STATE, "state.json")], { clock }).identities.map((i) => i.address)).toContain("kubernetes_cluster_role_binding_v1.gke_admin");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("nhi-gate plan: a subject whose name is unknown until apply (a Google service account being created) is judged, not passed", () => {
    const type = "kubernetes_cluster_role_binding_v1";
    const after = { metadata: [{ name: "ci" }], role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }], subject: [{ api_group: "rbac.authorization.k8s.io", kind: "User", namespace: "" }] };
    const p = plan([change({ address: `${type}.ci`, type, after, afterUnknown: { id: true, subject: [{ name: true }] } })], {
      resources: [configResource({ address: `${type}.ci`, type, expressions: { subject: [{ kind: { constant_value: "User" }, name: ref("google_service_account.ci.email", "google_service_account.ci") }] } })],
    });
    const report = judge(planToInput(p, "plan.json"));
    expect(report.resources).toEqual([expect.objectContaining({ address: `${type}.ci`, judged: true })]);
    expect(of(report, "NHI-GOV-001", "NHI-GOV-032")).toEqual([`NHI-GOV-001 @ ${type}.ci`, `NHI-GOV-032[Role::cluster-admin] @ ${type}.ci`]);
  });

  it("the catalog scope: every service-account form, federated workloads, cloud workload identities; never people", () => {
    const k8s = catalogById("kubernetes_role_binding_v1")!;
    const subjects = (kind: string, name: string) => ({ subject: [{ kind, name }] });
    expect(concernsNonHumanIdentity(k8s, subjects("Group", "system:serviceaccounts"))).toBe(true);
    expect(concernsNonHumanIdentity(k8s, subjects("Group", "system:serviceaccounts:payments"))).toBe(true);
    expect(concernsNonHumanIdentity(k8s, subjects("User", "system:serviceaccount:payments:api"))).toBe(true);
    expect(concernsNonHumanIdentity(k8s, subjects("User", "system:node:ip-10-0-0-1.ec2.internal"))).toBe(true);
    expect(concernsNonHumanIdentity(k8s, subjects("User", "arn:aws:sts::123456789012:assumed-role/ci/{{SessionName}}"))).toBe(true);
    expect(concernsNonHumanIdentity(k8s, { subjects: [{ kind: "User", name: "ci@p.iam.gserviceaccount.com" }] })).toBe(true);
    expect(concernsNonHumanIdentity(k8s, subjects("User", "alice@acme.com"))).toBe(false);
    expect(concernsNonHumanIdentity(k8s, subjects("Group", "system:authenticated"))).toBe(false);
    expect(concernsNonHumanIdentity(k8s, subjects("User", "arn:aws:iam::123456789012:user/alice"))).toBe(false);
    expect(concernsNonHumanIdentity(k8s, { subject: [{ kind: "User" }] }, ["subject.0.name"])).toBe("unknown");
    const gcp = catalogById("google_project_iam_binding")!;
    expect(concernsNonHumanIdentity(gcp, { members: ["user:a@acme.com", `principalSet://iam.googleapis.com/${POOL}/pool/*`] })).toBe(true);
    expect(concernsNonHumanIdentity(gcp, { members: ["deleted:serviceAccount:old@p.iam.gserviceaccount.com?uid=1"] })).toBe(true);
    expect(concernsNonHumanIdentity(gcp, { members: ["principalSet://iam.googleapis.com/locations/global/workforcePools/staff/group/eng"] })).toBe(false);
  });
});
