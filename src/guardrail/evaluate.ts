import { globMatch } from "../util/glob";
import { PolicyDocument, PolicyStatement } from "./policy";

/**
 * The smallest IAM policy evaluator that decides the guardrail's policies the way AWS does, for
 * exactly the operators they use. Written here because no permissively licensed library does:
 * pbac 0.3.2 (MIT) evaluates only the first key under an operator, ORs the values of negated
 * operators (AWS: NOR), reads a missing key as the key's own name (so `Null` never sees it
 * missing and `ForAnyValue` on a missing `aws:TagKeys` can match), and matches actions
 * case-sensitively; @cloud-copilot/iam-simulate is AGPL. See docs/guardrail.md "How it is proven".
 *
 * The rules implemented, from the IAM User Guide ("Condition operators", "Conditions with
 * multiple context keys or values", "Single-valued vs. multivalued context keys", "Policy
 * evaluation logic"):
 * - Several operators in a Condition, and several keys under one operator: all must hold (AND).
 *   Several values for one key: any may match (OR); for a negated operator (`StringNotLike`,
 *   `ArnNotLike`, `StringNotEquals`...): the key must match none of them (NOR).
 * - A key missing from the request: the condition is false, except for negated operators (true),
 *   `...IfExists` (true) and `Null` (which tests exactly that).
 * - `ForAnyValue:`: true when at least one request value matches; false when the key is missing
 *   or empty. `ForAllValues:`: true when every request value matches; true when missing or empty.
 * - `StringLike`: `*` any run of characters, `?` one; case-sensitive. `ArnLike`/`ArnEquals`:
 *   the same, on each of the six colon-separated parts of the ARN separately (the sixth, the
 *   resource, keeps any further colons). Condition key names are case-insensitive.
 * - Action names match case-insensitively, with `*` and `?`.
 * - Explicit deny wins; otherwise an allow is needed. An SCP is modelled as deny-only over an
 *   allow-all (FullAWSAccess, attached at every level); a boundary as allowing only what it allows.
 * Anything outside this subset (another operator, a set operator with IfExists, policy variables,
 * a multivalued key without a set operator) throws: the evaluator never guesses.
 */

export type ContextValue = string | string[];

/** One request: the action, the resource, and the request context keys (missing = absent). */
export interface Request {
  action: string;
  resource?: string;
  context: Record<string, ContextValue | undefined>;
}

export type Decision = "allow" | "deny";

export class UnsupportedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedPolicyError";
  }
}

/** `*` matches any run of characters (none included), `?` exactly one; everything else itself. */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  // The same linear-time matcher as exemptions and config globs (src/util/glob.ts).
  return ignoreCase ? globMatch(pattern.toLowerCase(), text.toLowerCase()) : globMatch(pattern, text);
}

/** The six parts of an ARN (the sixth keeps its colons), or undefined when it has fewer. */
export function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** `ArnLike`: each of the six parts matched on its own, so a wildcard never spans a colon before the resource. */
export function arnLike(pattern: string, arn: string): boolean {
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (!p || !a) return false;
  return p.every((part, i) => wildcardMatch(part, a[i]));
}

type Base = "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" | "ArnLike" | "ArnEquals";
const NEGATED: Record<string, Base> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  ArnNotLike: "ArnLike",
  ArnNotEquals: "ArnEquals",
};
const BASES = new Set<string>(["StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnLike", "ArnEquals"]);

function matchOne(base: Base, policyValue: string, value: string): boolean {
  switch (base) {
    case "StringEquals":
      return policyValue === value;
    case "StringEqualsIgnoreCase":
      return policyValue.toLowerCase() === value.toLowerCase();
    case "StringLike":
      return wildcardMatch(policyValue, value);
    case "ArnLike":
    case "ArnEquals":
      return arnLike(policyValue, value);
  }
}

interface ParsedOperator {
  set?: "ForAnyValue" | "ForAllValues";
  base?: Base;
  negated: boolean;
  ifExists: boolean;
  isNull: boolean;
}

