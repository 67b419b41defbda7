// Generated from constructs/cdktf/governance.ts by scripts/gen-cdktn.js (npm run gen:cdktn): do not edit.
import { IConstruct, IValidation } from "constructs";
import { Annotations, App, Aspects, IAspect, TerraformElement, TerraformModule, TerraformStack } from "cdktn";
import { GateConfig, GateConfigInput, severityRank } from "../../src/spec/config";
import { Exemption, ExemptionSchema } from "../../src/spec/exemptions";
import { loadExemptions } from "../../src/adapters/gate-files";
import { GOVERNED_IDENTITY_TYPE } from "../../src/render/aws";
import { Clock, systemClock } from "../../src/engine/clock";
import { ComponentRecord, IdentityResource } from "../../src/engine/model";
import { evaluate, parsedConfig } from "../../src/engine/evaluate";
import { Finding, Report } from "../../src/engine/report";
import { gateConfig, GovernedIdentity } from "./governed-identity";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { READ_ONLY_VALIDATIONS } from "./provider";

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
 *
 * Cost: the stack's JSON is built once per synth, as without the gate. The judgement builds it
 * (the stack's `toTerraform`, which this gate watches); when nothing but cdktf's own code can run
 * between the judgement and the write (inside the stock synthesizer's run for this stack, no
 * validation after the gate's but this package's, no custom synthesis), the synthesizer is handed
 * the judged JSON itself, so what is written is exactly what was judged. Otherwise the JSON is
 * built again and the check compares its text with the judged text; the engine runs again only
 * when they differ. `Testing.synth` (no validations) is judged on the JSON it builds.
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
  /** The stack's JSON as judged by the validation, for the check when the JSON is written (its text: `judgedText`). */
  private judgedTf?: Record<string, unknown>;
  private judgedJson?: string;
  /** Between the validation's judgement and the next time the stack's JSON is built (the synthesizer writing it). */
  private armed = false;
  /** Armed, and nothing but cdktf's own code can run before the JSON is built: the next build is the judged JSON. */
  private reuse = false;
  private judging = false;
  /** Inside the stack's own toTerraform / toHclTerraform (the watched ones): the checkpoint leaves the check to them. */
  private building = 0;
  /** Inside the stock synthesizer's run for this stack (watchSynthesis): the only time the judged JSON is handed on. */
  private synthesizing = 0;
  /** The synthesizer watchSynthesis wrapped (none when the stack's is not the stock one). */
  private watchedSynthesizer?: object;
  /** The gate's validation on the stack (validations after it could change the stack). */
  private readonly validation = { validate: (): string[] => (this.judgeForWrite(), []) };

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
      this.stack.node.addValidation(this.validation);
      new Checkpoint(this.stack, "nhi-governance-checkpoint", () => {
        // Reached inside a watched build: the watcher checks the JSON it returns. Otherwise (the
        // stack's toTerraform called around the watcher) the check builds the JSON itself.
        if (!this.building) this.checkUnchanged();
      });
      this.watchBuilds();
      this.watchSynthesis();
      this.added = true;
    }
    return this;
  }

  /**
   * Watch the stack's JSON being built: the synthesizer (and Testing.synth) call the stack's
   * `toTerraform` (or `toHclTerraform` for HCL output). The result is checked against the
   * judgement without building it a second time: after the validation judged the stack, the JSON
   * must be what was judged; after aspects ran without a validation (`Testing.synth`), the JSON
   * built is judged. An own property of this stack, wrapping the method its class has (a
   * subclass's override included, so its edits are seen).
   */
  private watchBuilds(): void {
    const stack = this.stack;
    const toTerraform = stack.toTerraform;
    const toHclTerraform = stack.toHclTerraform;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const gate = this;
    const watch = <T>(build: () => T, after: (built: T) => void): T => {
      if (gate.judging) return build();
      gate.building++;
      let built: T;
      try {
        built = build();
      } finally {
        gate.building--;
      }
      after(built);
      return built;
    };
    Object.defineProperty(stack, "toTerraform", {
      configurable: true,
      writable: true,
      value: function (this: TerraformStack) {
        if (gate.reuse && !gate.judging) {
          // Nothing could change the stack since it was judged: the JSON judged is the JSON written.
          const tf = gate.judgedTf as Record<string, unknown>;
          gate.reuse = false;
          gate.armed = gate.inStockRun();
          return tf;
        }
        return watch(
          () => toTerraform.call(this),
          (tf) => {
            if (gate.stale) gate.judge(tf);
            else gate.checkUnchanged(tf);
          },
        );
      },
    });
    Object.defineProperty(stack, "toHclTerraform", {
      configurable: true,
      writable: true,
      value: function (this: TerraformStack) {
        // HCL output carries no JSON to compare: the check builds the JSON (once, when armed).
        return watch(
          () => toHclTerraform.call(this),
          () => {
            if (gate.stale) gate.judge();
            else gate.checkUnchanged();
          },
        );
      },
    });
  }

  /**
   * Mark the stock synthesizer's run for this stack (its `synthesize`: aspects, validations,
   * custom synthesis, annotations, the write; cdktf's code only but for what the stack holds), so
   * the judged JSON is handed on only to the write of that run. Not for any other synthesizer, nor
   * one with its own `synthesize`: then the JSON is built again and checked.
   */
  private watchSynthesis(): void {
    const synth = this.stack.synthesizer as unknown as { stack?: unknown; synthesize: (session: unknown) => void } | undefined;
    const stock = stockSynthesizerPrototype();
    if (!synth || !stock || Object.getPrototypeOf(synth) !== stock || Object.hasOwn(synth, "synthesize") || synth.stack !== this.stack) return;
    const synthesize = synth.synthesize;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const gate = this;
    Object.defineProperty(synth, "synthesize", {
      configurable: true,
      writable: true,
      value: function (this: unknown, session: unknown) {
        gate.synthesizing++;
        try {
          return synthesize.call(this, session);
        } finally {
          // The run is over (the JSON written): the check is disarmed, as after a write outside it.
          if (--gate.synthesizing === 0) gate.reuse = gate.armed = false;
        }
      },
    });
    this.watchedSynthesizer = synth;
  }

  /** Inside the stock synthesizer's run for this stack (its write is the run's last build of the JSON). */
  private inStockRun(): boolean {
    return this.synthesizing > 0 && this.stack.synthesizer === this.watchedSynthesizer;
  }

  /** The aspect: marks the stack for judgement once every aspect has run (the validation). */
  visit(node: IConstruct): void {
    if (node !== this.stack || !this.config) return;
    this.stale = true;
    this.armed = this.reuse = false;
    const app = this.stack.node.scopes.find((s): s is App => App.isApp(s));
    if (app?.skipValidation) {
      Annotations.of(this.stack).addError(
        "NHI-GOV-000 (high) NhiGovernance cannot judge this stack: the App skips validations (skipValidation), and the gate runs as the stack's validation so that it sees the stack after every aspect. Remove skipValidation, or gate the synthesized JSON with nhi-gate synth",
      );
    }
  }

  /** The validation: judge the stack after every aspect, and arm the check when its JSON is written. */
  private judgeForWrite(): void {
    const tf = this.judge();
    if (!tf) return;
    this.armed = true;
    this.reuse = this.inStockRun() && nothingRunsBeforeWrite(this.stack, this.validation);
  }

  /** Evaluate the stack as it is now (or `tf`, its JSON just built) and annotate the findings; returns the JSON judged. */
  private judge(tf?: Record<string, unknown>): Record<string, unknown> | undefined {
    if (!this.config || this.judging) return undefined;
    this.judging = true;
    try {
      const built = tf ?? this.stack.toTerraform();
      const { report } = this.evaluateNow(collect(this.stack, this.configApproved(), built));
      this.report = report;
      this.judgedTf = built;
      this.judgedJson = undefined;
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
      return built;
    } finally {
      this.judging = false;
    }
  }

  /** The text of the JSON judged last (built on first use: the write usually needs no comparison). */
  private judgedText(): string | undefined {
    if (this.judgedJson === undefined && this.judgedTf) this.judgedJson = JSON.stringify(this.judgedTf);
    return this.judgedJson;
  }

  /** The class names the gate config approves by name (those match any class of that name). */
  private configApproved(): Set<string> {
    return new Set((this.config?.approvedConstructs ?? []).map((a) => a.type));
  }

  private evaluateNow(collected: Collected): { report: Report } {
    const base = this.config as GateConfig;
    // The config with the registered classes, parsed as evaluate would parse it: once per gate
    // config and list of registered class names, not once per judgement.
    const types = NhiGovernance.approvedConstructs();
    const key = JSON.stringify(types);
    if (this.evaluated?.base !== base || this.evaluated.key !== key) {
      this.evaluated = { base, key, config: parsedConfig({ ...base, approvedConstructs: [...base.approvedConstructs, ...types.map((type) => ({ type }))] }) };
    }
    const config = this.evaluated.config;
    const { resources, components, nodes } = collected;
    const report = evaluate({ resources, components, scope: "all", sources: [this.stack.node.path] }, { config, clock: this.clock, exemptions: this.exemptions });
    this.nodes = nodes;
    return { report };
  }

  private nodes = new Map<string, IConstruct>();
  private evaluated?: { base: GateConfig; key: string; config: GateConfig };

  private annotation(f: Finding, report: Report): { target: IConstruct; line: string; level: "info" | "error" | "warning" } {
    // An identity inside a resource (`aws_cloudformation_stack.x/Resources/Admin`) lands on that resource's construct.
    const target = this.nodes.get(f.address) ?? this.nodes.get(f.address.split("/")[0]) ?? this.stack;
    const line = message(f);
    if (f.exemptedBy) return { target, line: `${line} (exempted by ${f.exemptedBy.ticket} until ${f.exemptedBy.expires})`, level: "info" };
    return { target, line, level: severityRank(f.severity) >= severityRank(report.failOn) ? "error" : "warning" };
  }

  /**
   * When the stack's JSON is written (after validations and custom synthesis): it must be what was
   * judged. `tf`: the JSON as just built (else it is built here). Its text is compared with the
   * judged text; the engine runs only when they differ.
   */
  private checkUnchanged(tf?: Record<string, unknown>): void {
    if (this.judging || !this.armed) return;
    // Inside the stock synthesizer's run the check stays armed to its end: a validation or custom
    // synthesis that builds the JSON (which checks it) and then edits the stack is caught at the
    // write. Elsewhere the first build after the judgement is taken for the write.
    this.reuse = false;
    this.armed = this.inStockRun();
    this.judging = true;
    let failing: string[] = [];
    try {
      const built = tf ?? this.stack.toTerraform();
      const text = JSON.stringify(built);
      if (text === this.judgedText()) return;
      const { report } = this.evaluateNow(collect(this.stack, this.configApproved(), built, text));
      const before = new Set((this.report?.findings ?? []).map((f) => `${f.address} ${f.findingId}`));
      failing = report.findings.filter((f) => !f.exemptedBy && severityRank(f.severity) >= severityRank(report.failOn) && !before.has(`${f.address} ${f.findingId}`)).map((f) => `[${this.annotation(f, report).target.node.path}] ${message(f)}`);
      this.report = report;
      this.judgedTf = built;
      this.judgedJson = text;
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

/**
 * A stack element that contributes nothing to the JSON: its toTerraform (toHclTerraform) runs when
 * the stack's JSON (HCL) is built, after validations. The watched stack methods check the result
 * themselves; this catches a build that goes around them.
 */
class Checkpoint extends TerraformElement {
  constructor(scope: TerraformStack, id: string, private readonly onWrite: () => void) {
    super(scope, id);
  }

  override toTerraform(): Record<string, unknown> {
    this.onWrite();
    return {};
  }

  override toHclTerraform(): Record<string, unknown> {
    this.onWrite();
    return {};
  }
}

const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

/** The prototype of cdktf's StackSynthesizer (not exported from the package's index); none if it cannot be loaded. */
let stockSynthesizer: object | null | undefined;
function stockSynthesizerPrototype(): object | undefined {
  if (stockSynthesizer === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      stockSynthesizer = (require("cdktn/lib/synthesize/synthesizer") as { StackSynthesizer?: { prototype: object } }).StackSynthesizer?.prototype ?? null;
    } catch {
      stockSynthesizer = null;
    }
  }
  return stockSynthesizer ?? undefined;
}

/**
 * Whether, in the stock synthesizer's run, nothing but cdktf's own code runs between the gate's
 * validation and the write of the stack's JSON: no validation after the gate's but this package's
 * read-only ones (READ_ONLY_VALIDATIONS), no custom synthesis. Then the JSON judged can be the
 * JSON written. Reading the validations uses constructs' internal list; where it is not where it
 * is read (the gate's own validation not found in the stack's), the answer is no, and the JSON is
 * built again and compared.
 */
function nothingRunsBeforeWrite(stack: TerraformStack, own: IValidation): boolean {
  for (const n of stack.node.findAll()) {
    if ((n as unknown as Record<symbol, unknown>)[CUSTOM_SYNTHESIS] !== undefined) return false;
    const list = (n.node as unknown as { _validations?: unknown })._validations;
    let after: unknown[];
    if (n === stack) {
      if (!Array.isArray(list) || !list.includes(own)) return false;
      after = list.slice(list.indexOf(own) + 1);
    } else if (list === undefined) continue;
    else if (!Array.isArray(list)) return false;
    else after = list;
    for (const v of after) if (!(typeof v === "object" && v !== null && READ_ONLY_VALIDATIONS.has(v))) return false;
  }
  return true;
}

function message(f: Finding): string {
  return `${f.findingId} (${f.severity}) ${f.title}: ${f.message}`;
}

/** What `collect` returns: the model's resources and components, the construct of each resource address, the stack's JSON as text. */
export interface Collected {
  resources: IdentityResource[];
  components: ComponentRecord[];
  nodes: Map<string, IConstruct>;
  readonly json: string;
}

/**
 * The identity resources of a stack, with the live construct tree as provenance. `configApproved`:
 * the class names the gate config approves by name (those match any class of that name). `tf`:
 * the stack's JSON when it was just built (`stack.toTerraform()` otherwise), and `json` its text.
 */
export function collect(stack: TerraformStack, configApproved: ReadonlySet<string> = new Set(), tf: Record<string, unknown> = stack.toTerraform(), json?: string): Collected {
  const byAddress = new Map<string, IConstruct>();
  for (const n of stack.node.findAll()) {
    const r = n as unknown as { terraformResourceType?: unknown; friendlyUniqueId?: unknown };
    if (typeof r.terraformResourceType === "string" && typeof r.friendlyUniqueId === "string" && "toTerraform" in r) {
      byAddress.set(`${r.terraformResourceType}.${r.friendlyUniqueId}`, n);
    } else if (n instanceof TerraformModule) byAddress.set(`module.${n.friendlyUniqueId}`, n);
  }
  // The stack's own JSON (resolved references; per-resource and stack-level overrides included),
  // read by the same adapter as `nhi-gate synth`; the live tree adds provenance.
  const components = new Map<string, ComponentRecord>();
  const resources = synthToResources(tf, stack.node.path);
  const nodes = new Map<string, IConstruct>();
  const chains = new Map<IConstruct, readonly Parent[]>();
  for (const r of resources) {
    const node = byAddress.get(r.address);
    // A module call keeps its source: provenance of a module comes from approvedModuleSources.
    const module = r.origin.module ? { module: r.origin.module } : {};
    const scope = node?.node.scope;
    const parents = !node || node === stack || !scope ? [] : (chainOf(scope, stack, chains, components, configApproved) as Parent[]);
    r.origin = node ? { source: "cdktf-aspect", constructPath: node.node.path, parents, ...module } : { source: "cdktf-aspect", ...module };
    if (node) nodes.set(r.address, node);
  }
  // The text only when asked for (the gate compares texts only when the JSON was built again).
  let text = json;
  return {
    resources,
    components: [...components.values()],
    nodes,
    get json() {
      return (text ??= JSON.stringify(tf));
    },
  };
}

type Parent = { readonly id: string; readonly type: string };

/**
 * A construct and its ancestors up to and including the stack, nearest first (GovernedIdentity
 * ones recorded as components). Memoized per collect: the resources under one construct share
 * its chain (frozen, so no reader can change it for the others).
 */
function chainOf(s: IConstruct, stack: TerraformStack, memo: Map<IConstruct, readonly Parent[]>, components: Map<string, ComponentRecord>, configApproved: ReadonlySet<string>): readonly Parent[] {
  const hit = memo.get(s);
  if (hit) return hit;
  const scope = s.node.scope;
  const above = s === stack || !scope ? [] : chainOf(scope, stack, memo, components, configApproved);
  const id = s.node.path;
  const governed = GovernedIdentity.isGovernedIdentity(s);
  const chain = Object.freeze([Object.freeze({ id, type: governed ? GOVERNED_IDENTITY_TYPE : constructType(s, configApproved) }), ...above]);
  memo.set(s, chain);
  if (governed && !components.has(id)) {
    components.set(id, {
      id,
      type: GOVERNED_IDENTITY_TYPE,
      inputs: { spec: s.spec, governance: { accessGracePeriodDays: s.accessGracePeriodDays } },
      parents: above as Parent[],
    });
  }
  return chain;
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
