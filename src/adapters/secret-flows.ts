import { catalogByTerraformType } from "../catalog";
import { IdentityResource, SecretConsumer } from "../engine/model";
import { isRecord, MAX_DEPTH } from "./input";

/**
 * Where the secret attributes of identity resources flow, read from the configuration: any
 * resource or data source (catalogued or not), module input and root output whose expression
 * references `aws_iam_access_key.k.secret` (or the whole `aws_iam_access_key.k` object), also
 * through module outputs. The engine attaches the result to the secret-bearing resources as
 * `secretConsumers` (NHI-GOV-014 reads it), so the model stays as light as before: nothing is
 * kept for resources that read no secret. Catalogued resources in the plan are left out here:
 * their references are already `propRefs`, which the engine follows.
 *
 * Blind spot: Terraform's configuration JSON does not show `locals`, so a secret that reaches
 * an output or a resource only through a local value is not seen in a plan (the CDKTF reader
 * sees locals, which cdk.tf.json has).
 */

/** Secret attributes of a reference target, when the reference's type is a catalogued secret-bearing type. */
function secretAttributes(type: string): string[] | undefined {
  const attrs = catalogByTerraformType(type)?.secretAttributes;
  return attrs?.length ? attrs : undefined;
}

const stripIndexes = (s: string) => s.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "");

/** Origins (config addresses of secret-bearing resources, with the attribute) that one expression's references carry. */
type Taint = Map<string, { origin: string; attribute: string }[]>;

function taintedBy(references: string[], sources: Map<string, string[]>, modulePrefix: string, childOutputs: Taint): { origin: string; attribute: string }[] {
  const out: { origin: string; attribute: string }[] = [];
  const refs = references.map(stripIndexes);
  for (const ref of refs) {
    const parts = ref.split(".");
    if (parts[0] === "module" && parts.length >= 3) {
      for (const t of childOutputs.get(`${parts[1]}.${parts[2]}`) ?? []) out.push(t);
      continue;
    }
    if (parts.length < 2 || parts[0] === "data") continue;
    const attrs = sources.get(`${parts[0]}.${parts[1]}`);
    if (!attrs) continue;
    if (parts.length >= 3) {
      if (attrs.includes(parts[2])) out.push({ origin: `${modulePrefix}${parts[0]}.${parts[1]}`, attribute: parts[2] });
    } else if (!refs.some((r) => r.startsWith(`${ref}.`))) {
      // The whole object (`value = aws_iam_access_key.k`), secret included: Terraform lists an
      // attribute reference together with its object, so the object alone means the object.
      out.push({ origin: `${modulePrefix}${ref}`, attribute: "*" });
    }
  }
  return out;
}

/** Every `references` list in an expression tree, with the dot path of the attribute holding it. */
function eachReferenceList(expr: unknown, path: string, depth: number, visit: (path: string, refs: string[]) => void): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(expr)) {
    expr.forEach((e, i) => eachReferenceList(e, `${path}.${i}`, depth + 1, visit));
    return;
  }
  if (!isRecord(expr)) return;
  if (Array.isArray(expr.references) || "constant_value" in expr) {
    const refs = (Array.isArray(expr.references) ? expr.references : []).filter((r): r is string => typeof r === "string");
    if (refs.length) visit(path, refs);
    return;
  }
  for (const k of Object.keys(expr)) eachReferenceList(expr[k], path ? `${path}.${k}` : k, depth + 1, visit);
}

/**
 * Walk one module of the configuration: record consumers of secret attributes in `flows`, and
 * return which of its outputs carry secrets (for the calling module).
 */
