import { execFileSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

describe("the engine entry point", () => {
  it("loads no IaC SDK (cdktf, constructs, Pulumi)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        path.join(root, "scripts/register-ts.js"),
        "-e",
        `require(${JSON.stringify(path.join(root, "src/index.ts"))});
         const loaded = Object.keys(require.cache);
         const bad = loaded.filter((k) => /node_modules[\\\\/](cdktf|cdktn|constructs|@cdktf|@cdktn|@pulumi)[\\\\/]/.test(k));
         process.stdout.write(JSON.stringify({ bad, count: loaded.length }));`,
      ],
      { cwd: root, encoding: "utf8" },
    );
    const { bad, count } = JSON.parse(out);
    expect(count).toBeGreaterThan(10); // the engine really loaded
    expect(bad).toEqual([]);
  });
});
