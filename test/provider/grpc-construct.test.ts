import { ChildProcess, spawn } from "child_process";
import { join } from "path";
import * as grpc from "@grpc/grpc-js";
import { clock, NOW } from "../helpers";
import { build, pulumiComponent } from "../pulumi-component/build";
import { configurations } from "../pulumi-component/fixtures";
import type { RecordedResource } from "../pulumi-component/harness";

// The protocol stubs the Pulumi engine and the provider plugin talk through.
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const errorproto = require("@pulumi/pulumi/proto/errors_pb");

const ROOT = join(__dirname, "..", "..");
type Handler = (call: { request: any }, cb: (err: unknown, resp?: unknown) => void) => void;

/** Every method of a gRPC service answering an empty response, with some overridden. */
function implement(service: Record<string, { responseType: new () => unknown }>, calls: string[], overrides: Record<string, Handler>): grpc.UntypedServiceImplementation {
  const impl: Record<string, Handler> = {};
  for (const [name, def] of Object.entries(service)) {
    impl[name] = (call, cb) => {
      calls.push(name);
      (overrides[name] ?? ((_c, done) => done(null, new def.responseType())))(call, cb);
    };
  }
  return impl as unknown as grpc.UntypedServiceImplementation;
}

/**
 * A stand-in for the Pulumi engine: an Engine service and a ResourceMonitor that records every
 * registration the way test/pulumi-component/harness.ts does under mocks, and answers with the
 * mock monitor's URNs and the harness's states.
 */
async function fakeEngine() {
  const recorded: RecordedResource[] = [];
  const calls: string[] = [];
  const server = new grpc.Server();
  const urnOf = (parent: string, type: string, name: string) => `urn:pulumi:stack::project::${parent ? `${parent.split("::")[2].split("$").pop()}$` : ""}${type}::${name}`;
  server.addService(
    resrpc.ResourceMonitorService,
    implement(resrpc.ResourceMonitorService, calls, {
      supportsFeature: (call, cb) => {
        const resp = new resproto.SupportsFeatureResponse();
        resp.setHassupport(call.request.getId() !== "outputValues");
        cb(null, resp);
      },
      registerResource: (call, cb) => {
        const req = call.request;
        const urn = urnOf(req.getParent(), req.getType(), req.getName());
        const props = req.getObject()?.toJavaScript() ?? {};
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: { getUrnsList(): string[] }, k: string) => (propertyDependencies[k] = v.getUrnsList()));
        recorded.push({ urn, type: req.getType(), name: req.getName(), custom: req.getCustom(), parent: req.getParent() || undefined, props, propertyDependencies });
        const state: Record<string, unknown> = { ...props };
        const [, mod, kind] = /^aws:([^/]+)\/([^:]+):/.exec(req.getType()) ?? [];
        if (mod === "iam" && (kind === "role" || kind === "user")) state.arn = `arn:aws:iam::123456789012:${kind}${props.path ?? "/"}${props.name}`;
        else if (mod === "secretsmanager" && kind === "secret") state.arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${props.name}-AbCdEf`;
        else if (kind === "accessKey") state.secret = `mock-secret-of-${req.getName()}`;
        const resp = new resproto.RegisterResourceResponse();
        resp.setUrn(urn);
        resp.setId(req.getCustom() ? `${req.getName()}-id` : "");
        resp.setObject(structproto.Struct.fromJavaScript(state));
        cb(null, resp);
      },
    }),
  );
  server.addService(enginerpc.EngineService, implement(enginerpc.EngineService, calls, {}));
  const port: number = await new Promise((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { address: `127.0.0.1:${port}`, recorded, calls, stop: () => server.forceShutdown() };
}

function boot(engineAddress: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["-r", "./scripts/register-ts.js", "provider/index.ts", engineAddress], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NHI_GOVERNANCE_NOW: NOW.toISOString() },
  });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ child, port: Number(out.split("\n")[0]) });
    });
    child.stderr?.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`provider exited with ${code} before printing its port: ${err}`)));
  });
}

describe("Construct through the provider plugin's gRPC server (a stand-in engine)", () => {
  let engine: Awaited<ReturnType<typeof fakeEngine>>;
  let plugin: { child: ChildProcess; port: number };
  let client: any;
  beforeAll(async () => {
    engine = await fakeEngine();
    plugin = await boot(engine.address);
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    plugin?.child.kill();
    engine?.stop();
  });

  function constructRequest(name: string, inputs: object) {
    const req = new provproto.ConstructRequest();
    req.setProject("project");
    req.setStack("stack");
    req.setType("nhi-governance:aws:GovernedIdentity");
    req.setName(name);
    req.setMonitorendpoint(engine.address);
    req.setDryrun(true);
    req.setParallel(1);
    req.setInputs(structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(inputs))));
    return req;
  }
  const send = (req: unknown): Promise<{ getUrn(): string; getState(): { toJavaScript(): Record<string, unknown> } }> =>
    new Promise((resolve, reject) => client.construct(req, (e: Error | null, resp: any) => (e ? reject(e) : resolve(resp))));

  test.each(configurations())("$label: registers what the TypeScript component registers, answers with its URN and outputs", async ({ args }) => {
    const ts = await build("gi", args);
    engine.recorded.length = 0;
    const resp = await send(constructRequest("gi", args));
    const shape = (r: RecordedResource) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, props: r.props, propertyDependencies: r.propertyDependencies });
    const byUrn = (a: { urn: string }, b: { urn: string }) => a.urn.localeCompare(b.urn);
    expect(engine.recorded.map(shape).sort(byUrn)).toEqual(ts.all.map(shape).sort(byUrn));
    expect(resp.getUrn()).toBe(ts.self.urn);
    expect(resp.getState().toJavaScript()).toEqual({ ...ts.outputs, seal: ts.component.seal });
  });

  test("an invalid spec is an InvalidArgument error with the SpecValidationError message and one detail per field", async () => {
    const args = { ...configurations()[0].args, owner: 42, credential: { kind: "password" } };
    let expected: InstanceType<typeof pulumiComponent.SpecValidationError> | undefined;
    try {
      new pulumiComponent.GovernedIdentity("payments", args as never, { clock });
    } catch (e) {
      expected = e as typeof expected;
    }
    expect(expected?.issues.map((i) => i.path)).toEqual(["owner", "credential.kind"]);
    engine.recorded.length = 0;
    let error: any;
    try {
      await send(constructRequest("payments", args));
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toBe(expected!.message);
    const status = statusproto.Status.deserializeBinary(error.metadata.get("grpc-status-details-bin")[0]);
    const details = errorproto.InputPropertiesError.deserializeBinary(status.getDetailsList()[0].getValue());
    expect(details.getErrorsList().map((e: any) => e.getPropertyPath())).toEqual(["owner", "credential.kind"]);
    expect(engine.recorded).toEqual([]);
  });
});
