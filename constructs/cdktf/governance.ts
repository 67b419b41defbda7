import { IConstruct } from "constructs";
import { Annotations, App, Aspects, IAspect, TerraformElement, TerraformModule, TerraformStack } from "cdktf";
import { GateConfig, GateConfigInput, severityRank } from "../../src/spec/config";
import { Exemption, ExemptionSchema } from "../../src/spec/exemptions";
import { loadExemptions } from "../../src/adapters/gate-files";
import { GOVERNED_IDENTITY_TYPE } from "../../src/render/aws";
import { Clock, systemClock } from "../../src/engine/clock";
import { ComponentRecord, IdentityResource } from "../../src/engine/model";
import { evaluate } from "../../src/engine/evaluate";
import { Finding, Report } from "../../src/engine/report";
import { gateConfig, GovernedIdentity } from "./governed-identity";
import { synthToResources } from "../../src/adapters/cdktf-synth";

export interface EnforceOptions {
  /**
   * Time-boxed exemptions: the path of the shared exemptions file (`nhi-exemptions.yaml` or
   * `.json`, the one nhi-gate and the policy pack read), or its entries; each is validated.
   */
  readonly exemptions?: string | unknown[];
  /**
   * The clock recertification dates and exemption expiries are judged by.
   * @default - the system clock
   */
  readonly clock?: Clock;
}

type Ctor = abstract new (...args: never[]) => unknown;

/** Registered approved construct classes, by class name (several classes may share a name). */
const registered = new Map<string, Set<Ctor>>();
const instances = new WeakMap<TerraformStack, NhiGovernance>();

/**
 * The synth-time gate for one stack: `NhiGovernance.of(stack).enforce(config)`. It evaluates
 * every identity resource of the stack with the engine, once per synth, and puts each finding on
 * the construct that made the resource: an error (which makes `app.synth()` fail) at or above the
 * config's `failOn`, a warning below it, an info line when exempted.
 *
 * When: after every aspect has run. cdktf invokes aspects top-down (the stack's own before its
 * children's, each node's in the order added), so an aspect visiting the stack runs before an
 * aspect added after it, or added to a child, could edit a governed role. The judgement is the
 * stack's validation instead, which `app.synth()` runs once every aspect is done (and before it
 * collects annotations). A last check when the stack's JSON is written catches anything changed
 * after that (another construct's validation, a custom synthesis): synth then fails naming what
 * changed. An App with `skipValidation` cannot be judged after its aspects, and fails.
 */
export class NhiGovernance implements IAspect {
  /** The governance of a stack (one per stack). */
  static of(scope: IConstruct): NhiGovernance {
    const stack = TerraformStack.of(scope);
    let g = instances.get(stack);
    if (!g) {
      g = new NhiGovernance(stack);
      instances.set(stack, g);
    }
    return g;
  }

  /**
   * Register a platform team's construct class (one that wraps GovernedIdentity) as approved,
   * process-wide, like `approvedConstructs` in the gate config: what it adds beside a governed
   * identity counts as governed. The class itself is matched (`instanceof`), so another class
   * with the same name does not pass for it. Approval never stands in for an identity's own
   * integrity: a role or user inside it must still be a GovernedIdentity (or carry a seal that
   * verifies).
   */
  static registerApprovedConstruct(ctor: Ctor & { name: string }): void {
    const set = registered.get(ctor.name) ?? new Set<Ctor>();
    set.add(ctor);
    registered.set(ctor.name, set);
  }

  /** Class names registered with registerApprovedConstruct. */
  static approvedConstructs(): string[] {
    return [...registered.keys()].sort();
  }

  private config?: GateConfig;
  private exemptions: Exemption[] = [];
  private clock: Clock = systemClock;
  private added = false;
  /** Annotations already added, so a second synth of the same stack does not repeat them. */
  private readonly annotated = new Set<string>();
  private report?: Report;
  /** Aspects ran since the last judgement (a synth is under way): the last report is stale. */
  private stale = false;
  /** The stack's JSON as judged by the validation, for the check when the JSON is written. */
  private judgedJson?: string;
  /** Between the validation's judgement and the next time the stack's JSON is built (the synthesizer writing it). */
  private armed = false;
  private judging = false;

  private constructor(readonly stack: TerraformStack) {}

  /**
   * The report of the last synth (for tests and tools). Read after a synth that ran no
   * validations (`Testing.synth(stack)`), the stack is judged then, after its aspects.
   */
  get lastReport(): Report | undefined {
    if (this.stale) this.judge();
    return this.report;
  }

