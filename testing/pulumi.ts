/**
 * The offline kit for Pulumi programs: run a program under Pulumi's mocks (no CLI, no cloud
 * account), record every resource it registers as the engine would receive it, and evaluate
 * them with the engine the CrossGuard pack runs.
 *
 * The kit accounts for every registration the program attempts: a registration whose inputs
 * reject (an `apply` over an invoke result the mocks did not supply), or one that uses resource
 * `transforms` (the engine runs them; the mock runtime cannot), is still recorded, with the
 * inputs the kit cannot know marked unknown, so the rules report "cannot evaluate" on it instead
 * of the report silently leaving it out. A program that never settles ends with an error naming
 * what is pending.
 *
 * `@pulumi/pulumi` is loaded only when a program runs: `nhi-governance/testing` works without it.
 */
import { catalogByPulumiType } from "../src/catalog";
import { evaluatePulumi, PulumiResourceInput } from "../src/adapters/pulumi";
import { Clock, systemClock } from "../src/engine/clock";
import { Report } from "../src/engine/report";
import { GateConfig, GateConfigInput } from "../src/spec/config";
import { Exemption } from "../src/spec/exemptions";

/** What a Pulumi invoke (`aws.organizations.getOrganization`, ...) is called with under the kit. */
export interface MockCallArgs {
  /** The function's token, `aws:organizations/getOrganization:getOrganization`. */
  token: string;
  inputs: Record<string, any>;
  provider?: string;
}

/** What a resource registration is called with under the kit. */
export interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
  id?: string;
  custom?: boolean;
}

/**
 * Results for the program's invokes and resources, as `pulumi.runtime.setMocks` takes them.
 * Return `undefined` to get the kit's default: an invoke returns its inputs; a resource gets its
 * inputs as its state and its `name` input (or `<name>-id`) as its id.
 */
export interface KitMocks {
  call?(args: MockCallArgs): Record<string, any> | undefined | Promise<Record<string, any> | undefined>;
  newResource?(args: MockResourceArgs): { id: string | undefined; state: Record<string, any> } | undefined | Promise<{ id: string | undefined; state: Record<string, any> } | undefined>;
}

export interface RecordPulumiProgramOptions {
  project?: string;
  stack?: string;
  /** What `pulumi.getOrganization()` returns (default `organization`). */
  organization?: string;
  /** Run as a preview (default true): values the mocks do not know are unknown, as in `pulumi preview`. */
  preview?: boolean;
  /**
   * The program's own Pulumi config, what `new pulumi.Config()` reads (`Pulumi.<stack>.yaml`):
   * `{ "aws:region": "eu-west-1", "dbSize": 2 }`. A key without a namespace belongs to the
   * project. Not the gate config (that is `config`).
   */
  pulumiConfig?: Record<string, string | number | boolean | object>;
  /** Invoke results and resource states for the program (see KitMocks). */
  mocks?: KitMocks;
  /**
   * How long the program may go without any registration completing before the kit gives up
   * (milliseconds, default 10 000). A program that never settles (a resource waiting for an
   * output that never resolves) then fails with a PulumiProgramError naming what is pending.
   */
  settleTimeoutMs?: number;
}

export interface CheckPulumiProgramOptions extends RecordPulumiProgramOptions {
  /** The gate config, as `nhi-gate --config` and the policy pack read it. Not the program's Pulumi config (that is `pulumiConfig`). */
  config?: GateConfig | GateConfigInput;
  exemptions?: Exemption[];
  /**
   * The clock recertification and expiry dates are judged against (default: the system clock).
   * In tests whose specs carry literal dates, pass fixedClock(...) here and to the constructs so
   * they do not start failing when the dates pass; specs with dates relative to today can use the
   * default.
   */
  clock?: Clock;
}

/** A registration the kit could not take as the program declared it. */
export interface UnevaluatedRegistration {
  urn: string;
  type: string;
  name: string;
  /** Why its inputs are (partly) unknown to the gate. */
  reason: string;
}

