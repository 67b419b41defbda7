import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that record what the language SDK sends to the engine.
 *
 * The mocks' `newResource` callback is not told a resource's parent, and a mock URN encodes only
 * the immediate parent's type (not which instance). So the recorder wraps the mock monitor's
 * `registerResource`: it sees the request exactly as the engine would (type, name, parent URN,
 * wire-format inputs with secrets still wrapped, property dependencies) and the URN the monitor
 * answers with. A child registered without `{ parent: this }` shows up with no parent URN.
 */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The parent's URN as sent by the SDK; undefined for a root resource. */
  parent?: string;
  /** Inputs in wire form (`pulumi.secret` values stay wrapped in Pulumi's secret signature). */
  props: Record<string, unknown>;
  /** Input property -> URNs its value depends on. */
  propertyDependencies: Record<string, string[]>;
  /** The `import` resource option (the id of an existing resource to adopt), when given. */
  importId?: string;
}

export interface Recorder {
  resources: RecordedResource[];
  /** registerOutputs calls, by URN. */
  outputs: Map<string, Record<string, unknown>>;
  reset(): void;
  /** Wait until every registration issued so far has been answered. */
  settle(): Promise<void>;
}

interface Req {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void } | undefined;
  getUrn(): string;
  getImportid?(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;

const mockState = (args: pulumi.runtime.MockResourceArgs): Record<string, unknown> => {
  const state: Record<string, unknown> = { ...args.inputs };
  const [, mod, kind] = /^aws:([^/]+)\/([^:]+):/.exec(args.type) ?? [];
  if (mod === "iam" && (kind === "role" || kind === "user")) state.arn = `arn:aws:iam::123456789012:${kind}${args.inputs.path ?? "/"}${args.inputs.name}`;
  else if (mod === "secretsmanager" && kind === "secret") state.arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${args.inputs.name}-AbCdEf`;
  else if (kind === "accessKey") state.secret = `mock-secret-of-${args.name}`;
  return state;
};

let installed: Recorder | undefined;

/** Install the recording mocks (once per test file), before the component module is loaded. */
export function installRecordingMocks(): Recorder {
  if (installed) return installed;
  void pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: mockState(args) }),
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: Req, cb: Callback): void;
    registerResourceOutputs(req: Req, cb: Callback): void;
  };
  const recorder: Recorder = {
    resources: [],
    outputs: new Map(),
    reset() {
      recorder.resources = [];
      recorder.outputs = new Map();
    },
    settle: () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    registerResource(req, (err, resp) => {
      if (!err && resp) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap()?.forEach((v, k) => {
          propertyDependencies[k] = v.getUrnsList();
        });
        recorder.resources.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent() || undefined,
          props: req.getObject()?.toJavaScript() ?? {},
          propertyDependencies,
          ...(req.getImportid?.() ? { importId: req.getImportid?.() } : {}),
        });
      }
      cb(err, resp);
    });
  const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) =>
    registerResourceOutputs(req, (err, resp) => {
      if (!err) recorder.outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
      cb(err, resp);
    });
  installed = recorder;
  return recorder;
}
