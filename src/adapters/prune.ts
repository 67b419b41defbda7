import { catalogByTerraformType } from "../catalog";
import { DROP, PathKey, Prune } from "./json-stream";
import { isRecord, setOwn } from "./input";
import { isAnyChange } from "./terraform-plan";
import { markedTopLevel } from "./plan-shapes";

/**
 * What the streaming reader may leave out of a Terraform plan or state so a huge file does not
 * become a huge object tree. Every rule here is checked against what the adapters read
 * (terraform-plan.ts `planToInput`, terraform-state.ts `stateToInput`, run.ts `detectKind`,
 * pulumi-export.ts for `inventory`), and pruned input gives the same model and the same input
 * errors as the whole value (test/adapters/json-stream.test.ts compares both on every corpus plan):
 *
 * - top-level keys no adapter reads (`resource_drift`, `output_changes`, `checks`) are skipped
 *   without being built. A Pulumi stack export has none of them.
 * - `planned_values` keeps only its module tree and, of each identity resource, address, mode,
 *   type and name (the plan adapter checks that every planned identity is listed in
 *   `resource_changes`); other resources become one shared empty object, keeping their index.
 * - a `resource_changes[i]` of a type the catalog does not know (or a data source) that passes the
 *   adapter's light check is reduced to what that check reads (address, mode, type, actions) and
 *   which of its top-level attributes `after_unknown` marks (plan-shapes.ts matches them against
 *   `relevant_attributes`, which is kept); anything odd is left whole, so zod still names the problem.
 * - a resource in `values.root_module` / `prior_state.values.root_module` (and their child
 *   modules) of a non-catalog type or a data source keeps only address, mode, type and name.
 * - a raw state file's `resources[i]` (version 4) of a non-catalog type or a data source keeps
 *   only module, mode, type and name (its instances are not built).
 *
 * Pruning only applies on the streaming path (files above `streamAbove`); the fast path keeps
 * the whole value.
 */
const SKIPPED_TOP_LEVEL = new Set(["resource_drift", "output_changes", "checks"]);

const PLANNED_KEEP = new Set(["address", "mode", "type", "name"]);
/** In place of a planned resource the check skips (not in the catalog, or a data source): same index, nothing built. */
const PLANNED_OTHER = Object.freeze({});

const markers = new Map<string, Readonly<Record<string, true>>>();
/** `{ arn: true, id: true }`, one frozen object per distinct set of keys (most resources share a few). */
function internedMarker(keys: string[]): Readonly<Record<string, true>> | undefined {
  if (!keys.length) return undefined;
  const id = keys.join("\u0000");
  let m = markers.get(id);
  if (!m) {
    const o: Record<string, true> = {};
    for (const k of keys) setOwn(o, k, true);
    markers.set(id, (m = Object.freeze(o)));
  }
  return m;
}

const skipsEnrichment = (type: unknown, mode: unknown) => typeof type === "string" && (!catalogByTerraformType(type) || mode === "data");

function pick(raw: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(raw, k)) setOwn(out, k, raw[k]);
  return out;
}

/** `<head>.root_module(.child_modules.N)*.resources.I` (head `values` by default), from index `from` of the path, over its first n keys. */
function isModuleResource(path: readonly PathKey[], from: number, head = "values", n = path.length): boolean {
  if (n < from + 4 || path[from] !== head || path[from + 1] !== "root_module" || path[n - 2] !== "resources" || typeof path[n - 1] !== "number") return false;
  for (let k = from + 2; k < n - 2; k += 2) if (path[k] !== "child_modules" || typeof path[k + 1] !== "number") return false;
  return (n - from - 4) % 2 === 0;
}

export const terraformPrune: Prune = {
  skip(path) {
    if (path[0] === "planned_values") {
      if (path.length === 2) return path[1] === "root_module" ? undefined : DROP;
      // A planned resource's member: only what the listed-in-resource_changes check reads.
      const key = path[path.length - 1];
      return isModuleResource(path, 0, "planned_values", path.length - 1) && !PLANNED_KEEP.has(key as string) ? DROP : undefined;
    }
    return path.length === 1 && SKIPPED_TOP_LEVEL.has(path[0] as string) ? DROP : undefined;
  },
  done(path, value) {
    if (!isRecord(value)) return value;
    if (path[0] === "planned_values" && isModuleResource(path, 0, "planned_values")) return skipsEnrichment(value.type, value.mode) ? PLANNED_OTHER : value;
    if (path.length === 2 && path[0] === "resource_changes" && typeof path[1] === "number") {
      if (!isAnyChange(value) || !skipsEnrichment(value.type, value.mode)) return value;
      const out = pick(value, ["address", "module_address", "mode", "type", "name"]);
      const change = value.change as Record<string, unknown>;
      // Which top-level attributes are unknown until apply (plan-shapes.ts reads nothing deeper), as one shared marker per set.
      const unknown = change.after_unknown === true ? true : internedMarker(markedTopLevel(change.after_unknown));
      setOwn(out, "change", unknown === undefined ? { actions: change.actions } : { actions: change.actions, after_unknown: unknown });
      return out;
    }
    // A raw state file (version 4): `resources[i]` of a type the adapter skips keeps only what it reads to skip it.
    if (path.length === 2 && path[0] === "resources" && typeof path[1] === "number") {
      return typeof value.mode === "string" && skipsEnrichment(value.type, value.mode) ? pick(value, ["module", "mode", "type", "name"]) : value;
    }
    if (path.length >= 4 && (isModuleResource(path, 0) || (path[0] === "prior_state" && isModuleResource(path, 1)))) {
      if (!skipsEnrichment(value.type, value.mode)) return value;
      return pick(value, ["address", "mode", "type", "name"]);
    }
    return value;
  },
};