/** The program failed, or did not settle: names every registration concerned. */
export class PulumiProgramError extends Error {
  constructor(
    message: string,
    /** Registrations still waiting when the kit gave up. */
    readonly pending: { type: string; name: string; waitingFor: string[] }[] = [],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PulumiProgramError";
  }
}

/** The kit's answer for a resource the mocks have no state for: its inputs, its name as id. */
const defaultNewResource = (args: MockResourceArgs) => ({
  id: typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-id`,
  state: { ...args.inputs },
});
const defaultCall = (args: MockCallArgs) => args.inputs;

/** The value Pulumi sends for "unknown until apply" (`runtime.unknownValue`). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let running = false;

/**
 * Run a Pulumi program under mocks (no CLI, no cloud account) and evaluate every resource it
 * registers with the nhi-governance engine, as the policy pack does in `pulumi preview`.
 * `expect(report.findings).toEqual([])` in a unit test proves the program's identities are governed.
 */
export async function checkPulumiProgram(program: () => unknown, options: CheckPulumiProgramOptions = {}): Promise<Report> {
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const { rows, unevaluated } = await runProgram(program, { ...options, project, stack });
  const report = evaluatePulumi(rows, { config: options.config, clock: options.clock ?? systemClock, exemptions: options.exemptions, sources: [`${project}/${stack} (mocks)`] });
  // Say why a value is unknown where the kit made it so (not "until apply": the mocks could not know it).
  const why = new Map(unevaluated.map((u) => [u.urn, u.reason]));
  for (const f of report.findings) {
    const reason = why.get(f.address);
    if (reason && /^cannot (evaluate|verify)/.test(f.message)) f.message = `${f.message} [offline kit: ${f.address.split("::").pop()}: ${reason}]`;
  }
  return report;
}

/** Run a program under mocks and return every resource it registers, with parent, inputs and dependencies. */
export async function recordPulumiProgram(program: () => unknown, options: RecordPulumiProgramOptions = {}): Promise<PulumiResourceInput[]> {
  return (await runProgram(program, options)).rows;
}

/** Every resource the program registered, and those the kit recorded with inputs it could not know. */
export async function recordPulumiProgramDetailed(program: () => unknown, options: RecordPulumiProgramOptions = {}): Promise<{ rows: PulumiResourceInput[]; unevaluated: UnevaluatedRegistration[] }> {
  return runProgram(program, options);
}

interface Attempt {
  seq: number;
  type: string;
  name: string;
  parent: any;
  props: Record<string, unknown>;
  /** Why the engine would see other inputs than the program declared (transforms). */
  transformed?: string;
  registered?: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
async function runProgram(program: () => unknown, options: RecordPulumiProgramOptions): Promise<{ rows: PulumiResourceInput[]; unevaluated: UnevaluatedRegistration[] }> {
  if (running) throw new PulumiProgramError("checkPulumiProgram: another program is still running under the mocks (they are process-wide); await it before starting the next");
  running = true;
  // Loaded lazily: nhi-governance/testing does not need @pulumi/pulumi unless a program runs.
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const settings = require("@pulumi/pulumi/runtime/settings");
  const resourceRt = require("@pulumi/pulumi/runtime/resource");
  const stackRt = require("@pulumi/pulumi/runtime/stack");
  const rpc = require("@pulumi/pulumi/runtime/rpc");
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const timeout = options.settleTimeoutMs ?? 10_000;
  const user = options.mocks ?? {};
  const mocks = {
    call: async (args: MockCallArgs) => (await user.call?.(args)) ?? defaultCall(args),
    newResource: async (args: MockResourceArgs) => {
      try {
        return (await user.newResource?.(args)) ?? defaultNewResource(args);
      } catch (e) {
        // Reported when the program settles; answering keeps the SDK from failing the registration.
        mockErrors.push(`mocks.newResource threw for ${args.type} "${args.name}": ${firstLine(e)}`);
        return defaultNewResource(args);
      }
    },
  };
  const mockErrors: string[] = [];
  await pulumi.runtime.setMocks(mocks as any, project, stack, options.preview ?? true, options.organization ?? "organization");
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.pulumiConfig ?? {})) config[k.includes(":") ? k : `${project}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(config, []);

  const rows: PulumiResourceInput[] = [];
  const attempts: Attempt[] = [];
  /** Attempts not yet answered by the monitor, by type and name (in the order they were made). */
  const waiting = new Map<string, Attempt[]>();
  const transformedUrns = new Map<string, string>();
  const rejections: unknown[] = [];
  let lastProgress = Date.now();
  let stackTransformsFrom: number | undefined;

  // 1. Every registration the program attempts (the SDK's resource constructors call this).
  const originalRegister = resourceRt.registerResource;
  resourceRt.registerResource = function (res: any, parent: any, t: string, name: string, custom: boolean, remote: boolean, newDependency: any, props: any, opts: any, ...rest: any[]) {
    lastProgress = Date.now();
    const attempt: Attempt = { seq: attempts.length, type: t, name, parent, props: props ?? {} };
    attempts.push(attempt);
    const key = `${t}::${name}`;
    waiting.set(key, [...(waiting.get(key) ?? []), attempt]);
    labels.add(`resource:${name}[${t}]`);
    markHandled(pulumi, props, 0);
    let o = opts;
    if (opts?.transforms?.length) {
      // The engine runs resource transforms over the registration (and over its children); the
      // mock runtime cannot, and rejects the registration. Register without them, and mark
      // everything the transforms could change as unknown.
      attempt.transformed = `it has ${opts.transforms.length} resource transform${opts.transforms.length > 1 ? "s" : ""}, which only the Pulumi engine runs`;
      o = { ...opts, transforms: undefined };
    } else if (stackTransformsFrom !== undefined) {
      attempt.transformed = "the program registered a stack transform (pulumi.runtime.registerResourceTransform), which only the Pulumi engine runs";
    }
    return originalRegister.call(this, res, parent, t, name, custom, remote, newDependency, props, o, ...rest);
  };
  // 2. Stack transforms: the mock runtime throws; record them and mark every later resource.
  // (`pulumi.runtime` holds copies of runtime/stack's functions: replace them in both.)
  const STACK_FNS = ["registerResourceTransform", "registerStackTransform", "registerInvokeTransform"] as const;
  const stackModules = [stackRt, pulumi.runtime as any];
  const originals = stackModules.map((m) => STACK_FNS.map((f) => m[f]));
  for (const m of stackModules) {
    m.registerResourceTransform = m.registerStackTransform = () => {
      stackTransformsFrom ??= attempts.length;
    };
    // Invoke results come from the mocks anyway; an invoke transform has nothing to change there.
    m.registerInvokeTransform = () => undefined;
  }
  // 3. What the engine receives: the request's parent, wire-format inputs and property
  // dependencies (the mocks' newResource is not told the parent, and a mock URN encodes only
  // the parent's type), next to the URN the mock monitor answers with.
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) =>
    register(req, (err: unknown, res: any) => {
      lastProgress = Date.now();
      if (!err && res) {
        const deps: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: any, k: string) => (deps[k] = v.getUrnsList()));
        const urn: string = res.getUrn();
        const parent: string | undefined = req.getParent() || undefined;
        const attempt = waiting.get(`${req.getType()}::${req.getName()}`)?.shift();
        if (attempt) attempt.registered = true;
        let props = req.getObject()?.toJavaScript() ?? {};
        const why = attempt?.transformed ?? (parent !== undefined ? transformedUrns.get(parent) && `its parent ${parent} has resource transforms, which the Pulumi engine also runs over its children` : undefined);
        if (why) {
          transformedUrns.set(urn, why);
          props = allUnknown(req.getType(), props);
        }
        rows.push({ urn, type: req.getType(), name: req.getName(), props, parent, propertyDependencies: deps });
      }
      callback(err, res);
    });
  // 4. A rejected input must not become an unhandled rejection (a test runner fails, or Node
  // exits): the SDK leaves a rejected Output's derived promises and the registration's own chain
  // unhandled (a real run's language host reports them). Mark those of every attempted
  // registration handled, and keep each error for the registration it belongs to.
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const originalDebuggable = debuggable.debuggablePromise;
  const labels = new Set<string>();
  debuggable.debuggablePromise = function (p: Promise<unknown>, label: string, ...rest: unknown[]) {
    const out = originalDebuggable.call(this, p, label, ...rest);
    if (labels.has(label)) out.catch((e: unknown) => rejections.push(e));
    return out;
  };
  const restore = () => {
    resourceRt.registerResource = originalRegister;
    stackModules.forEach((m, i) => STACK_FNS.forEach((f, j) => (m[f] = originals[i][j])));
    monitor.registerResource = register;
    debuggable.debuggablePromise = originalDebuggable;
  };
  try {
    const settled = await untilSettled(async () => {
      try {
        await program();
      } catch (e) {
        throw new PulumiProgramError(`checkPulumiProgram: the program threw: ${firstLine(e)}${/undefined|null/.test(firstLine(e)) ? " (reading an invoke result the mocks do not supply? pass mocks.call)" : ""}`, [], e);
      }
      // Registrations (and outputs created in apply callbacks) settle after the program returns.
      await settings.waitForRPCs();
    }, timeout, () => lastProgress);
    // Let the SDK's rejection handlers run, so every rejection is in `rejections`.
    await new Promise((r) => setImmediate(r));
    const unevaluated: UnevaluatedRegistration[] = [];
    const pending: { type: string; name: string; waitingFor: string[] }[] = [];
    for (const a of attempts) {
      if (a.registered) {
        continue;
      }
      // Not registered: its inputs rejected, or it is still waiting for one.
      const state = await inputsOf(rpc, a);
      const waitingFor = Object.entries(state.fields).filter(([, s]) => s === "pending").map(([k]) => k);
      const rejected = Object.entries(state.fields).filter(([, s]) => typeof s === "object" && "error" in (s as object)) as [string, { error: string }][];
      if (!rejected.length && (waitingFor.length || !settled)) {
        pending.push({ type: a.type, name: a.name, waitingFor: waitingFor.length ? waitingFor.map((k) => `input ${k}`) : ["its parent, provider or dependsOn"] });
        continue;
      }
      const urn = await urnOf(a, stack, project);
      const reason = rejected.length
        ? `its registration was rejected: ${rejected.map(([k, s]) => `input ${k}: ${s.error}`).join("; ")} (an invoke result the mocks do not supply? pass mocks.call)`
        : a.transformed ?? "its registration was rejected";
      unevaluated.push({ urn, type: a.type, name: a.name, reason });
      const props: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(state.fields)) props[k] = typeof s === "object" && s !== null && "value" in s ? (s as { value: unknown }).value : UNKNOWN;
      const parentUrn = await urnOfResource(a.parent);
      rows.push({ urn, type: a.type, name: a.name, props: a.transformed ? allUnknown(a.type, props) : props, parent: parentUrn });
    }
    for (const r of rows) {
      const why = transformedUrns.get(r.urn);
      if (why) unevaluated.push({ urn: r.urn, type: r.type ?? "", name: r.name ?? "", reason: why });
    }
    if (!settled || pending.length) {
      // Reported here: keep Pulumi's exit hook from listing the same pending work as leaked promises.
      require("@pulumi/pulumi/runtime/state").getStore().leakCandidates = new Set();
      const what = pending.map((p) => `${p.type} "${p.name}" (waiting for ${p.waitingFor.join(", ")})`);
      const rejectedToo = unevaluated.filter((u) => u.reason.startsWith("its registration was rejected")).map((u) => `${u.type} "${u.name}": ${u.reason}`);
      throw new PulumiProgramError(
        `checkPulumiProgram: the program did not settle within ${timeout} ms of its last registration` +
          (what.length ? `; ${what.length} registration${what.length > 1 ? "s" : ""} pending: ${what.join("; ")}` : "; nothing registered is pending, so the program itself is waiting (an await that never resolves?)") +
          (rejectedToo.length ? `; rejected before: ${rejectedToo.join("; ")}` : "") +
          "; fix: supply the invoke results the program reads with mocks.call (and its config with pulumiConfig), or raise settleTimeoutMs",
        pending,
      );
    }
    const unexplained = [...mockErrors, ...rejections.filter((e) => !explained(e, unevaluated)).map((e) => firstLine(e))];
    if (unexplained.length) throw new PulumiProgramError(`checkPulumiProgram: the program failed: ${unexplained.join("; ")}`);
    return { rows, unevaluated };
  } finally {
    restore();
    running = false;
  }
}

