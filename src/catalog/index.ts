import { AWS_CATALOG } from "./aws";
import { AWS_NATIVE_CATALOG, CLOUDFORMATION_ONLY_CATALOG } from "./aws-native";
import { AZURE_CATALOG } from "./azure";
import { GCP_CATALOG } from "./gcp";
import { GITHUB_CATALOG } from "./github";
import { KUBERNETES_CATALOG } from "./kubernetes";
import { TERRAFORM_MODULE_CALL } from "./terraform";
import { CatalogEntry, NhiScope } from "./types";

export * from "./types";
export { TERRAFORM_MODULE_CALL } from "./terraform";

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
  return byId.get(id) ?? CLOUDFORMATION_ONLY_CATALOG.find((e) => e.id === id) ?? (id === TERRAFORM_MODULE_CALL.id ? TERRAFORM_MODULE_CALL : undefined);
}

let byCloudFormation: Map<string, CatalogEntry> | undefined;

/**
 * The catalog entry of a CloudFormation resource type (`AWS::IAM::Role`): the Cloud Control
 * entry whose aws-native token names it (`aws-native:iam:Role`; matched without case, as
 * `AWS::IAM::OIDCProvider` is `aws-native:iam:OidcProvider`), else a CloudFormation-only type.
 */
export function catalogByCloudFormationType(type: string): CatalogEntry | undefined {
  if (!byCloudFormation) {
    byCloudFormation = new Map();
    for (const e of CATALOG) {
      for (const t of e.pulumi) {
        const m = /^aws-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(t);
        if (m) byCloudFormation.set(`aws::${m[1]}::${m[2]}`.toLowerCase(), e);
      }
    }
    for (const e of CLOUDFORMATION_ONLY_CATALOG) byCloudFormation.set(e.id.toLowerCase(), e);
  }
  return byCloudFormation.get(type.toLowerCase());
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
export function concernsNonHumanIdentity(entry: CatalogEntry, props: Record<string, unknown>, unknownPaths: readonly string[] = []): boolean | "unknown" {
  const scope = entry.nhiScope;
  if (!scope) return true;
  const values = scope.paths.flatMap((p) => valuesAt(props, p.split("."))).filter((v): v is string => typeof v === "string");
  if (values.some((v) => scopeMatches(scope, v))) return true;
  // A deciding value unknown until apply (a subject name that references a service account being
  // created) may name an NHI: "unknown", which the gate judges rather than passes.
  if (!values.length || scope.paths.some((p) => unknownPaths.some((u) => unknownAtScopePath(p, u)))) return "unknown";
  return false;
}

/** Whether one value of a scope's paths names a non-human identity. */
export function scopeMatches(scope: NhiScope, v: string): boolean {
  return (
    (scope.equals ?? []).includes(v) ||
    (scope.prefixes ?? []).some((p) => v.startsWith(p)) ||
    (scope.suffixes ?? []).some((s) => v.endsWith(s)) ||
    (scope.patterns ?? []).some((re) => re.test(v))
  );
}

/** Whether an unknown dot path (`subject.0.name`, `subject`, `member`) covers a scope path (`subject[].name`). */
function unknownAtScopePath(scopePath: string, unknown: string): boolean {
  const want = scopePath.split(".");
  const got = unknown.split(".");
  let i = 0;
  for (const seg of want) {
    if (i >= got.length) return true; // the unknown is an ancestor of the scope path
    if (seg.endsWith("[]")) {
      if (got[i] !== seg.slice(0, -2)) return false;
      i++;
      if (i >= got.length) return true;
      if (!/^\d+$/.test(got[i])) return false;
      i++;
    } else if (got[i++] !== seg) return false;
  }
  return true;
}
