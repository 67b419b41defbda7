import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { catalogByTerraformType } from "../catalog";
import { EvaluationInput, IdentityResource } from "../engine/model";
import { checkDepth, isResourceRef, sensitivePathsOf } from "./common";
import { InputError, isRecord, MAX_DEPTH, readJson, ReadOptions, setOwn, validate } from "./input";
import { attachSecretFlows, synthSecretFlows } from "./secret-flows";

const SynthSchema = z.looseObject({
  resource: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
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
  if (synth.resource === undefined && synth.terraform === undefined) throw new InputError(`${name}: not a CDKTF synthesized stack: no "resource" or "terraform" block`);
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
      out.push(r);
    }
  }
  // Secret attributes copied to anything outside the identity model (issue 22): a separate pass.
  attachSecretFlows(out, synthSecretFlows(synth, prefix));
  return out;
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

/** `nhi-gate synth <cdktf.out dir | cdk.tf.json | ->` (`-`: one cdk.tf.json on stdin). Several stacks: addresses are prefixed `<stack>:`. */
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
    const { value, input } = readJson(target, options);
    return { resources: synthToResources(value, input.name), scope: "changes", sources: [input.name] };
  }
  const stacks = findStacks(target);
  if (!stacks.length) throw new InputError(`${target}: no stacks/*/cdk.tf.json found; run cdktf synth first`);
  const resources: IdentityResource[] = [];
  for (const s of stacks) {
    const { value } = readJson(s.file, options);
    resources.push(...synthToResources(value, s.file, stacks.length > 1 ? s.stack : undefined));
  }
  return { resources, scope: "changes", sources: stacks.map((s) => s.file) };
}
