import { IdentityResource, isUnknownAt } from "./model";

/** The resource's tags as strings, or undefined when it has none or they are unknown. */
export function tagsOf(r: IdentityResource): Readonly<Record<string, string>> | undefined {
  const raw = r.props.tags;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  let out = stringTags.get(raw);
  if (!out) {
    const o: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== "string") continue;
      if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      else o[k] = v;
    }
    stringTags.set(raw, (out = Object.freeze(o)));
  }
  return out;
}

/** Tags are read by provenance and several rules: converted once per tags object (inputs are not mutated). */
const stringTags = new WeakMap<object, Readonly<Record<string, string>>>();

export function tagsUnknown(r: IdentityResource): boolean {
  return isUnknownAt(r, "tags");
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
