import { catalogByPulumiType } from "../catalog";
import { ChangeAction, ComponentRecord, EvaluationInput, IdentityResource } from "../engine/model";
import { GOVERNED_IDENTITY_TYPES } from "../engine/provenance";
import { evaluate, parsedConfig } from "../engine/evaluate";
import { Clock } from "../engine/clock";
import { Report } from "../engine/report";
import { GateConfig, GateConfigInput, GateConfigSchema } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { TAG } from "../spec/tags";

/**
 * Pulumi resources (as the engine, a policy pack, mocks or `pulumi stack export` show them) to
 * the normalized model. Imports no @pulumi package: the protocol's wire values are plain JSON.
 */

/** The key Pulumi puts on special values (secrets, assets, resource references). */
export const PULUMI_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature value of a secret: `{ [PULUMI_SIG_KEY]: PULUMI_SECRET_SIG, value }`. */
export const PULUMI_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The signature value of a resource reference: `{ [PULUMI_SIG_KEY]: PULUMI_RESOURCE_SIG, urn, id? }`. */
export const PULUMI_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** The string that stands for a value unknown until apply during `pulumi preview`. */
export const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** One Pulumi resource as a tool reports it. Props are the resource's inputs (camelCase for bridged providers). */
export interface PulumiResourceInput {
  urn: string;
  /** Type token; taken from the URN when omitted. */
  type?: string;
  name?: string;
  props: Record<string, unknown>;
  /** The parent's URN, when the tool knows it. */
  parent?: string;
  action?: ChangeAction;
  /** Input property name -> URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

export interface ParsedUrn {
  stack: string;
  project: string;
  /** The type chain `parent$child` as written in the URN. */
  qualifiedType: string;
  /** The resource's own type token (last of the chain). */
  type: string;
  /** Ancestor types in the URN, nearest first: the whole chain from the engine, only the parent under mocks. */
  parentTypes: string[];
  name: string;
}

export class PulumiUrnError extends Error {}

/** `urn:pulumi:<stack>::<project>::<parent-type>$<type>::<name>` (the name may itself contain `::`). */
export function parseUrn(urn: string): ParsedUrn {
  if (!urn.startsWith("urn:pulumi:")) throw new PulumiUrnError(`not a Pulumi URN: ${JSON.stringify(urn)}`);
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) throw new PulumiUrnError(`not a Pulumi URN (expected urn:pulumi:<stack>::<project>::<type>::<name>): ${JSON.stringify(urn)}`);
  const [stack, project, qualifiedType, ...rest] = parts;
  const chain = qualifiedType.split("$");
  return { stack, project, qualifiedType, type: chain[chain.length - 1], parentTypes: chain.slice(0, -1).reverse(), name: rest.join("::") };
}

/** Providers whose Pulumi SDKs are bridged from Terraform: their inputs are Terraform attributes in camelCase. */
export const BRIDGED_PROVIDERS = ["aws", "gcp", "azuread", "azure", "github"];

/** Keys whose values are maps of user keys (never renamed). */
const MAP_KEYS = new Set(["tags", "tagsAll", "labels", "effectiveLabels", "terraformLabels", "pulumiLabels", "annotations", "parameters"]);
/** Bridged names that are not the plain camelCase of the Terraform attribute (pluralized blocks). */
const NAME_OVERRIDES: Record<string, Record<string, string>> = {
  "aws:iam/role:Role": { inlinePolicies: "inline_policy" },
};

/** The bridge camelCases Terraform names (`role_arns` -> `roleArns`, `ses_smtp_password_v4` -> `sesSmtpPasswordV4`); this undoes it. */
export const snakeCase = (k: string): string => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

const isPolicyDocument = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v) && ("Statement" in v || "Version" in v);

export interface ConvertedProps {
  props: Record<string, unknown>;
  unknownPaths: string[];
  sensitivePaths: string[];
}

/**
 * Convert Pulumi inputs to the model: Terraform snake_case names for bridged providers (not
 * inside tag/label maps or policy documents), secrets dropped and recorded as sensitive paths,
 * preview unknowns dropped and recorded as unknown paths. Paths use the converted names.
 */
