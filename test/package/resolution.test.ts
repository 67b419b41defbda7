/**
 * Every entry point resolves for the type checker under each `moduleResolution` users have:
 * `node` (node10; the Pulumi and CDKTF TypeScript templates, and Pulumi's own ts-node), `node16`
 * and `bundler`, with skipLibCheck off (the Pulumi template's setting: every declaration file the
 * package ships must check, including its imports of optional peers; esModuleInterop on, as zod's
 * own declarations need it); and at run time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { project, sh, tsc } from "./helpers";

const ENTRIES: Record<string, string> = {
  "nhi-governance": "evaluate",
  "nhi-governance/cdktf": "GovernedIdentity",
  "nhi-governance/cdktn": "GovernedIdentity",
  "nhi-governance/pulumi": "GovernedIdentity",
  "nhi-governance/testing": "checkPulumiProgram",
};

describe("entry points", () => {
  it.each([
    ["node", { module: "commonjs", moduleResolution: "node" }],
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ])("resolve for the type checker under moduleResolution %s, with their exports", (mode, options) => {
    const dir = path.join(project(), `resolve-${mode}`);
    fs.mkdirSync(dir, { recursive: true });
    const lines = Object.entries(ENTRIES).map(([spec, name], i) => `import { ${name} as e${i} } from "${spec}";\nexport const t${i}: "function" = typeof e${i} as "function";`);
    fs.writeFileSync(path.join(dir, "entries.ts"), `${lines.join("\n")}\n`);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "es2020", lib: ["es2020"], types: ["node"], noEmit: true, skipLibCheck: false, esModuleInterop: true, ...options }, files: ["entries.ts"] }));
    const r = tsc(["-p", `resolve-${mode}/tsconfig.json`, "--pretty", "false"]);
    expect({ mode, errors: r.out.trim().split("\n").filter(Boolean) }).toEqual({ mode, errors: [] });
  });

  it("load at run time with require, each exporting what the docs import", () => {
    const script = Object.entries(ENTRIES).map(([spec, name]) => `out[${JSON.stringify(spec)}] = typeof require(${JSON.stringify(spec)}).${name};`).join("\n");
    const r = sh(process.execPath, ["-e", `const out = {};\n${script}\nprocess.stdout.write(JSON.stringify(out));`]);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out)).toEqual(Object.fromEntries(Object.keys(ENTRIES).map((k) => [k, "function"])));
  });
});
