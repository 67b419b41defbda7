import { z } from "zod";
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

/** `terraform show -json` of a state: every identity resource, judged whole (scope "all"). */
export function stateToInput(value: unknown, name: string): EvaluationInput {
  if (isRecord(value) && ("resource_changes" in value || "planned_values" in value)) {
    throw new InputError(`${name}: this is a Terraform plan, not a state; use nhi-gate plan`);
  }
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
