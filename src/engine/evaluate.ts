import { GateConfig, GateConfigInput, GateConfigSchema, SEVERITIES, Severity, severityRank } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { RULES } from "../rules/registry";
import { EngineFindingMeta, EXEMPTION_EXPIRED, EXEMPTION_EXPIRING, EXEMPTION_STALE, RULE_ERROR } from "../rules/engine-findings";
import { Rule, RuleContext, RuleResult } from "../rules/rule";
import { Clock } from "./clock";
import { applyExemptions } from "./exemptions";
import { baselineFindings, baselineSummary } from "./baseline";
import { ResourceGraph } from "./graph";
import { EvaluationInput, IdentityResource } from "./model";
import { resolveProvenance } from "./provenance";
import { Finding, Report, ResourceSummary } from "./report";
import { VERSION } from "../version";
import { concernsNonHumanIdentity } from "../catalog";

export interface EvaluateOptions {
  config?: GateConfig | GateConfigInput;
  clock: Clock;
  exemptions?: Exemption[];
  /** Defaults to the registry; tests pass single rules. */
  rules?: readonly Rule[];
}

const DEFAULT_ACTIONS = ["create", "update", "replace"] as const;

const DEFAULT_ACTIONS_ALL = [...DEFAULT_ACTIONS, "no-op"] as const;

export function ruleApplies(rule: Rule, r: IdentityResource, scope: "changes" | "all"): boolean {
  // Shared types (a project IAM member for a user, an Opaque Kubernetes secret) that the catalog scopes away from NHIs.
  if (concernsNonHumanIdentity(r.entry, r.props) === false) return false;
  return appliesToKind(rule, r, scope);
}

/** ruleApplies without the NHI-scope check (evaluate asks that once per resource). */
function appliesToKind(rule: Rule, r: IdentityResource, scope: "changes" | "all"): boolean {
  const a = rule.appliesTo;
  if (a.kinds && !a.kinds.includes(r.entry.kind)) return false;
  if (a.types && !a.types.includes(r.entry.id)) return false;
  const actions: readonly string[] = a.actions ?? (scope === "all" ? DEFAULT_ACTIONS_ALL : DEFAULT_ACTIONS);
  return actions.includes(r.action);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Run every rule on every resource: normalized resources in, a deterministic report out. */
export function evaluate(input: EvaluationInput, options: EvaluateOptions): Report {
  const config: GateConfig = GateConfigSchema.parse(options.config ?? {});
  const clock = options.clock;
  const scope = input.scope ?? "changes";
  const rules = (options.rules ?? RULES).filter((r) => !config.disabledRules.includes(r.id));
  const graph = new ResourceGraph(input.resources);
  const provenance = resolveProvenance(graph, input.components ?? [], config);
  const ctx: RuleContext = { config, clock, graph, provenance: (r) => provenance.get(r.address) as NonNullable<ReturnType<typeof provenance.get>> };
  const findings: Finding[] = [];
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
  };

  for (const r of input.resources) {
    const p = ctx.provenance(r);
    const applicable = concernsNonHumanIdentity(r.entry, r.props) === false ? [] : rules.filter((rule) => appliesToKind(rule, r, scope));
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
      const seen = new Set<string>();
      for (const f of result.findings) {
        const id = f.key ?? "";
        if (seen.has(id)) continue; // one finding per granular id and resource
        seen.add(id);
        emit(rule, { address: r.address, type: r.nativeType }, f.message, f.key, f.severity, f.field);
      }
    }
  }

  const exemptionRecords = applyExemptions(findings, options.exemptions ?? [], config, clock);
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
    tool: { name: "nhi-governance", version: VERSION },
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
