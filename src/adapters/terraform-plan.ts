import * as z from "zod";
import { catalogByTerraformType } from "../catalog";
import { ChangeAction, EvaluationInput, IdentityResource } from "../engine/model";
import { checkDepth, isResourceRef, sensitivePathsOf, truePaths } from "./common";
import { InputError, isRecord, MAX_DEPTH, setOwn, validate } from "./input";
import { stateModuleResources, walkModuleResources } from "./terraform-state";
import { attachSecretFlows, configurationSecretFlows } from "./secret-flows";
import { checkWrittenByTerraform, flagHiddenDynamicBlocks, hiddenContributors, HiddenContributor, writtenByTerraform } from "./plan-shapes";

/** Plan / state JSON format majors this gate understands (0.x and 1.x; 1.x minors are compatible by Terraform's promise). */
export const SUPPORTED_FORMAT_MAJORS = [0, 1];

export function checkFormatVersion(v: string, name: string): void {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new InputError(`${name}: format_version ${JSON.stringify(v.slice(0, 20))} is not MAJOR.MINOR`);
  const major = Number(m[1]);
  if (!SUPPORTED_FORMAT_MAJORS.includes(major)) {
    throw new InputError(`${name}: unsupported format_version ${v}: this gate reads Terraform JSON formats 0.x and 1.x; a new major may change meanings, so it is refused rather than read best-effort (upgrade nhi-governance)`);
  }
}

const ChangeSchema = z.looseObject({
  actions: z.array(z.enum(["create", "update", "delete", "no-op", "read", "forget"])).min(1),
  before: z.union([z.record(z.string(), z.unknown()), z.null()]).optional(),
  after: z.union([z.record(z.string(), z.unknown()), z.null()]).optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  importing: z.union([z.looseObject({ id: z.string().optional() }), z.null()]).optional(),
});

export const ResourceChangeSchema = z.looseObject({
  address: z.string().min(1),
  module_address: z.string().optional(),
  mode: z.enum(["managed", "data"]),
  type: z.string().min(1),
  name: z.string().optional(),
  deposed: z.string().optional(),
  change: ChangeSchema,
});

/** Only what every entry needs, so 100k non-identity resources cost little; catalog types get the full schema. */
export const AnyChangeSchema = z.looseObject({ address: z.string().min(1), type: z.string().min(1), mode: z.string(), change: z.looseObject({ actions: z.array(z.string()).min(1) }) });

/**
 * What every `resource_changes` entry must have (exactly what AnyChangeSchema accepts, tested),
 * checked by hand: the adapter's light check of each entry, and the test the streaming reader's
 * pruning makes before it shrinks an entry (prune.ts).
 */
export function isAnyChange(raw: unknown): raw is z.output<typeof AnyChangeSchema> {
  if (!isRecord(raw)) return false;
  const change = raw.change;
  if (typeof raw.type !== "string" || raw.type === "" || typeof raw.address !== "string" || raw.address === "" || typeof raw.mode !== "string") return false;
  if (!isRecord(change) || !Array.isArray(change.actions) || change.actions.length === 0) return false;
  for (const a of change.actions) if (typeof a !== "string") return false;
  return true;
}

type ResourceChange = z.output<typeof ResourceChangeSchema>;
const ACTIONS = new Set(["create", "update", "delete", "no-op", "read", "forget"]);
const optString = (v: unknown) => v === undefined || typeof v === "string";
const optRecordOrNull = (v: unknown) => v === undefined || v === null || isRecord(v);

/** What ResourceChangeSchema accepts, checked by hand: zod copies every value, which costs at 100k resources. */
export function isResourceChange(raw: unknown): raw is ResourceChange {
  if (!isRecord(raw)) return false;
  if (typeof raw.address !== "string" || raw.address === "" || typeof raw.type !== "string" || raw.type === "") return false;
  if (raw.mode !== "managed" && raw.mode !== "data") return false;
  if (!optString(raw.module_address) || !optString(raw.name) || !optString(raw.deposed)) return false;
  const c = raw.change;
  if (!isRecord(c) || !Array.isArray(c.actions) || c.actions.length === 0) return false;
  for (const a of c.actions) if (typeof a !== "string" || !ACTIONS.has(a)) return false;
  if (!optRecordOrNull(c.before) || !optRecordOrNull(c.after)) return false;
  if (c.importing !== undefined && c.importing !== null && !(isRecord(c.importing) && optString(c.importing.id))) return false;
  return true;
}

const PlanSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(z.unknown()).optional(),
  planned_values: z.unknown().optional(),
  configuration: z.unknown().optional(),
  prior_state: z.unknown().optional(),
});

/** What PlanSchema accepts, checked by hand: zod would copy the 100k-entry resource_changes array to check nothing in it. */
function isPlanShape(v: unknown): v is z.output<typeof PlanSchema> {
  return isRecord(v) && typeof v.format_version === "string" && optString(v.terraform_version) && (v.resource_changes === undefined || Array.isArray(v.resource_changes));
}

/**
 * Action sets of `resource_changes[].change.actions` to the model's action.
 * - `["delete","create"]` / `["create","delete"]`: replace (destroy-before-create or create-before-destroy).
 * - `["forget"]` (Terraform 1.7 `removed { lifecycle { destroy = false } }`): the object stays in the
 *   cloud but leaves Terraform's state, so governance loses it exactly as on a delete: it is
 *   modelled as "delete" (an offboarding event: what still hangs off it is judged by the
 *   delete rules), with its last known values. `["forget","create"]` likewise counts as replace.
 * - An import (`change.importing`) with no other change ("no-op") adopts an existing identity into
 *   this configuration: it is judged like a create, since the plan brings it under this code now.
 */
export function mapActions(actions: string[], importing: boolean, where: string): ChangeAction {
  // One action (almost every entry) is its own sorted set: no copy, no join.
  const set = actions.length === 1 ? actions[0] : [...actions].sort().join(",");
  switch (set) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete":
    case "forget":
      return "delete";
    case "create,delete":
    case "create,forget":
      return "replace";
    case "no-op":
      return importing ? "create" : "no-op";
    case "read":
      return "read";
    default:
      throw new InputError(`${where}: unsupported action set ${JSON.stringify(actions)}`);
  }
}

interface ModuleConfig {
  source?: string;
  /** Config address (`aws_iam_role.x`) to its expressions. */
  resources: Map<string, Record<string, unknown>>;
  calls: Map<string, ModuleConfig>;
}

function indexModule(mod: unknown, name: string, field: string, depth: number, source?: string): ModuleConfig {
  if (depth > MAX_DEPTH) throw new InputError(`${name}: ${field}: modules nested deeper than ${MAX_DEPTH} levels`);
  const out: ModuleConfig = { source, resources: new Map(), calls: new Map() };
  if (!isRecord(mod)) return out;
  if (Array.isArray(mod.resources)) {
    for (const r of mod.resources) {
      if (isRecord(r) && typeof r.address === "string" && r.mode !== "data" && isRecord(r.expressions)) out.resources.set(r.address, r.expressions);
    }
  }
  if (isRecord(mod.module_calls)) {
    for (const key of Object.keys(mod.module_calls)) {
      const call = mod.module_calls[key];
      if (!isRecord(call)) continue;
      out.calls.set(key, indexModule(call.module, name, `${field}.module_calls.${key}.module`, depth + 1, typeof call.source === "string" ? call.source : undefined));
    }
  }
  return out;
}

/** `module.a["x"].module.b[0]` to its segments [{name: "a", instance: 'module.a["x"]'}, ...]. */
export function moduleSegments(moduleAddress: string): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  const re = /module\.([A-Za-z0-9_-]+)(\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.?/y;
  let pos = 0;
  while (pos < moduleAddress.length) {
    re.lastIndex = pos;
    const m = re.exec(moduleAddress);
    if (!m) return out;
    const address = moduleAddress.slice(0, re.lastIndex).replace(/\.$/, "");
    out.push({ name: m[1], address });
    pos = re.lastIndex;
  }
  return out;
}

