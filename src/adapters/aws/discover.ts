/**
 * `nhi-gate discover aws`: read the IAM identities of one or more AWS accounts with the AWS SDK
 * for JavaScript v3 and normalize them into the engine's model (src/adapters/aws/iam.ts).
 *
 * This module loads the SDK: only the discover command requires it, lazily, so no other command
 * pays for it. Credentials come from the SDK's standard chain (environment, shared profiles,
 * SSO, web identity, container and instance metadata); `--role-arn` assumes a read-only audit
 * role per account. Endpoints follow the SDK's settings (`AWS_ENDPOINT_URL_IAM`,
 * `AWS_ENDPOINT_URL_STS`, `endpoint_url` in a profile). Throttling is retried with the SDK's
 * adaptive retry mode.
 *
 * Calls per account: GetAccountAuthorizationDetails and ListRoles (one per 1,000 items each),
 * the credential report (two or three), ListAccessKeys per user that has keys, and
 * GetAccessKeyLastUsed per key. Nothing is called per property. See DISCOVERY_ACTIONS.
 */
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { IdentityResource, InputGap } from "../../engine/model";
import { InputError } from "../input";
import {
  AccessKeyData,
  accountAddress,
  accountOfArn,
  addressOf,
  GroupDetail,
  ManagedPolicyDetail,
  normalizeAccount,
  parseCredentialReport,
  RawAccount,
  reportDate,
  RoleDetail,
  UserDetail,
} from "./iam";
import { DiscoveryAction } from "./permissions";

export interface DiscoverOptions {
  /** Audit roles to assume, one per account; without any, the caller's own account is read. */
  roleArns?: string[];
  /** Shared config profile for the base credentials (default: the SDK's chain, AWS_PROFILE). */
  profile?: string;
  /** Region for signing and the STS endpoint (IAM is global); default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
  region?: string;
  /** External id for the assumed roles. */
  externalId?: string;
  includeAwsManaged?: boolean;
  /** Calls in flight at once per account (ListAccessKeys, GetAccessKeyLastUsed). Default 8. */
  concurrency?: number;
  /** SDK attempts per call (adaptive retry). Default 10. */
  maxAttempts?: number;
  /** How long to wait for the credential report to be generated, and how often to ask. */
  reportWaitMs?: number;
  reportPollMs?: number;
  env?: Record<string, string | undefined>;
  onProgress?: (message: string) => void;
}

export interface AccountSummary {
  account: string;
  /** The identity discovery ran as (GetCallerIdentity). */
  principal?: string;
  roleArn?: string;
  /** Calls made, by action (`iam:GetAccountAuthorizationDetails`), and HTTP attempts including retries. */
  calls: Record<string, number>;
  attempts: number;
  counts: Record<string, number>;
  /** Roles left out, by kind (service-linked, AWS-reserved). */
  skipped: Record<string, number>;
  credentialReport?: { generatedAt?: string };
  durationMs: number;
}

export interface DiscoveryResult {
  discoveredAt: string;
  accounts: AccountSummary[];
  resources: IdentityResource[];
  gaps: InputGap[];
}

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "UnauthorizedAccess"]);

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export const isDenied = (e: unknown): boolean => DENIED.has((e as SdkError)?.name ?? "");

