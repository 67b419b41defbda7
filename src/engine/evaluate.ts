import { GateConfig, GateConfigInput, GateConfigSchema, SEVERITIES, Severity, severityRank } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { RULES } from "../rules/registry";
import { DISCOVERY_GAP, EngineFindingMeta, EXEMPTION_EXPIRED, EXEMPTION_EXPIRING, EXEMPTION_STALE, RULE_ERROR } from "../rules/engine-findings";
import { Rule, RuleContext, RuleFinding, RuleResult } from "../rules/rule";
import { Clock } from "./clock";
import { ExemptionMatcher } from "./exemptions";
import { Folder, RawFinding } from "./fold";
import { baselineFindings, baselineSummary } from "./baseline";
import { ResourceGraph } from "./graph";
import { EvaluationInput, IdentityResource } from "./model";
import { resolveProvenance } from "./provenance";
import { Finding, Report, ResourceSummary } from "./report";
import { VERSION } from "../version";
import { concernsNonHumanIdentity } from "../catalog";
import { managedPolicyDataSource } from "../iam/managed-policies";
import { usesAwsManagedPolicies } from "../rules/support";
import { expandResources } from "./expand";

export interface EvaluateOptions {
  config?: GateConfig | GateConfigInput;
  clock: Clock;
  exemptions?: Exemption[];
  /** Defaults to the registry; tests pass single rules. */
  rules?: readonly Rule[];
  /**
   * Report the findings of one problem as one finding (default). `false` keeps every granular
   * finding on its own (the report before folding; tests compare both).
   */
  fold?: boolean;
}

const DEFAULT_ACTIONS = ["create", "update", "replace"] as const;

const DEFAULT_ACTIONS_ALL = [...DEFAULT_ACTIONS, "no-op"] as const;

export function ruleApplies(rule: Rule, r: IdentityResource, scope: "changes" | "all"): boolean {
  // Shared types (a project IAM member for a user, an Opaque Kubernetes secret) that the catalog scopes away from NHIs.
  if (!(scopeDecisions.get(r) ?? concernsNonHumanIdentity(r.entry, r.props, r.unknownPaths) !== false)) return false;
  return appliesToKind(rule, r, scope);
}

/** What evaluate decided about each resource's NHI scope (it also consults the other resources), for ruleApplies. */
const scopeDecisions = new WeakMap<IdentityResource, boolean>();

/** Attributes that identify a workload identity unambiguously (not names: a person and a role may share one). */
const IDENTIFYING = ["email", "principal_id", "object_id", "client_id", "unique_id", "arn"];

/**
 * Whether a resource of a shared type concerns a non-human identity: the catalog's scope (its
 * values, or a deciding value unknown until apply), or else a subject or member that references,
 * or carries the identifier of, a principal in this evaluation (an AKS role binding to a managed
 * identity's object id, an Azure role assignment whose principal_id references one).
 */
function inNhiScope(r: IdentityResource, graph: ResourceGraph, identifiers: () => Set<string>): boolean {
  if (concernsNonHumanIdentity(r.entry, r.props, r.unknownPaths) !== false) return true;
  const attrs = new Set([...(r.entry.principalProps ?? []), ...(r.entry.nhiScope?.paths ?? []).map((p) => p.split(/[.[]/)[0])]);
  for (const a of attrs) {
    for (const ref of r.propRefs?.[a] ?? []) {
      for (let c = ref; c.includes("."); c = c.slice(0, c.lastIndexOf("."))) {
        const t = graph.byAddress.get(c) ?? graph.byAddress.get(c.replace(/\[[^\]]*\]$/, ""));
        if (t && t !== r && t.entry.kind === "principal") return true;
      }
    }
    if (stringsIn(r.props[a], 0).some((v) => identifiers().has(v))) return true;
  }
  return false;
}

function stringsIn(v: unknown, depth: number): string[] {
  if (typeof v === "string") return [v];
  if (depth > 8 || !v || typeof v !== "object") return [];
  return (Array.isArray(v) ? v : Object.values(v)).flatMap((x) => stringsIn(x, depth + 1));
}

/** ruleApplies without the NHI-scope check (evaluate asks that once per resource). */
function appliesToKind(rule: Rule, r: IdentityResource, scope: "changes" | "all"): boolean {
  const a = rule.appliesTo;
  // A container (a CloudFormation stack, a module call) is not an identity: only rules that name the kind judge it.
  if (r.entry.kind === "container" && !a.kinds?.includes("container")) return false;
  if (a.kinds && !a.kinds.includes(r.entry.kind)) return false;
  if (a.types && !a.types.includes(r.entry.id)) return false;
  const actions: readonly string[] = a.actions ?? (scope === "all" ? DEFAULT_ACTIONS_ALL : DEFAULT_ACTIONS);
  return actions.includes(r.action);
}

