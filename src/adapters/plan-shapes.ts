import { IdentityResource } from "../engine/model";
import { isResourceRef } from "./common";
import { InputError, isRecord, MAX_DEPTH } from "./input";

/**
 * Checks of a Terraform plan beyond its schema (issue 22, root cause 8): shapes Terraform never
 * writes are refused, and what the plan JSON does not show is a finding rather than a pass.
 * Kept apart from terraform-plan.ts, which calls them.
 */

const WRITES = new Set(["create", "update", "delete", "forget"]);

/**
 * A `resource_changes` entry Terraform could have written: a managed resource is never "read"
 * (only data sources are read), a data source is never created, updated, deleted or forgotten, and
 * the mode is one of the two. Anything else means the file was edited (a `mode: "data"` on an
 * `aws_iam_role` hides its creation from every gate), so it is an input error, never a pass.
 */
export function checkWrittenByTerraform(raw: { address: string; type: string; mode: string; change: { actions: readonly string[] } }, name: string, field: string): void {
  const { mode, address } = raw;
  const actions = raw.change.actions;
  const regenerate = "Terraform never writes this, so the file is corrupt or edited: regenerate it with terraform show -json";
  if (mode === "managed") {
    if (actions.includes("read")) throw new InputError(`${name}: ${field}: ${address} is a managed resource with actions ${JSON.stringify(actions)}; only data sources are read. ${regenerate}`);
  } else if (mode === "data") {
    if (actions.some((a) => WRITES.has(a))) throw new InputError(`${name}: ${field}: ${address} is a data source with actions ${JSON.stringify(actions)}; data sources are only read. ${regenerate}`);
  } else {
    throw new InputError(`${name}: ${field}.mode: ${JSON.stringify(String(mode).slice(0, 20))} for ${address}; expected "managed" or "data". ${regenerate}`);
  }
}

/** Whether `checkWrittenByTerraform` accepts the entry (it throws exactly when this is false). */
export function writtenByTerraform(raw: { mode: string; change: { actions: readonly string[] } }): boolean {
  const actions = raw.change.actions;
  if (raw.mode === "managed") return !actions.includes("read");
  if (raw.mode === "data") {
    for (const a of actions) if (WRITES.has(a)) return false;
    return true;
  }
  return false;
}

/** Nested blocks of identity types that a `dynamic` block can fill and that the provider reads back when unset (Optional+Computed). */
const DYNAMIC_READ_BACK_BLOCKS: Record<string, string[]> = { aws_iam_role: ["inline_policy"] };

/** The top-level attributes a Terraform marker structure (`after_unknown`) marks anywhere below them. */
export function markedTopLevel(marker: unknown, depth = 0): string[] {
  if (!isRecord(marker)) return [];
  return Object.keys(marker).filter((k) => containsTrue(marker[k], depth + 1));
}

function containsTrue(v: unknown, depth: number): boolean {
  if (v === true) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) return v.some((x) => containsTrue(x, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => containsTrue(x, depth + 1));
  return false;
}

const stripKeys = (a: string) => a.replace(/\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]/g, "");
/** `module.a.module.b.aws_x.y` -> `module.a.module.b`; `aws_x.y` -> "". */
const moduleOf = (address: string) => {
  const m = /^((?:module\.[A-Za-z0-9_-]+\.)*)(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/.exec(address);
  return m ? m[1].replace(/\.$/, "") : "";
};

export interface HiddenContributor {
  /** `aws_iam_policy.src.tags_all`: an attribute unknown until apply that feeds the configuration. */
  attribute: string;
  module: string;
}

/**
 * Values unknown until apply that the plan says feed the configuration (`relevant_attributes`,
 * Terraform >= 1.2: every resource attribute contributing to a change, followed through locals
 * and `dynamic` blocks), but that no expression the plan's `configuration` shows references: they
 * reach a resource through something the plan JSON leaves out, a `dynamic` block (its `for_each`
 * and content are not in the configuration JSON) or a local. Grouped by module (a `dynamic` block
 * or local can only use its own module's resources). Empty when the plan has no such attribute or
 * no configuration.
 */
export function hiddenContributors(plan: Record<string, unknown>): Map<string, HiddenContributor[]> {
  const out = new Map<string, HiddenContributor[]>();
  const relevant = Array.isArray(plan.relevant_attributes) ? plan.relevant_attributes : [];
  if (!relevant.length || !isRecord(plan.configuration)) return out;
  const wanted = new Map<string, { resource: string; attr: string }[]>();
  for (const ra of relevant) {
    if (!isRecord(ra) || typeof ra.resource !== "string" || !Array.isArray(ra.attribute)) continue;
    const attr = ra.attribute.length ? String(ra.attribute[0]) : "";
    const list = wanted.get(ra.resource) ?? [];
    list.push({ resource: ra.resource, attr });
    wanted.set(ra.resource, list);
  }
  // Which of them are unknown until apply: a deferred data source, or an attribute after_unknown marks.
  const unknown: { resource: string; attr: string }[] = [];
  for (const rc of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isRecord(rc) || typeof rc.address !== "string") continue;
    const want = wanted.get(rc.address);
    if (!want) continue;
    const change = isRecord(rc.change) ? rc.change : {};
    const actions = Array.isArray(change.actions) ? change.actions : [];
    if (change.after_unknown === true || (rc.mode === "data" && actions.includes("read"))) unknown.push(...want);
    else {
      const marked = new Set(markedTopLevel(change.after_unknown));
      for (const w of want) if (w.attr === "" ? marked.size > 0 : marked.has(w.attr)) unknown.push(w);
    }
  }
  if (!unknown.length) return out;
  const explained = visibleReferences(plan.configuration);
  for (const u of unknown) {
    const base = stripKeys(u.resource);
    const ref = u.attr ? `${base}.${u.attr}` : base;
    if (explained.has(ref) || (u.attr === "" && [...explained].some((e) => e.startsWith(`${base}.`)))) continue;
    const mod = moduleOf(base);
    const list = out.get(mod) ?? [];
    if (!list.some((c) => c.attribute === ref)) list.push({ attribute: ref, module: mod });
    out.set(mod, list);
  }
  return out;
}

