import type * as grpcTypes from "@grpc/grpc-js";
import { loadConfig } from "../src/adapters/gate-files";
import { FieldIssue, GovernedIdentitySpecShape, zodIssues } from "../src/spec/identity";
import { DEFAULT_CONFIG, GateConfig, GateConfigSchema } from "../src/spec/config";
import { parseDate } from "../src/engine/clock";
import { VERSION } from "../src/version";
import { CtyError, CtyValue, decodeValue, encodeValue, isWhollyKnown, plain, Typed, UNKNOWN } from "./cty";
import { governedIdentity, governedIdentityWith, IdentityArgumentError, RESULT_TYPE, specInput } from "./identity";
import { packageDefinition } from "./proto";
import {
  DATA_SOURCE,
  dataSourceAttributes,
  FUNCTION,
  functionMessage,
  impliedType,
  PROVIDER_DESCRIPTION,
  providerAttributes,
  schemaMessage,
  snake,
} from "./schema";
import { isCertificatePem, serverCertificate } from "./certificate";

/*
 * The Terraform provider process: go-plugin's handshake, then tfplugin6 over gRPC with mutual
 * TLS. What Terraform (through go-plugin) does with a provider binary:
 *   1. launches it with TF_PLUGIN_MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS, PLUGIN_MIN_PORT /
 *      PLUGIN_MAX_PORT and, for AutoMTLS, PLUGIN_CLIENT_CERT (its own certificate, PEM);
 *   2. reads the first stdout line: CORE|APP|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT (base64 DER);
 *   3. connects with TLS, trusting exactly that certificate, presenting its own;
 *   4. opens GRPCBroker.StartStream and GRPCStdio.StreamStdio, then calls tfplugin6.Provider;
 *   5. ends with GRPCController.Shutdown (then kills the process after a grace period).
 * Terraform forwards Ctrl-C to the whole process group and then calls StopProvider, so SIGINT
 * is ignored here, as go-plugin servers do.
 */

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

type Diagnostic = { severity: "ERROR" | "WARNING"; summary: string; detail: string; attribute?: { steps: Record<string, string | number>[] } };

const PROVIDER_ATTRS = providerAttributes();
const PROVIDER_TYPE = impliedType(PROVIDER_ATTRS);
const DATA_ATTRS = dataSourceAttributes();
const DATA_TYPE = impliedType(DATA_ATTRS);

function log(level: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR", message: string): void {
  // go-plugin's client reads stderr line by line into Terraform's log, taking the level from
  // a [LEVEL] prefix (TF_LOG=DEBUG shows these).
  process.stderr.write(`[${level}] nhi-governance provider: ${message.replace(/\n/g, " | ")}\n`);
}

function error(summary: string, detail: string, steps?: (string | number)[]): Diagnostic {
  const d: Diagnostic = { severity: "ERROR", summary, detail };
  if (steps?.length) d.attribute = { steps: steps.map((s): Record<string, string | number> => (typeof s === "number" ? { element_key_int: s } : { attribute_name: s })) };
  return d;
}

function dynamicValue(value: CtyValue, type: Parameters<typeof encodeValue>[1]) {
  return { msgpack: Buffer.from(encodeValue(value, type)), json: Buffer.alloc(0) };
}

function decodeRequestValue(dv: { msgpack?: Buffer; json?: Buffer } | null | undefined, type: Parameters<typeof decodeValue>[1], what: string): CtyValue {
  if (!dv || !dv.msgpack || dv.msgpack.length === 0) throw new CtyError([], `${what}: no msgpack value (this provider reads msgpack only)`);
  return decodeValue(dv.msgpack, type);
}

/** Attribute path steps for an issue path such as `environments.0` (camelCase config keys become the block's snake_case names). */
function configSteps(path: (string | number | symbol)[]): (string | number)[] {
  return path.map((p, i) => (typeof p === "number" ? p : i === 0 ? snake(String(p)) : String(p)));
}

