import { IdentityResource, isUnknownAt } from "./model";

/** What a resource's owner attribute (`role`, `user`, `secret_id`, ...) points at. */
export interface Link {
  field: string;
  /** The referenced resources found in the same evaluation. */
  targets: IdentityResource[];
  /** The attribute names something outside this evaluation (an existing role by name, say). */
  external: string[];
  /** The attribute is unknown until apply and no configuration reference resolves it. */
  unknown: boolean;
}

const stripIndex = (a: string) => a.replace(/\[[^\]]*\]$/, "");

/** Resources indexed for cross-resource questions: who owns what, what hangs off a principal. */
export class ResourceGraph {
  readonly byAddress = new Map<string, IdentityResource>();
  private readonly byValue = new Map<string, IdentityResource[]>();
  private readonly linksCache = new Map<string, Link[]>();
  private readonly dependents = new Map<string, IdentityResource[]>();
  private readonly referrers = new Map<string, { from: IdentityResource; field: string; ref: string }[]>();

  constructor(readonly resources: IdentityResource[]) {
    for (const r of resources) {
      this.byAddress.set(r.address, r);
      for (const key of ["name", "arn", "id", "unique_id"]) {
        const v = r.props[key];
        if (typeof v === "string" && v !== "") {
          const list = this.byValue.get(v) ?? [];
          list.push(r);
          this.byValue.set(v, list);
        }
      }
    }
    for (const r of resources) {
      for (const [field, refs] of Object.entries(r.propRefs ?? {})) {
        for (const ref of refs) {
          const t = this.byRef(ref);
          if (!t || t === r) continue;
          const list = this.referrers.get(t.address) ?? [];
          list.push({ from: r, field, ref });
          this.referrers.set(t.address, list);
        }
      }
      for (const link of this.links(r)) {
        for (const t of link.targets) {
          const list = this.dependents.get(t.address) ?? [];
          if (!list.includes(r)) list.push(r);
          this.dependents.set(t.address, list);
        }
      }
    }
  }

  private byRef(ref: string): IdentityResource | undefined {
    // A reference is an address, possibly followed by an attribute: aws_iam_role.x.name, module.m.aws_iam_role.x[0].arn
    let candidate = ref;
    while (candidate.includes(".")) {
      const hit = this.byAddress.get(candidate) ?? this.byAddress.get(stripIndex(candidate));
      if (hit) return hit;
      candidate = candidate.slice(0, candidate.lastIndexOf("."));
    }
    return undefined;
  }

  /** The resource a configuration reference names (`aws_iam_policy.p.arn`), when it is in this evaluation. */
  resolveRef(ref: string): IdentityResource | undefined {
    return this.byRef(ref);
  }

  /** The owner links of a resource, one per owner attribute in its catalog entry. */
  links(r: IdentityResource): Link[] {
    const cached = this.linksCache.get(r.address);
    if (cached) return cached;
    const out: Link[] = [];
    for (const field of r.entry.principalProps ?? []) {
      const link: Link = { field, targets: [], external: [], unknown: false };
      const refs = r.propRefs?.[field] ?? [];
      for (const ref of refs) {
        const t = this.byRef(ref);
        if (t && t !== r && !link.targets.includes(t)) link.targets.push(t);
      }
      const raw = r.props[field];
      const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
      for (const v of values) {
        if (typeof v !== "string") continue;
        const hits = (this.byValue.get(v) ?? []).filter((t) => t !== r);
        const arnName = v.startsWith("arn:") ? v.slice(v.lastIndexOf("/") + 1) : undefined;
        const viaArn = arnName ? (this.byValue.get(arnName) ?? []).filter((t) => t !== r && t.entry.kind === "principal") : [];
        const found = hits.length ? hits : viaArn;
        if (found.length) {
          for (const t of found) if (!link.targets.includes(t)) link.targets.push(t);
        } else if (!refs.length) link.external.push(v);
      }
      if (!link.targets.length && !link.external.length && (isUnknownAt(r, field) || raw === undefined)) link.unknown = isUnknownAt(r, field);
      if (link.targets.length || link.external.length || link.unknown) out.push(link);
    }
    this.linksCache.set(r.address, out);
    return out;
  }

  /** Resources whose configuration references this one, with the attribute and the reference. */
  referencesTo(r: IdentityResource): { from: IdentityResource; field: string; ref: string }[] {
    return this.referrers.get(r.address) ?? [];
  }

  /** Resources whose name, arn, id or unique_id is this value. */
  withValue(value: string): IdentityResource[] {
    return this.byValue.get(value) ?? [];
  }

  /** Resources whose owner attribute points at this one. */
  dependentsOf(r: IdentityResource): IdentityResource[] {
    return this.dependents.get(r.address) ?? [];
  }
}
