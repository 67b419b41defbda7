import * as path from "node:path";
import { compiledSources, LayoutError, providerRuntimeDependencies } from "../../src/cli/terraform-provider-layout";

const root = path.resolve(__dirname, "../..");
const files = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));

describe("the provider bundle's runtime dependencies, from the compiled require graph", () => {
  it("follows relative requires, names packages (scoped, deep paths), skips Node built-ins and modules the provider never reaches", () => {
    const compiled = files({
      "dist/terraform-provider/main.js": `const a = require("./server"); require("node:fs"); require("path"); require("@grpc/grpc-js/build/src/x");`,
      "dist/terraform-provider/server.js": `require("../src/spec/identity"); const z = require('zod');`,
      "dist/src/spec/identity/index.js": `require("safe-regex2"); require("../../package.json");`,
      "dist/src/cli/main.js": `require("commander");`,
    });
    expect(providerRuntimeDependencies(compiled)).toEqual(["@grpc/grpc-js", "safe-regex2", "zod"]);
  });

  it("refuses a relative require that is not compiled", () => {
    expect(() => providerRuntimeDependencies(files({ "dist/terraform-provider/main.js": `require("./gone")` }))).toThrow(LayoutError);
  });

  it("on this package: every package the provider loads is a declared dependency, the engine's own included", () => {
    const deps = providerRuntimeDependencies(compiledSources(root, () => undefined));
    const declared = Object.keys(require("../../package.json").dependencies);
    expect(deps.filter((d) => !declared.includes(d))).toEqual([]);
    // The spec's owner pattern check (safe-regex2) and the engine's zod are reached through parseSpec.
    expect(deps).toEqual(expect.arrayContaining(["@grpc/grpc-js", "@msgpack/msgpack", "@peculiar/x509", "safe-regex2", "zod"]));
    expect(deps).not.toContain("commander");
  });
});
