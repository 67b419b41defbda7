import { IdentityKind } from "../catalog/types";
import { GateConfig, Severity } from "../spec/config";
import { Clock } from "../engine/clock";
import { ResourceGraph } from "../engine/graph";
import { ChangeAction, IdentityResource } from "../engine/model";
import { Provenance } from "../engine/provenance";

/** OWASP Non-Human Identities Top 10 (2025). */
export const OWASP_NHI = {
  NHI1: "Improper Offboarding",
  NHI2: "Secret Leakage",
  NHI3: "Vulnerable Third-Party NHI",
  NHI4: "Insecure Authentication",
  NHI5: "Overprivileged NHI",
  NHI6: "Insecure Cloud Deployment Configurations",
  NHI7: "Long-Lived Secrets",
  NHI8: "Environment Isolation",
  NHI9: "NHI Reuse",
  NHI10: "Human Use of NHI",
} as const;
export type OwaspNhi = keyof typeof OWASP_NHI;

/** The NIST CSF 2.0 subcategories the rules map to. */
export const NIST_CSF = {
  "GV.RR-02": "Roles, responsibilities, and authorities related to cybersecurity risk management are established, communicated, understood, and enforced",
  "ID.AM-08": "Systems, hardware, software, services, and data are managed throughout their life cycles",
  "PR.AA-01": "Identities and credentials for authorized users, services, and hardware are managed by the organization",
  "PR.AA-02": "Identities are proofed and bound to credentials based on the context of interactions",
  "PR.AA-03": "Users, services, and hardware are authenticated",
  "PR.AA-05": "Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties",
  "PR.DS-01": "The confidentiality, integrity, and availability of data-at-rest are protected",
  "PR.PS-01": "Configuration management practices are established and applied",
  "PR.IR-01": "Networks and environments are protected from unauthorized logical access and usage",
  "DE.CM-09": "Computing hardware and software, runtime environments, and their data are monitored to find potentially adverse events",
} as const;
export type NistCsf = keyof typeof NIST_CSF;

export interface Controls {
  owasp: OwaspNhi[];
  nistCsf: NistCsf[];
}

/** One finding a rule reports. `key` makes the finding id granular: `NHI-GOV-005[Action::iam:*]`. */
export interface RuleFinding {
  key?: string;
  /** What, what was found, what is expected, how to fix. */
  message: string;
  /** Overrides the rule's severity for this finding. */
  severity?: Severity;
  /** The attribute the finding is about (never its value). */
  field?: string;
  /**
   * A short phrase naming the problem (`nhi:owner`, `nhi:environment = "qa"`), used by the
   * rule's `fold` when several of its findings on one resource are reported as one.
   */
  summary?: string;
  /**
   * This finding is part of another resource's finding when that one is reported (active):
   * a policy attached to a role reported as created outside a governed construct is part of
   * that role's problem, not a problem of its own. It is then listed in that finding's `parts`.
   */
  partOf?: { address: string; ruleId: string; findingId?: string };
}

/**
 * How a rule's findings on one resource are one problem: one finding (id: the rule id, with
 * every granular id in `parts`) whose message `message` builds; or, when the resource has an
 * active finding of rule `into`, a sentence (`sentence`) of that finding. Exemptions are applied
 * to the granular findings first, so an exemption of one granular id keeps covering exactly it.
 */
export interface FoldSpec {
  into?: string;
  message(r: IdentityResource, parts: RuleFinding[]): string;
  sentence(r: IdentityResource, parts: RuleFinding[]): string;
}

export type RuleResult = { status: "pass" } | { status: "not-applicable"; reason: string } | { status: "fail"; findings: RuleFinding[] };

export interface RuleContext {
  config: GateConfig;
  clock: Clock;
  graph: ResourceGraph;
  provenance(r: IdentityResource): Provenance;
}

export interface AppliesTo {
  /** Catalog kinds; all kinds when omitted. */
  kinds?: IdentityKind[];
  /** Catalog ids (Terraform types or Pulumi tokens for native-only types); all when omitted. */
  types?: string[];
  /** Change actions; create, update and replace when omitted (plus no-op when the whole state is judged). */
  actions?: ChangeAction[];
}

export interface Rule {
  /** Stable id: `NHI-GOV-NNN`. */
  id: string;
  title: string;
  severity: Severity;
  controls: Controls;
  /** Why the rule exists. */
  rationale: string;
  /** How to comply. */
  remediation: string;
  appliesTo: AppliesTo;
  /** Pure: the same resource and context give the same result. */
  check(resource: IdentityResource, ctx: RuleContext): RuleResult;
  /** Several findings of this rule on one resource are one problem (see FoldSpec). */
  fold?: FoldSpec;
}

export function defineRule(rule: Rule): Rule {
  return Object.freeze(rule);
}

export const pass = (): RuleResult => ({ status: "pass" });
export const notApplicable = (reason: string): RuleResult => ({ status: "not-applicable", reason });
export const fail = (...findings: RuleFinding[]): RuleResult => (findings.length ? { status: "fail", findings } : { status: "pass" });
/** A value the rule needs is unknown (until apply) or unreadable: a finding, never a pass. */
export const cannotEvaluate = (field: string, why = "unknown until apply"): RuleFinding => ({
  key: `Unknown::${field}`,
  field,
  message: `cannot evaluate ${field}: ${why}. The gate does not pass what it cannot see; make ${field} known at plan time (literal values, data sources) or exempt this finding with a ticket`,
});
