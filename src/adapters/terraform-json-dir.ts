import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, isRecord, readJson, ReadOptions, setOwn } from "./input";

/**
 * A Terraform working directory's JSON configuration, merged as Terraform merges it (issue 22,
 * root cause 5): `terraform plan` in a cdktf.out stack directory loads every `*.tf.json` and
 * `*.tf` file there, not only cdk.tf.json, and applies `override.tf.json` / `*_override.tf.json`
 * last, block by block. A synth-time gate that read cdk.tf.json alone would pass a role added in
 * `extra.tf.json` or widened in `z_override.tf.json`.
 *
 * - Files: the directory's own entries (not subdirectories), skipping what Terraform skips
 *   (names starting with `.`, ending with `~`, or `#...#` editor files). Primary files first, in
 *   lexical order, then override files, in lexical order.
 * - HCL files (`*.tf`) cannot be read here: they are refused (an input error naming the file),
 *   never ignored, since Terraform would apply them. Gate the plan instead. So are OpenTofu's
 *   `*.tofu` / `*.tofu.json`, which OpenTofu loads in place of same-named Terraform files.
 * - Primary files: a resource, data source, module, output or variable defined twice is an error
 *   in Terraform, and here.
 * - Override files: each block must exist in a primary file; its top-level arguments and nested
 *   block types replace the original's (a `dynamic` block counts as the block type it makes), and
 *   `lifecycle` is merged argument by argument, as Terraform documents.
 */

export interface ConfigDir {
  /** The merged configuration, in the shape of one cdk.tf.json. */
  value: Record<string, unknown>;
  /** The files read, in the order Terraform applies them. */
  files: string[];
  /** `aws_iam_role.x` / `module.m` to the file that defines it. */
  definedIn: Map<string, string>;
}

const ignored = (name: string) => name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#"));
const isOverride = (base: string) => base === "override" || base.endsWith("_override");

/** Blocks keyed by type and name (`resource`, `data`), and blocks keyed by name only. */
const TWO_LABELS = ["resource", "data"];
const ONE_LABEL = ["module", "output", "variable"];

export function readConfigDir(dir: string, options: ReadOptions = {}): ConfigDir {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new InputError(`${dir}: cannot read the directory`);
  }
  const primary: string[] = [];
  const overrides: string[] = [];
  for (const e of entries) {
    if (!e.isFile() || ignored(e.name)) continue;
    const file = path.join(dir, e.name);
    if (e.name.endsWith(".tf")) {
      throw new InputError(
        `${file}: an HCL configuration file; nhi-gate synth reads JSON configuration (*.tf.json) only, and Terraform would load this file too, so what it creates cannot be judged here. Convert it to .tf.json, move it out of the stack directory, or gate the plan (terraform plan, then nhi-gate plan)`,
      );
    }
    if (e.name.endsWith(".tofu") || e.name.endsWith(".tofu.json")) {
      throw new InputError(
        `${file}: an OpenTofu configuration file; OpenTofu loads it (in place of a .tf or .tf.json file of the same name) and Terraform does not, so which resources run depends on the tool. Keep the stack directory to *.tf.json, or gate the plan (tofu plan, then nhi-gate plan)`,
      );
    }
    if (!e.name.endsWith(".tf.json")) continue;
    (isOverride(e.name.slice(0, -".tf.json".length)) ? overrides : primary).push(file);
  }
  const byName = (a: string, b: string) => (path.basename(a) < path.basename(b) ? -1 : path.basename(a) > path.basename(b) ? 1 : 0);
  primary.sort(byName);
  overrides.sort(byName);
  const merged: Record<string, unknown> = {};
  const definedIn = new Map<string, string>();
  for (const file of primary) mergePrimary(merged, readConfigFile(file, options), file, definedIn);
  for (const file of overrides) mergeOverride(merged, readConfigFile(file, options), file);
  return { value: merged, files: [...primary, ...overrides], definedIn };
}

function readConfigFile(file: string, options: ReadOptions): Record<string, unknown> {
  const { value } = readJson(file, options);
  if (!isRecord(value)) throw new InputError(`${file}: expected a JSON object (Terraform JSON configuration)`);
  return value;
}

/** Terraform JSON allows a list of objects wherever an object of blocks is expected: flatten them. */
function objects(v: unknown, file: string, field: string): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.map((x, i) => (isRecord(x) ? x : fail(file, `${field}.${i}`, "expected an object")));
  if (isRecord(v)) return [v];
  return fail(file, field, "expected an object");
}

/** One block's body: an object, or a one-element list of one (two blocks with the same labels are a duplicate). */
function body(v: unknown, file: string, field: string): Record<string, unknown> {
  const list = objects(v, file, field);
  if (list.length !== 1) return fail(file, field, `${list.length} blocks with the same labels; Terraform allows one`);
  return list[0];
}

function fail(file: string, field: string, why: string): never {
  throw new InputError(`${file}: ${field}: ${why}`);
}

const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function child(o: Record<string, unknown>, k: string): Record<string, unknown> {
  if (!own(o, k) || !isRecord(o[k])) setOwn(o, k, {});
  return o[k] as Record<string, unknown>;
}

