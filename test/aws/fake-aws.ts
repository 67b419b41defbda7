/**
 * A local HTTP server that answers the IAM and STS Query APIs as AWS documents them: form-encoded
 * `Action=...&Version=...` posts, XML responses in the services' namespaces, policy documents
 * URL-encoded (RFC 3986) as IAM returns them, `IsTruncated`/`Marker` pagination, `ErrorResponse`
 * errors (AccessDenied 403, Throttling 400, NoSuchEntity 404). The real AWS SDK reaches it through
 * its endpoint settings (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_STS). The caller's account is
 * the one the signing access key belongs to (base keys, or keys AssumeRole handed out), so one
 * server plays several accounts. Every call is recorded (action, account), which is what the
 * least-privilege test compares with the documented policy. Used by the tests and the benchmark.
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
  RoleLastUsed?: { LastUsedDate?: string; Region?: string };
  RolePolicies?: FakePolicy[];
  AttachedManagedPolicies?: { PolicyName: string; PolicyArn: string }[];
  InstanceProfiles?: { InstanceProfileName: string; Path?: string; CreateDate: string }[];
}
export interface FakeKey {
  AccessKeyId: string;
  Status: "Active" | "Inactive";
  CreateDate: string;
  LastUsed?: { LastUsedDate: string; ServiceName: string; Region: string };
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
  Groups?: string[];
  /** A console password. */
  Password?: { LastUsed?: string; Changed: string };
  Keys?: FakeKey[];
  /** Created after the credential report was generated: not in it. */
  NotInReport?: boolean;
}
export interface FakeGroup {
  GroupName: string;
  Path?: string;
  CreateDate: string;
  GroupPolicies?: FakePolicy[];
  AttachedManagedPolicies?: { PolicyName: string; PolicyArn: string }[];
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
  groups?: FakeGroup[];
  policies?: FakeManagedPolicy[];
  reportGeneratedAt?: string;
}

export interface Denial {
  action: string;
  account?: string;
  /** Only for this user name or access key id (resource-scoped denials). */
  resource?: string;
}

export interface FakeAwsOptions {
  accounts: FakeAccount[];
  /** Access key id of the caller's base credentials -> its account. */
  callers: Record<string, { account: string; arn: string }>;
  /** Role ARNs whose AssumeRole is denied. */
  assumeDenied?: string[];
  /** Items per GetAccountAuthorizationDetails / ListRoles page. */
  pageSize?: number;
  deny?: Denial[];
  /** The first `times` calls of `action` answer Throttling. */
  throttle?: { action: string; times: number }[];
  /** Every n-th call (of any action) answers Throttling. */
  throttleEvery?: number;
  /** Calls per second served; more answer Throttling (a rate limit, for the benchmark). */
  ratePerSecond?: number;
  /** GenerateCredentialReport answers STARTED this many times before COMPLETE. */
  reportStartedTimes?: number;
  /** The caller for any access key not in `callers` (the Terraform provider signs with fake keys). */
  anyCaller?: { account: string; arn: string };
}

export interface RecordedCall {
  service: "iam" | "sts";
  action: string;
  account: string;
  status: number;
  params: Record<string, string>;
}

export interface FakeAws {
  url: string;
  calls: RecordedCall[];
  /** Env for the SDK: endpoints, region, base credentials, no shared config files. */
  env(accessKeyId: string): Record<string, string>;
  close(): Promise<void>;
}

const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** RFC 3986 encoding, as IAM returns policy documents. */
export const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const el = (name: string, value: string | number | boolean | undefined): string => (value === undefined ? "" : `<${name}>${esc(String(value))}</${name}>`);
const list = <T>(name: string, items: T[] | undefined, item: (x: T) => string): string => `<${name}>${(items ?? []).map((x) => `<member>${item(x)}</member>`).join("")}</${name}>`;
const tags = (t: Record<string, string> | undefined) => (t && Object.keys(t).length ? list("Tags", Object.entries(t), ([k, v]) => el("Key", k) + el("Value", v)) : "");
const policies = (name: string, p: FakePolicy[] | undefined) => list(name, p, (x) => el("PolicyName", x.PolicyName) + el("PolicyDocument", rfc3986(x.PolicyDocument)));
const attached = (p: { PolicyName: string; PolicyArn: string }[] | undefined) => list("AttachedManagedPolicies", p, (x) => el("PolicyName", x.PolicyName) + el("PolicyArn", x.PolicyArn));
const boundary = (arn: string | undefined) => (arn ? `<PermissionsBoundary>${el("PermissionsBoundaryType", "PermissionsBoundaryPolicy")}${el("PermissionsBoundaryArn", arn)}</PermissionsBoundary>` : "");

