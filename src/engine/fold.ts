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

const key = (address: string, ruleId: string) => `${address}\u0000${ruleId}`;
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
export function foldFindings(findings: Finding[], raw: Map<Finding, RawFinding>): Finding[] {
  const groups = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const r = raw.get(f);
    if (!r?.rule.fold) {
      out.push(f);
      continue;
    }
    const k = `${key(f.address, f.ruleId)}\u0000${f.exemptedBy?.ticket ?? ""}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const active = new Map<string, Finding>();
  const activeById = new Map<string, Finding>();
  for (const f of out) {
    if (f.exemptedBy) continue;
    if (!active.has(key(f.address, f.ruleId))) active.set(key(f.address, f.ruleId), f);
    activeById.set(key(f.address, f.findingId), f);
  }
  for (const group of groups.values()) {
    const first = raw.get(group[0]) as RawFinding;
    const fold = first.rule.fold!;
    const parts = group.map((f) => (raw.get(f) as RawFinding).finding);
    const severity = group.map((f) => f.severity).reduce(moreSevere);
    const into = !group[0].exemptedBy && fold.into ? active.get(key(group[0].address, fold.into)) : undefined;
    if (into) {
      into.message = withSentence(into.message, fold.sentence(first.resource, parts));
      into.parts = [...(into.parts ?? []), ...group.map((f) => f.findingId)].sort();
      into.severity = moreSevere(into.severity, severity);
      continue;
    }
    if (group.length === 1) {
      out.push(group[0]);
      continue;
    }
    const one: Finding = { ...group[0], findingId: first.rule.id, message: fold.message(first.resource, parts), severity, parts: group.map((f) => f.findingId).sort() };
    const field = commonField(group);
    if (field) one.field = field;
    else delete one.field;
    out.push(one);
    if (!one.exemptedBy && !active.has(key(one.address, one.ruleId))) active.set(key(one.address, one.ruleId), one);
  }
  return out.filter((f) => {
    const to = f.exemptedBy ? undefined : raw.get(f)?.finding.partOf;
    const target = to ? (to.findingId ? activeById.get(key(to.address, to.findingId)) : active.get(key(to.address, to.ruleId))) : undefined;
    if (!target || target === f) return true;
    target.parts = [...(target.parts ?? []), `${f.findingId} @ ${f.address}`].sort();
    target.severity = moreSevere(target.severity, f.severity);
    return false;
  });
}
