/**
 * The guardrail's evaluator against AWS's documented rules (IAM User Guide: "Condition
 * operators", "Conditions with multiple context keys or values", "Single-valued vs. multivalued
 * context keys", "Policy evaluation logic"). The properties compare it with oracles written
 * from the documented rule, not from the implementation: a regular expression for wildcards,
 * set formulas for ForAnyValue/ForAllValues, NOR for negated operators.
 */
import fc from "fast-check";
import { arnLike, conditionBlockHolds, conditionHolds, evaluateBoundary, evaluateScp, parseOperator, UnsupportedPolicyError, wildcardMatch } from "../../src/guardrail/evaluate";
import { PolicyStatement } from "../../src/guardrail/policy";

const RUNS = { numRuns: 400 };

/** The documented meaning of `*` and `?`, as a regular expression over the escaped pattern. */
function oracleLike(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : `\\${c}`));
  return new RegExp(`^${re}$`).test(text);
}
/** ArnLike as documented: each of the six colon-delimited parts checked separately. */
function oracleArnLike(pattern: string, arn: string): boolean {
  const split = (s: string) => {
    const p = s.split(":");
    return p.length < 6 ? undefined : [...p.slice(0, 5), p.slice(5).join(":")];
  };
  const p = split(pattern);
  const a = split(arn);
  return !!p && !!a && p.every((part, i) => oracleLike(part, a[i]));
}

const chars = (alphabet: string, max = 8) => fc.array(fc.constantFrom(...alphabet.split("")), { maxLength: max }).map((cs) => cs.join(""));
const patternArb = chars("ab*?:/", 8);
const textArb = chars("ab*?:/", 10);
const part = chars("ab1*?", 4);
const arnArb = fc.tuple(part, part, part, part, chars("ab:/1*", 8)).map(([a, b, c, d, e]) => `arn:${a}:${b}:${c}:${d}:${e}`);
const arnTextArb = fc.tuple(chars("ab1", 3), chars("ab1", 3), chars("ab1", 3), chars("ab1", 3), chars("ab:/1", 8)).map(([a, b, c, d, e]) => `arn:${a}:${b}:${c}:${d}:${e}`);

describe("wildcards", () => {
  it("StringLike: * is any run of characters, ? exactly one, everything else itself (also * and ? in the text)", () => {
    fc.assert(fc.property(patternArb, textArb, (p, t) => wildcardMatch(p, t) === oracleLike(p, t)), { numRuns: 2000 });
  });

  it("is case-sensitive, except for action names", () => {
    expect(wildcardMatch("nhi:*", "NHI:owner")).toBe(false);
    expect(wildcardMatch("iam:Create*", "iam:createrole", true)).toBe(true);
  });

  it("ArnLike checks each of the six parts separately: a wildcard does not span a colon before the resource", () => {
    fc.assert(fc.property(arnArb, arnTextArb, (p, a) => arnLike(p, a) === oracleArnLike(p, a)), { numRuns: 2000 });
    expect(arnLike("arn:aws:iam::*:role/deploy", "arn:aws:iam::111111111111:role/deploy")).toBe(true);
    expect(arnLike("arn:aws:iam::*:role/deploy", "arn:aws:iam::111:222:role/deploy")).toBe(false);
    expect(arnLike("arn:aws:iam::*:role/*", "arn:aws:iam::111111111111:role/a:b/c")).toBe(true);
    expect(arnLike("arn:aws:iam::*:role/x", "not-an-arn")).toBe(false);
  });
});

const ctx = (entries: Record<string, string | string[] | undefined>) => entries;