const errorLine = (e: unknown): string => {
  const err = e as SdkError;
  return `${err?.name ?? "Error"}: ${String(err?.message ?? e).split("\n")[0].slice(0, 300)}`;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `fn` over `items`, `limit` at a time; after a failure no new item starts, and the first failure is thrown. */
async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A pagination marker seen before means the listing would never end. */
function nextMarker(seen: Set<string>, marker: string | undefined, account: string, action: string): string | undefined {
  if (marker === undefined) return undefined;
  if (seen.has(marker)) throw new InputError(`aws account ${account}: ${action} returned a Marker it had returned before; the listing would never end`);
  seen.add(marker);
  return marker;
}

/** One call: the IAM action it needs (`iam:ListRoles`), and the command. */
type Send = <O>(action: DiscoveryAction, command: object) => Promise<O>;

/** Discover every account: the caller's own, or one per `--role-arn`. */
export async function discoverAws(options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const base = { region, retryMode: "adaptive", maxAttempts: options.maxAttempts ?? 10, ...(options.profile ? { profile: options.profile } : {}) };
  const discoveredAt = new Date().toISOString();
  const targets: (string | undefined)[] = options.roleArns?.length ? [...new Set(options.roleArns)] : [undefined];
  const accounts: AccountSummary[] = [];
  const resources: IdentityResource[] = [];
  const gaps: InputGap[] = [];
  const seenAccounts = new Set<string>();
  for (const roleArn of targets) {
    const one = await discoverAccount(roleArn, base, options);
    if (one.summary.account && seenAccounts.has(one.summary.account)) {
      throw new InputError(`--role-arn ${roleArn}: account ${one.summary.account} is already discovered through another role; give one role per account`);
    }
    seenAccounts.add(one.summary.account);
    accounts.push(one.summary);
    resources.push(...one.resources);
    gaps.push(...one.gaps);
  }
  resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { discoveredAt, accounts, resources, gaps };
}

async function discoverAccount(
  roleArn: string | undefined,
  base: { region: string; retryMode: string; maxAttempts: number; profile?: string },
  options: DiscoverOptions,
): Promise<{ summary: AccountSummary; resources: IdentityResource[]; gaps: InputGap[] }> {
  const started = Date.now();
  const calls: Record<string, number> = {};
  let attempts = 0;
  const progress = options.onProgress ?? (() => undefined);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const roleAccount = accountOfArn(roleArn);
  if (roleArn && !roleAccount) throw new InputError(`--role-arn ${roleArn.slice(0, 200)}: expected an IAM role ARN such as arn:aws:iam::123456789012:role/nhi-audit`);

  let credentials: (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>) | undefined;
  let baseSts: STSClient | undefined;
  let send: Send;
  let iam: IAMClient;
  let sts: STSClient;
  const wrap = (): Send => async (action, command) => {
    calls[action] = (calls[action] ?? 0) + 1;
    try {
      const client = action.startsWith("iam:") ? iam : sts;
      const out = (await (client.send as (c: unknown) => Promise<{ $metadata?: { attempts?: number } }>)(command)) as { $metadata?: { attempts?: number } };
      attempts += out?.$metadata?.attempts ?? 1;
      return out as never;
    } catch (e) {
      attempts += (e as SdkError)?.$metadata?.attempts ?? 1;
      throw e;
    }
  };

  const summary: AccountSummary = { account: roleAccount ?? "", calls, attempts: 0, counts: {}, skipped: {}, durationMs: 0, ...(roleArn ? { roleArn } : {}) };
  const finish = () => {
    summary.attempts = attempts;
    summary.durationMs = Date.now() - started;
    return summary;
  };

  if (roleArn) {
    baseSts = new STSClient(base);
    const assume = async () => {
      calls["sts:AssumeRole"] = (calls["sts:AssumeRole"] ?? 0) + 1;
      try {
        const out = await (baseSts as STSClient).send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "nhi-gate-discover", DurationSeconds: 3600, ...(options.externalId ? { ExternalId: options.externalId } : {}) }),
        );
        attempts += out.$metadata.attempts ?? 1;
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new InputError(`--role-arn ${roleArn}: sts:AssumeRole returned no credentials`);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      } catch (e) {
        attempts += (e as SdkError)?.$metadata?.attempts ?? 0;
        throw e;
      }
    };
    // The first assume decides whether the account can be read at all; the SDK refreshes the
    // credentials through `credentials` before they expire (long runs on big accounts).
    let first: Awaited<ReturnType<typeof assume>>;
    try {
      first = await assume();
    } catch (e) {
      if (isDenied(e)) {
        const account = roleAccount as string;
        const gap: InputGap = {
          address: accountAddress(account),
          type: "aws_account",
          key: "Denied::sts:AssumeRole",
          message: `cannot evaluate account ${account}: discovery could not assume ${roleArn} (sts:AssumeRole was denied: ${errorLine(e)}). Nothing in the account was read, so nothing in it passes. Fix: let the caller assume the audit role (its trust policy and the caller's sts:AssumeRole permission), then discover again`,
        };
        return { summary: finish(), resources: [], gaps: [gap] };
      }
      throw fatal(roleAccount, "sts:AssumeRole", e, roleArn);
    }
    // One set of role credentials for both clients, renewed five minutes before it expires.
    let current = first;
    let pending: Promise<Awaited<ReturnType<typeof assume>>> | undefined;
    credentials = async () => {
      if (current && (!current.expiration || current.expiration.getTime() - Date.now() > 300_000)) return current;
      pending ??= assume().then(
        (c) => {
          current = c;
          pending = undefined;
          return c;
        },
        (e) => {
          pending = undefined;
          throw e;
        },
      );
      return pending;
    };
  }
  const clientConfig = { ...base, ...(credentials ? { credentials } : {}) };
  iam = new IAMClient(clientConfig);
  sts = new STSClient(clientConfig);
  send = wrap();
  try {
    let identity: { Account?: string; Arn?: string };
    try {
      identity = await send("sts:GetCallerIdentity", new GetCallerIdentityCommand({}));
    } catch (e) {
      throw fatal(roleAccount, "sts:GetCallerIdentity", e, roleArn);
    }
    const account = identity.Account ?? roleAccount ?? accountOfArn(identity.Arn) ?? "";
    if (!/^\d{12}$/.test(account)) throw new InputError(`sts:GetCallerIdentity returned no account id (${JSON.stringify(identity.Account ?? null)})`);
    if (roleAccount && account !== roleAccount) throw new InputError(`--role-arn ${roleArn}: the assumed role reports account ${account}, not ${roleAccount}`);
    summary.account = account;
    summary.principal = identity.Arn;
    progress(`account ${account}: reading IAM as ${identity.Arn ?? "?"}`);
    const raw = await readAccount(account, send, { concurrency, reportWaitMs: options.reportWaitMs ?? 120_000, reportPollMs: options.reportPollMs ?? 2_000, progress });
    summary.credentialReport = raw.credentialReport;
    const { resources, gaps, skipped } = normalizeAccount(raw.raw, { includeAwsManaged: options.includeAwsManaged });
    summary.skipped = skipped;
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.nativeType] = (counts[r.nativeType] ?? 0) + 1;
    summary.counts = counts;
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    progress(`account ${account}: ${resources.length} identity resources in ${total} calls (${attempts} HTTP attempts) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { summary: finish(), resources, gaps };
  } finally {
    iam.destroy();
    sts.destroy();
    baseSts?.destroy();
  }
}

/** A call that failed for a reason other than a denied permission: discovery cannot go on, and never passes. */
function fatal(account: string | undefined, action: string, e: unknown, roleArn?: string): InputError {
  if (e instanceof InputError) return e;
  const err = e as SdkError;
  if (err?.name === "CredentialsProviderError" || (/Could not load credentials/i.test(String(err?.message ?? "")) && !err?.$metadata)) {
    return new InputError(
      `no AWS credentials for ${roleArn ? `assuming ${roleArn}` : "discovery"}: ${errorLine(e)}. Fix: set AWS_PROFILE (aws sso login for SSO profiles), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN in CI`,
    );
  }
  return new InputError(`${account ? `aws account ${account}: ` : ""}${action} failed: ${errorLine(e)}; no result, discovery fails closed`);
}

interface ReadOptions {
  concurrency: number;
  reportWaitMs: number;
  reportPollMs: number;
  progress: (m: string) => void;
}

/** Every call for one account; what was denied becomes a gap or an unreadable field, never a missing resource passed silently. */
async function readAccount(account: string, send: Send, o: ReadOptions): Promise<{ raw: RawAccount; credentialReport?: { generatedAt?: string } }> {
  const gaps: InputGap[] = [];
  const acct = accountAddress(account);
  const accountGap = (key: string, message: string, severity?: InputGap["severity"]) => gaps.push({ address: acct, type: "aws_account", key, message, ...(severity ? { severity } : {}) });
  const raw: RawAccount = { account, passwords: new Map(), keys: new Map(), gaps, skipped: {} };

  const authorization = async () => {
    const out = { users: [] as UserDetail[], roles: [] as RoleDetail[], groups: [] as GroupDetail[], policies: [] as ManagedPolicyDetail[] };
    let marker: string | undefined;
    let page = 0;
    const seenMarkers = new Set<string>();
    try {
      do {
        const res = await send<{ UserDetailList?: UserDetail[]; RoleDetailList?: RoleDetail[]; GroupDetailList?: GroupDetail[]; Policies?: ManagedPolicyDetail[]; IsTruncated?: boolean; Marker?: string }>(
          "iam:GetAccountAuthorizationDetails",
          new GetAccountAuthorizationDetailsCommand({ Filter: ["User", "Role", "Group", "LocalManagedPolicy"], MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }),
        );
        out.users.push(...(res.UserDetailList ?? []));
        out.roles.push(...(res.RoleDetailList ?? []));
        out.groups.push(...(res.GroupDetailList ?? []));
        out.policies.push(...(res.Policies ?? []));
        if (res.IsTruncated && !res.Marker) throw new InputError(`aws account ${account}: iam:GetAccountAuthorizationDetails page ${page + 1} is truncated but has no Marker`);
        marker = nextMarker(seenMarkers, res.IsTruncated ? res.Marker : undefined, account, "iam:GetAccountAuthorizationDetails");
        page++;
        if (page % 5 === 0) o.progress(`account ${account}: ${out.roles.length} roles, ${out.users.length} users so far`);
      } while (marker);
      raw.authorization = out;
    } catch (e) {
      if (!isDenied(e)) throw fatal(account, "iam:GetAccountAuthorizationDetails", e);
      accountGap(
        "Denied::iam:GetAccountAuthorizationDetails",
        `cannot evaluate account ${account}: discovery was denied iam:GetAccountAuthorizationDetails (${errorLine(e)}), which lists its users, groups, roles and policies. Nothing in the account was read, so nothing in it passes. Fix: grant the audit role iam:GetAccountAuthorizationDetails (see nhi-gate discover aws --print-policy)`,
      );
    }
  };

  const sessions = async () => {
    const map = new Map<string, { MaxSessionDuration?: number; Description?: string }>();
    let marker: string | undefined;
    const seenMarkers = new Set<string>();
    try {
      do {
        const res = await send<{ Roles?: { RoleName?: string; MaxSessionDuration?: number; Description?: string }[]; IsTruncated?: boolean; Marker?: string }>(
          "iam:ListRoles",
          new ListRolesCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }),
        );
        for (const r of res.Roles ?? []) if (r.RoleName) map.set(r.RoleName, { MaxSessionDuration: r.MaxSessionDuration, Description: r.Description });
        marker = nextMarker(seenMarkers, res.IsTruncated ? res.Marker : undefined, account, "iam:ListRoles");
      } while (marker);
      raw.roles = map;
    } catch (e) {
      if (!isDenied(e)) throw fatal(account, "iam:ListRoles", e);
      accountGap(
        "Denied::iam:ListRoles",
        `cannot evaluate the maximum session duration of the roles in account ${account}: discovery was denied iam:ListRoles (${errorLine(e)}), the only listing that returns it, so no role's seal can be verified and session length (NHI-GOV-011) cannot be judged. Fix: grant the audit role iam:ListRoles`,
      );
    }
  };

  let report: { rows: Record<string, string>[]; generatedAt?: string } | { denied: string[] } | undefined;
  const credentialReport = async () => {
    let generateDenied: unknown;
    const deadline = Date.now() + o.reportWaitMs;
    try {
      for (;;) {
        const res = await send<{ State?: string }>("iam:GenerateCredentialReport", new GenerateCredentialReportCommand({}));
        if (res.State === "COMPLETE") break;
        if (Date.now() > deadline) break; // GetCredentialReport says ReportInProgress below
        await sleep(o.reportPollMs);
      }
    } catch (e) {
      if (!isDenied(e)) throw fatal(account, "iam:GenerateCredentialReport", e);
      generateDenied = e;
    }
    try {
      const res = await send<{ Content?: Uint8Array; GeneratedTime?: Date }>("iam:GetCredentialReport", new GetCredentialReportCommand({}));
      const csv = res.Content ? Buffer.from(res.Content).toString("utf8") : "";
      report = { rows: parseCredentialReport(csv), generatedAt: res.GeneratedTime ? res.GeneratedTime.toISOString() : undefined };
      if (generateDenied) {
        accountGap(
          "Denied::iam:GenerateCredentialReport",
          `discovery was denied iam:GenerateCredentialReport in account ${account}, so it read the existing credential report (generated ${report.generatedAt ?? "at an unknown time"}), which may be up to 4 hours old. Fix: grant the audit role iam:GenerateCredentialReport`,
          "low",
        );
      }
    } catch (e) {
      const name = (e as SdkError)?.name ?? "";
      if (isDenied(e)) report = { denied: [...(generateDenied ? ["iam:GenerateCredentialReport"] : []), "iam:GetCredentialReport"] };
      else if (generateDenied && /^Report(NotPresent|Expired)/.test(name)) report = { denied: ["iam:GenerateCredentialReport"] };
      else throw fatal(account, "iam:GetCredentialReport", e);
    }
  };

  await Promise.all([authorization(), sessions(), credentialReport()]);
  const auth = raw.authorization;
  if (!auth) return { raw };
  const users = auth.users.map((u) => u.UserName ?? "").filter((n) => n !== "");

  // Who has a console password: the credential report says for every user it lists; the others
  // (created after the report was generated, or all when it was denied) are asked one by one.
  const notInReport: string[] = [];
  const rep = report as { rows: Record<string, string>[]; generatedAt?: string } | { denied: string[] } | undefined;
  if (rep && "rows" in rep) {
    const byUser = new Map(rep.rows.filter((r) => r.user && r.user !== "<root_account>").map((r) => [r.user, r]));
    for (const name of users) {
      const row = byUser.get(name);
      if (!row) {
        notInReport.push(name);
        continue;
      }
      raw.passwords.set(name, {
        enabled: row.password_enabled === "true",
        lastUsed: reportDate(row.password_last_used),
        lastChanged: reportDate(row.password_last_changed),
        mfaActive: row.mfa_active === "true",
        source: "credential report",
      });
    }
  } else {
    notInReport.push(...users);
    const denied = rep && "denied" in rep ? rep.denied : [];
    accountGap(
      `Denied::${denied.join("+")}`,
      `discovery was denied ${denied.join(" and ")} in account ${account}, so it asked each of its ${users.length} users for a console password instead (iam:GetLoginProfile, ${users.length} more calls). Fix: grant the audit role ${denied.join(" and ")}`,
      "low",
    );
  }

  const deniedLogin: string[] = [];
  await mapLimit(notInReport, o.concurrency, async (name) => {
    try {
      const res = await send<{ LoginProfile?: { CreateDate?: Date } }>("iam:GetLoginProfile", new GetLoginProfileCommand({ UserName: name }));
      raw.passwords.set(name, { enabled: Boolean(res.LoginProfile), lastChanged: res.LoginProfile?.CreateDate?.toISOString(), source: "GetLoginProfile" });
    } catch (e) {
      const err = e as SdkError;
      if (err?.name === "NoSuchEntity" || err?.name === "NoSuchEntityException") raw.passwords.set(name, { enabled: false, source: "GetLoginProfile" });
      else if (isDenied(e)) deniedLogin.push(name);
      else throw fatal(account, "iam:GetLoginProfile", e);
    }
  });
  if (deniedLogin.length) {
    const why = rep && "rows" in rep ? "discovery was denied iam:GetLoginProfile (the user is newer than the credential report)" : `discovery was denied ${[...((rep as { denied: string[] } | undefined)?.denied ?? []), "iam:GetLoginProfile"].join(" and ")}`;
    raw.passwordsUnreadable = why;
    accountGap(
      "Denied::iam:GetLoginProfile",
      `cannot evaluate whether ${deniedLogin.length} user(s) of account ${account} have a console password (${sampleOf(deniedLogin)}): ${why}. Console access on a non-human identity (NHI-GOV-013, NHI-GOV-042) cannot be judged for them. Fix: grant the audit role iam:GenerateCredentialReport, iam:GetCredentialReport and iam:GetLoginProfile`,
    );
  }

  // Access keys of every user (the credential report's key columns leave inactive keys out),
  // then when each was last used.
  const keyed = users;
  const deniedKeys: string[] = [];
  await mapLimit(keyed, o.concurrency, async (name) => {
    const list: AccessKeyData[] = [];
    let marker: string | undefined;
    const seenMarkers = new Set<string>();
    try {
      do {
        const res = await send<{ AccessKeyMetadata?: { AccessKeyId?: string; Status?: string; CreateDate?: Date }[]; IsTruncated?: boolean; Marker?: string }>(
          "iam:ListAccessKeys",
          new ListAccessKeysCommand({ UserName: name, ...(marker ? { Marker: marker } : {}) }),
        );
        for (const k of res.AccessKeyMetadata ?? []) if (k.AccessKeyId) list.push({ AccessKeyId: k.AccessKeyId, Status: k.Status, CreateDate: k.CreateDate });
        marker = nextMarker(seenMarkers, res.IsTruncated ? res.Marker : undefined, account, "iam:ListAccessKeys");
      } while (marker);
      raw.keys.set(name, list);
    } catch (e) {
      const err = e as SdkError;
      if (err?.name === "NoSuchEntity" || err?.name === "NoSuchEntityException") raw.keys.set(name, []); // deleted while we read
      else if (isDenied(e)) {
        deniedKeys.push(name);
        raw.keys.set(name, { denied: `discovery was denied iam:ListAccessKeys (${errorLine(e)})` });
      } else throw fatal(account, "iam:ListAccessKeys", e);
    }
  });
  if (deniedKeys.length && deniedKeys.length === keyed.length && keyed.length > 1) {
    accountGap(
      "Denied::iam:ListAccessKeys",
      `cannot evaluate the access keys of ${keyed.length} users of account ${account} (${sampleOf(deniedKeys)}): discovery was denied iam:ListAccessKeys, so their age, use and console overlap (NHI-GOV-012, NHI-GOV-040, NHI-GOV-041, NHI-GOV-042) cannot be judged. Fix: grant the audit role iam:ListAccessKeys`,
    );
  } else {
    for (const name of deniedKeys) {
      gaps.push({
        address: addressOf(account, "aws_iam_user", name),
        type: "aws_iam_user",
        key: "Denied::iam:ListAccessKeys",
        message: `cannot evaluate the access keys of user ${name} in account ${account}: discovery was denied iam:ListAccessKeys for it, so their age, use and console overlap cannot be judged. Fix: grant the audit role iam:ListAccessKeys on this user`,
      });
    }
  }
  const allKeys = [...raw.keys.values()].flatMap((v) => (Array.isArray(v) ? v : []));
  if (allKeys.length) o.progress(`account ${account}: ${allKeys.length} access keys of ${keyed.length} users`);
  await mapLimit(allKeys, o.concurrency, async (k) => {
    try {
      const res = await send<{ AccessKeyLastUsed?: { LastUsedDate?: Date; ServiceName?: string; Region?: string } }>("iam:GetAccessKeyLastUsed", new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
      k.lastUsed = res.AccessKeyLastUsed ?? {};
    } catch (e) {
      if (isDenied(e)) k.lastUsed = { denied: `discovery was denied iam:GetAccessKeyLastUsed (${errorLine(e)})` };
      else throw fatal(account, "iam:GetAccessKeyLastUsed", e);
    }
  });
  const generatedAt = rep && "rows" in rep ? rep.generatedAt : undefined;
  return { raw, credentialReport: rep && "rows" in rep ? { ...(generatedAt ? { generatedAt } : {}) } : undefined };
}

const sampleOf = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", "));
