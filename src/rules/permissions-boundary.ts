import { isUnknownAt } from "../engine/model";
import { cannotEvaluate, defineRule, fail, pass } from "./rule";
import { ROLE_AND_USER_TYPES } from "./support";

export const permissionsBoundary = defineRule({
  id: "NHI-GOV-008",
  title: "No permissions boundary",
  severity: "high",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "A permissions boundary caps what an identity can ever do, whatever policies are attached later by mistake or by an attacker. It is what keeps a policy attachment added beside a governed role from becoming administrator.",
  remediation: "Set permissionsBoundary in the spec (or defaultPermissionsBoundary in the gate config) to the organisation's workload boundary policy ARN.",
  appliesTo: { types: ROLE_AND_USER_TYPES },
  check(r) {
    if (isUnknownAt(r, "permissions_boundary")) return fail(cannotEvaluate("permissions_boundary"));
    const v = r.props.permissions_boundary;
    if (typeof v === "string" && v.trim() !== "") return pass();
    return fail({
      key: "Boundary::missing",
      field: "permissions_boundary",
      message: `${r.address} has no permissions boundary; expected a boundary policy ARN on every workload role and user. Fix: set permissionsBoundary in the spec or defaultPermissionsBoundary in the gate config`,
    });
  },
});