function walkModule(mod: unknown, modulePrefix: string, root: boolean, depth: number, flows: Map<string, SecretConsumer[]>): Taint {
  const tainted: Taint = new Map();
  if (!isRecord(mod) || depth > MAX_DEPTH) return tainted;
  const resources = Array.isArray(mod.resources) ? mod.resources.filter(isRecord) : [];
  const calls = isRecord(mod.module_calls) ? mod.module_calls : {};
  // Secret-bearing resources declared here, by local address.
  const sources = new Map<string, string[]>();
  for (const r of resources) {
    if (r.mode === "data" || typeof r.type !== "string" || typeof r.address !== "string") continue;
    const attrs = secretAttributes(r.type);
    if (attrs) sources.set(r.address, attrs);
  }
  // Outputs of child modules that carry secrets, keyed `<call>.<output>`.
  const childOutputs: Taint = new Map();
  for (const name of Object.keys(calls)) {
    const call = calls[name];
    if (!isRecord(call)) continue;
    const inner = walkModule(call.module, `${modulePrefix}module.${name}.`, false, depth + 1, flows);
    for (const [out, t] of inner) childOutputs.set(`${name}.${out}`, t);
  }
  if (!sources.size && !childOutputs.size) return tainted;
  const record = (origin: string, consumer: SecretConsumer) => {
    const list = flows.get(origin) ?? [];
    if (!list.some((c) => c.address === consumer.address && c.field === consumer.field && c.attribute === consumer.attribute)) list.push(consumer);
    flows.set(origin, list);
  };
  for (const r of resources) {
    if (typeof r.address !== "string" || typeof r.type !== "string" || !isRecord(r.expressions)) continue;
    // Catalogued managed resources are in the model with their references (propRefs).
    if (r.mode !== "data" && catalogByTerraformType(r.type)) continue;
    const address = `${modulePrefix}${r.address}`;
    eachReferenceList(r.expressions, "", 0, (path, refs) => {
      for (const t of taintedBy(refs, sources, modulePrefix, childOutputs)) record(t.origin, { address, type: r.type as string, field: path.split(".")[0], attribute: t.attribute });
    });
  }
  for (const name of Object.keys(calls)) {
    const call = calls[name];
    if (!isRecord(call) || !isRecord(call.expressions)) continue;
    eachReferenceList(call.expressions, "", 0, (path, refs) => {
      for (const t of taintedBy(refs, sources, modulePrefix, childOutputs)) record(t.origin, { address: `${modulePrefix}module.${name}`, type: "module", field: path.split(".")[0], attribute: t.attribute });
    });
  }
  const outputs = isRecord(mod.outputs) ? mod.outputs : {};
  for (const name of Object.keys(outputs)) {
    const o = outputs[name];
    if (!isRecord(o)) continue;
    const carried: { origin: string; attribute: string }[] = [];
    eachReferenceList(o.expression, "", 0, (_path, refs) => carried.push(...taintedBy(refs, sources, modulePrefix, childOutputs)));
    if (!carried.length) continue;
    if (root) for (const t of carried) record(t.origin, { address: `output.${name}`, type: "output", field: name, attribute: t.attribute });
    else tainted.set(name, carried);
  }
  return tainted;
}

/** Config address (module path and resource, no instance keys) to the consumers of its secret attributes. */
export function configurationSecretFlows(configuration: unknown): Map<string, SecretConsumer[]> {
  const flows = new Map<string, SecretConsumer[]>();
  if (isRecord(configuration)) walkModule(configuration.root_module, "", true, 0, flows);
  return flows;
}

/** Attach the flows to the secret-bearing resources of the model, by their address without instance keys. */
export function attachSecretFlows(resources: IdentityResource[], flows: Map<string, SecretConsumer[]>): void {
  if (!flows.size) return;
  for (const r of resources) {
    if (!r.entry.secretAttributes?.length) continue;
    const consumers = flows.get(stripIndexes(r.address.replace(/ \(deposed [^)]*\)$/, "")));
    if (consumers?.length) r.secretConsumers = consumers.map((c) => ({ ...c }));
  }
}

