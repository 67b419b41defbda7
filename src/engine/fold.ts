import { Rule, RuleFinding } from "../rules/rule";
import { severityRank } from "../spec/config";
import { IdentityResource } from "./model";
import { Finding } from "./report";

/** What the engine knows about a finding a rule reported, before it is folded. */
export interface RawFinding {
  rule: Rule;
  finding: RuleFinding;
  resource: IdentityResource;
}

const moreSevere = (a: Finding["severity"], b: Finding["severity"]) => (severityRank(b) > severityRank(a) ? b : a);

/** A sentence added to a message of the what / expected / fix kind: before its "Expected:", else at the end. */
function withSentence(message: string, sentence: string): string {
  const at = message.indexOf(". Expected: ");
  return at >= 0 ? `${message.slice(0, at)}. ${sentence}${message.slice(at)}` : `${message.replace(/\.?$/, ".")} ${sentence}`;
}

/** The attribute every part is about (`tags` for `tags.nhi:owner` and `tags.nhi:purpose`), if they share one. */
function commonField(parts: Finding[]): string | undefined {
  const heads = new Set(parts.map((p) => (p.field ?? "").split(".")[0]));
  const [head] = heads;
  return heads.size === 1 && head ? head : undefined;
}

/**
 * One finding per problem. After exemptions were applied to the granular findings:
 * - the findings of a rule with a `fold` on one resource (and one exemption, or none) become
 *   one finding, id = the rule id, `parts` = their granular ids; when the resource has an active
 *   finding of the fold's `into` rule, they are a sentence of that finding instead;
 * - a finding `partOf` another resource's finding that is reported (active) is listed in that
 *   finding's `parts` (`<findingId> @ <address>`) instead of standing alone.
 * Nothing active is dropped without becoming part of an active finding, and the part's severity
 * is kept (the finding that takes it in gets the higher one), so pass or fail never changes.
 */
export function foldFindings(findings: Finding[], raws: readonly (RawFinding | undefined)[]): Finding[] {
  // Findings by resource address (one lookup per finding on a string whose hash is cached), then
  // by rule id or finding id; groups in the order they were met (the order sentences are added in).
  const slots = new Map<string, Slot>();
  const slotOf = (address: string): Slot => {
    let s = slots.get(address);
    if (!s) slots.set(address, (s = {}));
    return s;
  };
  const groups: Group[] = [];
  const out: Finding[] = [];
  /** What out[i] came from. */
  const outRaw: (RawFinding | undefined)[] = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    const r = raws[i];
    if (!r?.rule.fold) {
      out.push(f);
      outRaw.push(r);
      continue;
    }
    const slot = slotOf(f.address);
    const k = f.exemptedBy ? `${f.ruleId}\u0000${f.exemptedBy.ticket}` : f.ruleId;
    const g = (slot.groups ??= new Map()).get(k);
    if (g) {
      g.findings.push(f);
      g.raws.push(r);
    } else {
      const group = { findings: [f], raws: [r] };
      slot.groups.set(k, group);
      groups.push(group);
    }
  }
  for (const f of out) {
    if (f.exemptedBy) continue;
    const slot = slotOf(f.address);
    const byRule = (slot.byRule ??= new Map());
    if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, f);
    (slot.byId ??= new Map()).set(f.findingId, f);
  }
  /** Findings whose parts grew: sorted once at the end (the same list as sorting after every addition). */
  const grown = new Set<Finding>();
  for (const { findings: group, raws } of groups) {
    const first = raws[0];
    const fold = first.rule.fold!;
    const parts = raws.map((r) => r.finding);
    let severity = group[0].severity;
    for (let i = 1; i < group.length; i++) severity = moreSevere(severity, group[i].severity);
    const into = !group[0].exemptedBy && fold.into ? slots.get(group[0].address)?.byRule?.get(fold.into) : undefined;
    if (into) {
      into.message = withSentence(into.message, fold.sentence(first.resource, parts));
      const list = (into.parts ??= []);
      for (const f of group) list.push(f.findingId);
      grown.add(into);
      into.severity = moreSevere(into.severity, severity);
      continue;
    }
    if (group.length === 1) {
      out.push(group[0]);
      outRaw.push(first);
      continue;
    }
    const one: Finding = { ...group[0], findingId: first.rule.id, message: fold.message(first.resource, parts), severity, parts: group.map((f) => f.findingId).sort() };
    const field = commonField(group);
    if (field) one.field = field;
    else delete one.field;
    out.push(one);
    outRaw.push(undefined);
    if (!one.exemptedBy) {
      const byRule = (slotOf(one.address).byRule ??= new Map());
      if (!byRule.has(one.ruleId)) byRule.set(one.ruleId, one);
    }
  }
  const kept: Finding[] = [];
  for (let i = 0; i < out.length; i++) {
    const f = out[i];
    const to = f.exemptedBy ? undefined : outRaw[i]?.finding.partOf;
    const slot = to ? slots.get(to.address) : undefined;
    const target = to && slot ? (to.findingId ? slot.byId?.get(to.findingId) : slot.byRule?.get(to.ruleId)) : undefined;
    if (!target || target === f) {
      kept.push(f);
      continue;
    }
    (target.parts ??= []).push(`${f.findingId} @ ${f.address}`);
    grown.add(target);
    target.severity = moreSevere(target.severity, f.severity);
  }
  for (const f of grown) f.parts?.sort();
  return kept;
}

interface Slot {
  /** The first active finding of each rule on the resource (folded ones included). */
  byRule?: Map<string, Finding>;
  /** Active findings that were not folded, by finding id (the last of an id). */
  byId?: Map<string, Finding>;
  /** Findings of a folding rule, by rule id and exemption ticket. */
  groups?: Map<string, Group>;
}

interface Group {
  findings: Finding[];
  raws: RawFinding[];
}