export function convertProps(token: string, input: Record<string, unknown>, toTerraformNames = BRIDGED_PROVIDERS.includes(token.split(":")[0])): ConvertedProps {
  const bridged = toTerraformNames;
  const overrides = NAME_OVERRIDES[token] ?? {};
  const unknownPaths: string[] = [];
  const sensitivePaths: string[] = [];
  const walk = (v: unknown, path: string, renameKeys: boolean, top: boolean): unknown => {
    if (v === PULUMI_UNKNOWN) {
      unknownPaths.push(path);
      return undefined;
    }
    if (Array.isArray(v)) return v.map((e, i) => walk(e, `${path}.${i}`, renameKeys, false));
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (o[PULUMI_SIG_KEY] === PULUMI_SECRET_SIG) {
      sensitivePaths.push(path);
      // The value is never kept; an unknown secret is also unknown.
      if (o.value === PULUMI_UNKNOWN) unknownPaths.push(path);
      return undefined;
    }
    if (o[PULUMI_SIG_KEY] === PULUMI_RESOURCE_SIG) {
      // A resource passed as an input (role: myRole) stands for its id; without one it is unknown.
      if (typeof o.id === "string" && o.id !== "" && o.id !== PULUMI_UNKNOWN) return o.id;
      unknownPaths.push(path);
      return undefined;
    }
    if (o[PULUMI_SIG_KEY] !== undefined) return undefined; // assets, archives, resource references: not identity data
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(o)) {
      const name = renameKeys ? ((top && overrides[k]) || snakeCase(k)) : k;
      const p = path ? `${path}.${name}` : name;
      const keepChildKeys = !renameKeys || MAP_KEYS.has(k) || isPolicyDocument(child);
      const c = walk(child, p, !keepChildKeys, false);
      if (c !== undefined) out[name] = c;
    }
    return out;
  };
  const props = (walk(input ?? {}, "", bridged, true) ?? {}) as Record<string, unknown>;
  return { props, unknownPaths, sensitivePaths };
}

/** Whether a type token is one of our GovernedIdentity components or a configured approved component. */
export function isGovernedComponentType(type: string, approvedTypes: readonly string[] = []): boolean {
  return GOVERNED_IDENTITY_TYPES.includes(type) || approvedTypes.includes(type);
}

export interface ParentIndex {
  get(urn: string): { urn: string; type?: string; parent?: string } | undefined;
  /** Resources whose URN has this qualified type (for finding a parent the tool did not name). */
  byQualifiedType(qualifiedType: string): { urn: string; type?: string; parent?: string }[];
}

export function indexResources(list: readonly { urn: string; type?: string; parent?: string }[]): ParentIndex {
  const byUrn = new Map(list.map((r) => [r.urn, r]));
  // By qualified type only when a parent must be inferred (most resources name theirs): built on first use.
  let byQt: Map<string, { urn: string; type?: string; parent?: string }[]> | undefined;
  const qualified = () => {
    if (byQt) return byQt;
    byQt = new Map();
    for (const r of list) {
      try {
        const qt = parseUrn(r.urn).qualifiedType;
        const same = byQt.get(qt);
        if (same) same.push(r);
        else byQt.set(qt, [r]);
      } catch {
        /* not a URN: no chain */
      }
    }
    return byQt;
  };
  return { get: (u) => byUrn.get(u), byQualifiedType: (qt) => qualified().get(qt) ?? [] };
}

/**
 * The ancestors of a resource, nearest first (the stack itself left out). A named parent that is
 * in the list gives its type and its own parent; one that is not gives its type from its URN and
 * the rest of the chain from the URN's type chain (the engine writes the whole chain; mocks only
 * the immediate parent). Without a named parent, the URN's chain is matched against the listed
 * resources: a unique match (or the one whose name prefixes this one's) is the parent.
 */
export function parentChain(urn: string, parent: string | undefined, index: ParentIndex): { id: string; type: string }[] {
  const out: { id: string; type: string }[] = [];
  const seen = new Set<string>([urn]);
  let current = urn;
  let next = parent ?? inferParent(urn, index);
  while (next && !seen.has(next)) {
    seen.add(next);
    let parsed: ParsedUrn | undefined;
    try {
      parsed = parseUrn(next);
    } catch {
      parsed = undefined;
    }
    const known = index.get(next);
    const type = known?.type ?? parsed?.type ?? "unknown";
    if (type === STACK_TYPE) break;
    out.push({ id: next, type });
    current = next;
    if (known) {
      next = known.parent ?? inferParent(current, index);
      continue;
    }
    // Not in the list: the rest of the chain comes from the URN's type chain, without URNs.
    if (parsed) {
      let qt = parsed.qualifiedType;
      for (const t of parsed.parentTypes) {
        qt = qt.slice(0, qt.lastIndexOf("$"));
        const match = index.byQualifiedType(qt);
        out.push({ id: match.length === 1 ? match[0].urn : `urn:pulumi:${parsed.stack}::${parsed.project}::${qt}::?`, type: t });
      }
    }
    break;
  }
  return out;
}

function inferParent(urn: string, index: ParentIndex): string | undefined {
  let parsed: ParsedUrn;
  try {
    parsed = parseUrn(urn);
  } catch {
    return undefined;
  }
  if (!parsed.parentTypes.length) return undefined;
  const qt = parsed.qualifiedType.slice(0, parsed.qualifiedType.lastIndexOf("$"));
  const candidates = index.byQualifiedType(qt).filter((c) => c.urn !== urn);
  if (candidates.length === 1) return candidates[0].urn;
  // Pulumi convention: children are named after their parent (`<parent>-role`). The longest prefix wins.
  const prefixed = candidates.filter((c) => parsed.name.startsWith(parseUrn(c.urn).name)).sort((a, b) => parseUrn(b.urn).name.length - parseUrn(a.urn).name.length);
  if (prefixed.length && (prefixed.length === 1 || parseUrn(prefixed[0].urn).name.length > parseUrn(prefixed[1].urn).name.length)) return prefixed[0].urn;
  return `urn:pulumi:${parsed.stack}::${parsed.project}::${qt}::?`;
}