export function parseOperator(operator: string): ParsedOperator {
  let rest = operator;
  let set: ParsedOperator["set"];
  const m = /^(ForAnyValue|ForAllValues):(.+)$/.exec(rest);
  if (m) {
    set = m[1] as ParsedOperator["set"];
    rest = m[2];
  }
  if (rest === "Null") {
    if (set) throw new UnsupportedPolicyError(`condition operator ${operator}: Null takes no set operator`);
    return { negated: false, ifExists: false, isNull: true };
  }
  let ifExists = false;
  if (rest.endsWith("IfExists")) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  if (set && ifExists) throw new UnsupportedPolicyError(`condition operator ${operator}: set operators with IfExists are outside what this evaluator decides`);
  if (BASES.has(rest)) return { set, base: rest as Base, negated: false, ifExists, isNull: false };
  if (rest in NEGATED) return { set, base: NEGATED[rest], negated: true, ifExists, isNull: false };
  throw new UnsupportedPolicyError(`condition operator ${operator} is outside what this evaluator decides`);
}

function contextValue(context: Request["context"], key: string): ContextValue | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** One operator on one key. */
export function conditionHolds(operator: string, key: string, policyValues: string | string[], context: Request["context"]): boolean {
  const op = parseOperator(operator);
  const values = asList(policyValues);
  for (const v of values) {
    if (typeof v !== "string") throw new UnsupportedPolicyError(`condition ${operator} ${key}: values must be strings`);
    if (v.includes("${")) throw new UnsupportedPolicyError(`condition ${operator} ${key}: policy variables are outside what this evaluator decides`);
  }
  const actual = contextValue(context, key);
  const absent = actual === undefined || (Array.isArray(actual) && actual.length === 0);
  if (op.isNull) {
    if (values.length !== 1 || !["true", "false"].includes(values[0])) throw new UnsupportedPolicyError(`condition Null ${key}: expected "true" or "false"`);
    return values[0] === "true" ? absent : !absent;
  }
  const base = op.base as Base;
  // The test of one request value: any policy value matches (OR), or for a negated operator none does (NOR).
  const test = (value: string) => {
    const any = values.some((p) => matchOne(base, p, value));
    return op.negated ? !any : any;
  };
  if (op.set) {
    const list = absent ? [] : asList(actual as ContextValue);
    return op.set === "ForAnyValue" ? list.some(test) : list.every(test);
  }
  if (absent) return op.ifExists || op.negated;
  if (Array.isArray(actual)) {
    if (actual.length !== 1) throw new UnsupportedPolicyError(`condition ${operator} ${key}: a multivalued key needs ForAnyValue: or ForAllValues:`);
    return test(actual[0]);
  }
  return test(actual);
}

/** A Condition block: every operator, every key under it (AND). */
export function conditionBlockHolds(condition: PolicyStatement["Condition"], context: Request["context"]): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) => Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)));
}

const actionMatches = (patterns: string | string[], action: string) => asList(patterns).some((p) => wildcardMatch(p, action, true));
const resourceMatches = (patterns: string | string[], resource: string) => asList(patterns).some((p) => p === "*" || arnLike(p, resource));

/** Whether a statement applies to the request (its effect aside). */
export function statementApplies(st: PolicyStatement, req: Request): boolean {
  if (st.Action !== undefined && !actionMatches(st.Action, req.action)) return false;
  if (st.NotAction !== undefined && actionMatches(st.NotAction, req.action)) return false;
  const resource = req.resource ?? "*";
  if (st.Resource !== undefined && !resourceMatches(st.Resource, resource)) return false;
  if (st.NotResource !== undefined && resourceMatches(st.NotResource, resource)) return false;
  return conditionBlockHolds(st.Condition, req.context);
}

const statements = (docs: PolicyDocument[]) => docs.flatMap((d) => (Array.isArray(d.Statement) ? d.Statement : [d.Statement]));

/** The statements that decide the request: the denies that apply, the allows that apply. */
export function explain(docs: PolicyDocument[], req: Request): { denies: PolicyStatement[]; allows: PolicyStatement[] } {
  const all = statements(docs).filter((s) => statementApplies(s, req));
  return { denies: all.filter((s) => s.Effect === "Deny"), allows: all.filter((s) => s.Effect === "Allow") };
}

/**
 * SCPs over FullAWSAccess: allowed unless a statement denies. (AWS also needs an identity policy
 * that allows; the guardrail is judged on its own, as if the caller's own policies allowed all.)
 */
export function evaluateScp(docs: PolicyDocument[], req: Request): Decision {
  return explain(docs, req).denies.length ? "deny" : "allow";
}

/** A permissions boundary: allowed only where it allows and does not deny. */
export function evaluateBoundary(doc: PolicyDocument, req: Request): Decision {
  const { denies, allows } = explain([doc], req);
  return !denies.length && allows.length ? "allow" : "deny";
}
