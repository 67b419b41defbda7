import { ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { packageDefinition } from "../../terraform-provider/proto";
import { serverCertificate } from "../../terraform-provider/certificate";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../terraform-provider/server";
import { GovernedIdentitySpecInput } from "../../src/spec/identity";

export const ROOT = path.join(__dirname, "..", "..");
export const BIN = path.join(ROOT, "bin", "terraform-provider-nhi.js");

/** What go-plugin's client does before it dials: its own certificate, and the environment it launches the plugin with. */
export async function terraformEnvironment(extra: NodeJS.ProcessEnv = {}) {
  const client = await serverCertificate();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_MIN_PORT: "10000",
    PLUGIN_MAX_PORT: "25000",
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    PLUGIN_CLIENT_CERT: client.certPem,
    ...extra,
  };
  return { env, client };
}

export interface Launched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Start the plugin as go-plugin does (by default the repository's bin, on this Node). */
export function launch(env: NodeJS.ProcessEnv, command: string = process.execPath, args: string[] = [BIN], cwd: string = ROOT): Launched {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The first stdout line, as go-plugin's client waits for it. */
export function handshakeLine(p: Launched, timeoutMs = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no handshake within ${timeoutMs} ms; stderr: ${p.stderr()}`)), timeoutMs);
    const check = () => {
      const i = p.stdout().indexOf("\n");
      if (i >= 0) {
        clearTimeout(timer);
        resolve(p.stdout().slice(0, i));
      }
    };
    p.child.stdout?.on("data", check);
    p.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`plugin exited (${code}) before the handshake; stderr: ${p.stderr()}`));
    });
    check();
  });
}

export interface Handshake {
  core: string;
  app: string;
  network: string;
  address: string;
  protocol: string;
  /** The server certificate, as go-plugin's client decodes it (base64 without padding, DER). */
  certificate: X509Certificate;
  certificatePem: string;
}

export function parseHandshake(line: string): Handshake {
  const parts = line.split("|");
  if (parts.length !== 6) throw new Error(`expected 6 fields in the handshake, got ${parts.length}: ${line}`);
  const [core, app, network, address, protocol, cert] = parts;
  const der = Buffer.from(cert, "base64");
  const certificate = new X509Certificate(der);
  return { core, app, network, address, protocol, certificate, certificatePem: certificate.toString() };
}

export type Clients = {
  provider: any;
  controller: any;
  stdio: any;
  broker: any;
  health: any;
  close(): void;
};

/** Dial as go-plugin does: TLS, trusting exactly the handshake's certificate, presenting the client's, server name localhost. */
export function dial(address: string, serverCertPem: string, client?: { certPem: string; keyPem: string }): Clients {
  const loaded = grpc.loadPackageDefinition(packageDefinition()) as any;
  // The server certificate must name localhost: the default identity check verifies it.
  const creds = grpc.credentials.createSsl(Buffer.from(serverCertPem), client ? Buffer.from(client.keyPem) : null, client ? Buffer.from(client.certPem) : null);
  const options = { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" };
  const provider = new loaded.tfplugin6.Provider(address, creds, options);
  const controller = new loaded.plugin.GRPCController(address, creds, options);
  const stdio = new loaded.plugin.GRPCStdio(address, creds, options);
  const broker = new loaded.plugin.GRPCBroker(address, creds, options);
  const health = new loaded.grpc.health.v1.Health(address, creds, options);
  return {
    provider,
    controller,
    stdio,
    broker,
    health,
    close: () => [provider, controller, stdio, broker, health].forEach((c) => c.close()),
  };
}

export function call<T = any>(client: any, method: string, request: object = {}, deadlineMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, { deadline: new Date(Date.now() + deadlineMs) }, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))),
  );
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A spec as HCL writes it: snake_case field names (IAM condition blocks untouched). */
export function hclSpec(spec: GovernedIdentitySpecInput): Record<string, unknown> {
  const obj = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [snake(k), v]));
  const out = obj(spec as unknown as Record<string, unknown>);
  for (const k of ["trust", "credential", "emergency", "recertification_reminder"]) if (out[k]) out[k] = obj(out[k] as Record<string, unknown>);
  out.access = (spec.access as unknown as Record<string, unknown>[]).map(obj);
  return out;
}