describe("condition operators (Condition operators; Conditions with multiple context keys or values)", () => {
  it("several values for one key are ORed; for a negated operator they are NORed", () => {
    fc.assert(
      fc.property(textArb, fc.array(patternArb, { minLength: 1, maxLength: 4 }), (value, patterns) => {
        const any = patterns.some((p) => oracleLike(p, value));
        expect(conditionHolds("StringLike", "k", patterns, ctx({ k: value }))).toBe(any);
        expect(conditionHolds("StringNotLike", "k", patterns, ctx({ k: value }))).toBe(!any);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(arnTextArb, fc.array(arnArb, { minLength: 1, maxLength: 4 }), (value, patterns) => {
        const any = patterns.some((p) => oracleArnLike(p, value));
        expect(conditionHolds("ArnLike", "aws:PrincipalArn", patterns, ctx({ "aws:PrincipalArn": value }))).toBe(any);
        expect(conditionHolds("ArnNotLike", "aws:PrincipalArn", patterns, ctx({ "aws:PrincipalArn": value }))).toBe(!any);
      }),
      RUNS,
    );
    // The AWS example: StringNotEquals with two values holds only when the key equals neither.
    const role = (v: string) => ctx({ "aws:PrincipalTag/role": v });
    expect(conditionHolds("StringNotEquals", "aws:PrincipalTag/role", ["audit", "security"], role("audit"))).toBe(false);
    expect(conditionHolds("StringNotEquals", "aws:PrincipalTag/role", ["audit", "security"], role("dev"))).toBe(true);
  });

  const operators = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"];

  it("a missing key: false, except for negated operators and ...IfExists (true); Null tests exactly that", () => {
    for (const op of operators) {
      const negated = op.includes("Not");
      expect([op, conditionHolds(op, "aws:RequestTag/nhi:owner", "x", {})]).toEqual([op, negated]);
      expect([op, conditionHolds(`${op}IfExists`, "aws:RequestTag/nhi:owner", "x", {})]).toEqual([op, true]);
    }
    expect(conditionHolds("Null", "aws:RequestTag/nhi:owner", "true", {})).toBe(true);
    expect(conditionHolds("Null", "aws:RequestTag/nhi:owner", "false", {})).toBe(false);
    expect(conditionHolds("Null", "aws:RequestTag/nhi:owner", "true", { "aws:RequestTag/nhi:owner": "" })).toBe(false);
    expect(conditionHolds("Null", "aws:RequestTag/nhi:owner", "false", { "aws:RequestTag/nhi:owner": "@acme" })).toBe(true);
  });

  it("...IfExists on a present key is the operator itself", () => {
    fc.assert(
      fc.property(fc.constantFrom(...operators), textArb, fc.array(patternArb, { minLength: 1, maxLength: 3 }), (op, value, values) => {
        expect(conditionHolds(`${op}IfExists`, "k", values, { k: value })).toBe(conditionHolds(op, "k", values, { k: value }));
      }),
      RUNS,
    );
  });

  it("ForAnyValue: some request value matches (false when the key is missing or empty); ForAllValues: every one does (true when missing or empty)", () => {
    fc.assert(
      fc.property(fc.option(fc.array(textArb, { maxLength: 4 }), { nil: undefined }), fc.array(patternArb, { minLength: 1, maxLength: 3 }), (set, patterns) => {
        const keys = set ?? [];
        const like = (v: string) => patterns.some((p) => oracleLike(p, v));
        const c = { "aws:TagKeys": set };
        expect(conditionHolds("ForAnyValue:StringLike", "aws:TagKeys", patterns, c)).toBe(keys.some(like));
        expect(conditionHolds("ForAllValues:StringLike", "aws:TagKeys", patterns, c)).toBe(keys.every(like));
        expect(conditionHolds("ForAnyValue:StringNotLike", "aws:TagKeys", patterns, c)).toBe(keys.some((v) => !like(v)));
        expect(conditionHolds("ForAllValues:StringNotLike", "aws:TagKeys", patterns, c)).toBe(keys.every((v) => !like(v)));
      }),
      RUNS,
    );
    // The AWS example: ForAllValues:StringLike "Created*" over ["CreatedBy", "CreatedAt"] holds; a missing key holds too.
    expect(conditionHolds("ForAllValues:StringLike", "aws:TagKeys", "Created*", { "aws:TagKeys": ["CreatedBy", "CreatedAt"] })).toBe(true);
    expect(conditionHolds("ForAllValues:StringLike", "aws:TagKeys", "Created*", {})).toBe(true);
    expect(conditionHolds("ForAnyValue:StringEqualsIgnoreCase", "aws:TagKeys", ["nhi:seal"], { "aws:TagKeys": ["team", "NHI:Seal"] })).toBe(true);
  });

  it("several keys under one operator, and several operators, are ANDed", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("StringLike", "StringNotLike"), fc.constantFrom("a", "b", "c"), patternArb, fc.option(textArb, { nil: undefined })), { minLength: 1, maxLength: 4 }), (parts) => {
        const condition: Record<string, Record<string, string>> = {};
        const context: Record<string, string | undefined> = {};
        const seen = new Set<string>();
        let expected = true;
        for (const [op, key, pattern, value] of parts) {
          if (seen.has(`${op}/${key}`) || (key in context && context[key] !== value)) continue;
          seen.add(`${op}/${key}`);
          (condition[op] ??= {})[key] = pattern;
          context[key] = value;
          const holds = value === undefined ? op === "StringNotLike" : oracleLike(pattern, value) === (op === "StringLike");
          expected = expected && holds;
        }
        expect(conditionBlockHolds(condition, context)).toBe(expected);
      }),
      RUNS,
    );
  });

  it("condition key names are case-insensitive", () => {
    expect(conditionHolds("ArnLike", "AWS:principalarn", "arn:aws:iam::*:role/x", { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/x" })).toBe(true);
  });

  it("refuses what it does not decide instead of guessing", () => {
    expect(() => conditionHolds("NumericLessThan", "k", "1", { k: "0" })).toThrow(UnsupportedPolicyError);
    // re:Post "ForAnyValue:StringEqualsIfExists behaving unexpectedly": a missing key still fails ForAnyValue; not modelled.
    expect(() => parseOperator("ForAnyValue:StringEqualsIfExists")).toThrow(/set operators with IfExists/);
    expect(() => conditionHolds("StringLike", "aws:TagKeys", "a", { "aws:TagKeys": ["a", "b"] })).toThrow(/multivalued/);
    expect(() => conditionHolds("StringEquals", "k", "${aws:username}", { k: "x" })).toThrow(/policy variables/);
    expect(() => parseOperator("ForAnyValue:Null")).toThrow(UnsupportedPolicyError);
  });
});

describe("policy evaluation logic", () => {
  // Each generated statement names the request's action or another one: whether it applies is known without the evaluator.
  const stmtArb = fc.record({ effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Deny"), applies: fc.boolean(), viaWildcard: fc.boolean() });
  it("an explicit deny wins; an SCP (over FullAWSAccess) denies only by a deny; a boundary allows only what it allows", () => {
    fc.assert(
      fc.property(fc.array(stmtArb, { maxLength: 6 }), (specs) => {
        const statements: PolicyStatement[] = specs.map((s) => ({ Effect: s.effect, Action: s.applies ? (s.viaWildcard ? "IAM:Create*" : "iam:createrole") : "iam:DeleteRole", Resource: "*" }));
        const doc = { Version: "2012-10-17" as const, Statement: statements };
        const req = { action: "iam:CreateRole", context: {} };
        const denied = specs.some((s) => s.applies && s.effect === "Deny");
        const allowed = specs.some((s) => s.applies && s.effect === "Allow");
        expect(evaluateScp([doc], req)).toBe(denied ? "deny" : "allow");
        expect(evaluateBoundary(doc, req)).toBe(!denied && allowed ? "allow" : "deny");
      }),
      RUNS,
    );
  });

  it("Resource and NotResource match ARNs part by part", () => {
    const doc = { Version: "2012-10-17" as const, Statement: [{ Effect: "Deny" as const, Action: "iam:DeletePolicy", Resource: "arn:aws:iam::*:policy/nhi-boundary" }] };
    expect(evaluateScp([doc], { action: "iam:DeletePolicy", resource: "arn:aws:iam::111111111111:policy/nhi-boundary", context: {} })).toBe("deny");
    expect(evaluateScp([doc], { action: "iam:DeletePolicy", resource: "arn:aws:iam::111111111111:policy/other", context: {} })).toBe("allow");
  });
});
