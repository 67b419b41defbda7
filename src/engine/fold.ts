import { Rule, RuleFinding } from "../rules/rule";
import { severityRank } from "../spec/config";
import { IdentityResource } from "./model";
import { Finding } from "./report";
import { sortStrings } from "../util/sort";

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
 * `raws[i]` is what `findings[i]` came from (undefined for the engine's own findings).
 */
export function foldFindings(findings: Finding[], raws: readonly (RawFinding | undefined)[]): Finding[] {
  const folder = new Folder();
  folder.add(findings, raws);
  return folder.finish();
}

/**
 * `foldFindings` fed in batches, so the engine can fold each resource's findings as soon as the
 * resource is judged, instead of keeping every granular finding (a dozen per legacy identity) to
 * the end. `fold()` folds the groups met so far: exact when no finding added later has the same
 * address as one added before (the engine calls it after each resource when addresses are
 * unique); `finish()` folds the rest and resolves `partOf` (across resources, so at the end).
 */
export class Folder {
  // Findings by resource address (one lookup per finding on a string whose hash is cached), then
  // by rule id or finding id; groups in the order they were met (the order sentences are added in).
  private readonly slots = new Map<string, Slot>();
  private pending: Group[] = [];
  /** Findings that are not folded, in the order they came, then what the groups became, in group order. */
  private readonly out: Finding[] = [];
  private readonly outRaw: (RawFinding | undefined)[] = [];
  private readonly folded: Finding[] = [];
  private readonly foldedRaw: (RawFinding | undefined)[] = [];
  /** Findings whose parts grew: sorted once at the end (the same list as sorting after every addition). */
  private readonly grown = new Set<Finding>();

  /** The slot met last: a resource's findings come one after another. */
  private lastAddress: string | undefined;
  private lastSlot: Slot | undefined;

  private slotOf(address: string): Slot {
    if (address === this.lastAddress) return this.lastSlot as Slot;
    let s = this.slots.get(address);
    if (!s) this.slots.set(address, (s = {}));
    this.lastAddress = address;
    this.lastSlot = s;
    return s;
  }

  /** Add findings[from..] (exemptions already applied); `raws[i]` is what findings[i] came from. */
  add(findings: readonly Finding[], raws: readonly (RawFinding | undefined)[], from = 0): void {
    for (let i = from; i < findings.length; i++) {
      const f = findings[i];
      const r = raws[i];
      if (!r?.rule.fold) {
        this.out.push(f);
        this.outRaw.push(r);
        if (f.exemptedBy) continue;
        const slot = this.slotOf(f.address);
        const byRule = (slot.byRule ??= new Map());
        if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, f);
        (slot.byId ??= new Map()).set(f.findingId, f);
        continue;
      }
      const slot = this.slotOf(f.address);
      const k = f.exemptedBy ? `${f.ruleId}\u0000${f.exemptedBy.ticket}` : f.ruleId;
      const g = (slot.groups ??= new Map()).get(k);
      if (g) {
        g.findings.push(f);
        g.raws.push(r);
      } else {
        const group = { findings: [f], raws: [r] };
        slot.groups.set(k, group);
        this.pending.push(group);
      }
    }
  }

  /** Fold the groups added so far. */
  fold(): void {
    for (const { findings: group, raws } of this.pending) {
      const first = raws[0];
      const fold = first.rule.fold!;
      const parts = raws.map((r) => r.finding);
      let severity = group[0].severity;
      for (let i = 1; i < group.length; i++) severity = moreSevere(severity, group[i].severity);
      const slot = this.slotOf(group[0].address);
      // Folded: the group is not met again.
      slot.groups?.delete(group[0].exemptedBy ? `${group[0].ruleId}\u0000${group[0].exemptedBy.ticket}` : group[0].ruleId);
      const into = !group[0].exemptedBy && fold.into ? slot.byRule?.get(fold.into) : undefined;
      if (into) {
        into.message = withSentence(into.message, fold.sentence(first.resource, parts));
        const list = (into.parts ??= []);
        for (const f of group) list.push(f.findingId);
        this.grown.add(into);
        into.severity = moreSevere(into.severity, severity);
        continue;
      }
      if (group.length === 1) {
        this.folded.push(group[0]);
        this.foldedRaw.push(first);
        continue;
      }
      const one: Finding = { ...group[0], findingId: first.rule.id, message: fold.message(first.resource, parts), severity, parts: sortStrings(group.map((f) => f.findingId)) };
      const field = commonField(group);
      if (field) one.field = field;
      else delete one.field;
      this.folded.push(one);
      this.foldedRaw.push(undefined);
      if (!one.exemptedBy) {
        const byRule = (slot.byRule ??= new Map());
        if (!byRule.has(one.ruleId)) byRule.set(one.ruleId, one);
      }
    }
    this.pending = [];
  }

  /** Fold what is left, resolve `partOf`: the findings to report. */
  finish(): Finding[] {
    this.fold();
    const kept: Finding[] = [];
    const { slots, grown } = this;
    const consider = (f: Finding, raw: RawFinding | undefined) => {
      const to = f.exemptedBy ? undefined : raw?.finding.partOf;
      const slot = to ? slots.get(to.address) : undefined;
      const target = to && slot ? (to.findingId ? slot.byId?.get(to.findingId) : slot.byRule?.get(to.ruleId)) : undefined;
      if (!target || target === f) {
        kept.push(f);
        return;
      }
      (target.parts ??= []).push(`${f.findingId} @ ${f.address}`);
      grown.add(target);
      target.severity = moreSevere(target.severity, f.severity);
    };
    for (let i = 0; i < this.out.length; i++) consider(this.out[i], this.outRaw[i]);
    for (let i = 0; i < this.folded.length; i++) consider(this.folded[i], this.foldedRaw[i]);
    for (const f of grown) if (f.parts) sortStrings(f.parts);
    return kept;
  }
}

interface Slot {
  /** The first active finding of each rule on the resource (folded ones included). */
  byRule?: Map<string, Finding>;
  /** Active findings that were not folded, by finding id (the last of an id). */
  byId?: Map<string, Finding>;
  /** Findings of a folding rule not folded yet, by rule id and exemption ticket. */
  groups?: Map<string, Group>;
}

interface Group {
  findings: Finding[];
  raws: RawFinding[];
}