/**
 * References of each attribute expression. Top-level attributes get every reference in them;
 * nested blocks also get a dot path (`inline_policy.0.policy`). References are qualified with the
 * module instance address, so `aws_iam_role.x` in `module.m[0]` becomes `module.m[0].aws_iam_role.x`.
 */
function refsOf(expressions: Record<string, unknown>, modulePrefix: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (path: string, refs: string[]) => {
    if (!Object.prototype.hasOwnProperty.call(out, path)) setOwn(out, path, refs.length === 1 ? [refs[0]] : [...new Set(refs)]);
    else setOwn(out, path, [...new Set([...out[path], ...refs])]);
  };
  const walk = (expr: unknown, path: string, top: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(expr)) {
      expr.forEach((b, i) => walk(b, `${path}.${i}`, top, depth + 1));
      return;
    }
    if (!isRecord(expr)) return;
    if (Array.isArray(expr.references) || "constant_value" in expr) {
      const refs = (Array.isArray(expr.references) ? expr.references : []).filter((r): r is string => typeof r === "string" && isResourceRef(r)).map((r) => modulePrefix + r);
      if (refs.length) {
        add(top, refs);
        if (path !== top) add(path, refs);
      }
      return;
    }
    // A nested block: attribute name to expression.
    for (const k of Object.keys(expr)) walk(expr[k], `${path}.${k}`, top, depth + 1);
  };
  for (const k of Object.keys(expressions)) walk(expressions[k], k, k, 0);
  return out;
}

/** Whether `a` is `${type}.${name}`, without building that string. */
const isTypeDotName = (a: string, type: string, name: string) =>
  a.length === type.length + 1 + name.length && a.charCodeAt(type.length) === 46 && a.startsWith(type) && a.endsWith(name);
const stripIndex = (a: string) => a.replace(/\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]$/, "");
const indexOf = (a: string) => /\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]$/.exec(a)?.[0];

/**
 * Configuration references name a resource without its instance key (`aws_iam_role.x`, even
 * when the expression was `aws_iam_role.x[count.index]`). Resolve them against the plan's
 * addresses: an exact address stays; a counted/for_each resource resolves to the instance
 * with the same key as the referencing resource when both are keyed alike, else to every
 * instance (the engine then sees every candidate owner, never none).
 */
function resolveRefs(resources: IdentityResource[]): void {
  const instances = new Map<string, string[]>();
  for (const r of resources) {
    // Only an address ending in "]" has an instance key to strip.
    const base = r.address.endsWith("]") ? stripIndex(r.address) : r.address;
    if (base !== r.address) instances.set(base, [...(instances.get(base) ?? []), r.address]);
  }
  if (!instances.size) return;
  const addresses = new Set(resources.map((r) => r.address));
  for (const r of resources) {
    if (!r.propRefs) continue;
    const myIndex = indexOf(r.address);
    for (const attr of Object.keys(r.propRefs)) {
      const resolved: string[] = [];
      for (const ref of r.propRefs[attr]) {
        const parts = ref.split(".");
        let done = false;
        for (let n = parts.length; n >= 2 && !done; n--) {
          const head = parts.slice(0, n).join(".");
          if (addresses.has(head)) {
            resolved.push(ref);
            done = true;
          } else if (instances.has(head)) {
            const tail = parts.slice(n).join(".");
            const all = instances.get(head) as string[];
            const same = myIndex ? all.filter((a) => indexOf(a) === myIndex) : [];
            for (const inst of same.length ? same : all) resolved.push(tail ? `${inst}.${tail}` : inst);
            done = true;
          }
        }
        if (!done) resolved.push(ref);
      }
      setOwn(r.propRefs, attr, [...new Set(resolved)]);
    }
  }
}

/**
 * Terraform lists every resource of `planned_values` in `resource_changes` too (unchanged ones as
 * "no-op"). An identity resource that is planned but not listed means the file was corrupted or
 * edited (a mangled `resource_changes` key or `type` would hide the identity from the gate), so
 * it is an input error, never a pass. A `null` planned_values has nothing to compare.
 */
