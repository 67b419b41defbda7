/**
 * `nhi-gate discover aws` with the real AWS SDK for JavaScript v3 against a local server that
 * answers the IAM and STS Query APIs as AWS documents them (test/aws/fake-aws.ts), reached
 * through the SDK's endpoint settings (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_STS).
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CALLER_ACTIONS, discoveryPolicy, DISCOVERY_PERMISSIONS } from "../../src/adapters/aws/permissions";
import { readDiscoverySnapshot } from "../../src/adapters/discovery-snapshot";
import { main } from "../../src/cli/main";
import { actionInfo } from "../../src/iam/actions";
import { NOW } from "../helpers";
import { FakeAws, FakeAwsOptions, startFakeAws } from "./fake-aws";
import { A, accountA, AUDIT_A, AUDIT_B, B, BASE_KEY, options } from "./scenario";

const root = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-discover-"));
const AT = ["--now", NOW.toISOString()];
const ROLES = ["--role-arn", AUDIT_A, "--role-arn", AUDIT_B];
/** A caller whose own account is A (no --role-arn). */
const KEY_A = "AKIAACCOUNTA00000001";

const SDK_ENV = ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_PROFILE"];

/** Start the server, point the SDK at it (it reads process.env), run, restore. */
async function withAws<T>(opts: FakeAwsOptions, key: string, fn: (fake: FakeAws) => Promise<T>): Promise<T> {
  const fake = await startFakeAws({ ...opts, callers: { ...opts.callers, [KEY_A]: { account: A, arn: `arn:aws:iam::${A}:user/auditor` } } });
  const saved = Object.fromEntries(SDK_ENV.map((k) => [k, process.env[k]]));
  Object.assign(process.env, fake.env(key));
  try {
    return await fn(fake);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fake.close();
  }
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env: process.env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

interface Finding {
  address: string;
  findingId: string;
  message: string;
  severity: string;
}
const json = (stdout: string) => JSON.parse(stdout) as { findings: Finding[]; resources: { address: string; governed: string; via?: string }[]; summary: Record<string, unknown> };
const ids = (fs_: Finding[]) => fs_.map((f) => `${f.address} ${f.findingId}`);
const messageOf = (fs_: Finding[], address: string, findingId: string) => {
  const f = fs_.find((x) => x.address === address && x.findingId === findingId);
  if (!f) throw new Error(`no ${findingId} on ${address}; have ${ids(fs_).join("\n")}`);
  return f.message;
};

/** What two accounts with the scenario's identities give, finding by finding. */
const EXPECTED = [
  "111111111111/aws_iam_access_key.AKIABILLINGEXPORT001 NHI-GOV-040[Age::exceeds]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000001 NHI-GOV-012[Rotation::missing]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000001 NHI-GOV-012[TTL::missing]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000001 NHI-GOV-040[Age::exceeds]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000001 NHI-GOV-041[Unused::never]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000002 NHI-GOV-012[Rotation::missing]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000002 NHI-GOV-012[TTL::missing]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000002 NHI-GOV-040[Age::exceeds]",
  "111111111111/aws_iam_access_key.AKIALEGACYSFTP000002 NHI-GOV-041[Unused::never]",
  "111111111111/aws_iam_role.legacy-etl NHI-GOV-001",
  "111111111111/aws_iam_role.legacy-etl NHI-GOV-008[Boundary::missing]",
  "111111111111/aws_iam_role.legacy-etl NHI-GOV-041[Unused::since]",
  "111111111111/aws_iam_role.orders-worker NHI-GOV-002[Seal::mismatch]",
  "111111111111/aws_iam_role.orders-worker NHI-GOV-011[Session::too-long]",
  "111111111111/aws_iam_role_policy.orders-worker:orders-worker-access NHI-GOV-002[Owner::111111111111/aws_iam_role.orders-worker]",
  "111111111111/aws_iam_role_policy_attachment.legacy-etl/arn:aws:iam::aws:policy/AdministratorAccess NHI-GOV-007[Policy::AdministratorAccess]",
  "111111111111/aws_iam_user.legacy-sftp NHI-GOV-001",
  "111111111111/aws_iam_user.legacy-sftp NHI-GOV-008[Boundary::missing]",
  "111111111111/aws_iam_user.legacy-sftp NHI-GOV-042[Human::console-and-keys]",
  "111111111111/aws_iam_user_login_profile.legacy-sftp NHI-GOV-012[Rotation::missing]",
  "111111111111/aws_iam_user_login_profile.legacy-sftp NHI-GOV-012[TTL::missing]",
  "222222222222/aws_iam_role.payments-ci-deployer NHI-GOV-002[Seal::mismatch]",
  "222222222222/aws_iam_role.payments-ci-deployer NHI-GOV-009[Principal::arn:aws:iam::222222222222:root]",
  "222222222222/aws_iam_role.payments-ci-deployer NHI-GOV-018[Trust::workloads]",
  "222222222222/aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access NHI-GOV-002[Owner::222222222222/aws_iam_role.payments-ci-deployer]",
];

describe("nhi-gate discover aws: the real SDK against the IAM and STS Query APIs", () => {
  const snapshot = path.join(dir, "snapshot.json");
  let live: ReturnType<typeof json>;
  let liveStderr = "";
  let liveCalls: FakeAws["calls"] = [];

  beforeAll(async () => {
    await withAws(options(), BASE_KEY, async (fake) => {
      const r = await run(["discover", "aws", ...ROLES, ...AT, "--format", "json", "--save", snapshot]);
      expect([r.code, r.stderr.split("\n").filter((l) => !l.startsWith("nhi-gate discover: account"))]).toEqual([1, [""]]);
      live = json(r.stdout);
      liveStderr = r.stderr;
      liveCalls = [...fake.calls];
    });
  });

  it("judges two accounts through their audit roles: every finding, exactly", () => {
    expect(ids(live.findings)).toEqual(EXPECTED);
    expect(live.summary).toMatchObject({ resources: 16, governed: 5, ungoverned: 11, findings: EXPECTED.length });
  });

  it("a governed role whose seal verifies against its live properties is governed, and has no finding", () => {
    const governed = live.resources.filter((r) => r.governed === "governed").map((r) => `${r.address} ${r.via}`);
    // The principals by their seal; their own policy and key as part of a governed identity.
    expect(governed).toEqual([
      "111111111111/aws_iam_access_key.AKIABILLINGEXPORT001 principal",
      "111111111111/aws_iam_role.payments-ci-deployer seal",
      "111111111111/aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access principal",
      "111111111111/aws_iam_user.billing-export seal",
      "111111111111/aws_iam_user_policy.billing-export:billing-export-access principal",
    ]);
    expect(live.findings.filter((f) => f.address.includes("aws_iam_role.payments-ci-deployer") && f.address.startsWith(A))).toEqual([]);
  });

  it("an identity without a seal was created outside governed IaC, and says so", () => {
    expect(messageOf(live.findings, `${A}/aws_iam_role.legacy-etl`, "NHI-GOV-001")).toMatch(/^IAM role 111111111111\/aws_iam_role\.legacy-etl \(account 111111111111\) was created outside governed IaC: it carries no nhi:seal/);
    expect(messageOf(live.findings, `${A}/aws_iam_user.legacy-sftp`, "NHI-GOV-001")).toContain("was created outside governed IaC");
  });

  it("a role edited after deploy has drifted, and the message names what differs", () => {
    const worker = messageOf(live.findings, `${A}/aws_iam_role.orders-worker`, "NHI-GOV-002[Seal::mismatch]");
    expect(worker).toMatch(/drifted after deploy: the nhi:seal tag \(v1:[\w-]+\) does not match the seal of the role's live properties/);
    expect(worker).toContain("What differs: tag CostCenter is not written by GovernedIdentity (which writes only nhi:* tags): added after deploy, or by the provider's default tags (list those keys in the gate config's defaultTagKeys); maximum session duration is 43200 s, but its nhi:ttl tag says PT1H (3600 s); with that undone the seal verifies, so nothing else changed");
    // The same role name in the other account, its trust policy edited in the console: the accounts never mix.
    const deployer = messageOf(live.findings, `${B}/aws_iam_role.payments-ci-deployer`, "NHI-GOV-002[Seal::mismatch]");
    expect(deployer).toContain("What differs: its trust policy has 2 statements; GovernedIdentity renders one (a statement was added or removed after deploy)");
  });

  it("live-only rules: key age against nhi:ttl or the maximum, last use, console password beside keys", () => {
    const f = live.findings;
    expect(messageOf(f, `${A}/aws_iam_access_key.AKIABILLINGEXPORT001`, "NHI-GOV-040[Age::exceeds]")).toBe(
      "access key AKIABILLINGEXPORT001 of 111111111111/aws_iam_user.billing-export is 75 days old (created 2026-03-18); expected at most 60 days (nhi:ttl P60D on 111111111111/aws_iam_user.billing-export). Fix: rotate it (a new key, the workload moved to it, this one deactivated and deleted), or replace it with a federated or ephemeral credential",
    );
    expect(messageOf(f, `${A}/aws_iam_access_key.AKIALEGACYSFTP000001`, "NHI-GOV-040[Age::exceeds]")).toContain("is 457 days old (created 2025-03-01); expected at most 90 days (maxCredentialTtl P90D)");
    const inactive = f.find((x) => x.address.endsWith("AKIALEGACYSFTP000002") && x.findingId === "NHI-GOV-040[Age::exceeds]");
    expect([inactive?.severity, inactive?.message]).toEqual(["medium", expect.stringContaining("now inactive")]);
    expect(messageOf(f, `${A}/aws_iam_access_key.AKIALEGACYSFTP000001`, "NHI-GOV-041[Unused::never]")).toContain("has never been used in the 457 days since it was created on 2025-03-01; expected use within 90 days (maxUnusedDays). It is an offboarding candidate");
    expect(messageOf(f, `${A}/aws_iam_role.legacy-etl`, "NHI-GOV-041[Unused::since]")).toContain("was last used on 2025-10-01 (in us-east-1), 243 days ago");
    expect(messageOf(f, `${A}/aws_iam_user.legacy-sftp`, "NHI-GOV-042[Human::console-and-keys]")).toContain("has a console password (last used 2026-05-20) and 1 active access key (AKIALEGACYSFTP000001)");
  });

  it("service-linked roles are left out by default and counted; --include-aws-managed judges them", async () => {
    expect(live.resources.some((r) => r.address.includes("AWSServiceRoleForSupport"))).toBe(false);
    expect(liveStderr).toContain("not judged: 1 service-linked roles (/aws-service-role/) (--include-aws-managed)");
    await withAws(options(), KEY_A, async () => {
      const r = await run(["discover", "aws", ...AT, "--format", "json", "--include-aws-managed"]);
      expect(json(r.stdout).resources.map((x) => x.address)).toContain(`${A}/aws_iam_role.AWSServiceRoleForSupport`);
    });
  });

  it("calls grow with pages, users and keys, never per property", () => {
    const byAccount = (account: string) => {
      const out: Record<string, number> = {};
      for (const c of liveCalls.filter((x) => x.account === account)) out[c.action] = (out[c.action] ?? 0) + 1;
      return out;
    };
    // Account A: 6 users and roles at 2 a page, 4 roles at 2 a page, the report, one user not in it, 2 users' keys, 3 keys.
    expect(byAccount(A)).toEqual({
      "sts:GetCallerIdentity": 1,
      "iam:GetAccountAuthorizationDetails": 3,
      "iam:ListRoles": 2,
      "iam:GenerateCredentialReport": 1,
      "iam:GetCredentialReport": 1,
      "iam:GetLoginProfile": 1,
      "iam:ListAccessKeys": 2,
      "iam:GetAccessKeyLastUsed": 3,
    });
    // The base credentials assume each audit role once.
    expect(liveCalls.filter((c) => c.action === "sts:AssumeRole").map((c) => [c.account, c.params.RoleArn])).toEqual([
      ["999999999999", AUDIT_A],
      ["999999999999", AUDIT_B],
    ]);
    // The second page asked for with the first page's Marker.
    const pages = liveCalls.filter((c) => c.account === A && c.action === "iam:GetAccountAuthorizationDetails");
    expect(pages.map((p) => p.params.Marker ?? null)).toEqual([null, Buffer.from("2").toString("base64"), Buffer.from("4").toString("base64")]);
    expect(pages[0].params).toMatchObject({ "Filter.member.1": "User", "Filter.member.2": "Role", "Filter.member.3": "Group", "Filter.member.4": "LocalManagedPolicy", MaxItems: "1000" });
  });

  it("least privilege: the documented policy is exactly the IAM actions discovery calls", async () => {
    const iamActions = [...new Set(liveCalls.filter((c) => c.service === "iam").map((c) => c.action))].sort();
    expect(iamActions).toEqual(Object.keys(DISCOVERY_PERMISSIONS).sort());
    expect([...new Set(liveCalls.filter((c) => c.service === "sts").map((c) => c.action))].sort()).toEqual(Object.keys(CALLER_ACTIONS).sort());
    // Real IAM actions (the IAM reference data), all read or list.
    for (const a of Object.keys(DISCOVERY_PERMISSIONS)) expect([a, actionInfo(a)?.action, actionInfo(a)?.accessLevels.every((l) => l === "Read" || l === "List")]).toEqual([a, a, true]);
    const printed = await run(["discover", "aws", "--print-policy"]);
    expect([printed.code, JSON.parse(printed.stdout)]).toEqual([0, discoveryPolicy()]);
    // docs/discovery.md shows the same policy.
    expect(fs.readFileSync(path.join(root, "docs/discovery.md"), "utf8")).toContain(JSON.stringify(discoveryPolicy(), null, 2));
  });

  it("the snapshot: versioned, deterministic, without secrets, judged again without credentials", async () => {
    const text = fs.readFileSync(snapshot, "utf8");
    const snap = JSON.parse(text);
    expect([snap.format, snap.formatVersion, snap.provider, snap.accounts.map((a: { account: string }) => a.account)]).toEqual(["nhi-governance/discovery-snapshot", 1, "aws", [A, B]]);
    // No secret: not the audit role's session credentials, not the caller's key.
    for (const secret of ["fake/secret/key", "FQoGZXIvYXdzEXAMPLETOKEN", "fake-secret-for-the-local-server", "ASIA0000"]) expect(text).not.toContain(secret);
    // Judged again with no AWS in reach: the same report.
    const saved = Object.fromEntries(SDK_ENV.map((k) => [k, process.env[k]]));
    for (const k of SDK_ENV) delete process.env[k];
    try {
      const again = await run(["discover", "aws", "--from", snapshot, ...AT, "--format", "json"]);
      expect(again.code).toBe(1);
      expect(json(again.stdout)).toEqual(live);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
    // Deterministic: a second discovery writes the same file but for when it ran and how long it took.
    const second = path.join(dir, "second.json");
    await withAws(options(), BASE_KEY, async () => {
      await run(["discover", "aws", ...ROLES, ...AT, "--format", "json", "--save", second]);
    });
    const strip = (t: string) => t.replace(/"discoveredAt": "[^"]+"/, "").replace(/"durationMs": \d+/g, "");
    expect(strip(fs.readFileSync(second, "utf8"))).toBe(strip(text));
  });

  it("every report format and inventory work on discovered data", async () => {
    for (const format of ["text", "sarif", "junit", "markdown"]) {
      const r = await run(["discover", "aws", "--from", snapshot, ...AT, "--format", format]);
      expect([format, r.code, r.stdout.length > 200]).toEqual([format, 1, true]);
      if (format === "sarif") expect(JSON.parse(r.stdout).runs[0].results).toHaveLength(EXPECTED.length);
      if (format === "text") expect(r.stdout).toContain("111111111111/aws_iam_role.legacy-etl");
    }
    const inv = await run(["inventory", snapshot, ...AT, "--format", "json"]);
    expect(inv.code).toBe(0);
    const inventory = JSON.parse(inv.stdout);
    expect(inventory.identities.find((i: { address: string }) => i.address === `${A}/aws_iam_access_key.AKIABILLINGEXPORT001`)).toMatchObject({
      owner: "@acme/payments",
      credential: "static-key",
      ttl: "P60D",
      principal: `${A}/aws_iam_user.billing-export`,
      createdAt: "2026-03-18T00:00:00Z",
      governed: "governed",
    });
    expect(inventory.credentialsPastTtl.map((i: { address: string }) => i.address)).toEqual([
      `${A}/aws_iam_access_key.AKIABILLINGEXPORT001`,
      `${A}/aws_iam_access_key.AKIALEGACYSFTP000001`,
      `${A}/aws_iam_access_key.AKIALEGACYSFTP000002`,
    ]);
    expect(inventory.withoutOwner.map((i: { address: string }) => i.address)).toEqual([`${A}/aws_iam_role.legacy-etl`, `${A}/aws_iam_user.legacy-sftp`]);
  });

  it("adopt and baseline read the snapshot: the identities made outside IaC become GovernedIdentity declarations, today's findings a baseline", async () => {
    const out = path.join(dir, "adopted-from-snapshot");
    const adopted = await run(["adopt", snapshot, "--format", "spec", "--out", out, ...AT]);
    expect([adopted.code, adopted.stderr]).toEqual([0, ""]);
    const specs = fs.readFileSync(path.join(out, "identities.yaml"), "utf8");
    const { identities } = require("yaml").parse(specs) as { identities: { name: string; trust?: { kind: string; service?: string }; credential: { kind: string }; owner: string }[] };
    // The hand-made role and user, and the two whose seal no longer verifies (drifted), each reproduced as it is in the account.
    expect(identities.map((i) => i.name).sort()).toEqual(["legacy-etl", "legacy-sftp", "orders-worker", "payments-ci-deployer"]);
    expect(identities.find((i) => i.name === "legacy-etl")).toMatchObject({ trust: { kind: "aws-service", service: "ec2.amazonaws.com" }, credential: { kind: "ephemeral" }, owner: "TODO: the team or person accountable for legacy-etl" });
    expect(identities.find((i) => i.name === "legacy-sftp")).toMatchObject({ credential: { kind: "static-key" } });
    // A drifted identity keeps the lifecycle values its tags carry.
    expect(identities.find((i) => i.name === "orders-worker")?.owner).toBe("@acme/payments");
    expect(specs).toContain("PROBLEM: it has a console password");
    const baselineFile = path.join(dir, "snapshot-baseline.yaml");
    const baseline = await run(["baseline", snapshot, "--owner", "@acme/security", "--ticket", "SEC-9", "--expires", "2026-06-20", "--output", baselineFile, ...AT]);
    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toContain("with it, the gate passes");
    const judged = await run(["discover", "aws", "--from", snapshot, "--exemptions", baselineFile, ...AT, "--format", "json"]);
    expect(judged.code).toBe(0);
  });

  it("readDiscoverySnapshot gives the engine's input: scope all, principals linked by reference", () => {
    const input = readDiscoverySnapshot(JSON.parse(fs.readFileSync(snapshot, "utf8")), "snapshot.json");
    expect(input.scope).toBe("all");
    const policy = input.resources.find((r) => r.address === `${B}/aws_iam_role_policy.payments-ci-deployer:payments-ci-deployer-access`);
    expect(policy?.propRefs).toEqual({ role: [`${B}/aws_iam_role.payments-ci-deployer`] });
    expect(policy?.props.role).toBe(`arn:aws:iam::${B}:role/nhi/payments-ci-deployer`);
  });
});

describe("nhi-gate discover aws: what the API refuses or slows", () => {
  it("pagination: every IsTruncated page is read, one item a page", async () => {
    await withAws(options({ pageSize: 1 }), KEY_A, async (fake) => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      const found = json(r.stdout).resources.map((x) => x.address);
      expect(found).toEqual(expect.arrayContaining([`${A}/aws_iam_role.legacy-etl`, `${A}/aws_iam_role.orders-worker`, `${A}/aws_iam_role.payments-ci-deployer`, `${A}/aws_iam_user.billing-export`, `${A}/aws_iam_user.legacy-sftp`]));
      expect(fake.calls.filter((c) => c.action === "iam:GetAccountAuthorizationDetails")).toHaveLength(6);
      expect(fake.calls.filter((c) => c.action === "iam:ListRoles")).toHaveLength(4);
    });
  });

  it("an account of 1,200 roles and three users with a key each takes 13 calls", async () => {
    const roles = Array.from({ length: 1200 }, (_, i) => ({ RoleName: `svc-${i}`, CreateDate: "2025-01-01T00:00:00Z", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }));
    const users = [1, 2, 3].map((i) => ({ UserName: `u${i}`, CreateDate: "2025-01-01T00:00:00Z", Keys: [{ AccessKeyId: `AKIAUSER${String(i).padStart(12, "0")}`, Status: "Active" as const, CreateDate: "2026-05-01T00:00:00Z" }] }));
    await withAws({ ...options(), accounts: [{ id: A, roles, users }], pageSize: 1000 }, KEY_A, async (fake) => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      expect(json(r.stdout).summary.resources).toBe(1203 + 3);
      expect(fake.calls).toHaveLength(13);
    });
  });

  it("throttling is retried (adaptive retry mode) and the run completes with the same result", async () => {
    const throttle = [
      { action: "GetAccountAuthorizationDetails", times: 2 },
      { action: "ListAccessKeys", times: 1 },
      { action: "GetAccessKeyLastUsed", times: 2 },
    ];
    const plain = await withAws(options(), KEY_A, async () => json((await run(["discover", "aws", ...AT, "--format", "json"])).stdout));
    await withAws(options({ throttle }), KEY_A, async (fake) => {
      const save = path.join(dir, "throttled.json");
      const r = await run(["discover", "aws", ...AT, "--format", "json", "--save", save]);
      expect(fake.calls.filter((c) => c.status === 400).map((c) => c.action)).toHaveLength(5);
      const report = json(r.stdout);
      expect(ids(report.findings)).toEqual(ids(plain.findings));
      const account = JSON.parse(fs.readFileSync(save, "utf8")).accounts[0];
      expect(account.attempts - Object.values(account.calls as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(5);
    });
  });

  it("AccessDenied on GetAccessKeyLastUsed for one key: a cannot-evaluate finding naming the permission, not a crash, not a pass", async () => {
    await withAws(options({ deny: [{ action: "iam:GetAccessKeyLastUsed", resource: "AKIALEGACYSFTP000001" }] }), KEY_A, async () => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      expect(r.code).toBe(1);
      const f = json(r.stdout).findings.filter((x) => x.address === `${A}/aws_iam_access_key.AKIALEGACYSFTP000001` && x.findingId.startsWith("NHI-GOV-041"));
      expect(f.map((x) => [x.findingId, x.severity])).toEqual([["NHI-GOV-041[Unknown::last_used_date]", "medium"]]);
      expect(f[0].message).toMatch(/^cannot evaluate last_used_date of 111111111111\/aws_iam_access_key\.AKIALEGACYSFTP000001: discovery was denied iam:GetAccessKeyLastUsed \(AccessDenied: User: arn:aws:iam::111111111111:user\/auditor is not authorized to perform: iam:GetAccessKeyLastUsed/);
    });
  });

  it.each(Object.keys(DISCOVERY_PERMISSIONS))("%s denied everywhere: a finding names it, the run fails, nothing crashes", async (permission) => {
    await withAws(options({ deny: [{ action: permission }] }), KEY_A, async () => {
      const r = await run(["discover", "aws", ...AT, "--format", "json", "--fail-on", "critical"]);
      expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
      const report = json(r.stdout);
      const naming = report.findings.filter((f) => f.message.includes(permission));
      expect(naming.length).toBeGreaterThan(0);
      // Every finding that names it, when it was needed, is high (fails the gate) unless discovery worked around it.
      const workedAround = ["iam:GenerateCredentialReport", "iam:GetCredentialReport"].includes(permission);
      expect(naming.every((f) => (workedAround ? f.severity === "low" : ["high", "medium"].includes(f.severity)))).toBe(true);
    });
  });

  it("GetAccountAuthorizationDetails denied: the account cannot be evaluated, and the gate fails", async () => {
    await withAws(options({ deny: [{ action: "iam:GetAccountAuthorizationDetails" }] }), KEY_A, async () => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      const report = json(r.stdout);
      expect([r.code, report.resources, ids(report.findings)]).toEqual([1, [], [`${A}/aws_account NHI-GOV-043[Denied::iam:GetAccountAuthorizationDetails]`]]);
      expect(report.findings[0].message).toContain("cannot evaluate account 111111111111: discovery was denied iam:GetAccountAuthorizationDetails");
    });
  });

  it("ListRoles denied: seals cannot be verified and session length cannot be judged, naming the permission", async () => {
    await withAws(options({ deny: [{ action: "iam:ListRoles" }] }), KEY_A, async () => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      const f = json(r.stdout).findings;
      expect(messageOf(f, `${A}/aws_iam_role.payments-ci-deployer`, "NHI-GOV-002[Unknown::max_session_duration]")).toContain("cannot verify seal: max_session_duration could not be read (discovery was denied iam:ListRoles");
      expect(messageOf(f, `${A}/aws_iam_role.payments-ci-deployer`, "NHI-GOV-011[Unknown::max_session_duration]")).toContain("discovery was denied iam:ListRoles");
      expect(ids(f)).toContain(`${A}/aws_account NHI-GOV-043[Denied::iam:ListRoles]`);
    });
  });

  it("the credential report denied: each user is asked instead, and a low finding names the permissions", async () => {
    await withAws(options({ deny: [{ action: "iam:GenerateCredentialReport" }, { action: "iam:GetCredentialReport" }] }), KEY_A, async (fake) => {
      const r = await run(["discover", "aws", ...AT, "--format", "json"]);
      const f = json(r.stdout).findings;
      const gap = f.find((x) => x.findingId === "NHI-GOV-043[Denied::iam:GenerateCredentialReport+iam:GetCredentialReport]");
      expect([gap?.address, gap?.severity]).toEqual([`${A}/aws_account`, "low"]);
      expect(fake.calls.filter((c) => c.action === "iam:GetLoginProfile")).toHaveLength(2);
      // The console password was still found.
      expect(ids(f)).toContain(`${A}/aws_iam_user.legacy-sftp NHI-GOV-042[Human::console-and-keys]`);
    });
  });

  it("a report still being generated is waited for", async () => {
    await withAws({ ...options({ reportStartedTimes: 2 }) }, KEY_A, async (fake) => {
      const { discoverAws } = await import("../../src/adapters/aws/discover");
      const result = await discoverAws({ reportPollMs: 10 });
      expect(fake.calls.filter((c) => c.action === "iam:GenerateCredentialReport")).toHaveLength(3);
      expect(result.resources.some((x) => x.nativeType === "aws_iam_user_login_profile")).toBe(true);
    });
  });

  it("AssumeRole denied for one account: that account is a finding, the other is judged", async () => {
    await withAws(options({ assumeDenied: [AUDIT_B] }), BASE_KEY, async () => {
      const r = await run(["discover", "aws", ...ROLES, ...AT, "--format", "json"]);
      const f = json(r.stdout).findings;
      expect(messageOf(f, `${B}/aws_account`, "NHI-GOV-043[Denied::sts:AssumeRole]")).toMatch(/^cannot evaluate account 222222222222: discovery could not assume arn:aws:iam::222222222222:role\/nhi-audit \(sts:AssumeRole was denied/);
      expect(f.filter((x) => x.address.startsWith(B))).toHaveLength(1);
      // Account A is judged as when both are readable: its findings exactly.
      expect(f.filter((x) => x.address.startsWith(A)).map((x) => `${x.address} ${x.findingId}`).sort()).toEqual(EXPECTED.filter((e) => e.startsWith(A)).sort());
    });
  });

  it("bad usage and missing credentials are one line and exit 2", async () => {
    expect(await run(["discover", "aws", "--role-arn", "arn:aws:iam::1:user/x"])).toEqual({ code: 2, stdout: "", stderr: "nhi-gate: --role-arn arn:aws:iam::1:user/x: expected an IAM role ARN such as arn:aws:iam::123456789012:role/nhi-audit\n" });
    expect((await run(["discover", "aws", "--from", "x.json", "--role-arn", AUDIT_A])).stderr).toBe("nhi-gate: --from judges a saved snapshot without calling AWS; it takes no --role-arn, --profile or --external-id\n");
    await withAws(options(), KEY_A, async () => {
      // No credentials anywhere in the chain (no environment keys, no files, no metadata service).
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const r = await run(["discover", "aws", ...AT]);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toMatch(/^nhi-gate: no AWS credentials for discovery: CredentialsProviderError: .*Fix: set AWS_PROFILE \(aws sso login for SSO profiles\), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN in CI\n$/);
    });
    await withAws(options(), "AKIAUNKNOWNKEY000001", async () => {
      const r = await run(["discover", "aws", ...AT]);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toMatch(/^nhi-gate: sts:GetCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid\.; no result, discovery fails closed\n$/);
    });
  });

  it("bad snapshots are one line and exit 2", async () => {
    const write = (name: string, v: unknown) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, JSON.stringify(v));
      return p;
    };
    const base = { format: "nhi-governance/discovery-snapshot", formatVersion: 1, provider: "aws", discoveredAt: "2026-06-01T00:00:00Z", accounts: [{ account: A }], gaps: [] };
    const cases: [unknown, string][] = [
      [{ ...base, formatVersion: 2, resources: [] }, "discovery snapshot format version 2 is newer than this nhi-gate reads (1); upgrade nhi-governance"],
      [{ ...base, resources: [{ address: "x", type: "aws_s3_bucket", props: {} }] }, 'resources.0.type: "aws_s3_bucket" is not an identity resource type nhi-gate knows'],
      [{ ...base, resources: [{ address: "x", type: "aws_iam_role", props: {} }, { address: "x", type: "aws_iam_role", props: {} }] }, "resources.1.address: x appears twice"],
      [{ ...base, resources: [{ address: "x", type: "aws_iam_role" }] }, "not a snapshot resource (resources.0): props: Invalid input: expected record, received undefined"],
    ];
    for (const [i, [v, message]] of cases.entries()) {
      const file = write(`bad-${i}.json`, v);
      expect(await run(["discover", "aws", "--from", file])).toEqual({ code: 2, stdout: "", stderr: `nhi-gate: ${file}: ${message}\n` });
    }
    const plan = write("plan.json", { format_version: "1.2", resource_changes: [] });
    expect((await run(["discover", "aws", "--from", plan])).stderr).toBe(`nhi-gate: ${plan}: not a discovery snapshot (written by nhi-gate discover aws --save)\n`);
  });
});

