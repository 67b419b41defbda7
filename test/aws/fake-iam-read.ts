/**
 * A local HTTP server answering the IAM and STS Query API calls the Terraform AWS provider makes
 * when it imports and reads IAM roles, users, their inline and attached policies and access keys
 * (GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies, GetUser, ...), as AWS
 * documents them: form-encoded `Action=...&Version=...` posts, XML in the service's namespace,
 * policy documents URL-encoded (RFC 3986), `NoSuchEntity` (404) for what does not exist and
 * `InvalidAction` (400) for any other action. Every call is recorded, which is how the tests find
 * out exactly which actions the provider makes.
 *
 * The account model uses the field names of test/aws/fake-aws.ts (the discovery branch's server:
 * FakeAccount, FakeRole, FakeUser, FakeManagedPolicy), so `iamReadAction` can be called from that
 * server's `default:` branch when both are on main, and `startFakeIamRead` dropped.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface FakePolicy {
  PolicyName: string;
  /** Plain JSON text; served URL-encoded. */
  PolicyDocument: string;
}
export interface FakeRole {
  RoleName: string;
  Path?: string;
  RoleId?: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration?: number;
  Description?: string;
  PermissionsBoundaryArn?: string;
  Tags?: Record<string, string>;
  RolePolicies?: FakePolicy[];
  AttachedManagedPolicies?: { PolicyName: string; PolicyArn: string }[];
}
export interface FakeKey {
  AccessKeyId: string;
  Status: "Active" | "Inactive";
  CreateDate: string;
}
export interface FakeUser {
  UserName: string;
  Path?: string;
  UserId?: string;
  CreateDate: string;
  Tags?: Record<string, string>;
  PermissionsBoundaryArn?: string;
  UserPolicies?: FakePolicy[];
  AttachedManagedPolicies?: { PolicyName: string; PolicyArn: string }[];
  Keys?: FakeKey[];
}
export interface FakeManagedPolicy {
  PolicyName: string;
  Path?: string;
  CreateDate: string;
  Document: string;
  AttachmentCount: number;
  Description?: string;
  Tags?: Record<string, string>;
}
export interface FakeAccount {
  id: string;
  roles: FakeRole[];
  users: FakeUser[];
  policies?: FakeManagedPolicy[];
}

export interface RecordedCall {
  service: "iam" | "sts";
  action: string;
  status: number;
  params: Record<string, string>;
}

