import { catalogByTerraformType } from "../../catalog";
import { IdentityResource, InputGap } from "../../engine/model";
import { ownRecord } from "../common";

/**
 * What the IAM API returns about one account, normalized into the engine's model under the
 * Terraform type names, so that every rule and the seal check run on it unchanged. Pure: no SDK
 * here (src/adapters/aws/discover.ts makes the calls). The shapes below are the subset of the
 * IAM API's documented responses (GetAccountAuthorizationDetails, ListRoles, ListAccessKeys,
 * GetAccessKeyLastUsed, the credential report) that discovery reads, with AWS's field names.
 *
 * Addresses carry the account: `123456789012/aws_iam_role.deployer`, with Terraform's import
 * ids after the type (`aws_iam_role_policy.<role>:<policy>`,
 * `aws_iam_role_policy_attachment.<role>/<policy arn>`). The attributes that name a principal
 * (`role`, `user`) hold its ARN and `propRefs` its address, so identically named roles in two
 * accounts never link to each other.
 */

export interface Tag {
  Key?: string;
  Value?: string;
}
export interface PolicyDetail {
  PolicyName?: string;
  /** URL-encoded JSON, as the API returns it (plain JSON is accepted too). */
  PolicyDocument?: string;
}
export interface AttachedPolicy {
  PolicyName?: string;
  PolicyArn?: string;
}
type When = Date | string;
export interface RoleDetail {
  Path?: string;
  RoleName?: string;
  RoleId?: string;
  Arn?: string;
  CreateDate?: When;
  AssumeRolePolicyDocument?: string;
  InstanceProfileList?: { Path?: string; InstanceProfileName?: string; InstanceProfileId?: string; Arn?: string; CreateDate?: When }[];
  RolePolicyList?: PolicyDetail[];
  AttachedManagedPolicies?: AttachedPolicy[];
  PermissionsBoundary?: { PermissionsBoundaryType?: string; PermissionsBoundaryArn?: string };
  Tags?: Tag[];
  RoleLastUsed?: { LastUsedDate?: When; Region?: string };
}
export interface UserDetail {
  Path?: string;
  UserName?: string;
  UserId?: string;
  Arn?: string;
  CreateDate?: When;
  UserPolicyList?: PolicyDetail[];
  GroupList?: string[];
  AttachedManagedPolicies?: AttachedPolicy[];
  PermissionsBoundary?: { PermissionsBoundaryType?: string; PermissionsBoundaryArn?: string };
  Tags?: Tag[];
}
export interface GroupDetail {
  Path?: string;
  GroupName?: string;
  GroupId?: string;
  Arn?: string;
  CreateDate?: When;
  GroupPolicyList?: PolicyDetail[];
  AttachedManagedPolicies?: AttachedPolicy[];
}
export interface ManagedPolicyDetail {
  PolicyName?: string;
  PolicyId?: string;
  Arn?: string;
  Path?: string;
  DefaultVersionId?: string;
  AttachmentCount?: number;
  Description?: string;
  CreateDate?: When;
  UpdateDate?: When;
  PolicyVersionList?: { Document?: string; VersionId?: string; IsDefaultVersion?: boolean; CreateDate?: When }[];
}
export interface AccessKeyData {
  AccessKeyId: string;
  Status?: string;
  CreateDate?: When;
  /** From GetAccessKeyLastUsed: absent when the key was never used; `denied` when the call was. */
  lastUsed?: { LastUsedDate?: When; ServiceName?: string; Region?: string } | { denied: string };
}
/** One row of the credential report (CSV columns as AWS names them). */
export type CredentialReportRow = Record<string, string>;

/** What discovery learned about one account. `undefined` lists were denied (see `denials`). */
export interface RawAccount {
  account: string;
  /** GetAccountAuthorizationDetails, all pages; undefined when it was denied. */
  authorization?: { users: UserDetail[]; roles: RoleDetail[]; groups: GroupDetail[]; policies: ManagedPolicyDetail[] };
  /** ListRoles: MaxSessionDuration and Description by role name (GetAccountAuthorizationDetails has neither); undefined when denied. */
  roles?: Map<string, { MaxSessionDuration?: number; Description?: string }>;
  /** Console passwords by user name: from the credential report or GetLoginProfile; a user missing here is unreadable. */
  passwords: Map<string, { enabled: boolean; lastUsed?: string; lastChanged?: string; mfaActive?: boolean; source: string }>;
  /** Why passwords of the users missing from `passwords` could not be read. */
  passwordsUnreadable?: string;
  /** Access keys by user name; `{ denied }` when ListAccessKeys was. */
  keys: Map<string, AccessKeyData[] | { denied: string }>;
  /** Account-level problems: a denied call, a fallback. */
  gaps: InputGap[];
  /** Roles left out (service-linked, AWS-reserved), by kind. */
  skipped: Record<string, number>;
}