function checkPlannedAreListed(planned: unknown, listed: (address: string) => boolean, name: string): void {
  if (planned === undefined || planned === null) return;
  if (!isRecord(planned)) throw new InputError(`${name}: planned_values: expected an object`);
  walkModuleResources(planned.root_module, name, "planned_values.root_module", (raw, field) => {
    if (typeof raw.type !== "string" || raw.mode === "data" || !catalogByTerraformType(raw.type)) return;
    if (typeof raw.address !== "string") throw new InputError(`${name}: ${field}.address: expected the resource address, a string`);
    if (listed(raw.address)) return;
    throw new InputError(
      `${name}: ${field}: ${raw.address} (${raw.type}) is planned, but resource_changes does not list it; Terraform lists every planned resource there (unchanged ones as no-op), so the file is corrupt or edited: regenerate it with terraform show -json`,
    );
  });
}

/** The dot paths `after_unknown` marks, without the whole-object marker (`*`). */
function unknownPathsOf(afterUnknown: unknown, where: string): string[] {
  const paths = truePaths(afterUnknown, where);
  let n = 0;
  for (const p of paths) if (p !== "*" && p !== "") paths[n++] = p;
  paths.length = n;
  return paths;
}

/** `terraform show -json <planfile>` to the engine model: the catalog's resources, judged on their changes. */
export function planToInput(value: unknown, name: string): EvaluationInput {
  if (isRecord(value) && isRecord(value.values) && !("resource_changes" in value) && !("planned_values" in value)) {
    throw new InputError(`${name}: this is a Terraform state, not a plan; use nhi-gate state`);
  }
  if (isRecord(value) && isRecord(value.resource) && !("format_version" in value)) {
    throw new InputError(`${name}: this looks like CDKTF synthesized JSON (cdk.tf.json), not a plan; use nhi-gate synth, or gate the plan of terraform show -json`);
  }
  const plan = isPlanShape(value) ? value : validate(PlanSchema, value, name, "a Terraform plan (terraform show -json)");
  checkFormatVersion(plan.format_version, name);
  if (plan.resource_changes === undefined && plan.planned_values === undefined) {
    throw new InputError(`${name}: not a Terraform plan: neither resource_changes nor planned_values is present`);
  }
  const config = isRecord(plan.configuration) ? indexModule(plan.configuration.root_module, name, "configuration.root_module", 0) : undefined;
  const resources: IdentityResource[] = [];
  let hiddenByModule: Map<string, HiddenContributor[]> | undefined;
  const hidden = () => (hiddenByModule ??= hiddenContributors(plan));
  /** Addresses of the identity resources resource_changes lists, as the resources have them; deposed objects' apart. */
  const seen = new Set<string>();
  const seenDeposed = new Set<string>();
  const isSeen = (address: string) => seen.has(address) || (seenDeposed.size !== 0 && seenDeposed.has(address));
  /** The instance addresses of deposed objects (the others' instance address is their address, in `seen`). */
  const listedDeposed = new Set<string>();
  (plan.resource_changes ?? []).forEach((raw, i) => {
    // Fast path for the many non-identity resources: a hand check (no copy); zod names the problem when it fails.
    const light = isAnyChange(raw) ? raw : validate(AnyChangeSchema, raw, name, `a Terraform plan: resource_changes.${i}`);
    // The field name is made for a message only (not for each of 100k entries).
    if (!writtenByTerraform(light)) checkWrittenByTerraform(light, name, `resource_changes.${i}`);
    const entry = catalogByTerraformType(light.type);
    if (!entry || light.mode === "data") return;
    const field = `resource_changes.${i}`;
    // The hand check accepts exactly what the schema accepts (tested); zod runs only to name a problem.
    const rc = isResourceChange(raw) ? raw : validate(ResourceChangeSchema, raw, name, `a Terraform plan: ${field}`);
    const where = `${name}: ${rc.address}`;
    const c = rc.change;
    const importing = c.importing !== undefined && c.importing !== null;
    const action = mapActions(c.actions, importing, where);
    const isDelete = action === "delete";
    const props = (isDelete ? c.before : c.after) ?? (isDelete ? c.after : c.before) ?? {};
    checkDepth(props, where);
    checkDepth(c.before, where);
    const address = rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address;
    if (isSeen(address)) throw new InputError(`${name}: ${field}: resource address ${address} appears twice`);
    if (rc.deposed) {
      seenDeposed.add(address);
      listedDeposed.add(rc.address);
    } else seen.add(address);
    const typeAt = rc.module_address === undefined && rc.address.startsWith("module.") ? rc.address.lastIndexOf(`.${rc.type}.`) : -1;
    const moduleAddress = rc.module_address ?? (typeAt > 0 ? rc.address.slice(0, typeAt) : undefined);
    const localAddress = moduleAddress ? rc.address.slice(moduleAddress.length + 1) : rc.address;
    const r: IdentityResource = {
      address,
      nativeType: rc.type,
      entry,
      action,
      props,
      before: c.before ?? null,
      unknownPaths: isDelete ? [] : unknownPathsOf(c.after_unknown, where),
      sensitivePaths: sensitivePathsOf(entry, truePaths(c.after_sensitive, where, "", 0, truePaths(c.before_sensitive, where))),
      origin: { source: "terraform-plan", file: name },
    };
    if (importing) r.imported = true;
    const segments = moduleAddress ? moduleSegments(moduleAddress) : [];
    if (moduleAddress) {
      const chain: { address: string; source?: string }[] = [];
      let mod = config;
      for (const s of segments) {
        mod = mod?.calls.get(s.name);
        chain.push({ address: s.address, ...(mod?.source ? { source: mod.source } : {}) });
      }
      // Provenance follows the outermost call: a local wrapper around an approved module is not the approved module.
      r.origin.module = { address: moduleAddress, ...(chain[0]?.source ? { source: chain[0].source } : {}), ...(chain.length > 1 ? { chain } : {}) };
    }
    let mod = config;
    for (const s of segments) mod = mod?.calls.get(s.name);
    // Usually the local address itself (no instance key): that string, whose hash is known, not a new one.
    const configAddress = rc.name ? (isTypeDotName(localAddress, rc.type, rc.name) ? localAddress : `${rc.type}.${rc.name}`) : stripIndex(localAddress);
    const expressions = mod?.resources.get(configAddress);
    if (expressions) {
      const refs = refsOf(expressions, moduleAddress ? `${moduleAddress}.` : "");
      if (Object.keys(refs).length) r.propRefs = refs;
      // A read-back attribute the configuration leaves unset is unknown in every plan (the provider
      // fills it from what other resources attach, and those are judged themselves): not a gap.
      // Only with the configuration in hand: without it, the unknown stays and the gate fails closed.
      // Only the whole attribute, with no planned value: unknowns inside a planned list (a `dynamic`
      // block, which the configuration JSON does not show, with unknown content) stay findings.
      const readBack = (entry.readBack ?? []).filter((a) => !Object.prototype.hasOwnProperty.call(expressions, a) && (props[a] === undefined || props[a] === null));
      if (readBack.length) r.unknownPaths = r.unknownPaths.filter((p) => !readBack.includes(p));
      flagHiddenDynamicBlocks(r, expressions, c.after_unknown, hidden);
    }
    resources.push(r);
  });
  // Listed: an instance address of a resource_changes entry (seen holds exactly the non-deposed ones).
  checkPlannedAreListed(plan.planned_values, (a) => seen.has(a) || listedDeposed.has(a), name);
  // Identities in the prior state that the plan does not list: context for linking (older plans).
  if (isRecord(plan.prior_state) && isRecord(plan.prior_state.values)) {
    for (const r of stateModuleResources(plan.prior_state.values.root_module, name, "prior_state.values.root_module", "terraform-plan")) {
      if (!isSeen(r.address)) {
        seen.add(r.address);
        resources.push(r);
      }
    }
  }
  resolveRefs(resources);
  // Secret attributes copied to anything outside the identity model (issue 22): a separate pass.
  if (isRecord(plan.configuration)) attachSecretFlows(resources, configurationSecretFlows(plan.configuration));
  return { resources, scope: "changes", sources: [name] };
}
