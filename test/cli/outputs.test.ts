import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeOutput } from "../../src/cli/outputs";
import { sortStrings } from "../../src/util/sort";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-outputs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("writeOutput", () => {
  // Reports over a million characters are written in pieces: the bytes must be those of the whole string.
  it.each([
    ["surrogate pairs across every piece boundary", "\u{1F600}".repeat(1_100_000)],
    ["shifted by one", "x" + "\u{1F600}".repeat(1_100_000)],
    ["lone surrogates and mixed text", Array.from({ length: 700_000 }, (_, i) => (i % 7 === 0 ? "\uD800" : i % 11 === 0 ? "\uDC00" : i % 3 === 0 ? "é" : "a") + "b").join("")],
    ["a short report", "{}\n"],
  ])("writes the UTF-8 of the whole string: %s", (_name, text) => {
    const file = path.join(dir, "report.json");
    fs.writeFileSync(file, "previous, longer content that must be truncated ".repeat(100_000));
    writeOutput(file, text);
    expect(fs.readFileSync(file).equals(Buffer.from(text, "utf8"))).toBe(true);
  });
});

describe("sortStrings", () => {
  it("orders as Array.prototype.sort does, short lists and long", () => {
    const words = ["b", "a", "B", "é", "e", "", "aa", "a", "\u{1F600}", "\uFFFF", "10", "9", "NHI-GOV-003[Tag::nhi:owner]", "NHI-GOV-002[Owner::x] @ y"];
    for (let n = 0; n <= 40; n++) {
      const list = Array.from({ length: n }, (_, i) => words[(i * 7 + n) % words.length]);
      expect(sortStrings([...list])).toEqual([...list].sort());
    }
  });
});
