import { Controls } from "./rule";
import { Severity } from "../spec/config";

/** Findings the engine itself raises (not from a per-resource check). Documented like rules. */
export interface EngineFindingMeta {
  id: string;
  title: string;
  severity: Severity;
  controls: Controls;
  rationale: string;
  remediation: string;
}

export const RULE_ERROR: EngineFindingMeta = {
  id: "NHI-GOV-000",
  title: "A rule could not evaluate a resource",
  severity: "high",
  controls: { owasp: ["NHI6"], nistCsf: ["PR.PS-01"] },
  rationale: "A gate that skips what it cannot evaluate fails open. An internal error while checking a resource is reported for that resource, with the rule's id.",
  remediation: "Report the message to the nhi-governance maintainers; exempt the finding with a ticket only while the fix is pending.",
};

export const EXEMPTION_EXPIRED: EngineFindingMeta = {
  id: "NHI-GOV-090",
  title: "Exemption expired or not honoured",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale: "Exemptions are time-boxed so a shortcut cannot quietly become permanent. An expired exemption, or one that runs longer than the configured maximum, suppresses nothing and is itself a finding.",
  remediation: "Fix the findings it covered and delete the exemption, or renew it with a new ticket and an expiry within the allowed span.",
};

export const EXEMPTION_EXPIRING: EngineFindingMeta = {
  id: "NHI-GOV-091",
  title: "Exemption expiring soon",
  severity: "low",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale: "Owners should hear about an exemption running out before it starts failing their pipeline.",
  remediation: "Fix the findings the exemption covers before it expires, or renew it with a ticket.",
};

export const EXEMPTION_STALE: EngineFindingMeta = {
  id: "NHI-GOV-092",
  title: "Exemption matches nothing",
  severity: "low",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale: "An exemption that matches no finding is dead weight that could silently suppress a future finding.",
  remediation: "Delete the exemption.",
};

export const DISCOVERY_GAP: EngineFindingMeta = {
  id: "NHI-GOV-043",
  title: "Discovery could not read part of the account",
  severity: "high",
  controls: { owasp: ["NHI6", "NHI1"], nistCsf: ["ID.AM-08", "DE.CM-09"] },
  rationale:
    "A discovery that was denied a call has not seen what that call returns: the access keys of a user, when a key was last used, which users have console passwords, a whole account. Reporting nothing there would pass what was never looked at, so every denied call is a finding that names the missing permission.",
  remediation:
    "Grant the audit role the permission the finding names (the complete read-only policy is in docs/discovery.md, or printed by `nhi-gate discover aws --print-policy`), then run discovery again.",
};

// ---- baselines (issue #20): `nhi-gate baseline` entries, reported per baseline, not per entry ----

export const BASELINE_EXPIRING: EngineFindingMeta = {
  id: "NHI-GOV-093",
  title: "Baseline expiring soon",
  severity: "low",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale:
    "A baseline lets a team switch the gate on with the findings it already has, for a limited time. When its entries are about to expire, the findings they cover will fail the gate again: the owner should know a week ahead, once per baseline rather than once per entry.",
  remediation: "Fix the findings the baseline still covers (the report lists them as exempted by it), or agree a new baseline with a new ticket and expiry within maxExemptionDays.",
};

export const BASELINE_EXPIRED: EngineFindingMeta = {
  id: "NHI-GOV-094",
  title: "Baseline expired",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale: "A baseline is time-boxed so that switching the gate on does not excuse today's findings for ever. Expired (or no longer honoured) entries suppress nothing: the findings they covered fail the gate again.",
  remediation: "Fix the findings, then delete the expired entries; or write a new baseline (nhi-gate baseline) with a new ticket, its expiry within maxExemptionDays.",
};

export const BASELINE_RESOLVED: EngineFindingMeta = {
  id: "NHI-GOV-095",
  title: "Baseline entries resolved",
  severity: "info",
  controls: { owasp: ["NHI1"], nistCsf: ["PR.AA-05"] },
  rationale: "Baseline entries whose finding is gone are burned down: left in the file they could hide the same finding if it came back.",
  remediation: "Delete the resolved entries from the baseline file (the report lists them).",
};

export const ENGINE_FINDINGS: EngineFindingMeta[] = [RULE_ERROR, EXEMPTION_EXPIRED, EXEMPTION_EXPIRING, EXEMPTION_STALE, DISCOVERY_GAP, BASELINE_EXPIRING, BASELINE_EXPIRED, BASELINE_RESOLVED];
