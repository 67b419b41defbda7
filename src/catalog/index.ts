import { AWS_CATALOG } from "./aws";
import { CatalogEntry } from "./types";

export * from "./types";

/** Every identity-creating or identity-empowering resource type the gates know. */
export const CATALOG: readonly CatalogEntry[] = [...AWS_CATALOG];

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
