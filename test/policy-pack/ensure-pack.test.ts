import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { packStaleness } = require("../../scripts/ensure-pack");

/** A stand-in checkout: src/, the pack's sources, its package.json main, and (optionally) a build. */
function layout() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-pack-"));
  const pack = path.join(root, "policy-packs", "nhi-governance");
  const at = (rel: string, seconds: number, content = "") => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    fs.utimesSync(p, seconds, seconds);
  };
  at("policy-packs/nhi-governance/package.json", 1000, JSON.stringify({ main: "dist/policy-packs/nhi-governance/index.js" }));
  at("policy-packs/nhi-governance/index.ts", 1000);
  at("src/rules/a.ts", 1000);
  at("data/aws-managed-policies.json", 1000, "{}");
  at("policy-packs/nhi-governance/data/aws-managed-policies.json", 1500, "{}");
  return { root, pack, at };
}

describe("scripts/ensure-pack: when the compiled policy pack is stale", () => {
  it("no build at all", () => {
    const { root } = layout();
    expect(packStaleness(root)).toBe("no build at policy-packs/nhi-governance/dist/policy-packs/nhi-governance/index.js");
  });

  it("a build newer than every source is up to date", () => {
    const { root, at } = layout();
    at("policy-packs/nhi-governance/dist/policy-packs/nhi-governance/index.js", 2000);
    expect(packStaleness(root)).toBeUndefined();
  });

  it.each([
    ["an engine source edited since the build", "src/rules/deep/b.ts"],
    ["the pack's own source edited since the build", "policy-packs/nhi-governance/pack.ts"],
  ])("%s", (_, edited) => {
    const { root, at } = layout();
    at("policy-packs/nhi-governance/dist/policy-packs/nhi-governance/index.js", 2000);
    at(edited, 3000);
    expect(packStaleness(root)).toBe("the build is older than its TypeScript sources");
  });

  it("the pack's copy of the engine's data missing, or older than the original (pulumi policy publish ships the folder alone)", () => {
    const { root, pack, at } = layout();
    at("policy-packs/nhi-governance/dist/policy-packs/nhi-governance/index.js", 2000);
    at("data/aws-managed-policies.json", 3000, "{}");
    expect(packStaleness(root)).toBe("its copy of data/aws-managed-policies.json is older than the original");
    fs.rmSync(path.join(pack, "data"), { recursive: true });
    expect(packStaleness(root)).toBe("no copy of data/aws-managed-policies.json in policy-packs/nhi-governance/data");
  });

  it("declaration files in the pack's dist/ and node_modules/ are not sources", () => {
    const { root, at } = layout();
    at("policy-packs/nhi-governance/dist/policy-packs/nhi-governance/index.js", 2000);
    at("policy-packs/nhi-governance/dist/x.d.ts", 3000);
    at("policy-packs/nhi-governance/node_modules/p/index.d.ts", 3000);
    expect(packStaleness(root)).toBeUndefined();
  });
});

describe("the checkout's policy pack", () => {
  it("is up to date when the tests run (the jest global setup rebuilt it if needed)", () => {
    expect(packStaleness(path.resolve(__dirname, "../.."))).toBeUndefined();
  });
});
