import { isRecord, setOwn } from "./input";

/**
 * CloudFormation templates, read the way CloudFormation reads them, far enough to find the
 * identities they create: JSON or YAML (with the short-form tags `!Ref`, `!Sub`, `!GetAtt`, ...),
 * parameters (the stack's values, else the template's defaults), conditions, mappings and the
 * intrinsic functions whose value is known before deploy. Anything only known at deploy time (a
 * resource's attribute, the account id, an SSM parameter, a dynamic reference, an import) stays
 * unknown, and the caller reports what it cannot evaluate. Runs no code: a template is data.
 */

export class TemplateError extends Error {}

/** A value known only at deploy time. */
export const UNKNOWN: unique symbol = Symbol("unknown until deploy");
/** `Ref: AWS::NoValue`: the property is removed. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

const MAX_DEPTH = 64;

/** CloudFormation's short-form YAML tags and their long forms. */
const SHORT_FORMS: Record<string, string> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  ...Object.fromEntries(
    ["And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform"].map((n) => [`!${n}`, `Fn::${n}`]),
  ),
};

const CUSTOM_TAGS = Object.entries(SHORT_FORMS).flatMap(([tag, long]) => [
  // `!GetAtt Role.Arn` is `Fn::GetAtt: [Role, Arn]`.
  { tag, resolve: (s: string) => ({ [long]: long === "Fn::GetAtt" && s.includes(".") ? [s.slice(0, s.indexOf(".")), s.slice(s.indexOf(".") + 1)] : s }) },
  { tag, collection: "seq" as const, resolve: (seq: { toJSON(): unknown }) => ({ [long]: seq.toJSON() }) },
  { tag, collection: "map" as const, resolve: (map: { toJSON(): unknown }) => ({ [long]: map.toJSON() }) },
]);

export interface TemplateParameter {
  type?: string;
  default?: unknown;
}

export interface TemplateResource {
  logicalId: string;
  type: string;
  properties: unknown;
  condition?: string;
}

export interface Template {
  /** Top-level `Transform` values (`AWS::Serverless-2016-10-31`, `AWS::Include`, macros). */
  transforms: string[];
  parameters: Record<string, TemplateParameter>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
  resources: TemplateResource[];
}

/** Parse a template body (JSON, or YAML with short-form tags). Throws TemplateError naming the problem. */
export function parseTemplate(text: string): Template {
  let raw: unknown;
  const trimmed = text.trimStart();
  let parsed = false;
  if (trimmed.startsWith("{")) {
    try {
      raw = JSON.parse(text);
      parsed = true;
    } catch {
      /* YAML flow style, or broken: the YAML parser names the problem */
    }
  }
  if (!parsed) {
    // yaml is loaded only for YAML templates, keeping the plan path lean (as readData does).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml") as typeof import("yaml");
    const doc = YAML.parseDocument(text, { customTags: CUSTOM_TAGS, prettyErrors: false });
    const problem = doc.errors[0] ?? doc.warnings.find((w) => /tag/i.test(w.message));
    if (problem) throw new TemplateError(`not a readable template: ${problem.message.split("\n")[0]}`);
    raw = doc.toJS({ maxAliasCount: 100 });
  }
  if (!isRecord(raw)) throw new TemplateError("not a template: expected a mapping with Resources");
  const resources = raw.Resources;
  if (!isRecord(resources)) throw new TemplateError("not a template: Resources is missing or not a mapping");
  const transform = raw.Transform;
  const transforms = (Array.isArray(transform) ? transform : transform === undefined ? [] : [transform]).map((t) => (typeof t === "string" ? t : isRecord(t) && typeof t.Name === "string" ? t.Name : JSON.stringify(t)));
  const parameters: Record<string, TemplateParameter> = {};
  if (isRecord(raw.Parameters)) {
    for (const [k, v] of Object.entries(raw.Parameters)) {
      if (isRecord(v)) setOwn(parameters, k, { ...(typeof v.Type === "string" ? { type: v.Type } : {}), ...("Default" in v ? { default: v.Default } : {}) });
    }
  }
  const out: TemplateResource[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (!isRecord(r) || typeof r.Type !== "string") throw new TemplateError(`Resources.${logicalId}: expected a mapping with a Type`);
    out.push({ logicalId, type: r.Type, properties: r.Properties ?? {}, ...(typeof r.Condition === "string" ? { condition: r.Condition } : {}) });
  }
  return { transforms, parameters, conditions: isRecord(raw.Conditions) ? raw.Conditions : {}, mappings: isRecord(raw.Mappings) ? raw.Mappings : {}, resources: out };
}