/** The provider block as a gate config: config_file's fields, overridden by the attributes set. */
export function providerConfig(block: Record<string, CtyValue>): { config?: GateConfig; diagnostics: Diagnostic[]; unknown: boolean } {
  const diagnostics: Diagnostic[] = [];
  let unknown = false;
  const input: Record<string, unknown> = {};
  const file = block.config_file;
  if (file === UNKNOWN) unknown = true;
  else if (typeof file === "string") {
    try {
      // The file as nhi-gate -c reads it (defaults applied); the block overrides what it sets.
      Object.assign(input, loadConfig(file));
    } catch (e) {
      diagnostics.push(error("Invalid gate config file", (e as Error).message, ["config_file"]));
    }
  }
  for (const [key] of Object.entries(GateConfigSchema.shape)) {
    const v = block[snake(key)];
    if (v === undefined || v === null) continue;
    if (!isWhollyKnown(v)) {
      unknown = true;
      continue;
    }
    let value: unknown = plain(v);
    if (key === "approvedConstructs" && Array.isArray(value)) {
      value = value.map((e) => Object.fromEntries(Object.entries(e as Record<string, unknown>).filter(([, x]) => x !== null)));
    }
    input[key] = value;
  }
  if (diagnostics.length) return { diagnostics, unknown };
  const parsed = GateConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const steps = configSteps(i.path);
      diagnostics.push(error(`Invalid gate config: ${steps.join(".") || "(provider)"}`, `${i.message}; the provider block is the gate config nhi-gate reads (see docs/terraform-provider.md)`, steps));
    }
    return { diagnostics, unknown };
  }
  return { config: parsed.data, diagnostics, unknown };
}

/** Diagnostics for a spec issue, pointing into the data source's `spec` attribute. */
function specDiagnostics(issues: FieldIssue[], attribute: string): Diagnostic[] {
  return issues.map((i) => {
    const steps = i.path === "(spec)" ? [] : i.path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    return error(`Invalid governed identity spec: ${i.path}`, `${i.path}: ${i.message}${i.received !== undefined ? ` (got ${i.received})` : ""}`, [attribute, ...steps]);
  });
}

/** What one provider process knows: its configuration once ConfigureProvider ran. */
export class ProviderState {
  config: GateConfig = DEFAULT_CONFIG;
  configured = false;
  configUnknown = false;
  stopped = false;

