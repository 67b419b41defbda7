/**
 * The README's main job: `npm run demo` must keep running the gates on the bundled examples with
 * every result as expected (governed stacks pass, ungoverned ones fail), and exit 0.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

describe("npm run demo", () => {
  it("runs every example through its gate with every result as expected", () => {
    const r = spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "scripts/demo.ts"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
    expect(r.stdout).toMatch(/every result as expected: \d+ checks/);
    expect(r.stdout).not.toMatch(/✘/);
    for (const name of ["cdktf-governed", "cdktn-governed", "cdktf-ungoverned", "pulumi-governed", "pulumi-ungoverned"]) expect(r.stdout).toContain(name);
    expect(r.status).toBe(0);
  }, 150_000);
});
