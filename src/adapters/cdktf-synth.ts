import * as fs from "node:fs";
import * as path from "node:path";
import * as z from "zod";
import { catalogByTerraformType, TERRAFORM_MODULE_CALL } from "../catalog";
import { EvaluationInput, IdentityResource } from "../engine/model";
import { checkDepth, isResourceRef, sensitivePathsOf } from "./common";
import { InputError, isRecord, MAX_DEPTH, readJson, ReadOptions, setOwn, validate } from "./input";
import { attachSecretFlows, synthSecretFlows } from "./secret-flows";
import { readConfigDir } from "./terraform-json-dir";

const SynthSchema = z.looseObject({
  resource: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
  module: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  terraform: z.unknown().optional(),
  "//": z.unknown().optional(),
});

/** `${aws_iam_role.x.name}` and `${jsonencode({...aws_iam_role.x.arn...})}`: the resource references inside Terraform tokens. */
export function tokenRefs(value: string): string[] {
  const out: string[] = [];
  const tokens = value.match(/\$\{[^}]*\}/g) ?? [];
  for (const t of tokens) {
    for (const m of t.slice(2, -1).matchAll(/(?<![A-Za-z0-9_.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]*\])?)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g)) {
      const ref = m[1] + m[2];
      if (isResourceRef(ref)) out.push(ref);
    }
  }
  return out;
}

/**
 * Attribute values of a synthesized resource: tokens are unknown until apply, and their
 * references become `propRefs` of the attribute (top-level name and full dot path).
 */
function scan(v: unknown, p: string, top: string, depth: number, unknown: string[], refs: Record<string, string[]>, where: string): void {
  if (depth > MAX_DEPTH) throw new InputError(`${where}: nested deeper than ${MAX_DEPTH} levels`);
  if (typeof v === "string") {
    if (!v.includes("${")) return;
    unknown.push(p);
    const found = tokenRefs(v);
    for (const key of p === top ? [top] : [top, p]) {
      const prev = Object.prototype.hasOwnProperty.call(refs, key) ? refs[key] : [];
      setOwn(refs, key, [...new Set([...prev, ...found])]);
    }
  } else if (Array.isArray(v)) v.forEach((x, i) => scan(x, `${p}.${i}`, top, depth + 1, unknown, refs, where));
  else if (isRecord(v)) for (const k of Object.keys(v)) scan(v[k], `${p}.${k}`, top, depth + 1, unknown, refs, where);
}

/** One synthesized stack (`cdk.tf.json`) to the model. `stack` prefixes addresses when several stacks are read. */
export function synthToResources(value: unknown, name: string, stack?: string): IdentityResource[] {
  const synth = validate(SynthSchema, value, name, "a CDKTF synthesized stack (cdk.tf.json)");
  if (synth.resource === undefined && synth.terraform === undefined && synth.module === undefined) throw new InputError(`${name}: not a CDKTF synthesized stack: no "resource" or "terraform" block`);
  const prefix = stack ? `${stack}:` : "";
  const out: IdentityResource[] = [];
  for (const type of Object.keys(synth.resource ?? {})) {
    const entry = catalogByTerraformType(type);
    if (!entry) continue;
    const byName = (synth.resource as Record<string, Record<string, Record<string, unknown>>>)[type];
    for (const rname of Object.keys(byName)) {
      const raw = byName[rname];
      const address = `${prefix}${type}.${rname}`;
      const where = `${name}: ${address}`;
      const props: Record<string, unknown> = {};
      for (const k of Object.keys(raw)) if (k !== "//") setOwn(props, k, raw[k]);
      checkDepth(props, where);
      const unknownPaths: string[] = [];
      const refs: Record<string, string[]> = {};
      for (const k of Object.keys(props)) scan(props[k], k, k, 0, unknownPaths, refs, where);
      for (const k of Object.keys(refs)) refs[k] = refs[k].map((r) => prefix + r);
      const meta = isRecord(raw["//"]) && isRecord(raw["//"].metadata) ? raw["//"].metadata : undefined;
      const r: IdentityResource = {
        address,
        nativeType: type,
        entry,
        action: "create",
        props,
        unknownPaths,
        sensitivePaths: sensitivePathsOf(entry, []),
        origin: { source: "cdktf-synth", file: name, ...(typeof meta?.path === "string" ? { constructPath: meta.path } : {}) },
      };
      if (Object.keys(refs).length) r.propRefs = refs;
      dynamicBlocks(r, raw);
      out.push(r);
    }
  }
  out.push(...moduleCalls(synth.module ?? {}, name, prefix));
  // Secret attributes copied to anything outside the identity model (issue 22): a separate pass.
  attachSecretFlows(out, synthSecretFlows(synth, prefix));
  return out;
}

/**
 * `dynamic` blocks (TerraformDynamicBlock, or an override) are expanded by Terraform at plan:
 * what they add to an identity cannot be judged from the synthesized JSON (NHI-GOV-030).
 */