let requestSeq = 0;
const requestId = () => `7a62c49f-347e-4fc4-9331-${String(++requestSeq).padStart(12, "0")}`;

function ok(ns: string, action: string, result: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
}

function error(ns: string, code: string, message: string, type = "Sender"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
}

const roleArn = (account: string, r: { Path?: string; RoleName: string }) => `arn:aws:iam::${account}:role${r.Path ?? "/"}${r.RoleName}`;
const userArn = (account: string, u: { Path?: string; UserName: string }) => `arn:aws:iam::${account}:user${u.Path ?? "/"}${u.UserName}`;
const id = (prefix: string, name: string) => `${prefix}${Buffer.from(name).toString("hex").toUpperCase().padEnd(17, "X").slice(0, 17)}`;

function roleXml(account: string, r: FakeRole): string {
  return (
    el("Path", r.Path ?? "/") +
    el("RoleName", r.RoleName) +
    el("RoleId", r.RoleId ?? id("AROA", r.RoleName)) +
    el("Arn", roleArn(account, r)) +
    el("CreateDate", r.CreateDate) +
    el("AssumeRolePolicyDocument", rfc3986(r.AssumeRolePolicyDocument)) +
    list("InstanceProfileList", r.InstanceProfiles, (ip) =>
      el("Path", ip.Path ?? "/") +
      el("InstanceProfileName", ip.InstanceProfileName) +
      el("InstanceProfileId", id("AIPA", ip.InstanceProfileName)) +
      el("Arn", `arn:aws:iam::${account}:instance-profile${ip.Path ?? "/"}${ip.InstanceProfileName}`) +
      el("CreateDate", ip.CreateDate) +
      list("Roles", [r], (x) => el("Path", x.Path ?? "/") + el("RoleName", x.RoleName) + el("RoleId", x.RoleId ?? id("AROA", x.RoleName)) + el("Arn", roleArn(account, x)) + el("CreateDate", x.CreateDate) + el("AssumeRolePolicyDocument", rfc3986(x.AssumeRolePolicyDocument))),
    ) +
    policies("RolePolicyList", r.RolePolicies) +
    attached(r.AttachedManagedPolicies) +
    boundary(r.PermissionsBoundaryArn) +
    tags(r.Tags) +
    `<RoleLastUsed>${el("LastUsedDate", r.RoleLastUsed?.LastUsedDate)}${el("Region", r.RoleLastUsed?.Region)}</RoleLastUsed>`
  );
}

function userXml(account: string, u: FakeUser): string {
  return (
    el("Path", u.Path ?? "/") +
    el("UserName", u.UserName) +
    el("UserId", u.UserId ?? id("AIDA", u.UserName)) +
    el("Arn", userArn(account, u)) +
    el("CreateDate", u.CreateDate) +
    policies("UserPolicyList", u.UserPolicies) +
    list("GroupList", u.Groups, (g) => esc(g)) +
    attached(u.AttachedManagedPolicies) +
    boundary(u.PermissionsBoundaryArn) +
    tags(u.Tags)
  );
}

function groupXml(account: string, g: FakeGroup): string {
  return (
    el("Path", g.Path ?? "/") +
    el("GroupName", g.GroupName) +
    el("GroupId", id("AGPA", g.GroupName)) +
    el("Arn", `arn:aws:iam::${account}:group${g.Path ?? "/"}${g.GroupName}`) +
    el("CreateDate", g.CreateDate) +
    policies("GroupPolicyList", g.GroupPolicies) +
    attached(g.AttachedManagedPolicies)
  );
}