export interface PulumiAdapterOptions {
  /** Component types besides GovernedIdentity whose inputs are recorded (config.approvedConstructs types). */
  approvedTypes?: readonly string[];
  /** Action for resources that name none. */
  action?: ChangeAction;
  source?: "pulumi" | "pulumi-export";
}

/** Pulumi resources to the engine's input: identity resources for catalog types, component records for governed components. */
export function fromPulumiResources(list: readonly PulumiResourceInput[], options: PulumiAdapterOptions = {}): Required<Pick<EvaluationInput, "resources" | "components">> {
  const rows = list.map((r) => ({ ...r, type: r.type ?? parseUrn(r.urn).type }));
  const index = indexResources(rows);
  const resources: IdentityResource[] = [];
  const components: ComponentRecord[] = [];
  for (const r of rows) {
    const entry = catalogByPulumiType(r.type);
    // Most resources of a stack are neither: their parent chain is not needed.
    if (!entry && !isGovernedComponentType(r.type, options.approvedTypes)) continue;
    const parents = parentChain(r.urn, r.parent, index);
    if (entry) {
      // Catalog entries with a Terraform type are modelled with its attribute names: bridged
      // providers, and native ones the catalog maps onto a Terraform provider (aws-native -> awscc).
      const { props, unknownPaths, sensitivePaths } = convertProps(r.type, r.props ?? {}, BRIDGED_PROVIDERS.includes(r.type.split(":")[0]) || entry.terraform !== undefined);
      for (const secretAttr of entry.secretAttributes ?? []) {
        if (props[secretAttr] !== undefined) {
          delete props[secretAttr];
          if (!sensitivePaths.includes(secretAttr)) sensitivePaths.push(secretAttr);
        }
      }
      const res: IdentityResource = {
        address: r.urn,
        nativeType: r.type,
        entry,
        action: r.action ?? options.action ?? "create",
        props,
        unknownPaths,
        sensitivePaths,
        origin: { source: options.source ?? "pulumi", parents },
      };
      const refs = propRefsOf(r.type, r.propertyDependencies, BRIDGED_PROVIDERS.includes(r.type.split(":")[0]) || entry.terraform !== undefined);
      if (refs) res.propRefs = refs;
      resources.push(res);
    } else {
      const { props, unknownPaths } = convertProps("nhi-governance:component", r.props ?? {});
      const comp: ComponentRecord = { id: r.urn, type: r.type, inputs: props, parents };
      if (unknownPaths.length) comp.unknownPaths = unknownPaths;
      components.push(comp);
    }
  }
  return { resources, components };
}

function propRefsOf(token: string, deps: Record<string, string[]> | undefined, bridged: boolean): Record<string, string[]> | undefined {
  if (!deps) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, urns] of Object.entries(deps)) if (urns?.length) out[bridged ? (NAME_OVERRIDES[token]?.[k] ?? snakeCase(k)) : k] = [...urns];
  return Object.keys(out).length ? out : undefined;
}

export interface PulumiGateOptions {
  config?: GateConfig | GateConfigInput;
  clock: Clock;
  exemptions?: Exemption[];
  sources?: string[];
}

/** Evaluate a Pulumi program's resources (preview or mocks): everything in the goal state is judged. */
export function evaluatePulumi(list: readonly PulumiResourceInput[], options: PulumiGateOptions): Report {
  const config = parsedConfig(options.config);
  const input = fromPulumiResources(list, { approvedTypes: config.approvedConstructs.map((a) => a.type) });
  return evaluate({ ...input, scope: "changes", sources: options.sources ?? [] }, { config, clock: options.clock, exemptions: options.exemptions });
}

/**
 * Whether one resource can be judged alone, with the same result as in the whole stack: a catalog
 * type with no governed or approved component in its parent chain, no seal, and no attribute that
 * points at another principal. The policy pack judges these per resource (Analyze); the rest only
 * with the whole stack (AnalyzeStack).
 */
export function judgeableAlone(r: IdentityResource, approvedTypes: readonly string[] = []): boolean {
  if ((r.origin.parents ?? []).some((p) => isGovernedComponentType(p.type, approvedTypes))) return false;
  const tags = r.props.tags;
  if (tags && typeof tags === "object" && TAG.seal in (tags as object)) return false;
  if (r.unknownPaths.some((p) => p === "tags" || p === `tags.${TAG.seal}`)) return false;
  return (r.entry.principalProps ?? []).every((f) => r.props[f] === undefined && !r.unknownPaths.includes(f));
}
