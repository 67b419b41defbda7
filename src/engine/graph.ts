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

const stripIndex = (a: string) => (a.endsWith("]") ? a.replace(/\[[^\]]*\]$/, "") : a);

const ROLES = ["aws_iam_role", "awscc_iam_role"];
const USERS = ["aws_iam_user", "awscc_iam_user"];
const GROUPS = ["aws_iam_group", "awscc_iam_group"];
const POLICIES = ["aws_iam_policy", "awscc_iam_managed_policy"];
const SECRETS = ["aws_secretsmanager_secret", "awscc_secretsmanager_secret"];
const ENTRA_APPLICATIONS = ["azuread_application", "azuread_application_registration"];
const ENTRA_PRINCIPALS = ["azuread_service_principal", "azurerm_user_assigned_identity", ...ENTRA_APPLICATIONS];

/**
 * The kinds of resource an attribute can name, by the attribute's name: a `role` attribute names
 * a role, never a policy, group or user that happens to share its name (IAM names are unique
 * per kind, not across kinds). Attributes not listed here may name any principal.
 */
const TARGET_TYPES: Record<string, readonly string[]> = {
  role: ROLES,
  roles: ROLES,
  role_name: ROLES,
  role_arn: ROLES,
  role_arns: ROLES,
  user: USERS,
  users: USERS,
  user_name: USERS,
  username: USERS,
  group: GROUPS,
  groups: GROUPS,
  group_name: GROUPS,
  policy_arn: POLICIES,
  policy_arns: POLICIES,
  secret_id: SECRETS,
  secret_arn: SECRETS,
  service_account_id: ["google_service_account"],
  member: ["google_service_account"],
  members: ["google_service_account"],
  application_id: ENTRA_APPLICATIONS,
  client_id: ENTRA_APPLICATIONS,
  service_principal_id: ["azuread_service_principal"],
  parent_id: ["azurerm_user_assigned_identity"],
  principal_id: ENTRA_PRINCIPALS,
  principal_object_id: ENTRA_PRINCIPALS,
};

/** Cloud Control (awscc, aws-native) types name themselves in a typed attribute (`role_name`), not `name`. */
const OWN_NAME: Record<string, string> = { awscc_iam_role: "role_name", awscc_iam_user: "user_name", awscc_iam_group: "group_name", awscc_iam_managed_policy: "managed_policy_name" };

/** The attributes a resource is found by (byValue), without and with its typed own-name attribute. */
const VALUE_KEYS: readonly string[] = ["name", "arn", "id", "unique_id"];
const OWN_KEYS: Record<string, readonly string[]> = Object.fromEntries(Object.values(OWN_NAME).map((own) => [own, [...VALUE_KEYS, own]]));
/** The links of a resource whose entry has no owner attributes: one shared empty list (readers only iterate). */
const NO_LINKS: Link[] = [];

