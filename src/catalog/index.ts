import { AWS_CATALOG } from "./aws";
import { AWS_NATIVE_CATALOG } from "./aws-native";
import { AZURE_CATALOG } from "./azure";
import { GCP_CATALOG } from "./gcp";
import { GITHUB_CATALOG } from "./github";
import { KUBERNETES_CATALOG } from "./kubernetes";
import { CatalogEntry } from "./types";

export * from "./types";

/** Every identity-creating or identity-empowering resource type the gates know. */
export const CATALOG: readonly CatalogEntry[] = [...AWS_CATALOG, ...AWS_NATIVE_CATALOG, ...GCP_CATALOG, ...AZURE_CATALOG, ...KUBERNETES_CATALOG, ...GITHUB_CATALOG];

const byTerraform = new Map<string, CatalogEntry>();
const byPulumi = new Map<string, CatalogEntry>();
const byId = new Map<string, CatalogEntry>();
for (const e of CATALOG) {
  byId.set(e.id, e);
  if (e.terraform) byTerraform.set(e.terraform, e);
  for (const t of e.pulumi) byPulumi.set(t, e);
}

export function catalogByTerraformType(type: string): CatalogEntry | undefined {
  return byTerraform.get(type);
}

export function catalogByPulumiType(token: string): CatalogEntry | undefined {
  return byPulumi.get(token);
}

export function catalogById(id: string): CatalogEntry | undefined {
  return byId.get(id);
}

/** Attribute names that hold secret material for this type, plus the generic ones. */
export function secretAttributesOf(entry: CatalogEntry | undefined): string[] {
  return entry?.secretAttributes ?? [];
}

function valuesAt(value: unknown, path: string[]): unknown[] {
  if (!path.length) return [value];
  const [head, ...rest] = path;
  if (head.endsWith("[]")) {
    const list = value && typeof value === "object" ? (value as Record<string, unknown>)[head.slice(0, -2)] : undefined;
    return Array.isArray(list) ? list.flatMap((item) => valuesAt(item, rest)) : [];
  }
  const next = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[head] : undefined;
  return next === undefined ? [] : valuesAt(next, rest);
}

/**
 * Whether a resource of a catalog type concerns a non-human identity: always, unless the type
 * has an `nhiScope` (project IAM members, Kubernetes secrets, role bindings), in which case its
 * values decide. "unknown" when the deciding values are not known (the gate then treats the
 * resource as concerning an NHI rather than passing it).
 */
export function concernsNonHumanIdentity(entry: CatalogEntry, props: Record<string, unknown>): boolean | "unknown" {
  const scope = entry.nhiScope;
  if (!scope) return true;
  const values = scope.paths.flatMap((p) => valuesAt(props, p.split("."))).filter((v): v is string => typeof v === "string");
  if (!values.length) return "unknown";
  return values.some((v) => (scope.equals ?? []).includes(v) || (scope.prefixes ?? []).some((p) => v.startsWith(p)));
}