  getProviderSchema() {
    return {
      provider: schemaMessage(PROVIDER_ATTRS, PROVIDER_DESCRIPTION),
      resource_schemas: {},
      data_source_schemas: { [DATA_SOURCE]: schemaMessage(dataSourceAttributes(), "A governed identity rendered with the provider block's gate config: the same result as provider::nhi::identity, for Terraform older than 1.8.") },
      functions: { [FUNCTION]: functionMessage() },
      ephemeral_resource_schemas: {},
      diagnostics: [],
      provider_meta: { version: 0, block: { version: 0, attributes: [], block_types: [] } },
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: false },
    };
  }

  getMetadata() {
    return {
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: false },
      diagnostics: [],
      data_sources: [{ type_name: DATA_SOURCE }],
      resources: [],
      functions: [{ name: FUNCTION }],
      ephemeral_resources: [],
    };
  }

  validateProviderConfig(req: { config?: { msgpack?: Buffer } }) {
    try {
      const block = decodeRequestValue(req.config, PROVIDER_TYPE, "provider config") as Record<string, CtyValue>;
      return { diagnostics: providerConfig(block).diagnostics };
    } catch (e) {
      return { diagnostics: [error("Invalid provider configuration", (e as Error).message)] };
    }
  }

  configureProvider(req: { config?: { msgpack?: Buffer }; terraform_version?: string }) {
    try {
      const block = decodeRequestValue(req.config, PROVIDER_TYPE, "provider config") as Record<string, CtyValue>;
      const { config, diagnostics, unknown } = providerConfig(block);
      if (diagnostics.length) return { diagnostics };
      this.configUnknown = unknown;
      this.config = config ?? DEFAULT_CONFIG;
      this.configured = true;
      log("DEBUG", `configured by Terraform ${req.terraform_version ?? "?"}${unknown ? " (some attributes unknown until apply)" : ""}`);
      return { diagnostics: [] };
    } catch (e) {
      return { diagnostics: [error("Invalid provider configuration", (e as Error).message)] };
    }
  }

  validateDataResourceConfig(req: { type_name: string; config?: { msgpack?: Buffer } }) {
    if (req.type_name !== DATA_SOURCE) return { diagnostics: [error("Unknown data source", `this provider has the data source ${DATA_SOURCE}, not ${req.type_name}`)] };
    try {
      const cfg = decodeRequestValue(req.config, DATA_TYPE, "data source config") as Record<string, CtyValue>;
      const diagnostics: Diagnostic[] = [];
      // Here the provider may not be configured yet (terraform validate): check only what needs
      // neither the gate config nor the clock; ReadDataSource checks the rest.
      if (cfg.spec !== null && isWhollyKnown(cfg.spec)) {
        const { input, issues } = specInput(plain(cfg.spec));
        if (issues.length) diagnostics.push(...specDiagnostics(issues, "spec"));
        else {
          const shape = GovernedIdentitySpecShape.safeParse(input);
          if (!shape.success) diagnostics.push(...specDiagnostics(zodIssues(shape.error, input), "spec"));
        }
      }
      if (typeof cfg.now === "string" && !parseDate(cfg.now)) diagnostics.push(error("Invalid now", `expected a timestamp (RFC 3339) or a date YYYY-MM-DD (got ${JSON.stringify(cfg.now)})`, ["now"]));
      return { diagnostics };
    } catch (e) {
      return { diagnostics: [error("Invalid data source configuration", (e as Error).message)] };
    }
  }

  readDataSource(req: { type_name: string; config?: { msgpack?: Buffer } }) {
    if (req.type_name !== DATA_SOURCE) return { diagnostics: [error("Unknown data source", `this provider has the data source ${DATA_SOURCE}, not ${req.type_name}`)] };
    try {
      const cfg = decodeRequestValue(req.config, DATA_TYPE, "data source config") as Record<string, CtyValue>;
      if (this.configUnknown) return { diagnostics: [error("Provider configuration unknown", "the nhi provider block has values known only after apply; the gate config must be known at plan time")] };
      if (!isWhollyKnown(cfg.spec) || cfg.now === UNKNOWN || cfg.reminder_role_arn === UNKNOWN) {
        return { diagnostics: [error("Spec unknown until apply", "the spec of a governed identity must be known at plan time (literal values, variables, locals), so that the gate can verify its seal", ["spec"])] };
      }
      if (cfg.spec === null) return { diagnostics: [error("Missing spec", "spec is required", ["spec"])] };
      const now = typeof cfg.now === "string" ? parseDate(cfg.now) : undefined;
      if (typeof cfg.now === "string" && !now) return { diagnostics: [error("Invalid now", `expected a timestamp (RFC 3339) or a date YYYY-MM-DD (got ${JSON.stringify(cfg.now)})`, ["now"])] };
      const reminderRoleArn = typeof cfg.reminder_role_arn === "string" ? cfg.reminder_role_arn : undefined;
      if (reminderRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(reminderRoleArn)) {
        return { diagnostics: [error("Invalid reminder_role_arn", `expected a role ARN arn:aws:iam::<account>:role/<name> (got ${JSON.stringify(reminderRoleArn)})`, ["reminder_role_arn"])] };
      }
      let result: CtyValue;
      try {
        result = governedIdentityWith(plain(cfg.spec), { config: this.config, now, reminderRoleArn }).result;
      } catch (e) {
        if (e instanceof IdentityArgumentError) {
          const attr = e.argument === 0 ? "spec" : "reminder_role_arn";
          return { diagnostics: e.argument === 0 ? specDiagnostics(e.issues, attr) : [error("Invalid data source configuration", e.message, [attr])] };
        }
        throw e;
      }
      return { state: dynamicValue({ ...cfg, result }, DATA_TYPE), diagnostics: [] };
    } catch (e) {
      return { diagnostics: [error("Reading nhi_identity failed", (e as Error).message)] };
    }
  }

  getFunctions() {
    return { functions: { [FUNCTION]: functionMessage() }, diagnostics: [] };
  }

  callFunction(req: { name: string; arguments?: { msgpack?: Buffer }[] }) {
    if (req.name !== FUNCTION) return { error: { text: `this provider has the function ${FUNCTION}, not ${req.name}` } };
    const args = req.arguments ?? [];
    if (args.length < 1) return { error: { text: "identity(spec, options?) takes the spec as its first argument" } };
    if (args.length > 2) return { error: { text: `identity(spec, options?) takes at most one options object; got ${args.length - 1}`, function_argument: 2 } };
    let values: CtyValue[];
    try {
      values = args.map((a, i) => decodeRequestValue(a, "dynamic", i === 0 ? "spec" : "options"));
    } catch (e) {
      return { error: { text: (e as Error).message } };
    }
    // Terraform skips the call and assumes an unknown result when an argument is not wholly
    // known (allow_unknown_values is false); a caller that sends one anyway gets the same.
    if (!values.every(isWhollyKnown)) return { result: dynamicValue(UNKNOWN, RESULT_TYPE) };
    if (values[0] === null) return { error: { text: "argument \"spec\" cannot be null", function_argument: 0 } };
    try {
      const { result } = governedIdentity(plain(values[0]), values[1] === undefined ? undefined : plain(values[1]));
      return { result: dynamicValue(result, RESULT_TYPE) };
    } catch (e) {
      if (e instanceof IdentityArgumentError) return { error: { text: e.message, function_argument: e.argument } };
      log("ERROR", `identity failed: ${(e as Error).stack ?? e}`);
      return { error: { text: `internal error: ${(e as Error).message}` } };
    }
  }
}