export interface ResolveContext {
  template: Template;
  /** Values the stack passes (`parameters`); undefined: not passed. */
  parameterValues: Record<string, string>;
  /** Parameters whose passed value is unknown until apply. */
  unknownParameters?: ReadonlySet<string>;
  /** The stack's name, when known. */
  stackName?: string;
}

/** Pseudo parameters known before deploy. The partition and URL suffix are those of the standard partition (aws, amazonaws.com). */
const KNOWN_PSEUDO: Record<string, string> = { "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com" };

/** Resolves intrinsic functions of one template; records the logical ids each value refers to. */
export class Resolver {
  /** Logical ids referenced (Ref / GetAtt / Sub) since the last `takeRefs()`. */
  private refs = new Set<string>();
  /** Parameters used since the last `takeRefs()`. */
  private params = new Set<string>();
  /** `Fn::Transform` met inside a value. */
  readonly transforms = new Set<string>();
  private readonly conditionCache = new Map<string, boolean | typeof UNKNOWN>();

  constructor(private readonly ctx: ResolveContext) {}

  /** The logical ids and parameters the values resolved since the last call referred to. */
  takeRefs(): { logicalIds: string[]; parameters: string[] } {
    const out = { logicalIds: [...this.refs], parameters: [...this.params] };
    this.refs = new Set();
    this.params = new Set();
    return out;
  }

  /** Whether a named condition holds: true, false, or UNKNOWN. */
  condition(name: string, depth = 0): boolean | typeof UNKNOWN {
    const hit = this.conditionCache.get(name);
    if (hit !== undefined) return hit;
    if (depth > MAX_DEPTH) throw new TemplateError(`Conditions.${name}: nested too deep (or circular)`);
    if (!Object.prototype.hasOwnProperty.call(this.ctx.template.conditions, name)) throw new TemplateError(`condition ${name} is not defined in Conditions`);
    const v = this.conditionExpr(this.ctx.template.conditions[name], depth + 1);
    this.conditionCache.set(name, v);
    return v;
  }

  private conditionExpr(expr: unknown, depth: number): boolean | typeof UNKNOWN {
    if (depth > MAX_DEPTH) throw new TemplateError("condition nested too deep");
    if (!isRecord(expr)) return typeof expr === "boolean" ? expr : expr === "true" ? true : expr === "false" ? false : UNKNOWN;
    const [k] = Object.keys(expr);
    const arg = expr[k];
    const list = Array.isArray(arg) ? arg : [arg];
    switch (k) {
      case "Condition":
        return typeof arg === "string" ? this.condition(arg, depth) : UNKNOWN;
      case "Fn::Equals": {
        const [a, b] = list.map((x) => this.value(x, depth));
        if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
        return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
      }
      case "Fn::Not": {
        const v = this.conditionExpr(list[0], depth + 1);
        return v === UNKNOWN ? UNKNOWN : !v;
      }
      case "Fn::And":
      case "Fn::Or": {
        const vs = list.map((x) => this.conditionExpr(x, depth + 1));
        if (k === "Fn::And") return vs.includes(false) ? false : vs.includes(UNKNOWN) ? UNKNOWN : true;
        return vs.includes(true) ? true : vs.includes(UNKNOWN) ? UNKNOWN : false;
      }
      default:
        return UNKNOWN;
    }
  }

