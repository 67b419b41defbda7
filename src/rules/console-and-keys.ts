import { isUnknownAt } from "../engine/model";
import { cannotEvaluate, defineRule, fail } from "./rule";

export const consoleAndKeys = defineRule({
  id: "NHI-GOV-042",
  title: "Active access keys on a user with a console password",
  severity: "high",
  controls: { owasp: ["NHI10"], nistCsf: ["PR.AA-01", "PR.AA-02"] },
  rationale:
    "A user with both a console password and active access keys is used by a person and by a workload at once: the person's actions are indistinguishable from the workload's, the workload's secret lives as long as the person's habits, and offboarding either breaks the other.",
  remediation:
    "Split the two: the person signs in with their own SSO identity and the console password is removed; the workload keeps the keys (better: moves to a federated or ephemeral credential). If the user is a person's, remove its access keys.",
  appliesTo: { types: ["aws_iam_user"] },
  check(r, ctx) {
    const deps = ctx.graph.dependentsOf(r);
    const logins = deps.filter((d) => d.entry.id === "aws_iam_user_login_profile" && d.action !== "delete");
    const keys = deps.filter((d) => d.entry.id === "aws_iam_access_key" && d.action !== "delete" && d.props.status !== "Inactive");
    const loginUnknown = isUnknownAt(r, "login_profile");
    const keysUnknown = isUnknownAt(r, "access_keys");
    if (loginUnknown && (keys.length || keysUnknown)) return fail(cannotEvaluate("login_profile"));
    if (keysUnknown && logins.length) return fail(cannotEvaluate("access_keys"));
    if (!logins.length || !keys.length) return fail();
    const lastUsed = logins.map((l) => l.props.password_last_used).find((v) => typeof v === "string") as string | undefined;
    return fail({
      key: "Human::console-and-keys",
      message: `${r.address} has a console password${lastUsed ? ` (last used ${lastUsed.slice(0, 10)})` : ""} and ${keys.length} active access key${keys.length > 1 ? "s" : ""} (${keys.map((k) => String(k.props.id ?? k.address)).join(", ")}): a person signs in as the identity a workload uses. Expected one or the other. Fix: the person uses their own SSO identity and the login profile is removed, or, if this is a person's user, its access keys are deleted`,
    });
  },
});
