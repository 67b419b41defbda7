import { daysBetween, isoDate, addDays, parseDate } from "../engine/clock";
import { isUnknownAt } from "../engine/model";
import { durationSeconds } from "../spec/duration";
import { TAG } from "../spec/tags";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { tagsOf } from "../engine/props";

export const recertification = defineRule({
  id: "NHI-GOV-004",
  title: "Recertification overdue, too far ahead, or due soon",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05", "ID.AM-08"] },
  rationale:
    "An identity nobody has looked at in months is the one nobody offboards. Every identity carries a recertification date (nhi:recertify-by) within the configured window; past it, the owner must confirm the identity is still needed and still scoped right. Break-glass identities (nhi:emergency-expires) must be gone by their expiry.",
  remediation:
    "Recertify the identity: review its owner, purpose and access, then set a new recertifyBy within the window in its spec and redeploy; remove identities that are no longer needed and emergency identities past their expiry.",
  appliesTo: { kinds: ["principal"] },
  check(r, ctx) {
    if (!r.entry.taggable) return notApplicable(`${r.entry.id} carries no tags`);
    if (isUnknownAt(r, "tags") || isUnknownAt(r, `tags.${TAG.recertifyBy}`)) return fail(cannotEvaluate(`tags.${TAG.recertifyBy}`));
    const tags = tagsOf(r) ?? {};
    const now = ctx.clock.now();
    const findings: RuleFinding[] = [];
    const raw = tags[TAG.recertifyBy];
    const date = raw === undefined ? undefined : parseDate(raw);
    if (date) {
      const days = daysBetween(now, date);
      const window = ctx.config.recertificationWindowDays;
      if (days < 0) {
        findings.push({
          key: "Recertify::overdue",
          field: `tags.${TAG.recertifyBy}`,
          message: `${r.address} was due for recertification on ${raw} (${Math.ceil(-days)} days ago); expected a date in the future. Fix: recertify the identity with its owner and set recertifyBy within ${window} days, or remove it`,
        });
      } else if (days > window) {
        findings.push({
          key: "Recertify::beyond-window",
          field: `tags.${TAG.recertifyBy}`,
          severity: "medium",
          message: `${r.address} has recertify-by ${raw}, ${Math.floor(days)} days ahead; expected at most ${window} days (by ${isoDate(addDays(now, window))}). Fix: set recertifyBy within the window`,
        });
      } else if (days <= ctx.config.recertificationWarningDays) {
        findings.push({
          key: "Recertify::due-soon",
          field: `tags.${TAG.recertifyBy}`,
          severity: "low",
          message: `${r.address} is due for recertification on ${raw} (in ${Math.ceil(days)} days). Fix: recertify it with its owner and move recertifyBy forward before access lapses`,
        });
      }
    }
    // A missing or malformed date is NHI-GOV-003's finding; the emergency expiry is only checked here.
    const emergency = tags[TAG.emergencyExpires];
    if (isUnknownAt(r, `tags.${TAG.emergencyExpires}`)) findings.push(cannotEvaluate(`tags.${TAG.emergencyExpires}`));
    else if (emergency !== undefined) {
      const exp = parseDate(emergency);
      if (!exp) {
        findings.push({ key: "Emergency::invalid", field: `tags.${TAG.emergencyExpires}`, message: `${r.address} has ${TAG.emergencyExpires} = ${JSON.stringify(emergency)}; expected a date YYYY-MM-DD. Fix: set the emergency expiry in the spec` });
      } else if (exp.getTime() <= now.getTime()) {
        findings.push({
          key: "Emergency::expired",
          field: `tags.${TAG.emergencyExpires}`,
          severity: "critical",
          message: `break-glass identity ${r.address} expired on ${emergency} (ticket ${tags[TAG.emergencyTicket] ?? "none"}); expected it removed by then. Fix: delete the emergency identity, or turn it into a regular governed identity`,
        });
      } else if (daysBetween(now, exp) * 86400 > durationSeconds(ctx.config.maxEmergencyDuration)) {
        findings.push({
          key: "Emergency::too-long",
          field: `tags.${TAG.emergencyExpires}`,
          message: `break-glass identity ${r.address} expires on ${emergency}; expected at most ${ctx.config.maxEmergencyDuration} from now (maxEmergencyDuration). Fix: shorten emergency.expires`,
        });
      }
    }
    if (raw === undefined && emergency === undefined) return notApplicable(`no ${TAG.recertifyBy} tag (NHI-GOV-003 reports missing lifecycle tags)`);
    return fail(...findings);
  },
});
