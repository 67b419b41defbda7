import fc from "fast-check";
import { globMatch } from "../../src/util/glob";

/** The reference: the glob as an anchored regular expression (fine in a test; the gate never builds one from input). */
const reference = (pattern: string, text: string) =>
  new RegExp(`^${[...pattern].map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`).test(text);

describe("globMatch", () => {
  it("matches * and ? as exemptions document them", () => {
    expect(globMatch("aws_iam_role.*", "aws_iam_role.legacy")).toBe(true);
    expect(globMatch("module.*.aws_iam_role.x", "module.a.b.aws_iam_role.x")).toBe(true);
    expect(globMatch("aws_iam_role.?", "aws_iam_role.ab")).toBe(false);
    expect(globMatch("NHI-GOV-005[Action::s3:*]", "NHI-GOV-005[Action::s3:*]")).toBe(true);
  });

  it("treats * in the pattern as the wildcard where the text has a literal * (it did not: *x against *ax)", () => {
    expect(globMatch("*x", "*ax")).toBe(true);
    expect(globMatch("a*", "a*b")).toBe(true);
    expect(globMatch("*:*", "Action::*")).toBe(true);
  });

  it("agrees with the regular-expression reference on any pattern and text over a small alphabet", () => {
    const ch = fc.constantFrom("a", "b", "*", "?", ".");
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 8 }).map((a) => a.join("")), fc.array(ch, { maxLength: 10 }).map((a) => a.join("")), (pattern, text) => {
        expect(globMatch(pattern, text)).toBe(reference(pattern, text));
      }),
      { numRuns: 5000 },
    );
  });
});
