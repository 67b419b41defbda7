import { isUnknownAt } from "../engine/model";
import { durationSeconds } from "../spec/duration";
import { cannotEvaluate, defineRule, fail, pass } from "./rule";
import { ROLE_TYPES } from "./support";

export const sessionDuration = defineRule({
  id: "NHI-GOV-011",
  title: "Role session longer than the configured maximum",
  severity: "medium",
  controls: { owasp: ["NHI7"], nistCsf: ["PR.AA-01", "PR.AA-03"] },
  rationale:
    "Session credentials of an assumable role live up to max_session_duration (up to 12 hours). A stolen session token is useful for that long; workloads rarely need more than an hour per session, and can assume again.",
  remediation: "Set credential.maxSessionDuration in the spec to at most the configured maximum (maxSessionDuration, default PT1H).",
  appliesTo: { types: ROLE_TYPES },
  check(r, ctx) {
    if (isUnknownAt(r, "max_session_duration")) return fail(cannotEvaluate("max_session_duration"));
    const raw = r.props.max_session_duration;
    const seconds = raw === undefined || raw === null ? 3600 : Number(raw);
    const max = durationSeconds(ctx.config.maxSessionDuration);
    if (!Number.isFinite(seconds)) {
      return fail({ key: "Session::invalid", field: "max_session_duration", message: `${r.address} has max_session_duration ${JSON.stringify(raw)}; expected a number of seconds. Fix: set it to at most ${max}` });
    }
    if (seconds <= max) return pass();
    return fail({
      key: "Session::too-long",
      field: "max_session_duration",
      message: `${r.address} allows sessions of ${seconds} s; expected at most ${max} s (${ctx.config.maxSessionDuration}, the gate's maxSessionDuration). Fix: lower credential.maxSessionDuration in the spec`,
    });
  },
});
