import { IdentityResource, isUnknownAt } from "./model";

/** The resource's tags as strings, or undefined when it has none or they are unknown. */
export function tagsOf(r: IdentityResource): Record<string, string> | undefined {
  const raw = r.props.tags;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") out[k] = v;
  return out;
}

export function tagsUnknown(r: IdentityResource): boolean {
  return isUnknownAt(r, "tags");
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
