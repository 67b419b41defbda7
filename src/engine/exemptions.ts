import { GateConfig } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { globMatch } from "../util/glob";
import { ownerProblem } from "../spec/owner";
import { Clock, daysBetween, parseDate } from "./clock";
import { ExemptionRecord, Finding } from "./report";

export const EXPIRING_WITHIN_DAYS = 7;

function matches(e: Exemption, f: Finding): boolean {
  const ruleOk = e.rule === f.findingId || e.rule === f.ruleId;
  return ruleOk && (e.resource === f.address || globMatch(e.resource, f.address));
}

/**
 * Apply exemptions to findings: a valid, unexpired exemption suppresses the findings it
 * matches (they stay in the report, marked). Expired, over-long and stale exemptions are
 * recorded; the engine turns them into findings of their own.
 */
export function applyExemptions(findings: Finding[], exemptions: Exemption[], config: GateConfig, clock: Clock): ExemptionRecord[] {
  const now = clock.now();
  return exemptions.map((e) => {
    const expires = parseDate(e.expires) as Date;
    // An exemption for a date lasts through that day (UTC).
    const daysLeft = daysBetween(now, expires) + 1;
    const matched = findings.filter((f) => matches(e, f));
    const record: ExemptionRecord = { ...e, status: "used", matched: matched.map((f) => `${f.findingId} @ ${f.address}`) };
    if (daysLeft <= 0) {
      record.status = "expired";
      record.note = `expired on ${e.expires}; it no longer suppresses anything`;
      return record;
    }
    const badOwner = ownerProblem(e.owner, config);
    if (badOwner) {
      record.status = "invalid";
      record.note = `owner ${JSON.stringify(e.owner)} is not ${badOwner}; it is not honoured. Fix: give the exemption an owner of that form`;
      return record;
    }
    if (daysLeft > config.maxExemptionDays + 1) {
      record.status = "invalid";
      record.note = `expires ${e.expires}, more than ${config.maxExemptionDays} days ahead (maxExemptionDays); it is not honoured`;
      return record;
    }
    if (!matched.length) {
      record.status = "stale";
      record.note = "matches no finding; remove it";
      return record;
    }
    for (const f of matched) if (!f.exemptedBy) f.exemptedBy = { ticket: e.ticket, owner: e.owner, expires: e.expires, reason: e.reason, ...(e.baseline ? { baseline: true as const } : {}) };
    if (daysLeft <= EXPIRING_WITHIN_DAYS) {
      record.status = "expiring";
      record.note = `expires ${e.expires}, within ${EXPIRING_WITHIN_DAYS} days: fix the findings or renew it with a ticket`;
    }
    return record;
  });
}
