import { evaluatePulumi, PulumiResourceInput } from "../src/adapters/pulumi";
import { Clock, systemClock } from "../src/engine/clock";
import { Report } from "../src/engine/report";
import { GateConfig, GateConfigInput } from "../src/spec/config";
import { Exemption } from "../src/spec/exemptions";

export interface CheckPulumiProgramOptions {
  config?: GateConfig | GateConfigInput;
  exemptions?: Exemption[];
  stack?: string;
  project?: string;
  /**
   * The clock recertification and expiry dates are judged against (default: the system clock).
   * In tests whose specs carry literal dates, pass fixedClock(...) so they do not start failing
   * when the dates pass; specs with dates relative to today can use the default.
   */
  clock?: Clock;
  /** Run as a preview (default true): values the mocks do not know are unknown, as in `pulumi preview`. */
  preview?: boolean;
}

/** What the mocks return for a new resource: its inputs as its state, its name as its id. */
const mocks = {
  newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) => ({
    id: typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-id`,
    state: { ...args.inputs },
  }),
  call: (args: { inputs: Record<string, unknown> }) => args.inputs,
};

/**
 * Run a Pulumi program under mocks (no CLI, no cloud account) and evaluate every resource it
 * registers with the nhi-governance engine, as the policy pack does in `pulumi preview`.
 * `expect(report.findings).toEqual([])` in a unit test proves the program's identities are governed.
 */
export async function checkPulumiProgram(program: () => unknown, options: CheckPulumiProgramOptions = {}): Promise<Report> {
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const rows = await recordPulumiProgram(program, { project, stack, preview: options.preview });
  return evaluatePulumi(rows, { config: options.config, clock: options.clock ?? systemClock, exemptions: options.exemptions, sources: [`${project}/${stack} (mocks)`] });
}

/** Run a program under mocks and return every resource it registers, with parent, inputs and dependencies. */
export async function recordPulumiProgram(program: () => unknown, options: { project?: string; stack?: string; preview?: boolean } = {}): Promise<PulumiResourceInput[]> {
  // Loaded lazily: nhi-governance/testing does not need @pulumi/pulumi unless this is called.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  await pulumi.runtime.setMocks(mocks, project, stack, options.preview ?? true);
  const rows: PulumiResourceInput[] = [];
  // The mocks' newResource callback is not told the parent, and a mock URN encodes only the
  // parent's type. The registration request carries the parent's URN, its inputs as the wire
  // sends them (secrets and unknowns marked) and its property dependencies: wrap the mock
  // monitor's registerResource to record them next to the URN it answers with.
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) =>
    register(req, (err: unknown, res: any) => {
      if (!err && res) {
        const deps: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: any, k: string) => (deps[k] = v.getUrnsList()));
        rows.push({ urn: res.getUrn(), type: req.getType(), name: req.getName(), props: req.getObject()?.toJavaScript() ?? {}, parent: req.getParent() || undefined, propertyDependencies: deps });
      }
      callback(err, res);
    });
  await program();
  // Registrations (and outputs created in apply callbacks) settle after the program returns.
  await settings.waitForRPCs();
  return rows;
}