  /** Turn the gate on for this stack. Calling it again replaces the config and options. */
  enforce(config: GateConfigInput = {}, options: EnforceOptions = {}): this {
    this.config = gateConfig(config, "NhiGovernance.enforce");
    this.exemptions = (typeof options.exemptions === "string" ? loadExemptions(options.exemptions) : (options.exemptions ?? [])).map((e, i) => {
      const parsed = ExemptionSchema.safeParse(e);
      if (!parsed.success) throw new Error(`exemption ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "(exemption)"}: ${x.message}`).join("; ")}`);
      return parsed.data;
    });
    this.clock = options.clock ?? systemClock;
    if (!this.added) {
      Aspects.of(this.stack).add(this);
      this.stack.node.addValidation({ validate: () => (this.judge(), (this.armed = true), []) });
      new Checkpoint(this.stack, "nhi-governance-checkpoint", () => this.checkUnchanged());
      this.added = true;
    }
    return this;
  }

  /** The aspect: marks the stack for judgement once every aspect has run (the validation). */
  visit(node: IConstruct): void {
    if (node !== this.stack || !this.config) return;
    this.stale = true;
    this.armed = false;
    const app = this.stack.node.scopes.find((s): s is App => App.isApp(s));
    if (app?.skipValidation) {
      Annotations.of(this.stack).addError(
        "NHI-GOV-000 (high) NhiGovernance cannot judge this stack: the App skips validations (skipValidation), and the gate runs as the stack's validation so that it sees the stack after every aspect. Remove skipValidation, or gate the synthesized JSON with nhi-gate synth",
      );
    }
  }

  /** Evaluate the stack as it is now and annotate the findings. */
  private judge(): void {
    if (!this.config || this.judging) return;
    this.judging = true;
    try {
      const { report, json } = this.evaluateNow();
      this.report = report;
      this.judgedJson = json;
      this.stale = false;
      for (const f of report.findings) {
        const { target, line, level } = this.annotation(f, report);
        const key = `${target.node.path}\u0000${line}`;
        if (this.annotated.has(key)) continue;
        this.annotated.add(key);
        const annotations = Annotations.of(target);
        if (level === "info") annotations.addInfo(line);
        else if (level === "error") annotations.addError(line);
        else annotations.addWarning(line);
      }
    } finally {
      this.judging = false;
    }
  }

  /** The class names the gate config approves by name (those match any class of that name). */
  private configApproved(): Set<string> {
    return new Set((this.config?.approvedConstructs ?? []).map((a) => a.type));
  }

  private evaluateNow(collected = collect(this.stack, this.configApproved())): { report: Report; json: string } {
    const base = this.config as GateConfig;
    const config: GateConfig = { ...base, approvedConstructs: [...base.approvedConstructs, ...NhiGovernance.approvedConstructs().map((type) => ({ type }))] };
    const { resources, components, nodes, json } = collected;
    const report = evaluate({ resources, components, scope: "all", sources: [this.stack.node.path] }, { config, clock: this.clock, exemptions: this.exemptions });
    this.nodes = nodes;
    return { report, json };
  }

  private nodes = new Map<string, IConstruct>();

  private annotation(f: Finding, report: Report): { target: IConstruct; line: string; level: "info" | "error" | "warning" } {
    // An identity inside a resource (`aws_cloudformation_stack.x/Resources/Admin`) lands on that resource's construct.
    const target = this.nodes.get(f.address) ?? this.nodes.get(f.address.split("/")[0]) ?? this.stack;
    const line = message(f);
    if (f.exemptedBy) return { target, line: `${line} (exempted by ${f.exemptedBy.ticket} until ${f.exemptedBy.expires})`, level: "info" };
    return { target, line, level: severityRank(f.severity) >= severityRank(report.failOn) ? "error" : "warning" };
  }

  /** When the stack's JSON is written (after validations and custom synthesis): it must be what was judged. */
  private checkUnchanged(): void {
    if (this.judging || !this.armed) return;
    this.armed = false;
    this.judging = true;
    let failing: string[] = [];
    try {
      const collected = collect(this.stack, this.configApproved());
      if (collected.json === this.judgedJson) return;
      const { report, json } = this.evaluateNow(collected);
      const before = new Set((this.report?.findings ?? []).map((f) => `${f.address} ${f.findingId}`));
      failing = report.findings.filter((f) => !f.exemptedBy && severityRank(f.severity) >= severityRank(report.failOn) && !before.has(`${f.address} ${f.findingId}`)).map((f) => `[${this.annotation(f, report).target.node.path}] ${message(f)}`);
      this.report = report;
      this.judgedJson = json;
    } finally {
      this.judging = false;
    }
    if (failing.length) {
      throw new Error(
        `NhiGovernance: ${this.stack.node.path} changed after the gate judged it (a validation or custom synthesis that runs after it edited the stack), and the stack as written has findings:\n${failing.join("\n")}\nMake such changes in constructs or aspects, which the gate sees`,
      );
    }
  }
}

/** A stack element that contributes nothing to the JSON: its toTerraform runs when the stack's JSON is built, after validations. */
class Checkpoint extends TerraformElement {
  constructor(scope: TerraformStack, id: string, private readonly onWrite: () => void) {
    super(scope, id);
  }

  override toTerraform(): Record<string, unknown> {
    this.onWrite();
    return {};
  }
}

function message(f: Finding): string {
  return `${f.findingId} (${f.severity}) ${f.title}: ${f.message}`;
}

/**
 * The identity resources of a stack, with the live construct tree as provenance. `configApproved`:
 * the class names the gate config approves by name (those match any class of that name).
 */
export function collect(stack: TerraformStack, configApproved: ReadonlySet<string> = new Set()): { resources: IdentityResource[]; components: ComponentRecord[]; nodes: Map<string, IConstruct>; json: string } {
  const byAddress = new Map<string, IConstruct>();
  for (const n of stack.node.findAll()) {
    const r = n as unknown as { terraformResourceType?: unknown; friendlyUniqueId?: unknown };
    if (typeof r.terraformResourceType === "string" && typeof r.friendlyUniqueId === "string" && "toTerraform" in r) {
      byAddress.set(`${r.terraformResourceType}.${r.friendlyUniqueId}`, n);
    } else if (n instanceof TerraformModule) byAddress.set(`module.${n.friendlyUniqueId}`, n);
  }
  // The stack's own JSON (resolved references; per-resource and stack-level overrides included),
  // read by the same adapter as `nhi-gate synth`; the live tree adds provenance.
  const tf = stack.toTerraform();
  const components = new Map<string, ComponentRecord>();
  const resources = synthToResources(tf, stack.node.path);
  const nodes = new Map<string, IConstruct>();
  for (const r of resources) {
    const node = byAddress.get(r.address);
    // A module call keeps its source: provenance of a module comes from approvedModuleSources.
    const module = r.origin.module ? { module: r.origin.module } : {};
    r.origin = node ? { source: "cdktf-aspect", constructPath: node.node.path, parents: ancestors(node, stack, components, configApproved), ...module } : { source: "cdktf-aspect", ...module };
    if (node) nodes.set(r.address, node);
  }
  return { resources, components: [...components.values()], nodes, json: JSON.stringify(tf) };
}

/** Ancestors of a construct up to and including the stack, nearest first; GovernedIdentity ones recorded as components. */
function ancestors(node: IConstruct, stack: TerraformStack, components: Map<string, ComponentRecord>, configApproved: ReadonlySet<string>): { id: string; type: string }[] {
  const out: { id: string; type: string }[] = [];
  const governed: [number, GovernedIdentity][] = [];
  const scopes = node.node.scopes; // root first, node last
  const stackIndex = Math.max(scopes.indexOf(stack), 0);
  for (let i = scopes.length - 2; i >= stackIndex; i--) {
    const s = scopes[i];
    if (GovernedIdentity.isGovernedIdentity(s)) {
      governed.push([out.length, s]);
      out.push({ id: s.node.path, type: GOVERNED_IDENTITY_TYPE });
    } else out.push({ id: s.node.path, type: constructType(s, configApproved) });
  }
  for (const [at, g] of governed) {
    if (components.has(g.node.path)) continue;
    components.set(g.node.path, {
      id: g.node.path,
      type: GOVERNED_IDENTITY_TYPE,
      inputs: { spec: g.spec, governance: { accessGracePeriodDays: g.accessGracePeriodDays } },
      parents: out.slice(at + 1),
    });
  }
  return out;
}

/**
 * A construct's type for the engine: its class name, except that a class named like a
 * registered approved construct but not one of the registered classes is marked as a
 * look-alike, so that registering a class approves that class, not every class of its name.
 */
function constructType(s: IConstruct, configApproved: ReadonlySet<string>): string {
  const name = s.constructor.name;
  const classes = registered.get(name);
  if (!classes || configApproved.has(name) || [...classes].some((c) => s instanceof (c as unknown as abstract new () => unknown))) return name;
  return `${name} (not the registered class of that name)`;
}