export interface NormalizeOptions {
  /** Also judge service-linked roles (`/aws-service-role/`) and AWS-reserved roles (`/aws-reserved/`, IAM Identity Center). */
  includeAwsManaged?: boolean;
  /** Recorded as `origin.file` (a snapshot path). */
  file?: string;
}

export const accountAddress = (account: string): string => `${account}/aws_account`;
export const addressOf = (account: string, type: string, id: string): string => `${account}/${type}.${id}`;

/** The 12-digit account of an IAM ARN. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return arn ? /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] : undefined;
}

/**
 * Policy documents come URL-encoded (RFC 3986) from the IAM API; the SDK hands them on as they
 * are. Plain JSON (some emulators) is left alone.
 */
export function decodePolicyDocument(doc: string | undefined): string | undefined {
  if (doc === undefined) return undefined;
  if (/^\s*[{[]/.test(doc)) return doc;
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc; // not URL-encoded after all: the rules report it as unparsable
  }
}

const iso = (d: When | undefined): string | undefined => {
  if (d === undefined) return undefined;
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(".000Z", "Z");
};

const tagMap = (tags: Tag[] | undefined): Record<string, string> =>
  ownRecord((tags ?? []).filter((t) => typeof t.Key === "string").map((t) => [t.Key as string, t.Value ?? ""] as [string, string]));

/** Roles that AWS creates and manages itself: not workload identities anyone in the account made. */
export function awsManagedRoleKind(path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (path.startsWith("/aws-service-role/")) return "service-linked roles (/aws-service-role/)";
  if (path.startsWith("/aws-reserved/")) return "AWS-reserved roles (/aws-reserved/, IAM Identity Center)";
  return undefined;
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** One account's IAM data to the model, and its gaps. */
export function normalizeAccount(raw: RawAccount, options: NormalizeOptions = {}): { resources: IdentityResource[]; gaps: InputGap[]; skipped: Record<string, number> } {
  const { account } = raw;
  const out: IdentityResource[] = [];
  const gaps: InputGap[] = [...raw.gaps];
  const add = (type: string, id: string, props: Record<string, unknown>, owner?: { field: string; address: string }, unreadable?: Record<string, string>) => {
    const entry = catalogByTerraformType(type);
    if (!entry) throw new Error(`no catalog entry for ${type}`);
    const r: IdentityResource = {
      address: addressOf(account, type, id),
      nativeType: type,
      entry,
      action: "no-op",
      props: clean(props),
      unknownPaths: unreadable ? Object.keys(unreadable) : [],
      sensitivePaths: [...(entry.secretAttributes ?? [])],
      origin: { source: "aws-discovery", ...(options.file ? { file: options.file } : {}), discovered: { account, ...(unreadable ? { unreadable } : {}) } },
    };
    if (owner) r.propRefs = { [owner.field]: [owner.address] };
    out.push(r);
    return r;
  };
  const auth = raw.authorization;
  if (!auth) return { resources: out, gaps, skipped: { ...raw.skipped } };
  const skipped: Record<string, number> = { ...raw.skipped };

  for (const role of auth.roles) {
    const name = role.RoleName ?? "";
    const managed = awsManagedRoleKind(role.Path);
    if (managed && !options.includeAwsManaged) {
      skipped[managed] = (skipped[managed] ?? 0) + 1;
      continue;
    }
    const session = raw.roles?.get(name);
    const unreadable = raw.roles ? undefined : { max_session_duration: "discovery was denied iam:ListRoles (GetAccountAuthorizationDetails does not return a role's maximum session duration)" };
    const lastUsed = iso(role.RoleLastUsed?.LastUsedDate);
    const r = add(
      "aws_iam_role",
      name,
      {
        name,
        path: role.Path ?? "/",
        arn: role.Arn,
        unique_id: role.RoleId,
        create_date: iso(role.CreateDate),
        description: session?.Description,
        assume_role_policy: decodePolicyDocument(role.AssumeRolePolicyDocument),
        permissions_boundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
        max_session_duration: session ? (session.MaxSessionDuration ?? 3600) : undefined,
        tags: tagMap(role.Tags),
        // The aws_iam_role data source's shape: a list of one block; empty when never used (AWS tracks the last 400 days).
        role_last_used: [clean({ last_used_date: lastUsed, region: role.RoleLastUsed?.Region })],
      },
      undefined,
      unreadable,
    );
    const owner = { field: "role", address: r.address };
    for (const p of role.RolePolicyList ?? []) {
      add("aws_iam_role_policy", `${name}:${p.PolicyName ?? ""}`, { name: p.PolicyName, role: role.Arn, policy: decodePolicyDocument(p.PolicyDocument) }, owner);
    }
    for (const a of role.AttachedManagedPolicies ?? []) {
      add("aws_iam_role_policy_attachment", `${name}/${a.PolicyArn ?? ""}`, { role: role.Arn, policy_arn: a.PolicyArn }, owner);
    }
    for (const ip of role.InstanceProfileList ?? []) {
      add("aws_iam_instance_profile", ip.InstanceProfileName ?? "", { name: ip.InstanceProfileName, path: ip.Path, arn: ip.Arn, unique_id: ip.InstanceProfileId, create_date: iso(ip.CreateDate), role: role.Arn }, owner);
    }
  }

  const groupsWithMembers = new Set<string>();
  for (const user of auth.users) {
    const name = user.UserName ?? "";
    const password = raw.passwords.get(name);
    const keys = raw.keys.get(name);
    const unreadable: Record<string, string> = {};
    if (!password) unreadable.login_profile = raw.passwordsUnreadable ?? "the user is not in the credential report";
    if (keys && "denied" in keys) unreadable.access_keys = keys.denied;
    const u = add(
      "aws_iam_user",
      name,
      {
        name,
        path: user.Path ?? "/",
        arn: user.Arn,
        unique_id: user.UserId,
        create_date: iso(user.CreateDate),
        permissions_boundary: user.PermissionsBoundary?.PermissionsBoundaryArn,
        tags: tagMap(user.Tags),
      },
      undefined,
      Object.keys(unreadable).length ? unreadable : undefined,
    );
    const owner = { field: "user", address: u.address };
    for (const p of user.UserPolicyList ?? []) {
      add("aws_iam_user_policy", `${name}:${p.PolicyName ?? ""}`, { name: p.PolicyName, user: user.Arn, policy: decodePolicyDocument(p.PolicyDocument) }, owner);
    }
    for (const a of user.AttachedManagedPolicies ?? []) {
      add("aws_iam_user_policy_attachment", `${name}/${a.PolicyArn ?? ""}`, { user: user.Arn, policy_arn: a.PolicyArn }, owner);
    }
    if (user.GroupList?.length) {
      for (const g of user.GroupList) groupsWithMembers.add(g);
      add("aws_iam_user_group_membership", name, { user: user.Arn, groups: [...user.GroupList].sort() }, owner);
    }
    if (password?.enabled) {
      add(
        "aws_iam_user_login_profile",
        name,
        { user: user.Arn, password_last_used: password.lastUsed, password_last_changed: password.lastChanged, mfa_active: password.mfaActive },
        owner,
      );
    }
    if (Array.isArray(keys)) {
      for (const k of keys) {
        const lastUsed = k.lastUsed;
        const denied = lastUsed && "denied" in lastUsed ? lastUsed.denied : undefined;
        const used = lastUsed && !("denied" in lastUsed) ? lastUsed : undefined;
        add(
          "aws_iam_access_key",
          k.AccessKeyId,
          {
            id: k.AccessKeyId,
            user: user.Arn,
            status: k.Status,
            create_date: iso(k.CreateDate),
            // null: GetAccessKeyLastUsed says never used; absent: not read (denied: see unreadable).
            last_used_date: used ? (iso(used.LastUsedDate) ?? null) : undefined,
            last_used_service: used?.ServiceName && used.ServiceName !== "N/A" ? used.ServiceName : undefined,
            last_used_region: used?.Region && used.Region !== "N/A" ? used.Region : undefined,
          },
          owner,
          denied ? { last_used_date: denied } : undefined,
        );
      }
    }
  }

  // Group grants reach users through membership: the groups that have members.
  for (const group of auth.groups) {
    const name = group.GroupName ?? "";
    if (!groupsWithMembers.has(name)) continue;
    for (const p of group.GroupPolicyList ?? []) {
      add("aws_iam_group_policy", `${name}:${p.PolicyName ?? ""}`, { name: p.PolicyName, group: name, policy: decodePolicyDocument(p.PolicyDocument) });
    }
    for (const a of group.AttachedManagedPolicies ?? []) {
      add("aws_iam_group_policy_attachment", `${name}/${a.PolicyArn ?? ""}`, { group: name, policy_arn: a.PolicyArn });
    }
  }

  // Customer managed policies that grant something to someone (AWS managed ones come from the bundled documents).
  for (const policy of auth.policies) {
    if (!policy.AttachmentCount) continue;
    const version = (policy.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion) ?? (policy.PolicyVersionList ?? []).find((v) => v.VersionId === policy.DefaultVersionId);
    add("aws_iam_policy", policy.PolicyName ?? "", {
      name: policy.PolicyName,
      path: policy.Path,
      arn: policy.Arn,
      policy_id: policy.PolicyId,
      description: policy.Description,
      create_date: iso(policy.CreateDate),
      policy: decodePolicyDocument(version?.Document),
    });
  }

  return { resources: out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)), gaps, skipped };
}

/** Parse the credential report (CSV, as GetCredentialReport returns it base64-decoded). */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (!lines.length) return [];
  const header = splitCsvLine(lines[0]);
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line);
    return ownRecord(header.map((h, i) => [h, cells[i] ?? ""] as [string, string]));
  });
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A credential report date cell: an ISO time, or undefined for N/A, no_information, not_supported. */
export const reportDate = (v: string | undefined): string | undefined => (v && /^\d{4}-\d{2}-\d{2}T/.test(v) ? iso(v) : undefined);
