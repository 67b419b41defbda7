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
      const providerImports = [...text.matchAll(/from "(@cdktf\/provider-[a-z]+[^"]*)"/g)].map((m) => m[1]);
      for (const spec of providerImports) expect(spec).toMatch(/^@cdktf\/provider-(aws|time)\/lib\/[a-z0-9-]+$/);
      if (f !== "provider.ts") expect(providerImports).toEqual([]);
    }
  });

  it("never loads the @cdktf/provider-aws package root", () => {
    const root = require.resolve("@cdktf/provider-aws");
    expect(require.cache[root]).toBeUndefined();
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
