/**
 * Discovery at scale (issue 18): an account of --roles roles (default 10,000) and --users users
 * (default 2,000), each user with one access key (every fourth with two), served by the local
 * IAM/STS server the tests use (test/aws/fake-aws.ts, GetAccountAuthorizationDetails and
 * ListRoles at 1,000 items a page). The built CLI (bench/out/, as scripts/bench.js builds it)
 * runs `nhi-gate discover aws --save ... --format json` as a child process; this prints its
 * calls by action, wall time, peak RSS and finding count. A second run rate-limits the server to
 * --rate calls a second (default 40; more answer Throttling, as a service's limit does): the
 * SDK's adaptive retry must slow down to it and finish.
 *
 *   node -r ./scripts/register-ts.js bench/aws-discovery.ts [--roles 10000] [--users 2000] [--rate 40] [--no-rebuild]
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderIdentity } from "../src/render/aws";
import { parseSpec } from "../src/spec/identity";
import { resolveConfig } from "../src/spec/config";
import { fixedClock } from "../src/engine/clock";
import { FakeAccount, FakeRole, FakeUser, startFakeAws } from "../test/aws/fake-aws";

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench", "out");
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const ROLES = Number(arg("roles", "10000"));
const USERS = Number(arg("users", "2000"));
const RATE = Number(arg("rate", "40"));
const ACCOUNT = "123456789012";
const KEY = "AKIABENCHAUDITOR0001";

function ensureBuild(): string {
  const main = path.join(out, "src", "cli", "main.js");
  if (!process.argv.includes("--no-rebuild") || !fs.existsSync(main)) {
    process.stdout.write("building bench/out/ (tsconfig.build.json)...\n");
    spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out, "--declaration", "false", "--sourceMap", "false"], { cwd: root, stdio: "inherit" });
  }
  if (!fs.existsSync(main)) throw new Error(`no ${main}`);
  return main;
}

function account(): FakeAccount {
  const clock = fixedClock("2026-06-01T00:00:00Z");
  const config = resolveConfig({});
  const roles: FakeRole[] = [];
  for (let i = 0; i < ROLES; i++) {
    const name = `svc-${i}`;
    if (i % 3 === 0) {
      // Governed: rendered, deployed as CDKTF writes it.
      const r = renderIdentity(
        parseSpec(
          {
            name,
            owner: "@acme/platform",
            purpose: "Runs the generated benchmark workload",
            environment: "prod",
            systemOfRecord: "https://cmdb.example.com/ci/BENCH",
            retirement: "when the benchmark is removed",
            workload: `bench service ${i}`,
            access: [{ actions: ["s3:GetObject"], resources: [`arn:aws:s3:::bench-${i}/*`] }],
            permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/nhi-boundary`,
            trust: { kind: "aws-service", service: "lambda.amazonaws.com" },
            credential: { kind: "ephemeral", maxSessionDuration: "PT1H" },
            recertifyBy: "2026-08-01",
          },
          { clock, config },
        ),
        config,
      );
      roles.push({
        RoleName: name,
        Path: r.principal.path,
        CreateDate: "2026-03-01T00:00:00Z",
        AssumeRolePolicyDocument: r.principal.assumeRolePolicyJson as string,
        MaxSessionDuration: r.principal.maxSessionDuration,
        PermissionsBoundaryArn: r.principal.permissionsBoundary,
        Tags: r.principal.tags,
        RoleLastUsed: { LastUsedDate: "2026-05-30T00:00:00Z", Region: "eu-west-1" },
        RolePolicies: [{ PolicyName: r.policy.name, PolicyDocument: r.policy.json }],
      });
    } else {
      roles.push({
        RoleName: name,
        CreateDate: "2024-01-01T00:00:00Z",
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        RolePolicies: [{ PolicyName: "inline", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::data-${i}/*` }] }) }],
        AttachedManagedPolicies: i % 10 === 1 ? [{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }] : [],
        InstanceProfiles: i % 5 === 1 ? [{ InstanceProfileName: name, CreateDate: "2024-01-01T00:00:00Z" }] : [],
        RoleLastUsed: i % 2 ? { LastUsedDate: "2025-01-01T00:00:00Z", Region: "us-east-1" } : {},
      });
    }
  }
  const users: FakeUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const keys = [{ AccessKeyId: `AKIA${String(i * 2).padStart(16, "0")}`, Status: "Active" as const, CreateDate: "2025-06-01T00:00:00Z", LastUsed: { LastUsedDate: "2026-05-31T00:00:00Z", ServiceName: "s3", Region: "eu-west-1" } }];
    if (i % 4 === 0) keys.push({ AccessKeyId: `AKIA${String(i * 2 + 1).padStart(16, "0")}`, Status: "Active", CreateDate: "2026-05-01T00:00:00Z", LastUsed: undefined as never });
    users.push({ UserName: `integration-${i}`, CreateDate: "2024-01-01T00:00:00Z", Keys: keys, ...(i % 20 === 0 ? { Password: { Changed: "2024-01-02T00:00:00Z" } } : {}) });
  }
  return { id: ACCOUNT, roles, users };
}

async function runOnce(main: string, ratePerSecond: number | undefined): Promise<void> {
  const acct = account();
  const keys = acct.users.reduce((n, u) => n + (u.Keys?.length ?? 0), 0);
  const fake = await startFakeAws({ accounts: [acct], callers: { [KEY]: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench-auditor` } }, pageSize: 1000, ratePerSecond });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bench-discover-"));
  const snapshot = path.join(tmp, "snapshot.json");
  const report = path.join(tmp, "report.json");
  const script = `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((c) => { process.stderr.write("maxrss " + process.resourceUsage().maxRSS + "\\n"); process.exitCode = c; });`;
  const args = ["-e", script, "discover", "aws", "--now", "2026-06-01", "--format", "json", "--output", report, "--save", snapshot];
  const started = Date.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...fake.env(KEY), CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = Date.now() - started;
  await fake.close();
  const maxrss = Number(/maxrss (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  if (code !== 1 && code !== 0) throw new Error(`discover exited ${code}: ${stderr}`);
  const snap = JSON.parse(fs.readFileSync(snapshot, "utf8"));
  const rep = JSON.parse(fs.readFileSync(report, "utf8"));
  const a = snap.accounts[0];
  const calls = Object.values(a.calls as Record<string, number>).reduce((x, y) => x + y, 0);
  const label = ratePerSecond ? `server limited to ${ratePerSecond} calls/s` : "no rate limit";
  console.log(`${ROLES} roles, ${USERS} users, ${keys} keys (${label}): ${calls} calls, ${a.attempts} HTTP attempts, ${(ms / 1000).toFixed(1)} s wall (discovery ${(a.durationMs / 1000).toFixed(1)} s), peak RSS ${maxrss.toFixed(0)} MB, ${rep.summary.resources} identity resources, ${rep.summary.findings} findings, snapshot ${(fs.statSync(snapshot).size / 1048576).toFixed(1)} MB`);
  console.log(`  calls by action: ${Object.entries(a.calls as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  fs.rmSync(tmp, { recursive: true, force: true });
}

(async () => {
  const main = ensureBuild();
  console.log(`nhi-gate discover aws benchmark (node ${process.version}, ${os.cpus().length} CPUs); the local IAM server runs in this process`);
  await runOnce(main, undefined);
  if (RATE > 0) await runOnce(main, RATE);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
