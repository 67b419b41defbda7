import { catalogByTerraformType } from "../catalog";
import { DROP, PathKey, Prune } from "./json-stream";
import { isRecord, setOwn } from "./input";
import { isAnyChange } from "./terraform-plan";

/**
 * What the streaming reader may leave out of a Terraform plan or state so a huge file does not
 * become a huge object tree. Every rule here is checked against what the adapters read
 * (terraform-plan.ts `planToInput`, terraform-state.ts `stateToInput`, run.ts `detectKind`,
 * pulumi-export.ts for `inventory`), and pruned input gives the same model and the same input
 * errors as the whole value (test/adapters/json-stream.test.ts compares both on every corpus plan):
 *
 * - top-level keys no adapter reads are skipped without being built; `planned_values` keeps its
 *   key (its presence says "plan") with `null` in place. A Pulumi stack export has none of them.
 * - a `resource_changes[i]` of a type the catalog does not know (or a data source) that passes the
 *   adapter's light check is reduced to what that check reads; anything odd is left whole, so
 *   zod still names the problem.
 * - a resource in `values.root_module` / `prior_state.values.root_module` (and their child
 *   modules) of a non-catalog type or a data source keeps only address, mode, type and name.
 *
 * Pruning only applies on the streaming path (files above `streamAbove`); the fast path keeps
 * the whole value.
 */
const SKIPPED_TOP_LEVEL: Record<string, "drop" | "null"> = {
  planned_values: "null",
  resource_drift: "drop",
  relevant_attributes: "drop",
  output_changes: "drop",
  checks: "drop",
};

const skipsEnrichment = (type: unknown, mode: unknown) => typeof type === "string" && (!catalogByTerraformType(type) || mode === "data");

function pick(raw: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(raw, k)) setOwn(out, k, raw[k]);
  return out;
}

/** `values.root_module(.child_modules.N)*.resources.I`, from index `from` of the path. */
function isModuleResource(path: readonly PathKey[], from: number): boolean {
  const n = path.length;
  if (n < from + 4 || path[from] !== "values" || path[from + 1] !== "root_module" || path[n - 2] !== "resources" || typeof path[n - 1] !== "number") return false;
  for (let k = from + 2; k < n - 2; k += 2) if (path[k] !== "child_modules" || typeof path[k + 1] !== "number") return false;
  return (n - from - 4) % 2 === 0;
}

export const terraformPrune: Prune = {
  skip(path) {
    if (path.length !== 1) return undefined;
    if (!Object.prototype.hasOwnProperty.call(SKIPPED_TOP_LEVEL, path[0])) return undefined;
    const rule = SKIPPED_TOP_LEVEL[path[0] as string];
    return rule === "drop" ? DROP : { value: null };
  },
  done(path, value) {
    if (!isRecord(value)) return value;
    if (path.length === 2 && path[0] === "resource_changes" && typeof path[1] === "number") {
      if (!isAnyChange(value) || !skipsEnrichment(value.type, value.mode)) return value;
      const out = pick(value, ["address", "module_address", "mode", "type", "name"]);
      setOwn(out, "change", { actions: (value.change as Record<string, unknown>).actions });
      return out;
    }
    if (path.length >= 4 && (isModuleResource(path, 0) || (path[0] === "prior_state" && isModuleResource(path, 1)))) {
      if (!skipsEnrichment(value.type, value.mode)) return value;
      return pick(value, ["address", "mode", "type", "name"]);
    }
    return value;
  },
};
