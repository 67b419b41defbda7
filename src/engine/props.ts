import { IdentityResource, isUnknownAt } from "./model";

/**
 * The resource's tags as strings: a map (Terraform's aws provider, bridged Pulumi) or a
 * `[{key, value}]` list (awscc, aws-native); undefined when it has none. Non-string values are
 * left out. Converted once per tags value (inputs are not mutated), frozen.
 */
export function tagsOf(r: IdentityResource): Readonly<Record<string, string>> | undefined {
  const raw = r.props.tags;
  if (!raw || typeof raw !== "object") return undefined;
  let out = stringTags.get(raw);
  if (!out) stringTags.set(raw, (out = Object.freeze(toStringTags(raw))));
  return out;
}

const stringTags = new WeakMap<object, Readonly<Record<string, string>>>();

function toStringTags(raw: object): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string) => {
    if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  };
  if (Array.isArray(raw)) {
    for (const t of raw) {
      const { key, value } = (t && typeof t === "object" ? t : {}) as { key?: unknown; value?: unknown };
      if (typeof key === "string" && typeof value === "string") put(key, value);
    }
  } else {
    // Object.keys: the order of Object.entries, without a [key, value] array per tag.
    for (const k of Object.keys(raw)) {
      const v = (raw as Record<string, unknown>)[k];
      if (typeof v === "string") put(k, v);
    }
  }
  return out;
}

export function tagsUnknown(r: IdentityResource): boolean {
  return isUnknownAt(r, "tags");
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
