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

export const ENGINE_FINDINGS: EngineFindingMeta[] = [RULE_ERROR, EXEMPTION_EXPIRED, EXEMPTION_EXPIRING, EXEMPTION_STALE, DISCOVERY_GAP];
