import * as z from "zod";
import { catalogByTerraformType } from "../catalog";
import { EvaluationInput, IdentityResource } from "../engine/model";
import { checkDepth, sensitivePathsOf, truePaths } from "./common";
import { InputError, isRecord, MAX_DEPTH, validate } from "./input";
import { checkFormatVersion } from "./terraform-plan";

/** A resource in `values.root_module` (state, `planned_values`, `prior_state`). */
const StateResourceSchema = z.looseObject({
  address: z.string().min(1),
  mode: z.enum(["managed", "data"]),
  type: z.string().min(1),
  name: z.string().optional(),
  values: z.union([z.record(z.string(), z.unknown()), z.null()]).optional(),
  sensitive_values: z.unknown().optional(),
  deposed_key: z.string().optional(),
});

export interface StateModule {
  address?: string;
  resources?: unknown[];
  child_modules?: unknown[];
}

const ModuleShape = z.looseObject({
  address: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  child_modules: z.array(z.unknown()).optional(),
});

const StateSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  values: z.looseObject({ root_module: ModuleShape.optional() }).optional(),
});

/**
 * Visit every resource of a `values` module tree (root_module, child_modules recursively), as a
 * record with the field path it was found at. Shapes are checked; a non-object resource is an
 * input error naming the field.
 */
export function walkModuleResources(root: unknown, name: string, fieldPrefix: string, visit: (raw: Record<string, unknown>, field: string, module: StateModule) => void): void {
  const walk = (mod: unknown, field: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new InputError(`${name}: ${field}: modules nested deeper than ${MAX_DEPTH} levels`);
    const m = validate(ModuleShape, mod, name, `a Terraform module in ${field}`);
    (m.resources ?? []).forEach((raw, i) => {
      if (!isRecord(raw)) throw new InputError(`${name}: ${field}.resources.${i}: expected an object`);
      visit(raw, `${field}.resources.${i}`, m);
    });
    (m.child_modules ?? []).forEach((c, i) => walk(c, `${field}.child_modules.${i}`, depth + 1));
  };
  if (root !== undefined) walk(root, fieldPrefix, 0);
}

/**
 * Walk a `values` module tree (root_module, child_modules recursively) and turn the catalog's
 * resources into the model, all as "no-op" (they exist; nothing changes).
 */
export function stateModuleResources(root: unknown, name: string, fieldPrefix: string, source: "terraform-state" | "terraform-plan"): IdentityResource[] {
  const out: IdentityResource[] = [];
  walkModuleResources(root, name, fieldPrefix, (raw, field, m) => {
    const entry = typeof raw.type === "string" ? catalogByTerraformType(raw.type) : undefined;
    if (!entry || raw.mode === "data") return;
    const r = validate(StateResourceSchema, raw, name, `a Terraform resource in ${field}`);
    const where = `${name}: ${r.address}`;
    const props = r.values ?? {};
    checkDepth(props, where);
    out.push({
      address: r.deposed_key ? `${r.address} (deposed ${r.deposed_key})` : r.address,
      nativeType: r.type,
      entry,
      action: "no-op",
      props,
      unknownPaths: [],
      sensitivePaths: sensitivePathsOf(entry, truePaths(r.sensitive_values, where)),
      origin: { source, file: name, ...(m.address ? { module: { address: m.address } } : {}) },
    });
  });
  return out;
}

/** A raw state file (`terraform state pull`, a backend's object): `version` 4 and `resources`, no `format_version`. */
export function isRawState(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !("format_version" in value) && typeof value.version === "number" && ("resources" in value || "lineage" in value);
}

const RawInstanceSchema = z.looseObject({
  index_key: z.union([z.string(), z.number()]).optional(),
  schema_version: z.number().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  attributes_flat: z.record(z.string(), z.unknown()).optional(),
  sensitive_attributes: z.array(z.unknown()).optional(),
  deposed: z.string().optional(),
  status: z.string().optional(),
});

const RawResourceSchema = z.looseObject({
  module: z.string().optional(),
  mode: z.enum(["managed", "data"]),
  type: z.string().min(1),
  name: z.string().min(1),
  provider: z.string().optional(),
  instances: z.array(z.unknown()),
});

const RawStateSchema = z.looseObject({
  version: z.number(),
  terraform_version: z.string().optional(),
  serial: z.number().optional(),
  lineage: z.string().optional(),
  resources: z.array(z.unknown()),
});