/** The references inside the Terraform tokens of a synthesized string (`${aws_iam_access_key.k.secret}`, `${local.x}`). */
function synthTokenRefs(value: string): string[] {
  const out: string[] = [];
  for (const t of value.match(/\$\{[^}]*\}/g) ?? []) {
    for (const m of t.slice(2, -1).matchAll(/(?<![A-Za-z0-9_.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g)) {
      const ref = m[1] + m[2];
      out.push(ref);
      // Like Terraform's references: an attribute reference comes with its object.
      if (m[2]) out.push(m[1]);
    }
  }
  return out;
}

/** Every string of a synthesized value holding a token, with the dot path of its top-level attribute. */
function eachTokenString(v: unknown, top: string, depth: number, visit: (top: string, refs: string[]) => void): void {
  if (depth > MAX_DEPTH) return;
  if (typeof v === "string") {
    if (v.includes("${")) visit(top, synthTokenRefs(v));
  } else if (Array.isArray(v)) for (const x of v) eachTokenString(x, top, depth + 1, visit);
  else if (isRecord(v)) for (const k of Object.keys(v)) if (k !== "//") eachTokenString(v[k], top, depth + 1, visit);
}

/**
 * The same flows for one synthesized CDKTF stack (`cdk.tf.json`): non-catalogued resources,
 * data sources, module blocks, outputs, and through `locals` (which cdk.tf.json shows).
 * Addresses are prefixed with `prefix` (`<stack>:`) like the model's.
 */
export function synthSecretFlows(synth: Record<string, unknown>, prefix = ""): Map<string, SecretConsumer[]> {
  const flows = new Map<string, SecretConsumer[]>();
  const resource = isRecord(synth.resource) ? synth.resource : {};
  const sources = new Map<string, string[]>();
  for (const type of Object.keys(resource)) {
    const attrs = secretAttributes(type);
    const byName = resource[type];
    if (!attrs || !isRecord(byName)) continue;
    for (const name of Object.keys(byName)) sources.set(`${type}.${name}`, attrs);
  }
  if (!sources.size) return flows;
  // Locals carrying secrets, to a fixpoint (a local may use another).
  const locals = isRecord(synth.locals) ? synth.locals : {};
  const localTaint: Taint = new Map();
  const viaLocals = (refs: string[]) => {
    const out = taintedBy(refs, sources, "", new Map());
    for (const r of refs) if (r.startsWith("local.")) out.push(...(localTaint.get(r.slice(6).split(".")[0]) ?? []));
    return out;
  };
  for (let round = 0, changed = true; changed && round < 50; round++) {
    changed = false;
    for (const name of Object.keys(locals)) {
      const carried: { origin: string; attribute: string }[] = [];
      eachTokenString(locals[name], name, 0, (_top, refs) => carried.push(...viaLocals(refs)));
      if (carried.length > (localTaint.get(name)?.length ?? 0)) {
        localTaint.set(name, carried);
        changed = true;
      }
    }
  }
  const record = (origin: string, consumer: SecretConsumer) => {
    const key = `${prefix}${origin}`;
    const list = flows.get(key) ?? [];
    if (!list.some((c) => c.address === consumer.address && c.field === consumer.field && c.attribute === consumer.attribute)) list.push(consumer);
    flows.set(key, list);
  };
  const scanBlock = (address: string, type: string, block: unknown) => {
    if (!isRecord(block)) return;
    for (const k of Object.keys(block)) {
      if (k === "//" || k === "depends_on" || k === "lifecycle") continue;
      eachTokenString(block[k], k, 0, (field, refs) => {
        for (const t of viaLocals(refs)) record(t.origin, { address, type, field, attribute: t.attribute });
      });
    }
  };
  for (const type of Object.keys(resource)) {
    if (catalogByTerraformType(type)) continue; // in the model, with propRefs
    const byName = resource[type];
    if (isRecord(byName)) for (const name of Object.keys(byName)) scanBlock(`${prefix}${type}.${name}`, type, byName[name]);
  }
  const data = isRecord(synth.data) ? synth.data : {};
  for (const type of Object.keys(data)) {
    const byName = data[type];
    if (isRecord(byName)) for (const name of Object.keys(byName)) scanBlock(`${prefix}data.${type}.${name}`, type, byName[name]);
  }
  const modules = isRecord(synth.module) ? synth.module : {};
  for (const name of Object.keys(modules)) scanBlock(`${prefix}module.${name}`, "module", modules[name]);
  const outputs = isRecord(synth.output) ? synth.output : {};
  for (const name of Object.keys(outputs)) {
    const o = outputs[name];
    if (!isRecord(o)) continue;
    eachTokenString(o.value, name, 0, (_f, refs) => {
      for (const t of viaLocals(refs)) record(t.origin, { address: `${prefix}output.${name}`, type: "output", field: name, attribute: t.attribute });
    });
  }
  return flows;
}
