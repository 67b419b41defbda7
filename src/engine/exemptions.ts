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
  const matcher = new ExemptionMatcher(exemptions, config, clock);
  matcher.apply(findings);
  return matcher.records();
}

/**
 * `applyExemptions` in batches: the engine applies exemptions to each resource's findings as they
 * are made (so the findings of one problem can be folded right away and not kept to the end).
 * Batches in the order of the findings give exactly what one call on all of them gives: each
 * finding is marked by the first honoured exemption that matches it, and each record lists what it
 * matched in finding order.
 */
export class ExemptionMatcher {
  private readonly entries: { e: Exemption; record: ExemptionRecord; daysLeft: number; honoured: boolean }[];
  /** Entries by exact resource address; the others (globs) are tried on every finding. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly globs: number[] = [];

  constructor(exemptions: Exemption[], config: GateConfig, clock: Clock) {
    const now = clock.now();
    this.entries = exemptions.map((e, i) => {
      const expires = parseDate(e.expires) as Date;
      // An exemption for a date lasts through that day (UTC).
      const daysLeft = daysBetween(now, expires) + 1;
      const record: ExemptionRecord = { ...e, status: "used", matched: [] };
      if (daysLeft <= 0) {
        record.status = "expired";
        record.note = `expired on ${e.expires}; it no longer suppresses anything`;
      } else {
        const badOwner = ownerProblem(e.owner, config);
        if (badOwner) {
          record.status = "invalid";
          record.note = `owner ${JSON.stringify(e.owner)} is not ${badOwner}; it is not honoured. Fix: give the exemption an owner of that form`;
        } else if (daysLeft > config.maxExemptionDays + 1) {
          record.status = "invalid";
          record.note = `expires ${e.expires}, more than ${config.maxExemptionDays} days ahead (maxExemptionDays); it is not honoured`;
        }
      }
      if (e.resource.includes("*") || e.resource.includes("?")) this.globs.push(i);
      else {
        const list = this.byAddress.get(e.resource);
        if (list) list.push(i);
        else this.byAddress.set(e.resource, [i]);
      }
      return { e, record, daysLeft, honoured: record.status === "used" };
    });
  }

  /** Apply to findings[from..]: record the matches, mark what honoured exemptions cover. */
  apply(findings: readonly Finding[], from = 0): void {
    if (!this.entries.length) return;
    for (let i = from; i < findings.length; i++) {
      const f = findings[i];
      const exact = this.byAddress.get(f.address);
      // Exemption order decides which one marks a finding: merge the exact and glob candidates in order.
      const candidates = exact && this.globs.length ? [...exact, ...this.globs].sort((a, b) => a - b) : (exact ?? this.globs);
      for (const k of candidates) {
        const { e, record, honoured } = this.entries[k];
        if (!matches(e, f)) continue;
        record.matched.push(`${f.findingId} @ ${f.address}`);
        if (honoured && !f.exemptedBy) f.exemptedBy = { ticket: e.ticket, owner: e.owner, expires: e.expires, reason: e.reason, ...(e.baseline ? { baseline: true as const } : {}) };
      }
    }
  }

  /** The records, once every finding was applied. */
  records(): ExemptionRecord[] {
    return this.entries.map(({ e, record, daysLeft, honoured }) => {
      if (!honoured) return record;
      if (!record.matched.length) {
        record.status = "stale";
        record.note = "matches no finding; remove it";
      } else if (daysLeft <= EXPIRING_WITHIN_DAYS) {
        record.status = "expiring";
        record.note = `expires ${e.expires}, within ${EXPIRING_WITHIN_DAYS} days: fix the findings or renew it with a ticket`;
      }
      return record;
    });
  }
}