const noop = () => undefined;

/** Attach a no-op handler to every Output (its isKnown and isSecret) and promise in a registration's inputs. */
function markHandled(pulumi: any, v: unknown, depth: number): void {
  if (!v || typeof v !== "object" || depth > 20) return;
  if (pulumi.Output.isInstance(v)) {
    const o = v as { isKnown: Promise<unknown>; isSecret: Promise<unknown> };
    o.isKnown?.catch?.(noop);
    o.isSecret?.catch?.(noop);
    return;
  }
  if (typeof (v as { then?: unknown }).then === "function") {
    (v as Promise<unknown>).catch?.(noop);
    return;
  }
  if (pulumi.Resource.isInstance(v)) return;
  for (const child of Array.isArray(v) ? v : Object.values(v)) markHandled(pulumi, child, depth + 1);
}

/** Resolve with true when fn settles, false when no progress was made for `idleMs`. */
function untilSettled(fn: () => Promise<void>, idleMs: number, lastProgress: () => number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      if (!done && Date.now() - lastProgress() > idleMs) {
        done = true;
        clearInterval(timer);
        resolve(false);
      }
    }, Math.min(250, Math.max(10, idleMs / 4)));
    fn().then(
      () => {
        done = true;
        clearInterval(timer);
        resolve(true);
      },
      (e) => {
        done = true;
        clearInterval(timer);
        reject(e);
      },
    );
  });
}