/** An instance key as Terraform writes it in an address: `["a b"]`, `[0]`. */
const indexSuffix = (k: string | number | undefined) => (k === undefined ? "" : typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`);

/** Terraform's sensitive path steps (`[{type: "get_attr", value: "secret"}, {type: "index", value: {value: 0, type: "number"}}]`) to a dot path. */
function stepsToPath(steps: unknown, where: string): string {
  if (!Array.isArray(steps)) throw new InputError(`${where}: sensitive_attributes: expected a list of paths, each a list of steps`);
  return steps
    .map((s) => {
      if (!isRecord(s)) throw new InputError(`${where}: sensitive_attributes: expected each step as {type, value}`);
      const v = s.value;
      if (s.type === "get_attr" && typeof v === "string") return v;
      if (s.type === "index") return String(isRecord(v) ? v.value : v);
      throw new InputError(`${where}: sensitive_attributes: unknown step type ${JSON.stringify(String(s.type)).slice(0, 40)}`);
    })
    .join(".");
}

/**
 * A raw Terraform state (format version 4: what `terraform state pull` prints and the S3, GCS and
 * azurerm backends store) to the model: every instance of a catalog type, as it exists
 * ("no-op"), judged whole. Attributes are the instance's `attributes`; `sensitive_attributes`
 * become sensitive paths (never printed), with the catalog's secret attributes.
 */
export function rawStateToInput(value: unknown, name: string): EvaluationInput {
  const state = validate(RawStateSchema, value, name, "a Terraform state file (format version 4)");
  if (state.version !== 4) {
    throw new InputError(
      `${name}: Terraform state format version ${state.version}; this gate reads version 4 (Terraform 0.12 and later). ${state.version < 4 ? "Upgrade the state with a current Terraform (terraform state pull after terraform init), or" : "Upgrade nhi-governance, or"} gate the output of terraform show -json`,
    );
  }
  const out: IdentityResource[] = [];
  const seen = new Set<string>();
  state.resources.forEach((raw, i) => {
    const field = `resources.${i}`;
    if (!isRecord(raw)) throw new InputError(`${name}: ${field}: expected an object`);
    const entry = typeof raw.type === "string" ? catalogByTerraformType(raw.type) : undefined;
    if (!entry || raw.mode === "data") return;
    const r = validate(RawResourceSchema, raw, name, `a Terraform state resource in ${field}`);
    const base = `${r.module ? `${r.module}.` : ""}${r.type}.${r.name}`;
    r.instances.forEach((rawInstance, j) => {
      const inst = validate(RawInstanceSchema, rawInstance, name, `a resource instance in ${field}.instances.${j} (${base})`);
      const address = `${base}${indexSuffix(inst.index_key)}`;
      const where = `${name}: ${address}`;
      if (!inst.attributes) {
        throw new InputError(`${where}: ${field}.instances.${j} has ${inst.attributes_flat ? "only attributes_flat (written by Terraform 0.11)" : "no attributes"}; refresh the state with a current Terraform, or gate the output of terraform show -json`);
      }
      checkDepth(inst.attributes, where);
      const key = inst.deposed ? `${address} (deposed ${inst.deposed})` : address;
      if (seen.has(key)) throw new InputError(`${name}: ${field}: resource address ${key} appears twice`);
      seen.add(key);
      out.push({
        address: key,
        nativeType: r.type,
        entry,
        action: "no-op",
        props: inst.attributes,
        unknownPaths: [],
        sensitivePaths: sensitivePathsOf(entry, (inst.sensitive_attributes ?? []).map((p) => stepsToPath(p, where))),
        origin: { source: "terraform-state", file: name, ...(r.module ? { module: { address: r.module } } : {}) },
      });
    });
  });
  return { resources: out, scope: "all", sources: [name] };
}

/** `terraform show -json` of a state, or a raw state file (version 4): every identity resource, judged whole (scope "all"). */
export function stateToInput(value: unknown, name: string): EvaluationInput {
  if (isRecord(value) && ("resource_changes" in value || "planned_values" in value)) {
    throw new InputError(`${name}: this is a Terraform plan, not a state; use nhi-gate plan`);
  }
  if (isRawState(value)) return rawStateToInput(value, name);
  const state = validate(StateSchema, value, name, "a Terraform state (terraform show -json)");
  checkFormatVersion(state.format_version, name);
  const resources = stateModuleResources(state.values?.root_module, name, "values.root_module", "terraform-state");
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.address)) throw new InputError(`${name}: resource address ${r.address} appears twice`);
    seen.add(r.address);
  }
  return { resources, scope: "all", sources: [name] };
}
