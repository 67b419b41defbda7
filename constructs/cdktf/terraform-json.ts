import { catalogByTerraformType } from "../../src/catalog";
import { IdentityResource, Origin } from "../../src/engine/model";

/**
 * Terraform JSON (what a CDKTF stack synthesizes) to the engine's model. Pure: no cdktf import,
 * so the aspect, the tests and a CLI reading cdktf.out can share it.
 *
 * In synthesized JSON a value that refers to another resource is an interpolation string
 * (`${aws_iam_role.deployer_role_1234.name}`): unknown until apply. Such a value is left out of
 * `props`, its dot path goes to `unknownPaths`, and the addresses it names go to `propRefs`, so
 * the engine links a policy to its role the way it does in a plan.
 */

/** Terraform meta-arguments: not resource attributes. */
const META_ARGUMENTS = new Set(["//", "depends_on", "count", "for_each", "provider", "lifecycle", "provisioner", "connection"]);

/** `aws_iam_role.x.name`, `data.aws_iam_policy_document.y.json`, `module.m.out`: a reference in an expression. */
const REFERENCE = /(?<![\w."])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?(?:\.[A-Za-z_][\w-]*)*)/g;
const INTERPOLATION = /\$\{/;

export interface TerraformJsonResource {
  type: string;
  logicalId: string;
  /** Attributes as synthesized, `//` metadata included. */
  attributes: Record<string, unknown>;
}

/** Every resource block of a Terraform JSON document. */
export function resourceBlocks(tf: unknown): TerraformJsonResource[] {
  const out: TerraformJsonResource[] = [];
  const resources = (tf as { resource?: Record<string, Record<string, unknown>> } | null)?.resource;
  if (!resources || typeof resources !== "object") return out;
  for (const [type, byId] of Object.entries(resources)) {
    if (!byId || typeof byId !== "object") continue;
    for (const [logicalId, attributes] of Object.entries(byId)) {
      if (attributes && typeof attributes === "object" && !Array.isArray(attributes)) out.push({ type, logicalId, attributes: attributes as Record<string, unknown> });
    }
  }
  return out;
}

/** The `${...}` sections of a string (braces balanced, so `${jsonencode({a = b})}` is one section). */
function interpolations(value: string): string[] {
  const out: string[] = [];
  let i = value.indexOf("${");
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < value.length; j++) {
      if (value[j] === "{") depth++;
      else if (value[j] === "}" && --depth === 0) break;
    }
    out.push(value.slice(i + 2, j));
    i = value.indexOf("${", j);
  }
  return out;
}

/** The resource addresses (with attribute) an interpolation string refers to. */
export function referencesIn(value: string): string[] {
  const refs: string[] = [];
  for (const body of interpolations(value)) {
    for (const m of body.matchAll(REFERENCE)) if (!refs.includes(m[1])) refs.push(m[1]);
  }
  return refs;
}

interface Split {
  props: Record<string, unknown>;
  unknownPaths: string[];
  propRefs: Record<string, string[]>;
}

/** Separate literal attribute values from interpolations (unknown until apply). */
export function splitAttributes(attributes: Record<string, unknown>): Split {
  const unknownPaths: string[] = [];
  const propRefs: Record<string, string[]> = {};
  const walk = (value: unknown, path: string, top: string): unknown => {
    if (typeof value === "string") {
      if (!INTERPOLATION.test(value)) return value;
      unknownPaths.push(path);
      const refs = referencesIn(value);
      if (refs.length) propRefs[top] = [...new Set([...(propRefs[top] ?? []), ...refs])];
      return undefined;
    }
    if (Array.isArray(value)) {
      const kept: unknown[] = [];
      value.forEach((v, i) => {
        const w = walk(v, `${path}.${i}`, top);
        if (w !== undefined) kept.push(w);
      });
      return kept;
    }
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const w = walk(v, `${path}.${k}`, top);
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    return value;
  };
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (META_ARGUMENTS.has(key)) continue;
    const w = walk(value, key, key);
    if (w !== undefined) props[key] = w;
  }
  return { props, unknownPaths, propRefs };
}

/** The construct path recorded in a resource's `//` metadata (kept by `app.synth()`, stripped by `Testing.synth`). */
export function metadataPath(attributes: Record<string, unknown>): string | undefined {
  const meta = (attributes["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
  return typeof meta?.path === "string" ? meta.path : undefined;
}

/** One catalog resource of a Terraform JSON document as the engine sees it; undefined for types outside the catalog. */
export function identityResourceFromBlock(block: TerraformJsonResource, origin: Origin): IdentityResource | undefined {
  const entry = catalogByTerraformType(block.type);
  if (!entry) return undefined;
  const { props, unknownPaths, propRefs } = splitAttributes(block.attributes);
  const secretAttrs = entry.secretAttributes ?? [];
  const resource: IdentityResource = {
    address: `${block.type}.${block.logicalId}`,
    nativeType: block.type,
    entry,
    action: "create",
    props,
    unknownPaths,
    sensitivePaths: secretAttrs.filter((a) => a in block.attributes),
    origin: { ...origin, constructPath: origin.constructPath ?? metadataPath(block.attributes) },
  };
  if (Object.keys(propRefs).length) resource.propRefs = propRefs;
  if (!resource.origin.constructPath) delete resource.origin.constructPath;
  return resource;
}

/** Every catalog resource of a synthesized stack (`cdktf.out/stacks/<name>/cdk.tf.json`). */
export function identityResourcesFromTerraformJson(tf: unknown, source: Origin["source"] = "cdktf-synth", file?: string): IdentityResource[] {
  const out: IdentityResource[] = [];
  for (const block of resourceBlocks(tf)) {
    const r = identityResourceFromBlock(block, file ? { source, file } : { source });
    if (r) out.push(r);
  }
  return out;
}
