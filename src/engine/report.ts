import { IdentityKind } from "../catalog/types";
import { Severity } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { Controls } from "../rules/rule";
import { ChangeAction, Origin } from "./model";
import { ProvenanceStatus } from "./provenance";

export interface Finding {
  ruleId: string;
  /** Rule id plus the granular key: `NHI-GOV-005[Action::iam:*]`. Stable across runs. */
  findingId: string;
  title: string;
  severity: Severity;
  address: string;
  resourceType: string;
  message: string;
  controls: Controls;
  field?: string;
  /**
   * The granular findings this one reports together (one problem, one finding): ids on the same
   * resource (`NHI-GOV-003[Tag::nhi:owner]`), `<findingId> @ <address>` for another resource's.
   * An exemption may target each part's id; it then covers that part alone.
   */
  parts?: string[];
  /** Set when an exemption suppresses the finding (it then does not fail the gate). */
  exemptedBy?: { ticket: string; owner: string; expires: string; reason: string; baseline?: true };
}

export interface ResourceSummary {
  address: string;
  type: string;
  kind: IdentityKind;
  action: ChangeAction;
  governed: ProvenanceStatus;
  via?: string;
  by?: string;
  reason: string;
  judged: boolean;
  origin: Origin;
}

export interface ExemptionRecord extends Exemption {
  status: "used" | "expired" | "expiring" | "stale" | "invalid";
  matched: string[];
  note?: string;
}

export interface Report {
  schemaVersion: 1;
  tool: {
    name: "nhi-governance";
    version: string;
    /** Data packages the evaluation judged with (the AWS managed policy documents), when it used any. */
    data?: { package: string; version: string; license: string; used: string }[];
  };
  /** The clock the evaluation used (ISO 8601). */
  evaluatedAt: string;
  sources: string[];
  failOn: Severity;
  passed: boolean;
  summary: {
    resources: number;
    judged: number;
    governed: number;
    ungoverned: number;
    unverifiable: number;
    findings: number;
    exempted: number;
    bySeverity: Record<Severity, number>;
    /** Present when the exemptions include `nhi-gate baseline` entries: how far the burn-down has come. */
    baseline?: BaselineSummary;
  };
  resources: ResourceSummary[];
  /** Every finding, exempted ones included (marked), sorted by address then finding id. */
  findings: Finding[];
  exemptions: ExemptionRecord[];
}

/** The state of the `nhi-gate baseline` entries among the exemptions (src/engine/baseline.ts). */
export interface BaselineSummary {
  /** Baseline entries in the exemptions. */
  entries: number;
  /** Entries that still cover a finding (honoured, not expired). */
  remaining: number;
  /** Of the remaining, those that expire within the warning window (7 days). */
  expiringSoon: number;
  /** Entries whose finding is gone (fixed): delete them. */
  resolved: number;
  /** Entries that expired or are no longer honoured: what they covered counts again. */
  expired: number;
  /** Findings the baseline suppresses in this run. */
  findings: number;
  /** The earliest expiry among the remaining entries (YYYY-MM-DD). */
  nextExpiry?: string;
}
