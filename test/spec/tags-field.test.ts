import { renderIdentity } from "../../src/render/aws";
import { specIssues } from "../../src/spec/identity";
import { clock, spec, validSpec } from "../helpers";

/** The spec's `tags`: other tags an identity carries beside the nhi:* ones (adopted identities keep theirs). */
describe("spec tags", () => {
  test("are rendered beside the lifecycle tags and sealed", () => {
    const withTags = renderIdentity(spec({ tags: { CostCenter: "cc-42", Team: "payments" } }));
    const without = renderIdentity(spec());
    expect(withTags.principal.tags).toMatchObject({ CostCenter: "cc-42", Team: "payments", "nhi:owner": "@acme/payments" });
    expect(withTags.principal.tags["nhi:seal"]).not.toBe(without.principal.tags["nhi:seal"]);
  });

  test.each([
    ["an nhi: key", { "nhi:owner": "x" }, "tags.nhi:owner", /not starting with nhi:/],
    ["an aws: key", { "aws:cloudformation:stack-name": "x" }, "tags.aws:cloudformation:stack-name", /not starting with aws:/],
    ["a value AWS refuses", { Team: "a|b" }, "tags.Team", /a tag AWS accepts/],
    ["a non-string value", { Team: 3 }, "tags.Team", /a tag value \(text\)/],
    ["more than IAM's 50 tags", Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"])), "tags", /at most 39 tags beside the 11 nhi:\* tags/],
  ])("reject %s, naming the field", (_label, tags, path, message) => {
    const { issues } = specIssues(validSpec({ tags: tags as never }), { clock });
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0].message).toMatch(message);
  });
});