const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** RFC 3986 encoding, as IAM returns policy documents. */
export const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const el = (name: string, value: string | number | boolean | undefined): string => (value === undefined ? "" : `<${name}>${esc(String(value))}</${name}>`);
const list = <T>(name: string, items: T[] | undefined, item: (x: T) => string): string => `<${name}>${(items ?? []).map((x) => `<member>${item(x)}</member>`).join("")}</${name}>`;
const tagsXml = (t: Record<string, string> | undefined) => (t && Object.keys(t).length ? list("Tags", Object.entries(t), ([k, v]) => el("Key", k) + el("Value", v)) : "");
const boundary = (arn: string | undefined) => (arn ? `<PermissionsBoundary>${el("PermissionsBoundaryType", "PermissionsBoundaryPolicy")}${el("PermissionsBoundaryArn", arn)}</PermissionsBoundary>` : "");
const id = (prefix: string, name: string) => `${prefix}${Buffer.from(name).toString("hex").toUpperCase().padEnd(17, "X").slice(0, 17)}`;
let seq = 0;
const requestId = () => `5c1b2a40-0000-4000-8000-${String(++seq).padStart(12, "0")}`;
const ok = (ns: string, action: string, result: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
const error = (ns: string, code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
const noSuch = (what: string) => ({ status: 404, body: error(IAM_NS, "NoSuchEntity", what) });

export const roleArn = (account: string, r: { Path?: string; RoleName: string }) => `arn:aws:iam::${account}:role${r.Path ?? "/"}${r.RoleName}`;
export const userArn = (account: string, u: { Path?: string; UserName: string }) => `arn:aws:iam::${account}:user${u.Path ?? "/"}${u.UserName}`;
export const policyArn = (account: string, p: { Path?: string; PolicyName: string }) => `arn:aws:iam::${account}:policy${p.Path ?? "/"}${p.PolicyName}`;

/**
 * The IAM read actions of one account (`GetRole`, `ListRolePolicies`, ...): the response, or
 * undefined for an action this handler does not answer.
 */
export function iamReadAction(account: FakeAccount, params: Record<string, string>): { status: number; body: string } | undefined {
  const action = params.Action ?? "";
  const role = () => account.roles.find((r) => r.RoleName === params.RoleName);
  const user = () => account.users.find((u) => u.UserName === params.UserName);
  const noRole = () => noSuch(`The role with name ${params.RoleName} cannot be found.`);
  const noUser = () => noSuch(`The user with name ${params.UserName} cannot be found.`);
  const names = (items: FakePolicy[] | undefined) => list("PolicyNames", items, (p) => esc(p.PolicyName)).replace(/<member>/g, "<member>") + el("IsTruncated", false);
  const attached = (items: { PolicyName: string; PolicyArn: string }[] | undefined) => list("AttachedPolicies", items, (p) => el("PolicyName", p.PolicyName) + el("PolicyArn", p.PolicyArn)) + el("IsTruncated", false);
  switch (action) {
    case "GetRole": {
      const r = role();
      if (!r) return noRole();
      return {
        status: 200,
        body: ok(
          IAM_NS,
          action,
          `<Role>${el("Path", r.Path ?? "/")}${el("RoleName", r.RoleName)}${el("RoleId", r.RoleId ?? id("AROA", r.RoleName))}${el("Arn", roleArn(account.id, r))}${el("CreateDate", r.CreateDate)}${el("AssumeRolePolicyDocument", rfc3986(r.AssumeRolePolicyDocument))}${el("Description", r.Description)}${el("MaxSessionDuration", r.MaxSessionDuration ?? 3600)}${boundary(r.PermissionsBoundaryArn)}${tagsXml(r.Tags)}<RoleLastUsed/></Role>`,
        ),
      };
    }
    case "ListRoleTags": {
      const r = role();
      if (!r) return noRole();
      return { status: 200, body: ok(IAM_NS, action, (tagsXml(r.Tags) || "<Tags/>") + el("IsTruncated", false)) };
    }
    case "ListRolePolicies": {
      const r = role();
      return r ? { status: 200, body: ok(IAM_NS, action, names(r.RolePolicies)) } : noRole();
    }
    case "GetRolePolicy": {
      const r = role();
      if (!r) return noRole();
      const p = r.RolePolicies?.find((x) => x.PolicyName === params.PolicyName);
      if (!p) return noSuch(`The role policy with name ${params.PolicyName} cannot be found.`);
      return { status: 200, body: ok(IAM_NS, action, el("RoleName", r.RoleName) + el("PolicyName", p.PolicyName) + el("PolicyDocument", rfc3986(p.PolicyDocument))) };
    }
    case "ListAttachedRolePolicies": {
      const r = role();
      return r ? { status: 200, body: ok(IAM_NS, action, attached(r.AttachedManagedPolicies)) } : noRole();
    }
    case "ListInstanceProfilesForRole": {
      const r = role();
      return r ? { status: 200, body: ok(IAM_NS, action, "<InstanceProfiles/>" + el("IsTruncated", false)) } : noRole();
    }
    case "GetUser": {
      const u = user();
      if (!u) return noUser();
      return {
        status: 200,
        body: ok(IAM_NS, action, `<User>${el("Path", u.Path ?? "/")}${el("UserName", u.UserName)}${el("UserId", u.UserId ?? id("AIDA", u.UserName))}${el("Arn", userArn(account.id, u))}${el("CreateDate", u.CreateDate)}${boundary(u.PermissionsBoundaryArn)}${tagsXml(u.Tags)}</User>`),
      };
    }
    case "ListUserTags": {
      const u = user();
      if (!u) return noUser();
      return { status: 200, body: ok(IAM_NS, action, (tagsXml(u.Tags) || "<Tags/>") + el("IsTruncated", false)) };
    }
    case "ListUserPolicies": {
      const u = user();
      return u ? { status: 200, body: ok(IAM_NS, action, names(u.UserPolicies)) } : noUser();
    }
    case "GetUserPolicy": {
      const u = user();
      if (!u) return noUser();
      const p = u.UserPolicies?.find((x) => x.PolicyName === params.PolicyName);
      if (!p) return noSuch(`The user policy with name ${params.PolicyName} cannot be found.`);
      return { status: 200, body: ok(IAM_NS, action, el("UserName", u.UserName) + el("PolicyName", p.PolicyName) + el("PolicyDocument", rfc3986(p.PolicyDocument))) };
    }
    case "ListAttachedUserPolicies": {
      const u = user();
      return u ? { status: 200, body: ok(IAM_NS, action, attached(u.AttachedManagedPolicies)) } : noUser();
    }
    case "ListGroupsForUser": {
      const u = user();
      return u ? { status: 200, body: ok(IAM_NS, action, "<Groups/>" + el("IsTruncated", false)) } : noUser();
    }
    case "ListAccessKeys": {
      const u = params.UserName ? user() : undefined;
      if (params.UserName && !u) return noUser();
      const owners = u ? [u] : account.users;
      const keys = owners.flatMap((o) => (o.Keys ?? []).map((k) => ({ o, k })));
      return { status: 200, body: ok(IAM_NS, action, (u ? el("UserName", u.UserName) : "") + list("AccessKeyMetadata", keys, ({ o, k }) => el("UserName", o.UserName) + el("AccessKeyId", k.AccessKeyId) + el("Status", k.Status) + el("CreateDate", k.CreateDate)) + el("IsTruncated", false)) };
    }
    case "GetAccessKeyLastUsed": {
      const hit = account.users.flatMap((o) => (o.Keys ?? []).map((k) => ({ o, k }))).find((x) => x.k.AccessKeyId === params.AccessKeyId);
      if (!hit) return { status: 403, body: error(IAM_NS, "AccessDenied", "The access key is not in this account") };
      return { status: 200, body: ok(IAM_NS, action, `<AccessKeyLastUsed>${el("Region", "N/A")}${el("ServiceName", "N/A")}</AccessKeyLastUsed>${el("UserName", hit.o.UserName)}`) };
    }
    case "GetPolicy": {
      const p = (account.policies ?? []).find((x) => policyArn(account.id, x) === params.PolicyArn);
      if (!p) return noSuch(`Policy ${params.PolicyArn} does not exist or is not attachable.`);
      return {
        status: 200,
        body: ok(
          IAM_NS,
          action,
          `<Policy>${el("PolicyName", p.PolicyName)}${el("PolicyId", id("ANPA", p.PolicyName))}${el("Arn", policyArn(account.id, p))}${el("Path", p.Path ?? "/")}${el("DefaultVersionId", "v1")}${el("AttachmentCount", p.AttachmentCount)}${el("PermissionsBoundaryUsageCount", 0)}${el("IsAttachable", true)}${el("Description", p.Description)}${el("CreateDate", p.CreateDate)}${el("UpdateDate", p.CreateDate)}${tagsXml(p.Tags)}</Policy>`,
        ),
      };
    }
    case "GetPolicyVersion": {
      const p = (account.policies ?? []).find((x) => policyArn(account.id, x) === params.PolicyArn);
      if (!p || params.VersionId !== "v1") return noSuch(`Policy ${params.PolicyArn} version ${params.VersionId} does not exist.`);
      return { status: 200, body: ok(IAM_NS, action, `<PolicyVersion>${el("Document", rfc3986(p.Document))}${el("VersionId", "v1")}${el("IsDefaultVersion", true)}${el("CreateDate", p.CreateDate)}</PolicyVersion>`) };
    }
    case "ListPolicyTags": {
      const p = (account.policies ?? []).find((x) => policyArn(account.id, x) === params.PolicyArn);
      if (!p) return noSuch(`Policy ${params.PolicyArn} does not exist.`);
      return { status: 200, body: ok(IAM_NS, action, (tagsXml(p.Tags) || "<Tags/>") + el("IsTruncated", false)) };
    }
    default:
      return undefined;
  }
}

export interface FakeIamRead {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

/** The server for one account; any caller is that account (the Terraform provider signs with fake keys). */
export async function startFakeIamRead(account: FakeAccount): Promise<FakeIamRead> {
  const calls: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const service: "iam" | "sts" = params.Version === "2011-06-15" ? "sts" : "iam";
      let out: { status: number; body: string };
      if (service === "sts" && params.Action === "GetCallerIdentity") {
        out = { status: 200, body: ok(STS_NS, "GetCallerIdentity", el("Arn", `arn:aws:iam::${account.id}:user/terraform`) + el("UserId", "AIDAEXAMPLEUSERID") + el("Account", account.id)) };
      } else {
        out = (service === "iam" ? iamReadAction(account, params) : undefined) ?? { status: 400, body: error(service === "sts" ? STS_NS : IAM_NS, "InvalidAction", `Could not find operation ${params.Action} for version ${params.Version}`) };
      }
      calls.push({ service, action: `${service}:${params.Action ?? "?"}`, status: out.status, params });
      res.writeHead(out.status, { "content-type": "text/xml", "x-amzn-requestid": requestId() });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
