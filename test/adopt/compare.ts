/**
 * "Only governed additions differ": an adopted principal, as the governed declaration renders it
 * (synthesized JSON, a plan's `after`, Pulumi inputs), compared with what existed (a state).
 * Returns every difference that is not a governed addition; the tests expect none.
 */
import { canonicalJson, normalizePolicy } from "../../src/iam/policy";
import { awsManagedPolicy, isAwsManagedPolicyArn } from "../../src/iam/managed-policies";
import { stateResources } from "./fixtures";
import { ResourceGraph } from "../../src/engine/graph";
import { EvaluationInput } from "../../src/engine/model";
import { Report } from "../../src/engine/report";
import { evaluate } from "../../src/engine/evaluate";
import { fixedClock } from "../../src/engine/clock";
import { catalogByTerraformType } from "../../src/catalog";

type State = { values: { root_module: Record<string, unknown> } };

/** A statement without its id and without the governed time bound, in normal form. */
export function statementKey(st: Record<string, unknown>): string {
  const { Sid: _sid, ...rest } = st;
  const cond = rest.Condition as Record<string, Record<string, unknown>> | undefined;
  if (cond?.DateLessThan) {
    const { "aws:CurrentTime": _t, ...others } = cond.DateLessThan;
    const next: Record<string, unknown> = { ...cond };
    if (Object.keys(others).length) next.DateLessThan = others;
    else delete next.DateLessThan;
    if (Object.keys(next).length) rest.Condition = next;
    else delete rest.Condition;
  }
  const normal = normalizePolicy({ Version: "2012-10-17", Statement: [rest] }).Statement[0];
  // StringLike with values that have no wildcard is StringEquals (the same for IAM).
  const like = normal.Condition?.StringLike;
  if (like && normal.Condition) {
    const cond: Record<string, Record<string, string[]>> = { ...normal.Condition, StringLike: { ...like } };
    for (const [k, v] of Object.entries(like)) {
      if (v.some((x) => /[*?]/.test(x))) continue;
      cond.StringEquals = { ...(cond.StringEquals ?? {}), [k]: v };
      delete cond.StringLike[k];
    }
    if (!Object.keys(cond.StringLike).length) delete (cond as Record<string, unknown>).StringLike;
    return canonicalJson({ ...normal, Condition: cond });
  }
  return canonicalJson(normal);
}

const statementsOf = (doc: unknown): Record<string, unknown>[] => {
  const d = (typeof doc === "string" ? JSON.parse(doc) : doc) as { Statement: unknown };
  return (Array.isArray(d.Statement) ? d.Statement : [d.Statement]) as Record<string, unknown>[];
};

/** What a principal of the state may do: its inline and attached policies' statements. */
export function originalStatements(state: State, type: "role" | "user", name: string): string[] {
  const all = stateResources(state);
  const values = all.find((r) => r.type === `aws_iam_${type}` && r.values.name === name)?.values;
  if (!values) throw new Error(`no ${type} ${name} in the state`);
  const docs: unknown[] = [];
  const arns: string[] = [];
  if (type === "role") {
    for (const p of (values.inline_policy as { policy: unknown }[] | undefined) ?? []) docs.push(p.policy);
    arns.push(...(((values.managed_policy_arns as string[] | undefined) ?? []) as string[]));
  } else {
    for (const r of all.filter((x) => x.type === "aws_iam_user_policy" && x.values.user === name)) docs.push(r.values.policy);
    for (const r of all.filter((x) => x.type === "aws_iam_user_policy_attachment" && x.values.user === name)) arns.push(String(r.values.policy_arn));
  }
  for (const arn of arns) {
    if (isAwsManagedPolicyArn(arn)) docs.push((awsManagedPolicy(arn) as { document: unknown }).document);
    else {
      const p = all.find((r) => r.type === "aws_iam_policy" && r.values.arn === arn);
      if (p) docs.push(p.values.policy);
    }
  }
  return [...new Set(docs.flatMap(statementsOf).map(statementKey))].sort();
}

export interface Rendered {
  type: "role" | "user";
  props: Record<string, unknown>;
  /** The governed policy's document (JSON text or object). */
  policy: unknown;
}

