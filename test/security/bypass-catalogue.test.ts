import * as fs from "node:fs";
import * as path from "node:path";
import { BYPASSES, catalogueMarkdown, DOC } from "./bypass-catalogue";

describe("the bypass catalogue of issue 22 (root causes 2, 5, 6, 8) in docs/security.md", () => {
  it("docs/security.md carries the catalogue as test/security/bypass-catalogue.ts defines it", () => {
    // Regenerate with: node -r ./scripts/register-ts.js test/security/bypass-catalogue.ts --write
    expect(fs.readFileSync(DOC, "utf8")).toContain(catalogueMarkdown());
  });

  it("every row names a test that exists, so the suite passing proves the row", () => {
    const missing = BYPASSES.filter((b) => {
      const text = fs.readFileSync(path.join(__dirname, b.test.file), "utf8");
      const titled = text.includes(`it(${JSON.stringify(b.test.title)}`) || text.includes(`it.each`) && text.includes(`(${JSON.stringify(b.test.title)},`);
      return !titled || (b.test.case !== undefined && !text.includes(JSON.stringify(b.test.case)));
    });
    expect(missing.map((b) => `${b.id}: ${b.test.file} › ${b.test.title}`)).toEqual([]);
  });

  it("ids are unique and every root cause of the four has rows", () => {
    expect(new Set(BYPASSES.map((b) => b.id)).size).toBe(BYPASSES.length);
    expect([...new Set(BYPASSES.map((b) => b.id.split(".")[0]))]).toEqual(["2", "5", "6", "8"]);
  });
});
