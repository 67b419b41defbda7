import { ChildProcess, spawn } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import * as grpc from "@grpc/grpc-js";

// The provider's protocol stubs, as the Pulumi engine talks to a plugin.
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");

const ROOT = join(__dirname, "..", "..");

/**
 * Boot provider/index.ts as the Pulumi CLI boots the plugin (here without ts-node: the repository's
 * transpile-only loader) and read the port it prints.
 */
function boot(): Promise<{ child: ChildProcess; port: number; stdout: () => string }> {
  const child = spawn(process.execPath, ["-r", "./scripts/register-ts.js", "provider/index.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, port: Number(line), stdout: () => out });
    });
    child.stderr?.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`provider exited with ${code} before printing its port: ${err}`)));
  });
}

describe("the provider plugin over gRPC", () => {
  let plugin: { child: ChildProcess; port: number; stdout: () => string };
  beforeAll(async () => {
    plugin = await boot();
  });
  afterAll(() => {
    plugin?.child.kill();
  });

  test("prints only its port on stdout", () => {
    expect(plugin.stdout()).toMatch(/^\d+\n$/);
    expect(plugin.port).toBeGreaterThan(0);
  });

  test("GetSchema answers with the checked-in schema", async () => {
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
    try {
      const schema: string = await new Promise((resolve, reject) =>
        client.getSchema(new provproto.GetSchemaRequest(), (e: Error | null, resp: { getSchema(): string }) => (e ? reject(e) : resolve(resp.getSchema()))),
      );
      expect(JSON.parse(schema)).toEqual(JSON.parse(readFileSync(join(ROOT, "provider", "schema.json"), "utf8")));
    } finally {
      client.close();
    }
  });
});
