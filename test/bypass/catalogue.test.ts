/**
 * The bypass catalogue in docs/security.md is the data in catalogue.ts, and every row is
 * exercised: the test file it names has a test titled with its id that asserts the row
 * (expectBypass / expectRefusal, which compare exactly the row's expected findings).
 * NHI_UPDATE_DOCS=1 rewrites the docs section from the data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BYPASSES, catalogueMarkdown } from "./catalogue";

const DOC = path.join(__dirname, "..", "..", "docs", "security.md");
const START = "<!-- bypass-catalogue:start -->\n";
const END = "\n<!-- bypass-catalogue:end -->";

describe("the bypass catalogue (docs/security.md)", () => {
  it("is the data of test/bypass/catalogue.ts", () => {
    let doc = fs.readFileSync(DOC, "utf8");
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect([from >= 0, to > from]).toEqual([true, true]);
    if (process.env.NHI_UPDATE_DOCS === "1") {
      doc = doc.slice(0, from + START.length) + catalogueMarkdown() + doc.slice(to);
      fs.writeFileSync(DOC, doc);
    }
    expect(doc.slice(from + START.length, to)).toBe(catalogueMarkdown());
  });

  it("has unique ids, one test file per row that exists, and expected findings or a refusal", () => {
    const ids = BYPASSES.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of BYPASSES) {
      expect([b.id, fs.existsSync(path.join(__dirname, b.test))]).toEqual([b.id, true]);
      expect([b.id, b.expected.length > 0, b.expected.every((e) => e.includes(" @ ") || e.startsWith("exit 2: "))]).toEqual([b.id, true, true]);
      expect([b.id, b.id.startsWith(`RC${b.rootCause}-`)]).toEqual([b.id, true]);
    }
  });

  it("every row is asserted by the test it names, under a test titled with its id", () => {
    for (const b of BYPASSES) {
      const source = fs.readFileSync(path.join(__dirname, b.test), "utf8");
      // Asserted by expectBypass("RCx-yy", ...) / expectRefusal("RCx-yy", ...), or listed as a case ("RCx-yy" in a table) that the file runs through expectBypass(id, ...).
      const asserted = new RegExp(`expect(Bypass|Refusal)\\("${b.id}"`).test(source) || (new RegExp(`\\[\\s*"${b.id}"`).test(source) && /expectBypass\(id,/.test(source)) || (source.includes(`"${b.id}"`) && /it\.each\(\[[^\]]*"RC/.test(source) && /expectBypass\(id,/.test(source));
      // Titled: a test title naming the id (it("RCx-yy: ...", it("RCx-yy / RCx-zz: ...")), or a case of an it.each(...)("%s...") table.
      const titled = new RegExp(`it\\(\\s*"(RC[0-9]-[0-9]+ / )*${b.id}[ :/]`).test(source) || (source.includes(`"${b.id}"`) && /it\.each\([^)]*\)\("%s/.test(source));
      expect([b.id, b.test, asserted, titled]).toEqual([b.id, b.test, true, true]);
    }
  });

  it("covers root causes 1, 3, 4 and 7", () => {
    expect([...new Set(BYPASSES.map((b) => b.rootCause))].sort()).toEqual([1, 3, 4, 7]);
  });
});
