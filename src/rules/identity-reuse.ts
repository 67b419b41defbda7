import { conditionValues, NormalPolicy } from "../iam/policy";
import { GITHUB_OIDC_HOST } from "../render/aws";
import { defineRule, fail, RuleFinding } from "./rule";
import { parseDocument, ROLE_TYPES, stringList, trustSource } from "./support";

/** The workloads a role's trust policy admits: services, repositories, roles, Kubernetes service accounts. */
function trustedWorkloads(policy: NormalPolicy): string[] {
  const out = new Set<string>();
  for (const st of policy.Statement) {
    if (st.Effect !== "Allow" || !st.Principal || st.Principal === "*") continue;
    for (const s of st.Principal.Service ?? []) if (s !== "pods.eks.amazonaws.com") out.add(`service ${s}`);
    for (const a of st.Principal.AWS ?? []) out.add(`principal ${a}`);
    if ((st.Principal.Federated ?? []).some((f) => f.endsWith(GITHUB_OIDC_HOST))) {
      const subs = conditionValues(st, /^(ForAnyValue:|ForAllValues:)?String(Equals|Like)$/, `${GITHUB_OIDC_HOST}:sub`) ?? [];
      for (const sub of subs) {
        const repo = /^repo:([^:]+\/[^:]+):/.exec(sub)?.[1];
        out.add(repo ? `repository ${repo}` : `subject ${sub}`);
      }
    }
    const sa = conditionValues(st, /^StringEquals$/, "aws:RequestTag/kubernetes-service-account") ?? [];
    const ns = conditionValues(st, /^StringEquals$/, "aws:RequestTag/kubernetes-namespace") ?? [];
    for (const n of ns) for (const s of sa) out.add(`service account ${n}/${s}`);
  }
  return [...out].sort();
}

export const identityReuse = defineRule({
  id: "NHI-GOV-018",
  title: "One identity shared by several workloads",
  severity: "medium",
  controls: { owasp: ["NHI9"], nistCsf: ["PR.AA-01", "PR.AA-05"] },
  rationale:
    "An identity shared by several workloads gets the union of their permissions, cannot be rotated or revoked for one without breaking the others, and makes audit logs ambiguous about who acted.",
  remediation: "Give each workload its own GovernedIdentity (one trust per identity: one service, one repository, one service account).",
  appliesTo: { types: ROLE_TYPES },
  check(r, ctx) {
    const findings: RuleFinding[] = [];
    const parsed = parseDocument(r, trustSource(r));
    if (!("finding" in parsed)) {
      const workloads = trustedWorkloads(parsed.policy);
      if (workloads.length > 1) {
        findings.push({ key: "Trust::workloads", message: `${r.address} is trusted by ${workloads.length} workloads (${workloads.join("; ")}); expected one workload per identity. Fix: split it into one GovernedIdentity per workload` });
      }
    }
    // Handed to several Kubernetes service accounts through EKS Pod Identity associations.
    const associations = ctx.graph.dependentsOf(r).filter((d) => d.entry.id === "aws_eks_pod_identity_association" && d.action !== "delete");
    const accounts = [...new Set(associations.map((a) => `${stringList(a.props.cluster_name)[0] ?? "?"}/${stringList(a.props.namespace)[0] ?? "?"}/${stringList(a.props.service_account)[0] ?? "?"}`))].sort();
    if (accounts.length > 1) {
      findings.push({ key: "PodIdentity::service-accounts", message: `${r.address} is associated with ${accounts.length} Kubernetes service accounts (${accounts.join(", ")}); expected one. Fix: one identity per service account` });
    }
    return fail(...findings);
  },
});