/** A two-label block type (resource, data) in one file: each type with each of its objects of blocks by name (lists flattened). */
function* twoLabelGroups(v: unknown, file: string, key: string): Generator<{ type: string; byName: Record<string, unknown> }> {
  for (const group of objects(v, file, key)) {
    for (const type of Object.keys(group)) {
      for (const byName of objects(group[type], file, `${key}.${type}`)) yield { type, byName };
    }
  }
}

/** Several terraform and provider blocks are allowed: kept side by side (the gate reads neither). */
function appendBlocks(into: Record<string, unknown>, key: string, v: unknown): void {
  const prev = own(into, key) ? into[key] : undefined;
  setOwn(into, key, prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(v) ? v : [v])]);
}

function mergePrimary(into: Record<string, unknown>, file: Record<string, unknown>, name: string, definedIn: Map<string, string>): void {
  for (const key of Object.keys(file)) {
    const v = file[key];
    if (TWO_LABELS.includes(key)) {
      for (const { type, byName } of twoLabelGroups(v, name, key)) {
        const target = child(child(into, key), type);
        for (const n of Object.keys(byName)) {
          const address = `${key === "data" ? "data." : ""}${type}.${n}`;
          if (own(target, n)) fail(name, `${key}.${type}.${n}`, `${address} is also defined in ${definedIn.get(address) ?? "another file"}; Terraform refuses duplicate configuration`);
          setOwn(target, n, body(byName[n], name, `${key}.${type}.${n}`));
          definedIn.set(address, name);
        }
      }
    } else if (ONE_LABEL.includes(key)) {
      for (const group of objects(v, name, key)) {
        const target = child(into, key);
        for (const n of Object.keys(group)) {
          const address = `${key}.${n}`;
          if (own(target, n)) fail(name, `${key}.${n}`, `${address} is also defined in ${definedIn.get(address) ?? "another file"}; Terraform refuses duplicate configuration`);
          setOwn(target, n, body(group[n], name, `${key}.${n}`));
          definedIn.set(address, name);
        }
      }
    } else if (key === "locals") {
      for (const group of objects(v, name, key)) {
        const target = child(into, key);
        for (const n of Object.keys(group)) {
          if (own(target, n)) fail(name, `locals.${n}`, `local.${n} is also defined in another file; Terraform refuses duplicate local values`);
          setOwn(target, n, group[n]);
        }
      }
    } else if (key === "terraform" || key === "provider") appendBlocks(into, key, v);
    else if (!own(into, key)) setOwn(into, key, v);
  }
}

/** Override one block's body: arguments and nested block types replace, `lifecycle` merges per argument. */
function overrideBody(base: Record<string, unknown>, over: Record<string, unknown>): void {
  for (const k of Object.keys(over)) {
    if (k === "//") continue;
    const v = over[k];
    if (k === "lifecycle" && isRecord(base.lifecycle) && isRecord(v)) {
      for (const lk of Object.keys(v)) setOwn(base.lifecycle, lk, v[lk]);
    } else if (k === "dynamic" && isRecord(v)) {
      // A dynamic block replaces the block type it generates, static or dynamic.
      const dyn = child(base, "dynamic");
      for (const t of Object.keys(v)) {
        delete base[t];
        setOwn(dyn, t, v[t]);
      }
    } else {
      if (isRecord(base.dynamic)) delete base.dynamic[k];
      setOwn(base, k, v);
    }
  }
}

function mergeOverride(into: Record<string, unknown>, file: Record<string, unknown>, name: string): void {
  for (const key of Object.keys(file)) {
    const v = file[key];
    if (TWO_LABELS.includes(key)) {
      for (const { type, byName } of twoLabelGroups(v, name, key)) {
        for (const n of Object.keys(byName)) {
          const target = isRecord(into[key]) && isRecord((into[key] as Record<string, unknown>)[type]) ? ((into[key] as Record<string, unknown>)[type] as Record<string, unknown>) : undefined;
          const base = target && own(target, n) ? target[n] : undefined;
          if (!isRecord(base)) fail(name, `${key}.${type}.${n}`, `overrides ${key === "data" ? "data." : ""}${type}.${n}, which no other file defines; Terraform refuses an override without its base block`);
          overrideBody(base, body(byName[n], name, `${key}.${type}.${n}`));
        }
      }
    } else if (ONE_LABEL.includes(key) || key === "locals") {
      for (const group of objects(v, name, key)) {
        for (const n of Object.keys(group)) {
          const target = isRecord(into[key]) ? (into[key] as Record<string, unknown>) : undefined;
          if (!target || !own(target, n)) fail(name, `${key}.${n}`, `overrides ${key === "locals" ? "local" : key}.${n}, which no other file defines; Terraform refuses an override without its base block`);
          if (key === "locals") setOwn(target, n, group[n]);
          else overrideBody(target[n] as Record<string, unknown>, body(group[n], name, `${key}.${n}`));
        }
      }
    } else if (key === "terraform" || key === "provider") appendBlocks(into, key, v);
    else setOwn(into, key, v);
  }
}