/** Whether `t` is of a kind `field` can name (`role` -> a role). */
export function canName(field: string, t: IdentityResource): boolean {
  const types = TARGET_TYPES[field];
  return types ? types.includes(t.entry.id) : t.entry.kind === "principal";
}

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
      const own = OWN_NAME[r.entry.id];
      for (const key of own ? OWN_KEYS[own] : VALUE_KEYS) {
        const v = r.props[key];
        if (typeof v === "string" && v !== "") {
          const list = this.byValue.get(v);
          if (!list) this.byValue.set(v, [r]);
          else if (!list.includes(r)) list.push(r);
        }
      }
    }
    for (const r of resources) {
      const propRefs = r.propRefs;
      if (propRefs) {
        for (const field of Object.keys(propRefs)) {
          for (const ref of propRefs[field]) {
            const t = this.byRef(ref);
            if (!t || t === r) continue;
            const list = this.referrers.get(t.address) ?? [];
            list.push({ from: r, field, ref });
            this.referrers.set(t.address, list);
          }
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

  /**
   * The resource a configuration reference names: a Terraform reference is an address, possibly
   * followed by an attribute (aws_iam_role.x.name, module.m.aws_iam_role.x[0].arn); a Pulumi
   * property dependency is a URN.
   */
  private byRef(ref: string): IdentityResource | undefined {
    const exact = this.byAddress.get(ref);
    if (exact) return exact;
    let candidate = ref;
    while (candidate.includes(".")) {
      const stripped = stripIndex(candidate);
      const hit = this.byAddress.get(candidate) ?? (stripped !== candidate ? this.byAddress.get(stripped) : undefined);
      if (hit) return hit;
      candidate = candidate.slice(0, candidate.lastIndexOf("."));
    }
    return undefined;
  }

  /** The resource a configuration reference names (`aws_iam_policy.p.arn`), when it is in this evaluation. */
  resolveRef(ref: string): IdentityResource | undefined {
    return this.byRef(ref);
  }

  /** Resources of a kind `field` can name whose name, arn, id or unique_id is `v` (an ARN also by its last segment). */
  private byNamedValue(field: string, v: string, self: IdentityResource): IdentityResource[] {
    const hits = (this.byValue.get(v) ?? []).filter((t) => t !== self && canName(field, t));
    if (hits.length || !v.startsWith("arn:")) return hits;
    const arnName = v.slice(v.lastIndexOf("/") + 1);
    return (this.byValue.get(arnName) ?? []).filter((t) => t !== self && canName(field, t) && (typeof t.props.arn !== "string" || t.props.arn === v));
  }

  /**
   * The owner links of a resource, one per owner attribute in its catalog entry. A link only goes
   * to a resource of the kind its attribute names; configuration references win over values:
   * where they resolve to such a resource, a resource of the same name elsewhere is not a target.
   */
  links(r: IdentityResource): Link[] {
    if (!r.entry.principalProps?.length) return NO_LINKS;
    const cached = this.linksCache.get(r.address);
    if (cached) return cached;
    const out: Link[] = [];
    for (const field of r.entry.principalProps ?? []) {
      const link: Link = { field, targets: [], external: [], unknown: false };
      const refs = r.propRefs?.[field] ?? [];
      for (const ref of refs) {
        const t = this.byRef(ref);
        if (t && t !== r && canName(field, t) && !link.targets.includes(t)) link.targets.push(t);
      }
      const raw = r.props[field];
      const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
      if (!link.targets.length) {
        for (const v of values) {
          if (typeof v !== "string") continue;
          const found = this.byNamedValue(field, v, r);
          if (found.length) {
            for (const t of found) if (!link.targets.includes(t)) link.targets.push(t);
          } else if (!refs.length) link.external.push(v);
        }
      } else if (values.length > 1) {
        // A list attribute (users, roles) may mix references and literal names.
        for (const v of values) {
          if (typeof v !== "string" || link.targets.some((t) => t.props.name === v || t.props.arn === v || t.props.id === v)) continue;
          const found = this.byNamedValue(field, v, r);
          for (const t of found) if (!link.targets.includes(t)) link.targets.push(t);
          if (!found.length && !refs.length) link.external.push(v);
        }
      }
      if (!link.targets.length && !link.external.length && (isUnknownAt(r, field) || raw === undefined)) link.unknown = isUnknownAt(r, field);
      if (link.targets.length || link.external.length || link.unknown) out.push(link);
    }
    this.linksCache.set(r.address, out);
    return out;
  }

  /** The resources of a kind `field` can name that the configuration of `field` references (`policy_arn = aws_iam_policy.x.arn`). */
  refTargets(r: IdentityResource, field: string): IdentityResource[] {
    const out: IdentityResource[] = [];
    for (const ref of r.propRefs?.[field] ?? []) {
      const t = this.byRef(ref);
      if (t && t !== r && canName(field, t) && !out.includes(t)) out.push(t);
    }
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
