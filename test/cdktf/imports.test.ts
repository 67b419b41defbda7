import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { GovernedIdentity } from "../../constructs/cdktf";
import { clock, validSpec } from "../helpers";
import { blocks, newStack, synthJson } from "./helpers";

const dir = path.join(__dirname, "../../constructs/cdktf");
const sources = fs.readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("constructs/cdktf stays thin and loads fast", () => {
  it("imports provider classes only by deep path, and only in provider.ts", () => {
    for (const f of sources) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      const providerImports = [...text.matchAll(/(?:from |require\()"(@cdktf\/provider-[a-z]+[^"]*)"/g)].map((m) => m[1]);
      for (const spec of providerImports) expect(spec).toMatch(/^@cdktf\/provider-(aws|time)\/lib\/[a-z0-9-]+$/);
      if (f !== "provider.ts") expect(providerImports).toEqual([]);
    }
  });

  it("never loads the @cdktf/provider-aws package root", () => {
    const root = require.resolve("@cdktf/provider-aws");
    expect(require.cache[root]).toBeUndefined();
  });
});

describe("@cdktf/provider-time is an optional peer", () => {
  it("is not loaded by nhi-governance/cdktf; a stack without static keys synthesizes without it; a static key names the package to install", () => {
    // A child process in which @cdktf/provider-time cannot be resolved, as in a project that did not install it.
    const script = `
      const Module = require("node:module");
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (/^@cdktf\\/provider-time(\\/|$)/.test(request)) { const e = new Error("Cannot find module '" + request + "'"); e.code = "MODULE_NOT_FOUND"; throw e; }
        return resolve.call(this, request, ...rest);
      };
      const { App, TerraformStack } = require("cdktf");
      const { GovernedIdentity } = require(${JSON.stringify(path.join(dir, "index.ts"))});
      const { validSpec, clock } = require(${JSON.stringify(path.join(__dirname, "../helpers.ts"))});
      const app = new App({ outdir: require("node:os").tmpdir() + "/nhi-no-time-" + process.pid });
      const stack = new TerraformStack(app, "s");
      new GovernedIdentity(stack, "fed", { ...validSpec(), clock });
      const loaded = Object.keys(require.cache).filter((k) => k.includes("provider-time"));
      let error = "";
      try { new GovernedIdentity(stack, "key", { ...validSpec({ name: "legacy", credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }), clock }); } catch (e) { error = e.message; }
      process.stdout.write(JSON.stringify({ loaded, error }));`;
    const out = execFileSync(process.execPath, ["-r", path.join(__dirname, "../../scripts/register-ts.js"), "-e", script], { encoding: "utf8" });
    const { loaded, error } = JSON.parse(out);
    expect(loaded).toEqual([]);
    expect(error).toMatch(/^s\/key: a static-key GovernedIdentity rotates its access key through time_rotating .*got no @cdktf\/provider-time.*fix: npm install @cdktf\/provider-time/);
  });
});

describe("the time provider for time_rotating", () => {
  const staticKey = (name: string) => ({ ...validSpec({ name, credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }), clock });

  it("is added once per stack when the stack has none", () => {
    const { stack } = newStack();
    new GovernedIdentity(stack, "a", staticKey("a"));
    new GovernedIdentity(stack, "b", staticKey("b"));
    const tf = synthJson(stack) as unknown as { provider: Record<string, unknown[]> };
    expect(tf.provider.time).toHaveLength(1);
    expect(Object.keys(blocks(synthJson(stack), "time_rotating"))).toHaveLength(2);
  });

  it("reuses a TimeProvider created before, and says so when one is created after", () => {
    const { stack } = newStack();
    new TimeProvider(stack, "mine");
    new GovernedIdentity(stack, "a", staticKey("a"));
    expect((synthJson(stack) as unknown as { provider: Record<string, unknown[]> }).provider.time).toHaveLength(1);

    const { stack: late } = newStack("late");
    new GovernedIdentity(late, "a", staticKey("a"));
    new TimeProvider(late, "mine");
    const errors = (late as TerraformStack).node.findAll().flatMap((n) => n.node.validate()).filter((e) => e.includes("time provider"));
    expect(errors).toEqual([expect.stringMatching(/^GovernedIdentity added a time provider \(late\/nhi-governance-time\) for time_rotating, and late\/mine configures another one/)]);
  });
});