function managedPolicyXml(account: string, p: FakeManagedPolicy): string {
  return (
    el("PolicyName", p.PolicyName) +
    el("PolicyId", id("ANPA", p.PolicyName)) +
    el("Arn", `arn:aws:iam::${account}:policy${p.Path ?? "/"}${p.PolicyName}`) +
    el("Path", p.Path ?? "/") +
    el("DefaultVersionId", "v1") +
    el("AttachmentCount", p.AttachmentCount) +
    el("PermissionsBoundaryUsageCount", 0) +
    el("IsAttachable", true) +
    el("CreateDate", p.CreateDate) +
    el("UpdateDate", p.CreateDate) +
    list("PolicyVersionList", [p], (x) => el("Document", rfc3986(x.Document)) + el("VersionId", "v1") + el("IsDefaultVersion", true) + el("CreateDate", x.CreateDate))
  );
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The credential report as AWS writes it (its documented columns, N/A where nothing applies). */
export function credentialReportCsv(account: FakeAccount): string {
  const header = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
  ];
  const rows = [["<root_account>", `arn:aws:iam::${account.id}:root`, "2020-01-01T00:00:00+00:00", "not_supported", "2026-05-01T10:00:00+00:00", "not_supported", "not_supported", "true", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"]];
  for (const u of account.users) {
    if (u.NotInReport) continue;
    const key = (k: FakeKey | undefined) => {
      const active = k?.Status === "Active";
      return [String(active), active ? k.CreateDate : "N/A", active && k.LastUsed ? k.LastUsed.LastUsedDate : "N/A", active && k.LastUsed ? k.LastUsed.Region : "N/A", active && k.LastUsed ? k.LastUsed.ServiceName : "N/A"];
    };
    rows.push([
      u.UserName, userArn(account.id, u), u.CreateDate,
      String(Boolean(u.Password)), u.Password ? (u.Password.LastUsed ?? "no_information") : "N/A", u.Password ? u.Password.Changed : "N/A", "N/A", "false",
      ...key(u.Keys?.[0]), ...key(u.Keys?.[1]),
      "false", "N/A", "false", "N/A",
    ]);
  }
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n");
}

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const calls: RecordedCall[] = [];
  const sessions = new Map<string, { account: string; arn: string }>();
  const throttled = new Map<string, number>();
  let reportStarted = 0;
  const pageSize = options.pageSize ?? 100;
  const accounts = new Map(options.accounts.map((a) => [a.id, a]));
  const users = new Map<FakeAccount, Map<string, FakeUser>>();
  const keys = new Map<FakeAccount, Map<string, { user: FakeUser; key: FakeKey }>>();
  const userOf = (a: FakeAccount, name: string | undefined) => {
    if (!users.has(a)) users.set(a, new Map(a.users.map((u) => [u.UserName, u])));
    return users.get(a)?.get(name ?? "");
  };
  const keyOf = (a: FakeAccount, id: string | undefined) => {
    if (!keys.has(a)) keys.set(a, new Map(a.users.flatMap((u) => (u.Keys ?? []).map((k) => [k.AccessKeyId, { user: u, key: k }] as [string, { user: FakeUser; key: FakeKey }]))));
    return keys.get(a)?.get(id ?? "");
  };
  let served = 0;
  let bucket = options.ratePerSecond ?? 0;
  let refilled = Date.now();

  const handle = (params: Record<string, string>, caller: { account: string; arn: string } | undefined): { status: number; body: string; service: "iam" | "sts" } => {
    const action = params.Action ?? "";
    const service: "iam" | "sts" = params.Version === "2011-06-15" ? "sts" : "iam";
    const ns = service === "sts" ? STS_NS : IAM_NS;
    if (!caller) return { status: 403, service, body: error(ns, "InvalidClientTokenId", "The security token included in the request is invalid.") };
    const account = accounts.get(caller.account);
    served++;
    if (options.throttleEvery && served % options.throttleEvery === 0) return { status: 400, service, body: error(ns, "Throttling", "Rate exceeded") };
    if (options.ratePerSecond) {
      // A token bucket of one second's calls, as a service's rate limit behaves.
      const now = Date.now();
      bucket = Math.min(options.ratePerSecond, bucket + ((now - refilled) / 1000) * options.ratePerSecond);
      refilled = now;
      if (bucket < 1) return { status: 400, service, body: error(ns, "Throttling", "Rate exceeded") };
      bucket -= 1;
    }
    const t = options.throttle?.find((x) => x.action === action);
    if (t) {
      const n = throttled.get(action) ?? 0;
      if (n < t.times) {
        throttled.set(action, n + 1);
        return { status: 400, service, body: error(ns, "Throttling", "Rate exceeded") };
      }
    }
    const resource = params.UserName ?? params.AccessKeyId;
    const denial = options.deny?.find((d) => d.action === `${service}:${action}` && (!d.account || d.account === caller.account) && (!d.resource || d.resource === resource));
    if (denial) {
      const on = resource ? `user ${resource}` : "*";
      return {
        status: 403,
        service,
        body: error(ns, "AccessDenied", `User: ${caller.arn} is not authorized to perform: ${service}:${action} on resource: ${on} because no identity-based policy allows the ${service}:${action} action`),
      };
    }
    const page = <T>(items: T[]) => {
      const start = params.Marker ? Number(Buffer.from(params.Marker, "base64").toString("utf8")) : 0;
      const size = Math.min(Number(params.MaxItems ?? pageSize), pageSize);
      const slice = items.slice(start, start + size);
      const more = start + size < items.length;
      return { slice, tail: `${el("IsTruncated", more)}${more ? el("Marker", Buffer.from(String(start + size)).toString("base64")) : ""}` };
    };
    switch (`${service}:${action}`) {
      case "sts:GetCallerIdentity":
        return { status: 200, service, body: ok(ns, action, el("Arn", caller.arn) + el("UserId", "AIDAEXAMPLEUSERID") + el("Account", caller.account)) };
      case "sts:AssumeRole": {
        const arn = params.RoleArn ?? "";
        const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(arn);
        if (!target || (options.assumeDenied ?? []).includes(arn)) {
          return { status: 403, service, body: error(ns, "AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`) };
        }
        const keyId = `ASIA${String(sessions.size + 1).padStart(16, "0")}`;
        const session = params.RoleSessionName ?? "session";
        sessions.set(keyId, { account: target[1], arn: `arn:aws:sts::${target[1]}:assumed-role/${target[2]}/${session}` });
        const expires = new Date(Date.now() + 3600_000).toISOString();
        return {
          status: 200,
          service,
          body: ok(
            ns,
            action,
            `<AssumedRoleUser>${el("Arn", `arn:aws:sts::${target[1]}:assumed-role/${target[2]}/${session}`)}${el("AssumedRoleId", `AROAEXAMPLE:${session}`)}</AssumedRoleUser>` +
              `<Credentials>${el("AccessKeyId", keyId)}${el("SecretAccessKey", "fake/secret/key/for/tests/only/0000000000")}${el("SessionToken", "FQoGZXIvYXdzEXAMPLETOKEN")}${el("Expiration", expires)}</Credentials>` +
              el("PackedPolicySize", 6),
          ),
        };
      }
    }
    if (!account) return { status: 403, service, body: error(ns, "AccessDenied", `no such account ${caller.account}`) };
    switch (`${service}:${action}`) {
      case "iam:GetAccountAuthorizationDetails": {
        const filter = Object.entries(params)
          .filter(([k]) => k.startsWith("Filter.member."))
          .map(([, v]) => v);
        const want = (f: string) => !filter.length || filter.includes(f);
        // Only the page's items are rendered (big accounts in the benchmark).
        type Item = { kind: "user" | "group" | "role" | "policy"; xml: () => string };
        const items: Item[] = [
          ...(want("User") ? account.users.map((u) => ({ kind: "user" as const, xml: () => userXml(account.id, u) })) : []),
          ...(want("Group") ? (account.groups ?? []).map((g) => ({ kind: "group" as const, xml: () => groupXml(account.id, g) })) : []),
          ...(want("Role") ? account.roles.map((r) => ({ kind: "role" as const, xml: () => roleXml(account.id, r) })) : []),
          ...(want("LocalManagedPolicy") ? (account.policies ?? []).map((p) => ({ kind: "policy" as const, xml: () => managedPolicyXml(account.id, p) })) : []),
        ];
        const { slice, tail } = page(items);
        const of = (k: Item["kind"]) => slice.filter((i) => i.kind === k).map((i) => `<member>${i.xml()}</member>`).join("");
        return {
          status: 200,
          service,
          body: ok(ns, action, `<UserDetailList>${of("user")}</UserDetailList><GroupDetailList>${of("group")}</GroupDetailList><RoleDetailList>${of("role")}</RoleDetailList><Policies>${of("policy")}</Policies>${tail}`),
        };
      }
      case "iam:ListRoles": {
        const { slice, tail } = page(account.roles);
        return {
          status: 200,
          service,
          body: ok(
            ns,
            action,
            list("Roles", slice, (r) =>
              el("Path", r.Path ?? "/") +
              el("RoleName", r.RoleName) +
              el("RoleId", r.RoleId ?? id("AROA", r.RoleName)) +
              el("Arn", roleArn(account.id, r)) +
              el("CreateDate", r.CreateDate) +
              el("AssumeRolePolicyDocument", rfc3986(r.AssumeRolePolicyDocument)) +
              el("Description", r.Description) +
              el("MaxSessionDuration", r.MaxSessionDuration ?? 3600),
            ) + tail,
          ),
        };
      }
      case "iam:GenerateCredentialReport": {
        if (reportStarted < (options.reportStartedTimes ?? 0)) {
          reportStarted++;
          return { status: 200, service, body: ok(ns, action, el("Description", "No report exists. Starting a new report generation task") + el("State", reportStarted === 1 ? "STARTED" : "INPROGRESS")) };
        }
        return { status: 200, service, body: ok(ns, action, el("State", "COMPLETE")) };
      }
      case "iam:GetCredentialReport":
        return {
          status: 200,
          service,
          body: ok(ns, action, el("Content", Buffer.from(credentialReportCsv(account)).toString("base64")) + el("ReportFormat", "text/csv") + el("GeneratedTime", account.reportGeneratedAt ?? "2026-06-01T08:00:00Z")),
        };
      case "iam:GetLoginProfile": {
        const u = userOf(account, params.UserName);
        if (!u) return { status: 404, service, body: error(ns, "NoSuchEntity", `The user with name ${params.UserName} cannot be found.`) };
        if (!u.Password) return { status: 404, service, body: error(ns, "NoSuchEntity", `Login Profile for User ${u.UserName} cannot be found.`) };
        return { status: 200, service, body: ok(ns, action, `<LoginProfile>${el("UserName", u.UserName)}${el("CreateDate", u.Password.Changed)}${el("PasswordResetRequired", false)}</LoginProfile>`) };
      }
      case "iam:ListAccessKeys": {
        const u = userOf(account, params.UserName);
        if (!u) return { status: 404, service, body: error(ns, "NoSuchEntity", `The user with name ${params.UserName} cannot be found.`) };
        return {
          status: 200,
          service,
          body: ok(ns, action, el("UserName", u.UserName) + list("AccessKeyMetadata", u.Keys, (k) => el("UserName", u.UserName) + el("AccessKeyId", k.AccessKeyId) + el("Status", k.Status) + el("CreateDate", k.CreateDate)) + el("IsTruncated", false)),
        };
      }
      case "iam:GetAccessKeyLastUsed": {
        const hit = keyOf(account, params.AccessKeyId);
        if (hit) {
          const { user: u, key: k } = hit;
          const lu = k.LastUsed;
          return {
            status: 200,
            service,
            body: ok(ns, action, `<AccessKeyLastUsed>${el("Region", lu?.Region ?? "N/A")}${el("LastUsedDate", lu?.LastUsedDate)}${el("ServiceName", lu?.ServiceName ?? "N/A")}</AccessKeyLastUsed>${el("UserName", u.UserName)}`),
          };
        }
        return { status: 403, service, body: error(ns, "AccessDenied", "The access key is not in this account") };
      }
      default: {
        // What the Terraform AWS provider reads when it imports an identity (GetRole, ListRolePolicies, ...).
        const read = service === "iam" && account ? iamReadAction(account, params) : undefined;
        return read ? { ...read, service } : { status: 400, service, body: error(ns, "InvalidAction", `Could not find operation ${action} for version ${params.Version}`) };
      }
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const params = Object.fromEntries(new URLSearchParams(body));
      const keyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
      const caller = options.callers[keyId] ?? sessions.get(keyId) ?? options.anyCaller;
      const out = handle(params, caller);
      calls.push({ service: out.service, action: `${out.service}:${params.Action ?? "?"}`, account: caller?.account ?? "?", status: out.status, params });
      res.writeHead(out.status, { "content-type": "text/xml", "x-amzn-requestid": requestId() });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    env: (accessKeyId: string) => ({
      AWS_ENDPOINT_URL_IAM: url,
      AWS_ENDPOINT_URL_STS: url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: "fake-secret-for-the-local-server",
      AWS_CONFIG_FILE: "/nonexistent/nhi-gate-test-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/nhi-gate-test-credentials",
      AWS_EC2_METADATA_DISABLED: "true",
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---- the read actions the Terraform AWS provider makes on import and refresh (nhi-gate adopt's real-Terraform test) ----
const tagsXml = tags;
const noSuch = (what: string) => ({ status: 404, body: error(IAM_NS, "NoSuchEntity", what) });
const policyArn = (account: string, p: { Path?: string; PolicyName: string }) => `arn:aws:iam::${account}:policy${p.Path ?? "/"}${p.PolicyName}`;

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

/** The server for one account, for the Terraform provider: any caller is that account (it signs with fake keys). */
export async function startFakeIamRead(account: FakeAccount): Promise<FakeIamRead> {
  const fake = await startFakeAws({ accounts: [account], callers: {}, anyCaller: { account: account.id, arn: `arn:aws:iam::${account.id}:user/terraform` } });
  return { url: fake.url, calls: fake.calls, close: () => fake.close() };
}