/** Differences between an adopted principal and the original that are not governed additions. */
export function nonGovernedDifferences(state: State, adopted: Rendered, options: { trustLeftForAPerson?: boolean; placeholderStatements?: string[] } = {}): string[] {
  const name = String(adopted.props.name);
  const original = stateResources(state).find((r) => r.type === `aws_iam_${adopted.type}` && r.values.name === name)?.values;
  if (!original) return [`no ${adopted.type} ${name} in the state`];
  const out: string[] = [];
  const a = adopted.props;
  if (a.path !== (original.path ?? "/")) out.push(`path ${String(original.path)} -> ${String(a.path)}`);
  const tags = (a.tags ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries((original.tags ?? {}) as Record<string, string>)) if (tags[k] !== v) out.push(`tag ${k} ${v} -> ${tags[k]}`);
  for (const k of Object.keys(tags)) if (!k.startsWith("nhi:") && !(k in ((original.tags ?? {}) as object))) out.push(`tag ${k} added (not an nhi:* tag)`);
  if (original.permissions_boundary && original.permissions_boundary !== a.permissions_boundary) out.push(`boundary ${String(original.permissions_boundary)} -> ${String(a.permissions_boundary)}`);
  if (!a.permissions_boundary) out.push("no boundary");
  if (adopted.type === "role") {
    if (Number(original.max_session_duration ?? 3600) !== Number(a.max_session_duration ?? 3600)) out.push(`max_session_duration ${String(original.max_session_duration)} -> ${String(a.max_session_duration)}`);
    if (!options.trustLeftForAPerson && original.assume_role_policy !== undefined) {
      const before = statementsOf(original.assume_role_policy).map(statementKey).sort();
      const after = statementsOf(a.assume_role_policy).map(statementKey).sort();
      if (JSON.stringify(before) !== JSON.stringify(after)) out.push(`trust ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
  }
  const before = originalStatements(state, adopted.type, name);
  const after = [...new Set(statementsOf(adopted.policy).map(statementKey))].sort();
  for (const s of before) if (!after.includes(s)) out.push(`statement lost: ${s}`);
  const filled = new Set(options.placeholderStatements ?? []);
  for (const s of after) if (!before.includes(s) && !filled.has(s)) out.push(`statement added: ${s}`);
  return out;
}

/** Rules about provenance, integrity and lifecycle: an adopted identity has none of these. */
export const GOVERNANCE_RULES = ["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-003", "NHI-GOV-004", "NHI-GOV-000"];
export const PLACEHOLDER_STATEMENT = statementKey({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::adopt-test/*" });

/** The identity (principal name) each finding of a report belongs to: the principal's own, or the one its resource attaches to. */
export function findingsByIdentity(input: EvaluationInput, report: Report): Map<string, Set<string>> {
  const graph = new ResourceGraph(input.resources);
  const owner = new Map<string, string>();
  for (const r of input.resources) {
    if (r.entry.kind === "principal") owner.set(r.address, String(r.props.name));
    for (const l of graph.links(r)) for (const t of l.targets) if (t.entry.kind === "principal") owner.set(r.address, String(t.props.name));
  }
  const out = new Map<string, Set<string>>();
  for (const f of report.findings) {
    const who = owner.get(f.address);
    if (!who) continue;
    out.set(who, new Set([...(out.get(who) ?? []), f.ruleId]));
  }
  return out;
}


/** Findings on what each adopted identity could do before (its statements as one inline policy). */
export function grantsFindings(state: State, identities: { type: "role" | "user"; spec: Record<string, unknown> }[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const i of identities) {
    const statements = originalStatements(state, i.type, String(i.spec.name)).map((k) => JSON.parse(k) as Record<string, unknown>);
    if (!statements.length) continue;
    const type = `aws_iam_${i.type}_policy`;
    const resource = { address: `${type}.before`, nativeType: type, entry: catalogByTerraformType(type)!, action: "no-op" as const, props: { name: "before", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, unknownPaths: [], sensitivePaths: [], origin: { source: "terraform-state" as const } };
    const report = evaluate({ resources: [resource], scope: "all" }, { clock: fixedClock("2026-06-01T12:00:00Z") });
    out.set(String(i.spec.name), new Set(report.findings.map((f) => f.ruleId)));
  }
  return out;
}

