/**
 * nhi-governance/cdktn: the same construct and aspect on CDK Terrain (cdktn, the maintained fork
 * of CDKTF) with @cdktn/provider-aws. constructs/cdktn is generated from constructs/cdktf
 * (scripts/gen-cdktn.js); these tests run it against the real cdktn packages.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktn";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role";
import { IamUser } from "@cdktn/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktn/provider-aws/lib/iam-access-key";
import { GovernedIdentity, NhiGovernance, TimeProvider } from "../../constructs/cdktn";
import { SpecValidationError } from "../../src/spec/identity";
import { main } from "../../src/cli/main";
import { Report } from "../../src/engine/report";
import { clock, NOW, specsOfEveryKind, validSpec } from "../helpers";

const root = path.resolve(__dirname, "../..");
type Tf = { resource: Record<string, Record<string, Record<string, unknown>>>; terraform: { required_providers: Record<string, unknown> } };

function tmpApp(): { app: App; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-cdktn-"));
  return { app: new App({ outdir }), outdir };
}

function governed(stack: TerraformStack): void {
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (const s of specsOfEveryKind()) new GovernedIdentity(stack, s.name, { ...s, clock });
}

async function gate(outdir: string): Promise<{ code: number; report: Report }> {
  let out = "";
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {} };
  const code = await main(["synth", outdir, "--now", NOW.toISOString(), "--format", "json"], io as never);
  return { code, report: JSON.parse(out) as Report };
}

describe("nhi-governance/cdktn (CDK Terrain)", () => {
  it("is generated from constructs/cdktf and up to date", () => {
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "gen-cdktn.js"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("loads cdktn and never cdktf", () => {
    const out = execFileSync(
      process.execPath,
      ["-r", path.join(root, "scripts", "register-ts.js"), "-e", `require(${JSON.stringify(path.join(root, "constructs", "cdktn"))}); console.log(JSON.stringify(Object.keys(require.cache)))`],
      { cwd: root, encoding: "utf8" },
    );
    const loaded = JSON.parse(out) as string[];
    expect(loaded.some((m) => /node_modules[\\/]cdktn[\\/]/.test(m))).toBe(true);
    expect(loaded.filter((m) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(m))).toEqual([]);
  });

  it("synthesizes every credential and trust kind governed: the aspect passes and nhi-gate synth reports nothing", async () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "governed");
    governed(stack);
    NhiGovernance.of(stack).enforce({}, { clock });
    app.synth();
    expect(NhiGovernance.of(stack).lastReport?.passed).toBe(true);
    expect(NhiGovernance.of(stack).lastReport?.findings).toEqual([]);
    const { code, report } = await gate(outdir);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ resources: 18, governed: 18 });
    expect(code).toBe(0);
    // The construct path comes from cdktn's "//" metadata, as with cdktf.
    expect(report.resources.find((r) => r.type === "aws_iam_user")?.origin.constructPath).toBe("governed/legacy-sftp-sync/user");
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("rotates a static key with time_rotating from its own time provider binding", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "keys");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const s = specsOfEveryKind().find((x) => x.credential.kind === "static-key")!;
    new GovernedIdentity(stack, "sftp", { ...s, clock });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;
    const rotating = Object.values(tf.resource.time_rotating ?? {});
    expect(rotating).toHaveLength(1);
    expect(rotating[0]).toMatchObject({ rotation_days: 30 }); // the spec rotates every P30D
    const [key] = Object.values(tf.resource.aws_iam_access_key);
    expect((key.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by).toEqual([expect.stringMatching(/^time_rotating\.sftp_key-rotation_[0-9A-F]{8}$/)]); // as with cdktf
    expect(tf.terraform.required_providers).toMatchObject({ time: { source: "hashicorp/time" } });
  });

  it("fails app.synth() on a hand-written IamRole, IamUser and IamAccessKey, naming their construct paths", async () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "mixed");
    governed(stack);
    new IamRole(stack, "raw-role", { name: "raw-role", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    const user = new IamUser(stack, "raw-user", { name: "raw-user" });
    new IamAccessKey(stack, "raw-key", { user: user.name });
    NhiGovernance.of(stack).enforce({}, { clock });
    expect(() => app.synth()).toThrow(/\[mixed\/raw-role\] NHI-GOV-001/);
    const flagged = new Set(NhiGovernance.of(stack).lastReport?.findings.map((f) => f.address));
    expect([...flagged].map((a) => a.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["aws_iam_access_key.raw-key", "aws_iam_role.raw-role", "aws_iam_user.raw-user"]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("throws field-level errors on invalid props", () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    let err: unknown;
    try {
      new GovernedIdentity(stack, "x", { ...validSpec(), owner: "", clock });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecValidationError);
    expect((err as SpecValidationError).message).toMatch(/owner/);
  });

  it("takes values the platform team sets once from the gate config: the OIDC provider ARN and ownerPattern", () => {
    const oidc = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
    const config = { defaultGithubOidcProviderArn: oidc, ownerPattern: { pattern: "@acme/[a-z0-9-]+", description: "a team handle @acme/<team>" } };
    const stack = new TerraformStack(Testing.app(), "platform");
    const trust = { kind: "github-oidc" as const, repository: "acme/payments-api", ref: "refs/heads/main" };
    const gi = new GovernedIdentity(stack, "deployer", { ...validSpec({ trust }), clock, config });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;
    const role = Object.values(tf.resource.aws_iam_role)[0];
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Federated: oidc });
    expect((role.tags as Record<string, string>)["nhi:seal"]).toBe(gi.rendered.principal.tags["nhi:seal"]);
    expect(() => new GovernedIdentity(stack, "other", { ...validSpec({ name: "other", trust, owner: "platform@acme.com" }), clock, config })).toThrow(
      /platform\/other: invalid governed identity spec\n {2}- owner: got "platform@acme.com"; expected an owner matching the gate config's ownerPattern: a team handle @acme\/<team>/,
    );
  });
});

describe("nhi-governance/cdktn loads fast and shares one time provider", () => {
  it("imports provider classes only by deep path and never loads the @cdktn/provider-aws root", () => {
    const dir = path.join(root, "constructs", "cdktn");
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
      const specs = [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/from "(@cdktn\/[^"]*)"/g)].map((m) => m[1]);
      for (const spec of specs) expect(spec).toMatch(/^@cdktn\/provider-aws\/lib\/[a-z0-9-]+$/);
    }
    expect(require.cache[require.resolve("@cdktn/provider-aws")]).toBeUndefined();
  });

  const staticKey = (name: string) => ({ ...validSpec({ name, credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }), clock });

  it("adds one time provider per stack, or reuses the stack's own", () => {
    const stack = new TerraformStack(Testing.app(), "keys");
    new GovernedIdentity(stack, "a", staticKey("a"));
    new GovernedIdentity(stack, "b", staticKey("b"));
    const tf = JSON.parse(Testing.synth(stack)) as { provider: Record<string, unknown[]> };
    expect(tf.provider.time).toHaveLength(1);

    const own = new TerraformStack(Testing.app(), "own");
    new TimeProvider(own, "mine");
    new GovernedIdentity(own, "a", staticKey("a"));
    expect(own.node.tryFindChild("nhi-governance-time")).toBeUndefined();
    expect((JSON.parse(Testing.synth(own)) as { provider: Record<string, unknown[]> }).provider.time).toHaveLength(1);
  });
});