type FieldState = "pending" | { value: unknown } | { error: string };

/** Each top-level input of a registration that never reached the monitor: its value, its error, or pending. */
async function inputsOf(rpc: any, a: Attempt): Promise<{ fields: Record<string, FieldState> }> {
  const fields: Record<string, FieldState> = {};
  await Promise.all(
    Object.entries(a.props).map(async ([k, v]) => {
      const settled = rpc.serializeProperty(`resource:${a.name}[${a.type}].${k}`, v, new Set(), { keepOutputValues: false }).then(
        (value: unknown) => ({ value }),
        (e: unknown) => ({ error: firstLine(e).replace(/^error serializing property "[^"]*": /, "") }),
      );
      fields[k] = await Promise.race([settled, new Promise<FieldState>((r) => setTimeout(() => r("pending"), 50))]);
    }),
  );
  return { fields };
}

async function urnOfResource(res: any): Promise<string | undefined> {
  if (!res?.urn?.promise) return undefined;
  return Promise.race([res.urn.promise() as Promise<string>, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
}

/** The URN the mock monitor would have answered with. */
async function urnOf(a: Attempt, stack: string, project: string): Promise<string> {
  // As the mock monitor makes them (runtime/mocks.js): the parent's own type, then this type.
  const parentUrn = await urnOfResource(a.parent);
  const parentType = parentUrn ? `${parentUrn.split("::")[2].split("$").pop()}$` : "";
  return `urn:pulumi:${stack}::${project}::${parentType}${a.type}::${a.name}`;
}

/** Every input unknown, the lifecycle tags of a taggable identity, and what the provider reads back: what transforms may change. */
function allUnknown(type: string, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(props)) out[k] = UNKNOWN;
  const entry = catalogByPulumiType(type);
  if (entry?.taggable) out.tags = UNKNOWN;
  // What a transform may add that the provider would otherwise read back (a role's managed and inline policies).
  for (const f of entry?.readBack ?? []) out[f] = UNKNOWN;
  return out;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0].slice(0, 500);
}

function explained(e: unknown, unevaluated: UnevaluatedRegistration[]): boolean {
  const m = firstLine(e);
  if (/^error serializing property "/.test(m)) {
    const cause = m.replace(/^error serializing property "[^"]*": /, "");
    return unevaluated.some((u) => u.reason.includes(cause));
  }
  return /The Pulumi CLI does not support transforms/.test(m);
}