/** Every resource reference (down to its first attribute) in an expression the configuration JSON shows, qualified with its module path. */
function visibleReferences(configuration: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const addRefs = (expr: unknown, prefix: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(expr)) {
      for (const x of expr) addRefs(x, prefix, depth + 1);
      return;
    }
    if (!isRecord(expr)) return;
    if (Array.isArray(expr.references)) {
      for (const r of expr.references) {
        if (typeof r !== "string" || !isResourceRef(r)) continue;
        const parts = stripKeys(r).split(".");
        // type.name.attr (data.type.name.attr, module.m.output): keep address and first attribute.
        const n = parts[0] === "data" ? 4 : 3;
        out.add(prefix + parts.slice(0, n).join("."));
      }
    }
    for (const k of Object.keys(expr)) if (k !== "references" && k !== "constant_value") addRefs(expr[k], prefix, depth + 1);
  };
  const walk = (mod: unknown, prefix: string, depth: number) => {
    if (depth > MAX_DEPTH || !isRecord(mod)) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) if (isRecord(r)) addRefs([r.expressions, r.count_expression, r.for_each_expression], prefix, 0);
    if (isRecord(mod.outputs)) for (const o of Object.values(mod.outputs)) if (isRecord(o)) addRefs(o.expression, prefix, 0);
    if (isRecord(mod.module_calls)) {
      for (const [k, call] of Object.entries(mod.module_calls)) {
        if (!isRecord(call)) continue;
        addRefs([call.expressions, call.count_expression, call.for_each_expression], prefix, 0);
        walk(call.module, `${prefix}module.${k}.`, depth + 1);
      }
    }
  };
  walk(configuration.root_module, "", 0);
  if (isRecord(configuration.provider_config)) {
    for (const p of Object.values(configuration.provider_config)) {
      if (!isRecord(p)) continue;
      const mod = typeof p.module_address === "string" && p.module_address ? `${stripKeys(p.module_address)}.` : "";
      addRefs(p.expressions, mod, 0);
    }
  }
  return out;
}

/**
 * A created role whose `inline_policy` the configuration leaves unset, planned unknown (the provider
 * reads it back), in a module where values unknown until apply feed something the plan does not
 * show: a `dynamic "inline_policy"` over them is exactly this shape, and fills the role at apply
 * (a real plan gave `*` on `*`). Recorded as "cannot evaluate" (NHI-GOV-030), never passed. On an
 * existing role the provider plans the prior value for an unset or dynamic-unknown block (real
 * plans show no-op), so only creates and replacements are ambiguous.
 */
export function flagHiddenDynamicBlocks(r: IdentityResource, expressions: Record<string, unknown>, afterUnknown: unknown, hidden: () => Map<string, HiddenContributor[]>): void {
  const blocks = DYNAMIC_READ_BACK_BLOCKS[r.entry.id];
  if (!blocks || (r.action !== "create" && r.action !== "replace")) return;
  const marked = isRecord(afterUnknown) ? afterUnknown : {};
  for (const b of blocks) {
    if (Object.prototype.hasOwnProperty.call(expressions, b) || marked[b] !== true) continue;
    const contributors = hidden().get(stripKeys(r.origin.module?.address ?? "")) ?? [];
    if (!contributors.length) continue;
    const names = contributors.map((c) => c.attribute);
    (r.opaque ??= []).push({
      key: `Dynamic::${b}`,
      field: b,
      message: `cannot evaluate ${b}: it is unset in the configuration the plan shows and unknown until apply, while values unknown until apply (${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""}) feed a part of this module's configuration the plan JSON leaves out (a dynamic block or a local); a dynamic "${b}" over them fills the role only at apply, with whatever they then hold. Fix: write the role's policies as aws_iam_role_policy resources, or reference those values directly so the plan shows where they go`,
    });
  }
}