const unary =
  <Req, Res>(fn: (req: Req) => Res) =>
  (call: { request: Req }, callback: (err: Error | null, res?: Res) => void) => {
    try {
      callback(null, fn(call.request));
    } catch (e) {
      log("ERROR", (e as Error).stack ?? String(e));
      callback(e as Error);
    }
  };

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Serve the provider until Shutdown (or SIGTERM). Exits the process with 1 when not launched by Terraform. */
export async function serve(options: ServeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;

  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    stderr.write(
      "This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will\nload any plugins automatically\n" +
        "(terraform-provider-nhi is the nhi-governance Terraform provider; see docs/terraform-provider.md)\n",
    );
    process.exitCode = 1;
    return;
  }

  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (versions.length && !versions.includes(String(APP_PROTOCOL_VERSION))) {
    // As go-plugin servers do: answer with the version served and let the client report the mismatch.
    log("WARN", `Terraform offers plugin protocol versions ${versions.join(",")}; this provider speaks only ${APP_PROTOCOL_VERSION} (Terraform >= 1.0)`);
  }

  // Nothing may reach stdout before the handshake line, and nothing after it but stdio data.
  const stdioListeners = new Set<(chunk: string) => void>();
  const toStdio = (...args: unknown[]) => {
    const text = `${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}\n`;
    if (stdioListeners.size) for (const l of stdioListeners) l(text);
    else stderr.write(text);
  };
  console.log = toStdio;
  console.info = toStdio;
  console.debug = toStdio;
  console.warn = (...args: unknown[]) => stderr.write(`${args.map(String).join(" ")}\n`);
  console.error = console.warn;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require("@grpc/grpc-js") as typeof grpcTypes;
  const loaded = grpc.loadPackageDefinition(packageDefinition()) as unknown as Record<string, any>;
  const state = new ProviderState();
  const server = new grpc.Server({ "grpc.max_receive_message_length": 256 << 20, "grpc.max_send_message_length": 256 << 20 });
  let shuttingDown = false;
  const openStreams = new Set<{ end(): void }>();

  const shutdown = (why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log("DEBUG", `shutting down (${why})`);
    for (const s of openStreams) {
      try {
        s.end();
      } catch {
        // already closed
      }
    }
    server.tryShutdown(() => process.exit(0));
    // Terraform kills the process two seconds after Shutdown: leave before that on our own.
    setTimeout(() => process.exit(0), 1000).unref();
  };

  server.addService(loaded.tfplugin6.Provider.service, {
    GetMetadata: unary(() => state.getMetadata()),
    GetProviderSchema: unary(() => state.getProviderSchema()),
    ValidateProviderConfig: unary((r: any) => state.validateProviderConfig(r)),
    ValidateDataResourceConfig: unary((r: any) => state.validateDataResourceConfig(r)),
    GetResourceIdentitySchemas: unary(() => ({ identity_schemas: {}, diagnostics: [] })),
    ConfigureProvider: unary((r: any) => state.configureProvider(r)),
    ReadDataSource: unary((r: any) => state.readDataSource(r)),
    GetFunctions: unary(() => state.getFunctions()),
    CallFunction: unary((r: any) => state.callFunction(r)),
    StopProvider: unary(() => {
      // Nothing here runs long enough to cancel: every call answers from memory.
      state.stopped = true;
      log("DEBUG", "StopProvider");
      return { Error: "" };
    }),
  });
  server.addService(loaded.plugin.GRPCController.service, {
    Shutdown: (_call: unknown, callback: (e: null, r: object) => void) => {
      callback(null, {});
      setImmediate(() => shutdown("GRPCController.Shutdown"));
    },
  });
  server.addService(loaded.plugin.GRPCStdio.service, {
    StreamStdio: (call: grpcTypes.ServerWritableStream<object, { channel: string; data: Buffer }>) => {
      // go-plugin's client copies what arrives here into Terraform's log ("plugin stdout").
      const listener = (text: string) => call.write({ channel: "STDOUT", data: Buffer.from(text) });
      stdioListeners.add(listener);
      openStreams.add(call);
      call.on("cancelled", () => {
        stdioListeners.delete(listener);
        openStreams.delete(call);
      });
      call.on("close", () => {
        stdioListeners.delete(listener);
        openStreams.delete(call);
      });
    },
  });
  server.addService(loaded.plugin.GRPCBroker.service, {
    StartStream: (call: grpcTypes.ServerDuplexStream<object, object>) => {
      // Terraform never asks a provider to broker extra connections; keep the stream open and
      // end it when the client does.
      openStreams.add(call);
      call.on("data", () => undefined);
      call.on("end", () => {
        openStreams.delete(call);
        call.end();
      });
      call.on("error", () => openStreams.delete(call));
    },
  });
  server.addService(loaded.grpc.health.v1.Health.service, {
    Check: unary(() => ({ status: "SERVING" })),
  });

  let credentials: grpcTypes.ServerCredentials;
  let certField = "";
  const clientCert = env.PLUGIN_CLIENT_CERT;
  if (clientCert) {
    if (!isCertificatePem(clientCert)) log("ERROR", "PLUGIN_CLIENT_CERT is not a PEM certificate; the TLS handshake will fail");
    const cert = await serverCertificate();
    credentials = grpc.ServerCredentials.createSsl(Buffer.from(clientCert), [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }], true);
    certField = cert.handshakeField;
  } else {
    log("WARN", "no PLUGIN_CLIENT_CERT: serving without TLS (Terraform sets it unless plugin TLS is disabled)");
    credentials = grpc.ServerCredentials.createInsecure();
  }

  const port = await bind(server, credentials, env);
  stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${certField}\n`);
  log("DEBUG", `nhi-governance ${VERSION} serving plugin protocol ${APP_PROTOCOL_VERSION} on 127.0.0.1:${port}`);

  process.on("SIGINT", () => log("TRACE", "SIGINT ignored: Terraform stops providers with StopProvider"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // If Terraform dies without Shutdown, do not outlive it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("parent process exited");
  }, 2000).unref();
}

/**
 * Bind on 127.0.0.1, within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when both are set (go-plugin's
 * range; Terraform passes 10000-25000), else any port. Ports are probed with a plain listener
 * first, from a random point in the range: Terraform starts several provider processes at once,
 * and a failed gRPC bind would log an error line into Terraform's log.
 */
async function bind(server: grpcTypes.Server, credentials: grpcTypes.ServerCredentials, env: NodeJS.ProcessEnv): Promise<number> {
  const min = Number(env.PLUGIN_MIN_PORT ?? 0);
  const max = Number(env.PLUGIN_MAX_PORT ?? 0);
  const grpcBind = (p: number) =>
    new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${p}`, credentials, (err, port) => (err ? reject(err) : resolve(port))));
  if (!(Number.isInteger(min) && Number.isInteger(max) && min > 0 && max >= min)) return grpcBind(0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require("node:net") as typeof import("node:net");
  const free = (p: number) =>
    new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(p, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
  const size = max - min + 1;
  const start = Math.floor(Math.random() * size);
  let last: unknown;
  for (let i = 0; i < size; i++) {
    const p = min + ((start + i) % size);
    if (!(await free(p))) continue;
    try {
      return await grpcBind(p);
    } catch (e) {
      last = e; // taken between the probe and the bind: try the next
    }
  }
  throw new Error(`no free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (${min}-${max})${last ? `: ${(last as Error).message}` : ""}`);
}

// Typed re-export for tests that drive ProviderState directly.
export { Typed };
