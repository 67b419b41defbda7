/**
 * Does what the Pulumi engine does with a policy pack: starts a (minimal) engine gRPC service for
 * the pack's logging, spawns `node <@pulumi/pulumi>/cmd/run-policy-pack <engineAddress> .` in the
 * pack directory with the PULUMI_* environment the language host sets, reads the analyzer's port
 * from its first stdout line, and talks to it with the generated stubs in @pulumi/pulumi/proto.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { join } from "path";
import * as grpc from "@grpc/grpc-js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const enginePb = require("@pulumi/pulumi/proto/engine_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

export const PACK_DIR = join(__dirname, "..", "..", "policy-packs", "nhi-governance");
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Diagnostic {
  policyName: string;
  message: string;
  urn?: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
  severity?: string;
}

export interface HarnessResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
  parent?: string;
  propertyDependencies?: Record<string, string[]>;
}

const LEVELS: Record<number, Diagnostic["enforcementLevel"]> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const SEVERITIES: Record<number, string> = { 0: "", 1: "low", 2: "medium", 3: "high", 4: "critical" };

export interface Harness {
  analyzerInfo(): Promise<{ name: string; version: string; policies: { name: string; description: string; enforcementLevel: string; severity: string; url: string; remediationSteps: string; framework?: { name: string; reference: string; specification: string }; configSchema?: Record<string, unknown> }[] }>;
  configure(config: Record<string, Record<string, unknown>>): Promise<void>;
  analyze(r: HarnessResource): Promise<Diagnostic[]>;
  analyzeStack(rs: HarnessResource[]): Promise<Diagnostic[]>;
  /** What the pack logged through the engine service. */
  logs: string[];
  /** The pack process's id (the benchmark reads its CPU time). */
  pid: number | undefined;
  stderr(): string;
  close(): Promise<void>;
}

