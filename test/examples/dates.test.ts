/**
 * No example may start failing because a date passes (issue #16, item 5). A literal
 * recertification or expiry date in an example is allowed only where a fixed clock pins the day
 * it is judged against, or in an exemption example whose expiry the consumer suite fills
 * relative to its clock (`<!-- package-test: exemptions -->`); everywhere else the examples
 * compute their dates from today. The consumer suite (npm run test:package) runs the README's
 * and docs' TypeScript blocks with the clock 400 days ahead; this test also covers what it cannot
 * run (Python, YAML, the examples folder).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const DATED = /\b(recertifyBy|recertify_by|expires|nhi:recertify-by)["']?(?:\s*[:=]\s*|\s+)["']?(\d{4}-\d{2}-\d{2})/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "cdktf.out" || p === path.join(root, "examples", "plans") ? [] : files(p);
    return /\.(ts|py|ya?ml|json|md|tf)$/.test(e.name) ? [p] : [];
  });
}

/** Units judged together: a markdown code block (with the hint above it), or a whole code file. */
function units(file: string): { where: string; text: string; hint?: string; line: number }[] {
  const text = fs.readFileSync(file, "utf8");
  const rel = path.relative(root, file);
  if (!file.endsWith(".md")) return [{ where: rel, text, line: 1 }];
  const out: { where: string; text: string; hint?: string; line: number }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```/.test(lines[i])) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    out.push({ where: rel, text: lines.slice(i + 1, j).join("\n"), hint: /package-test:\s*(.+?)\s*-->/.exec(lines[i - 1] ?? "")?.[1], line: i + 2 });
    i = j;
  }
  return out;
}

describe("dates in examples", () => {
  it("no example holds a literal recertification or expiry date that is not pinned by a fixed clock or filled by the consumer suite", () => {
    const offenders: string[] = [];
    const scanned = [path.join(root, "README.md"), ...files(path.join(root, "docs")), ...files(path.join(root, "examples")), ...files(path.join(root, "modules"))];
    for (const file of scanned) {
      for (const u of units(file)) {
        // Output shown as a tool wrote it on a stated day (`skip generated-output: ...`) is not an example to run.
        if (u.text.includes("fixedClock(") || u.hint === "exemptions" || u.hint?.startsWith("skip generated-output")) continue;
        u.text.split("\n").forEach((l, i) => {
          const m = DATED.exec(l);
          if (m) offenders.push(`${u.where}:${u.line + i}: ${m[1]} ${m[2]}`);
        });
      }
    }
    expect(scanned.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});