/**
 * A field discovery could not read is "cannot evaluate" as at plan time, but for another reason:
 * the message names the denied permission instead of "unknown until apply".
 */
function unreadableMessage(r: IdentityResource, f: { key?: string; field?: string; message: string }): string | undefined {
  const unreadable = r.origin.discovered?.unreadable;
  if (!unreadable || !f.field || f.key !== `Unknown::${f.field}` || !f.message.includes("unknown until apply")) return undefined;
  const path = Object.keys(unreadable).find((p) => p === f.field || f.field?.startsWith(`${p}.`));
  if (!path) return undefined;
  return `cannot evaluate ${f.field} of ${r.address}: ${unreadable[path]}. The gate does not pass what it cannot see; grant the audit role that permission and discover again, or exempt this finding with a ticket`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Configs this module parsed (frozen): a front end that evaluates per resource (the policy pack) parses its config once. */
const PARSED = new WeakSet<object>();

/** The gate config, parsed once: a config `parsedConfig` returned is returned as is. */
export function parsedConfig(input: GateConfig | GateConfigInput | undefined): GateConfig {
  if (input && PARSED.has(input)) return input as GateConfig;
  const config = Object.freeze(GateConfigSchema.parse(input ?? {})) as GateConfig;
  PARSED.add(config);
  return config;
}

/** Run every rule on every resource: normalized resources in, a deterministic report out. */
export function evaluate(input: EvaluationInput, options: EvaluateOptions): Report {
  const config: GateConfig = parsedConfig(options.config);
  const clock = options.clock;
  const scope = input.scope ?? "changes";
  const rules = (options.rules ?? RULES).filter((r) => !config.disabledRules.includes(r.id));
  const resources = expandResources(input.resources);
  const graph = new ResourceGraph(resources);
  const provenance = resolveProvenance(graph, input.components ?? [], config);
  const ctx: RuleContext = { config, clock, graph, provenance: (r) => provenance.get(r.address) as NonNullable<ReturnType<typeof provenance.get>> };
  let findings: Finding[] = [];
  /** What each rule finding came from, at its index in `findings` (undefined for the engine's own findings). */
  const raws: (RawFinding | undefined)[] = [];
  const summaries: ResourceSummary[] = [];

  const emit = (meta: { id: string; title: string; severity: Severity; controls: Rule["controls"] }, r: { address: string; type: string }, message: string, key?: string, severity?: Severity, field?: string) => {
    const f: Finding = {
      ruleId: meta.id,
      findingId: key ? `${meta.id}[${key}]` : meta.id,
      title: meta.title,
      severity: config.severityOverrides[meta.id] ?? severity ?? meta.severity,
      address: r.address,
      resourceType: r.type,
      message,
      controls: meta.controls,
    };
    if (field) f.field = field;
    findings.push(f);
    raws.push(undefined);
    return f;
  };

  // Which rules apply depends on the resource's catalog entry and action only: decided once per pair.
  const applicableByEntry = new Map<IdentityResource["entry"], Map<string, Rule[]>>();
  const applicableRules = (r: IdentityResource): Rule[] => {
    let byAction = applicableByEntry.get(r.entry);
    if (!byAction) applicableByEntry.set(r.entry, (byAction = new Map()));
    let list = byAction.get(r.action);
    if (!list) byAction.set(r.action, (list = rules.filter((rule) => appliesToKind(rule, r, scope))));
    return list;
  };
  let ids: Set<string> | undefined;
  const identifiers = () =>
    (ids ??= new Set(resources.filter((x) => x.entry.kind === "principal").flatMap((x) => IDENTIFYING.map((k) => x.props[k]).filter((v): v is string => typeof v === "string" && v.length >= 8))));
  // Exemptions are applied to the granular findings, then findings of one problem are folded into
  // one. Both go resource by resource, so a resource's granular findings need not be kept to the
  // end: exact when no other finding can have a resource's address (unique addresses, no gap at one).
  const exemptions = new ExemptionMatcher(options.exemptions ?? [], config, clock);
  const folder = options.fold !== false ? new Folder() : undefined;
  const foldEach = folder !== undefined && graph.byAddress.size === resources.length && !(input.gaps ?? []).some((g) => graph.byAddress.has(g.address));
  for (const r of resources) {
    const from = findings.length;
    judge(r);
    if (findings.length === from) continue;
    exemptions.apply(findings, from);
    if (foldEach) {
      folder.add(findings, raws, from);
      folder.fold();
      findings.length = raws.length = from;
    }
  }
  function judge(r: IdentityResource): void {
    const p = ctx.provenance(r);
    const nhi = r.entry.nhiScope ? inNhiScope(r, graph, identifiers) : true;
    if (r.entry.nhiScope) scopeDecisions.set(r, nhi);
    // The guardrail's boundary limits and grants nothing: not judged as a grant (what attaches it is judged itself).
    const applicable = nhi && p.via !== "guardrail" ? applicableRules(r) : [];
    summaries.push({ address: r.address, type: r.nativeType, kind: r.entry.kind, action: r.action, governed: p.status, via: p.via, by: p.by, reason: p.reason, judged: applicable.length > 0, origin: r.origin });
    for (const rule of applicable) {
      let result: RuleResult;
      try {
        result = rule.check(r, ctx);
      } catch (e) {
        emit(RULE_ERROR, { address: r.address, type: r.nativeType }, `rule ${rule.id} (${rule.title}) failed on ${r.address}: ${e instanceof Error ? e.message : String(e)}. The resource is not passed; this is a gate error to report`, rule.id);
        continue;
      }
      if (result.status !== "fail") continue;
      const seen = result.findings.length > 1 ? new Set<string>() : undefined;
      for (const f of result.findings) {
        if (seen) {
          const id = f.key ?? "";
          if (seen.has(id)) continue; // one finding per granular id and resource
          seen.add(id);
        }
        emit(rule, { address: r.address, type: r.nativeType }, unreadableMessage(r, f) ?? f.message, f.key, f.severity, f.field);
        raws[raws.length - 1] = { rule, finding: f as RuleFinding, resource: r };
      }
    }
  }

  // What the adapter could not read (a denied discovery call): cannot-evaluate findings, exemptable like any other.
  const gapsFrom = findings.length;
  for (const g of input.gaps ?? []) emit(DISCOVERY_GAP, { address: g.address, type: g.type }, g.message, g.key, g.severity);
  exemptions.apply(findings, gapsFrom);
  const exemptionRecords = exemptions.records();
  if (folder) {
    folder.add(findings, raws);
    findings = folder.finish();
  }
  // Baseline entries are reported per baseline (src/engine/baseline.ts), the others one by one.
  for (const b of baselineFindings(exemptionRecords)) emit(b.meta, { address: b.address, type: "baseline" }, b.message, b.key);
  for (const e of exemptionRecords) {
    if (e.baseline) continue;
    const where = { address: `exemption:${e.rule}@${e.resource}`, type: "exemption" };
    const meta: EngineFindingMeta | undefined =
      e.status === "expired" || e.status === "invalid" ? EXEMPTION_EXPIRED : e.status === "expiring" ? EXEMPTION_EXPIRING : e.status === "stale" ? EXEMPTION_STALE : undefined;
    if (meta) emit(meta, where, `exemption ${e.ticket} (owner ${e.owner}) for ${e.rule} on ${e.resource}: ${e.note}`, e.ticket);
  }

  findings.sort((a, b) => cmp(a.address, b.address) || cmp(a.findingId, b.findingId) || cmp(a.message, b.message));
  summaries.sort((a, b) => cmp(a.address, b.address));
  const active = findings.filter((f) => !f.exemptedBy);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, active.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const baseline = baselineSummary(exemptionRecords);
  const failed = active.some((f) => severityRank(f.severity) >= severityRank(config.failOn));
  return {
    schemaVersion: 1,
    tool: { name: "nhi-governance", version: VERSION, ...(usesAwsManagedPolicies(input.resources) ? { data: [{ ...managedPolicyDataSource(), used: "AWS managed policy documents" }] } : {}) },
    evaluatedAt: clock.now().toISOString(),
    sources: input.sources ?? [],
    failOn: config.failOn,
    passed: !failed,
    summary: {
      resources: summaries.length,
      judged: summaries.filter((s) => s.judged).length,
      governed: summaries.filter((s) => s.governed === "governed").length,
      ungoverned: summaries.filter((s) => s.governed === "ungoverned").length,
      unverifiable: summaries.filter((s) => s.governed === "unverifiable").length,
      findings: active.length,
      exempted: findings.length - active.length,
      bySeverity,
      ...(baseline ? { baseline } : {}),
    },
    resources: summaries,
    findings,
    exemptions: exemptionRecords,
  };
}