describe("nhi-gate discover: packaging", () => {
  it("the AWS SDK is loaded only when discovery calls AWS (cold start of every other command)", () => {
    const snapshotFile = path.join(dir, "tiny.json");
    fs.writeFileSync(snapshotFile, JSON.stringify({ format: "nhi-governance/discovery-snapshot", formatVersion: 1, provider: "aws", discoveredAt: "2026-06-01T00:00:00Z", accounts: [], resources: [], gaps: [] }));
    const planFile = path.join(dir, "empty-plan.json");
    fs.writeFileSync(planFile, JSON.stringify({ format_version: "1.2", resource_changes: [] }));
    const loaded = (args: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            "-r",
            path.join(root, "scripts/register-ts.js"),
            "-e",
            `require(${JSON.stringify(path.join(root, "src/cli/main.ts"))}).main(${JSON.stringify(args)}, { stdout: { write() {} }, stderr: { write() {} }, env: {} }).then((code) => {
               process.stdout.write(JSON.stringify({ code, sdk: Object.keys(require.cache).filter((k) => /node_modules[\\\\/]@(aws-sdk|smithy)[\\\\/]/.test(k)).length }));
             });`,
          ],
          { cwd: root, encoding: "utf8" },
        ),
      );
    expect(loaded(["plan", planFile])).toEqual({ code: 0, sdk: 0 });
    expect(loaded(["discover", "aws", "--from", snapshotFile])).toEqual({ code: 0, sdk: 0 });
    expect(loaded(["discover", "aws", "--print-policy"])).toEqual({ code: 0, sdk: 0 });
  });

  it("Node 20: every installed AWS SDK and Smithy package supports it, and the ranges cannot float to one that does not", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.engines.node).toBe(">=20");
    for (const name of ["@aws-sdk/client-iam", "@aws-sdk/client-sts"]) expect([name, pkg.dependencies[name]]).toEqual([name, expect.stringMatching(/^~3\.\d+\.\d+$/)]);
    const bad: string[] = [];
    for (const scope of ["@aws-sdk", "@smithy"]) {
      for (const name of fs.readdirSync(path.join(root, "node_modules", scope))) {
        const p = JSON.parse(fs.readFileSync(path.join(root, "node_modules", scope, name, "package.json"), "utf8"));
        const m = /^>=\s*(\d+)/.exec(p.engines?.node ?? ">=0");
        if (!m || Number(m[1]) > 20) bad.push(`${p.name}@${p.version} engines ${p.engines?.node}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the installed bin discovers an account end to end", async () => {
    await withAws(options(), KEY_A, async () => {
      // Asynchronously: the server answers from this process's event loop.
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(root, "bin/nhi-gate.js"), "discover", "aws", ...AT, "--format", "json"], {
          cwd: dir,
          env: { ...process.env, NO_COLOR: "1", CI: "true", NHI_GATE_FROM_SOURCE: "1" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });
      expect([r.status, r.stderr]).toEqual([1, expect.stringMatching(/^nhi-gate discover: account 111111111111: 14 identity resources in 14 calls \(14 HTTP attempts\)/)]);
      expect(r.stderr).not.toContain("NodeVersionSupportWarning");
      expect(JSON.parse(r.stdout).summary.resources).toBe(14);
    });
  });
});

// The scenario's fixtures are built once per run; make sure they are what the tests assume.
test("scenario: account A has the users and roles the expectations count", () => {
  const a = accountA();
  expect([a.roles.map((r) => r.RoleName), a.users.map((u) => u.UserName)]).toEqual([["payments-ci-deployer", "orders-worker", "legacy-etl", "AWSServiceRoleForSupport"], ["legacy-sftp", "billing-export"]]);
});
