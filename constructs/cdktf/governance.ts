import { IConstruct } from "constructs";
import { Annotations, Aspects, IAspect, TerraformStack } from "cdktf";
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

const registered = new Set<string>();
const instances = new WeakMap<TerraformStack, NhiGovernance>();

/**
 * The synth-time gate for one stack: `NhiGovernance.of(stack).enforce(config)`. At synth it
 * evaluates every identity resource of the stack with the engine, once per stack, and puts
 * each finding on the construct that made the resource: an error (which makes `app.synth()`
 * fail) at or above the config's `failOn`, a warning below it, an info line when exempted.
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
   * process-wide: resources inside it count as governed, like `approvedConstructs` in the gate
   * config (the class name is what is matched).
   */
  static registerApprovedConstruct(ctor: Ctor & { name: string }): void {
    registered.add(ctor.name);
  }

  /** Class names registered with registerApprovedConstruct. */
  static approvedConstructs(): string[] {
    return [...registered].sort();
  }

  private config?: GateConfig;
  private exemptions: Exemption[] = [];
  private clock: Clock = systemClock;
  private added = false;
  /** Annotations already added, so a second synth of the same stack does not repeat them. */
  private readonly annotated = new Set<string>();
  /** The report of the last synth (for tests and tools). */
  lastReport?: Report;

  private constructor(readonly stack: TerraformStack) {}

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
      this.added = true;
    }
    return this;
  }

  visit(node: IConstruct): void {
    // Every node of the stack is visited; the evaluation needs the whole stack, so run once, at the stack.
    if (node !== this.stack || !this.config) return;
    const config: GateConfig = {
      ...this.config,
      approvedConstructs: [...this.config.approvedConstructs, ...NhiGovernance.approvedConstructs().map((type) => ({ type }))],
    };
    const { resources, components, nodes } = collect(this.stack);
    const report = evaluate({ resources, components, scope: "all", sources: [this.stack.node.path] }, { config, clock: this.clock, exemptions: this.exemptions });
    this.lastReport = report;
    for (const f of report.findings) {
      // An identity inside a resource (`aws_cloudformation_stack.x/Resources/Admin`) lands on that resource's construct.
      const target = nodes.get(f.address) ?? nodes.get(f.address.split("/")[0]) ?? this.stack;
      const annotations = Annotations.of(target);
      const line = message(f);
      const key = `${target.node.path}\u0000${line}`;
      if (this.annotated.has(key)) continue;
      this.annotated.add(key);
      if (f.exemptedBy) annotations.addInfo(`${line} (exempted by ${f.exemptedBy.ticket} until ${f.exemptedBy.expires})`);
      else if (severityRank(f.severity) >= severityRank(config.failOn)) annotations.addError(line);
      else annotations.addWarning(line);
    }
  }
}

function message(f: Finding): string {
  return `${f.findingId} (${f.severity}) ${f.title}: ${f.message}`;
}

/** The identity resources of a stack, with the live construct tree as provenance. */
export function collect(stack: TerraformStack): { resources: IdentityResource[]; components: ComponentRecord[]; nodes: Map<string, IConstruct> } {
  const byAddress = new Map<string, IConstruct>();
  for (const n of stack.node.findAll()) {
    const r = n as unknown as { terraformResourceType?: unknown; friendlyUniqueId?: unknown };
    if (typeof r.terraformResourceType === "string" && typeof r.friendlyUniqueId === "string" && "toTerraform" in r) {
      byAddress.set(`${r.terraformResourceType}.${r.friendlyUniqueId}`, n);
    }
  }
  // The stack's own JSON (resolved references; per-resource and stack-level overrides included),
  // read by the same adapter as `nhi-gate synth`; the live tree adds provenance.
  const tf = stack.toTerraform();
  const components = new Map<string, ComponentRecord>();
  const resources = synthToResources(tf, stack.node.path);
  const nodes = new Map<string, IConstruct>();
  for (const r of resources) {
    const node = byAddress.get(r.address);
    r.origin = node ? { source: "cdktf-aspect", constructPath: node.node.path, parents: ancestors(node, stack, components) } : { source: "cdktf-aspect" };
    if (node) nodes.set(r.address, node);
  }
  return { resources, components: [...components.values()], nodes };
}

/** Ancestors of a construct up to and including the stack, nearest first; GovernedIdentity ones recorded as components. */
function ancestors(node: IConstruct, stack: TerraformStack, components: Map<string, ComponentRecord>): { id: string; type: string }[] {
  const out: { id: string; type: string }[] = [];
  const governed: [number, GovernedIdentity][] = [];
  const scopes = node.node.scopes; // root first, node last
  const stackIndex = Math.max(scopes.indexOf(stack), 0);
  for (let i = scopes.length - 2; i >= stackIndex; i--) {
    const s = scopes[i];
    if (GovernedIdentity.isGovernedIdentity(s)) {
      governed.push([out.length, s]);
      out.push({ id: s.node.path, type: GOVERNED_IDENTITY_TYPE });
    } else out.push({ id: s.node.path, type: s.constructor.name });
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