function call<T>(client: Record<string, Function>, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method].call(client, req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function options(parent?: string) {
  const o = new analyzerPb.AnalyzerResourceOptions();
  if (parent) o.setParent(parent);
  return o;
}

function diagnostics(resp: { getDiagnosticsList(): { getPolicyname(): string; getMessage(): string; getUrn(): string; getEnforcementlevel(): number; getSeverity(): number }[] }): Diagnostic[] {
  return resp.getDiagnosticsList().map((d) => {
    const out: Diagnostic = { policyName: d.getPolicyname(), message: d.getMessage(), enforcementLevel: LEVELS[d.getEnforcementlevel()] };
    if (d.getUrn()) out.urn = d.getUrn();
    if (d.getSeverity()) out.severity = SEVERITIES[d.getSeverity()];
    return out;
  });
}

/**
 * Where the engine finds run-policy-pack for a pack directory: its analyzer plugin
 * (pulumi-analyzer-policy) runs `node -e "require.resolve('@pulumi/pulumi/cmd/run-policy-pack')"`
 * in the pack directory, so Node's resolution from there decides (the pack's own node_modules,
 * or those of the project an installed pack sits in).
 */
export function runPolicyPackFor(packDir: string): string {
  const r = spawnSync(process.execPath, ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"], { cwd: packDir, encoding: "utf8" });
  const found = (r.stdout ?? "").trim();
  if (r.status !== 0 || !found) throw new Error(`no @pulumi/pulumi/cmd/run-policy-pack resolves from ${packDir}: ${r.error ? String(r.error) : (r.stderr ?? "").trim()}`);
  return found;
}

/**
 * Start the pack as the engine would. `env` adds to the PULUMI_* variables (NHI_GOVERNANCE_NOW pins
 * the clock); `packDir` is the pack's directory (default: this checkout's policy-packs/nhi-governance).
 */
export async function startPack(opts: { env?: Record<string, string>; project?: string; stack?: string; dryRun?: boolean; packDir?: string } = {}): Promise<Harness> {
  const packDir = opts.packDir ?? PACK_DIR;
  const logs: string[] = [];
  const engine = new grpc.Server();
  engine.addService(engineGrpc.EngineService, {
    log: (c: { request: { getMessage(): string } }, cb: (e: null, r: unknown) => void) => {
      logs.push(c.request.getMessage());
      cb(null, new Empty());
    },
    getRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, new enginePb.GetRootResourceResponse()),
    setRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, new enginePb.SetRootResourceResponse()),
  });
  const enginePort = await new Promise<number>((resolve, reject) => engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const child: ChildProcess = spawn(process.execPath, [runPolicyPackFor(packDir), `127.0.0.1:${enginePort}`, "."], {
    cwd: packDir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PULUMI_CONFIG: "{}",
      PULUMI_NODEJS_PROJECT: opts.project ?? "app",
      PULUMI_NODEJS_STACK: opts.stack ?? "dev",
      PULUMI_NODEJS_DRY_RUN: String(opts.dryRun ?? true),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d) => (err += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`policy pack printed no port within 45 s; stderr: ${err}`)), 45_000);
    child.stdout?.on("data", (d) => {
      out += String(d);
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      const first = out.slice(0, nl).trim();
      // The engine reads the port from the first line: anything else printed before it breaks the preview.
      if (!/^\d+$/.test(first)) reject(new Error(`first stdout line is not a port: ${JSON.stringify(first)}`));
      else resolve(Number(first));
    });
    child.on("exit", (code) => reject(new Error(`policy pack exited (${code}) before printing its port; stderr: ${err}`)));
  });
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  const struct = (props: Record<string, unknown>) => Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
  return {
    logs,
    pid: child.pid,
    stderr: () => err,
    async analyzerInfo() {
      const info = await call<any>(client, "getAnalyzerInfo", new Empty());
      return {
        name: info.getName(),
        version: info.getVersion(),
        policies: info.getPoliciesList().map((p: any) => ({
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()],
          severity: SEVERITIES[p.getSeverity()],
          url: p.getUrl(),
          remediationSteps: p.getRemediationSteps(),
          framework: p.getFramework() ? { name: p.getFramework().getName(), reference: p.getFramework().getReference(), specification: p.getFramework().getSpecification() } : undefined,
          configSchema: p.getConfigschema()?.getProperties()?.toJavaScript(),
        })),
      };
    },
    async configure(config) {
      const req = new analyzerPb.ConfigureAnalyzerRequest();
      const map = req.getPolicyconfigMap();
      for (const [name, value] of Object.entries(config)) {
        const pc = new analyzerPb.PolicyConfig();
        const { enforcementLevel, ...props } = value as { enforcementLevel?: string };
        pc.setEnforcementlevel(enforcementLevel === "advisory" ? 0 : enforcementLevel === "disabled" ? 2 : 1);
        pc.setProperties(struct(props));
        map.set(name, pc);
      }
      await call(client, "configure", req);
    },
    async analyze(r) {
      const req = new analyzerPb.AnalyzeRequest();
      req.setType(r.type);
      req.setUrn(r.urn);
      req.setName(r.name);
      req.setProperties(struct(r.props));
      req.setOptions(options(r.parent));
      return diagnostics(await call(client, "analyze", req));
    },
    async analyzeStack(rs) {
      const req = new analyzerPb.AnalyzeStackRequest();
      const urns = new Set(rs.map((r) => r.urn));
      for (const r of rs) {
        const ar = new analyzerPb.AnalyzerResource();
        ar.setType(r.type);
        ar.setUrn(r.urn);
        ar.setName(r.name);
        ar.setProperties(struct(r.props));
        ar.setOptions(options(r.parent));
        // As the engine does: the resource's parent field only names a parent that is in the list.
        if (r.parent && urns.has(r.parent)) ar.setParent(r.parent);
        const deps = ar.getPropertydependenciesMap();
        for (const [k, list] of Object.entries(r.propertyDependencies ?? {})) {
          const d = new analyzerPb.AnalyzerPropertyDependencies();
          d.setUrnsList(list);
          deps.set(k, d);
        }
        req.addResources(ar);
      }
      return diagnostics(await call(client, "analyzeStack", req));
    },
    async close() {
      client.close();
      child.kill("SIGKILL");
      await new Promise<void>((resolve) => engine.tryShutdown(() => resolve()));
    },
  };
}