function dynamicBlocks(r: IdentityResource, raw: Record<string, unknown>): void {
  const dyn = raw.dynamic;
  if (!isRecord(dyn)) return;
  for (const block of Object.keys(dyn)) {
    (r.opaque ??= []).push({
      key: `Dynamic::${block}`,
      field: block,
      message: `cannot evaluate ${block}: it is a dynamic block, which Terraform expands only at plan (its for_each and content are expressions), so what it adds to the identity cannot be judged here. Fix: write the ${block} blocks as literals (better: the separate policy resources GovernedIdentity uses), or gate the plan with nhi-gate plan`,
    });
  }
}

/**
 * Module calls (TerraformHclModule, `module` in cdk.tf.json): what they create exists only at
 * plan, so each call is judged as such (NHI-GOV-031: governed only from an approved source).
 */
function moduleCalls(modules: Record<string, Record<string, unknown>>, name: string, prefix: string): IdentityResource[] {
  return Object.keys(modules).map((m) => {
    const raw = modules[m];
    const meta = isRecord(raw["//"]) && isRecord(raw["//"].metadata) ? raw["//"].metadata : undefined;
    const source = typeof raw.source === "string" ? raw.source : undefined;
    const props: Record<string, unknown> = {};
    for (const k of ["source", "version"]) if (raw[k] !== undefined) setOwn(props, k, raw[k]);
    const address = `${prefix}module.${m}`;
    return {
      address,
      nativeType: "module",
      entry: TERRAFORM_MODULE_CALL,
      action: "create" as const,
      props,
      unknownPaths: [],
      sensitivePaths: [],
      origin: { source: "cdktf-synth" as const, file: name, module: { address, ...(source ? { source } : {}) }, ...(typeof meta?.path === "string" ? { constructPath: meta.path } : {}) },
    };
  });
}

/** `cdktf.out` (or its `stacks/` dir, or one stack dir) to the cdk.tf.json files in it, sorted. */
export function findStacks(dir: string): { stack: string; file: string }[] {
  const candidates = [path.join(dir, "stacks"), dir];
  for (const c of candidates) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(c, { withFileTypes: true });
    } catch {
      continue;
    }
    const found = entries.filter((e) => e.isDirectory() && fs.existsSync(path.join(c, e.name, "cdk.tf.json"))).map((e) => ({ stack: e.name, file: path.join(c, e.name, "cdk.tf.json") }));
    if (found.length) return found.sort((a, b) => (a.stack < b.stack ? -1 : 1));
  }
  if (fs.existsSync(path.join(dir, "cdk.tf.json"))) return [{ stack: path.basename(dir), file: path.join(dir, "cdk.tf.json") }];
  return [];
}

/**
 * `nhi-gate synth <cdktf.out dir | stack dir | cdk.tf.json | ->` (`-`: one cdk.tf.json on stdin).
 * Each stack directory is read as Terraform reads it (terraform-json-dir.ts): every `*.tf.json`
 * file, overrides merged last; an HCL `*.tf` file there is refused. A `*.tf.json` file given by
 * path is read with the rest of its directory, for the same reason. Several stacks: addresses are
 * prefixed `<stack>:`.
 */
export function readSynth(target: string, options: ReadOptions = {}): EvaluationInput {
  if (target === "-") {
    const { value, input } = readJson(target, options);
    return { resources: synthToResources(value, input.name), scope: "changes", sources: [input.name] };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    throw new InputError(`${target}: no such file or directory`);
  }
  if (!st.isDirectory()) {
    if (target.endsWith(".tf.json")) return stackDirInput([{ stack: path.basename(path.dirname(target)), dir: path.dirname(target) }], options, target);
    const { value, input } = readJson(target, options);
    return { resources: synthToResources(value, input.name), scope: "changes", sources: [input.name] };
  }
  const stacks = findStacks(target);
  if (!stacks.length) throw new InputError(`${target}: no stacks/*/cdk.tf.json found; run cdktf synth first`);
  return stackDirInput(stacks.map((s) => ({ stack: s.stack, dir: path.dirname(s.file) })), options);
}

function stackDirInput(stacks: { stack: string; dir: string }[], options: ReadOptions, named?: string): EvaluationInput {
  const resources: IdentityResource[] = [];
  const sources: string[] = [];
  for (const s of stacks) {
    const { value, files, definedIn } = readConfigDir(s.dir, options);
    if (named && !files.includes(named)) files.unshift(named);
    const main = files.find((f) => path.basename(f) === "cdk.tf.json") ?? named ?? files[0] ?? path.join(s.dir, "cdk.tf.json");
    const prefix = stacks.length > 1 ? `${s.stack}:` : "";
    const found = synthToResources(value, main, stacks.length > 1 ? s.stack : undefined);
    for (const r of found) {
      const file = definedIn.get(r.address.slice(prefix.length));
      if (file) r.origin.file = file;
    }
    resources.push(...found);
    sources.push(...files);
  }
  return { resources, scope: "changes", sources };
}