  private parameter(name: string): unknown {
    const def = this.ctx.template.parameters[name];
    if (this.ctx.unknownParameters?.has(name)) return UNKNOWN;
    // SSM parameter types are read from Parameter Store at deploy time.
    if (def?.type?.startsWith("AWS::SSM::Parameter::")) return UNKNOWN;
    const passed = Object.prototype.hasOwnProperty.call(this.ctx.parameterValues, name) ? this.ctx.parameterValues[name] : undefined;
    const v = passed ?? (def && "default" in def ? def.default : undefined);
    if (v === undefined) return UNKNOWN;
    const s = typeof v === "number" || typeof v === "boolean" ? String(v) : v;
    if (typeof s === "string" && def?.type && (def.type === "CommaDelimitedList" || def.type.startsWith("List<"))) return s.split(",").map((x) => x.trim());
    return s;
  }

  /** `Ref`, and names inside `Fn::Sub`. */
  private ref(name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.ctx.template.parameters, name)) {
      this.params.add(name);
      return this.parameter(name);
    }
    if (name === "AWS::NoValue") return NO_VALUE;
    if (Object.prototype.hasOwnProperty.call(KNOWN_PSEUDO, name)) return KNOWN_PSEUDO[name];
    if (name === "AWS::StackName") return this.ctx.stackName ?? UNKNOWN;
    if (!name.startsWith("AWS::")) this.refs.add(name);
    return UNKNOWN;
  }

  /** The value of a template node with every intrinsic function resolved; UNKNOWN where it depends on deploy time. */
  value(node: unknown, depth = 0): unknown {
    if (depth > MAX_DEPTH) throw new TemplateError(`a value nested deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(node)) return node.map((x) => this.value(x, depth + 1)).filter((x) => x !== NO_VALUE);
    if (typeof node === "string") return node.includes("{{resolve:") ? UNKNOWN : node; // dynamic references: SSM, Secrets Manager at deploy
    if (!isRecord(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) return this.intrinsic(keys[0], node[keys[0]], depth + 1);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = this.value(node[k], depth + 1);
      if (v !== NO_VALUE) setOwn(out, k, v);
    }
    return out;
  }

  private known(v: unknown): boolean {
    if (v === UNKNOWN) return false;
    if (Array.isArray(v)) return v.every((x) => this.known(x));
    if (isRecord(v)) return Object.values(v).every((x) => this.known(x));
    return true;
  }

  private intrinsic(fn: string, arg: unknown, depth: number): unknown {
    const list = Array.isArray(arg) ? arg : [arg];
    switch (fn) {
      case "Ref":
        return typeof arg === "string" ? this.ref(arg) : UNKNOWN;
      case "Fn::GetAtt": {
        const id = Array.isArray(arg) ? arg[0] : typeof arg === "string" ? arg.split(".")[0] : undefined;
        if (typeof id === "string") this.refs.add(id);
        return UNKNOWN;
      }
      case "Fn::Sub": {
        const [text, varsNode] = Array.isArray(arg) ? arg : [arg, {}];
        const vars = isRecord(varsNode) ? (this.value(varsNode, depth) as Record<string, unknown>) : {};
        if (typeof text !== "string") return UNKNOWN;
        let unknown = text.includes("{{resolve:");
        const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
          if (name.startsWith("!")) return `\${${name.slice(1)}}`;
          const v = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : name.includes(".") && !name.startsWith("AWS::") ? (this.refs.add(name.split(".")[0]), UNKNOWN) : this.ref(name);
          if (typeof v === "string" || typeof v === "number") return String(v);
          unknown = true;
          return whole;
        });
        return unknown ? UNKNOWN : out;
      }
      case "Fn::Join": {
        const [delim, items] = list;
        const v = this.value(items, depth);
        if (typeof delim !== "string" || !Array.isArray(v) || !v.every((x) => typeof x === "string" || typeof x === "number")) return UNKNOWN;
        return v.join(delim);
      }
      case "Fn::Select": {
        const [i, items] = [this.value(list[0], depth), this.value(list[1], depth)];
        const n = Number(i);
        return Array.isArray(items) && Number.isInteger(n) && n >= 0 && n < items.length ? items[n] : UNKNOWN;
      }
      case "Fn::Split": {
        const [delim, s] = [list[0], this.value(list[1], depth)];
        return typeof delim === "string" && typeof s === "string" ? s.split(delim) : UNKNOWN;
      }
      case "Fn::If": {
        const [cond, a, b] = list;
        const c = typeof cond === "string" ? this.condition(cond) : UNKNOWN;
        if (c === UNKNOWN) {
          this.value(a, depth); // keep the references of both branches
          this.value(b, depth);
          return UNKNOWN;
        }
        return this.value(c ? a : b, depth);
      }
      case "Fn::FindInMap": {
        const [map, k1, k2] = list.map((x) => this.value(x, depth));
        const m = typeof map === "string" ? this.ctx.template.mappings[map] : undefined;
        const l1 = isRecord(m) && typeof k1 === "string" ? m[k1] : undefined;
        const v = isRecord(l1) && typeof k2 === "string" ? l1[k2] : undefined;
        return v === undefined ? UNKNOWN : this.value(v, depth);
      }
      case "Fn::Base64": {
        const v = this.value(list[0], depth);
        return typeof v === "string" ? Buffer.from(v, "utf8").toString("base64") : UNKNOWN;
      }
      case "Fn::ToJsonString": {
        const v = this.value(arg, depth);
        return this.known(v) ? JSON.stringify(v) : UNKNOWN;
      }
      case "Fn::Length": {
        const v = this.value(arg, depth);
        return Array.isArray(v) ? v.length : UNKNOWN;
      }
      case "Fn::Transform": {
        const name = isRecord(arg) && typeof arg.Name === "string" ? arg.Name : "Fn::Transform";
        this.transforms.add(name);
        return UNKNOWN;
      }
      default:
        // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::GetStackOutput...: deploy-time values.
        this.value(arg, depth);
        return UNKNOWN;
    }
  }
}

/** PascalCase CloudFormation names to the snake_case Cloud Control props use (`AssumeRolePolicyDocument` -> `assume_role_policy_document`, `OIDCProviderArn` -> `oidc_provider_arn`). */
export const cfnSnake = (k: string): string =>
  k
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();

const isPolicyDocument = (v: unknown) => isRecord(v) && ("Statement" in v || "Version" in v);

export interface ConvertedValue {
  props: Record<string, unknown>;
  /** Dot paths (converted names) whose value is unknown until deploy. */
  unknownPaths: string[];
}

/**
 * A resolved Properties mapping to model props: snake_case names (not inside policy documents,
 * which keep IAM's names), `Tags: [{Key, Value}]` as `[{key, value}]`, unknown values left out and
 * their paths recorded.
 */
export function convertProperties(resolved: unknown): ConvertedValue {
  const unknownPaths: string[] = [];
  const walk = (v: unknown, path: string, rename: boolean): unknown => {
    if (v === UNKNOWN) {
      unknownPaths.push(path);
      return undefined;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`, rename));
    if (!isRecord(v)) return v;
    const out: Record<string, unknown> = {};
    const keepKeys = !rename || isPolicyDocument(v);
    for (const [k, child] of Object.entries(v)) {
      const name = keepKeys ? k : cfnSnake(k);
      const p = path ? `${path}.${name}` : name;
      const c = walk(child, p, !keepKeys);
      if (c !== undefined) setOwn(out, name, c);
    }
    return out;
  };
  const props = walk(resolved, "", true);
  return { props: isRecord(props) ? props : {}, unknownPaths };
}
