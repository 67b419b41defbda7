/**
 * Peers are optional: each front end loads only its own, and `@cdktf/provider-time` only where a
 * static key needs `time_rotating`. Run in the consumer project with the peer made unresolvable
 * (a preload that refuses to resolve it), as in a project that never installed it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { installed, project, sh } from "./helpers";

const hide = (pattern: string) => `
const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (${pattern}.test(request)) { const e = new Error("Cannot find module '" + request + "'"); e.code = "MODULE_NOT_FOUND"; throw e; }
  return resolve.call(this, request, ...rest);
};`;

const spec = (name: string, extra: string) => `{
  name: "${name}", owner: "@acme/payments", purpose: "Deploys the payments API from GitHub Actions", environment: "prod",
  systemOfRecord: "https://cmdb.example.com/ci/PAY-42", retirement: "when the payments API is decommissioned", workload: "github-actions payments-api deploy job",
  access: [{ actions: ["s3:PutObject"], resources: ["arn:aws:s3:::acme-payments-artifacts/*"] }],
  permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
  recertifyBy: new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10),
  ${extra}
}`;

describe("optional peers", () => {
  it("@cdktf/provider-time is declared an optional peer", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed(), "package.json"), "utf8"));
    expect(pkg.peerDependencies["@cdktf/provider-time"]).toBeDefined();
    expect(pkg.peerDependenciesMeta["@cdktf/provider-time"]).toEqual({ optional: true });
  });

  it("without @cdktf/provider-time: a federated identity synthesizes, a static key names the package to install", () => {
    const dir = path.join(project(), "no-time");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "hide.js"), hide("/^@cdktf\\/provider-time(\\/|$)/"));
    fs.writeFileSync(
      path.join(dir, "main.js"),
      `const { App, TerraformStack } = require("cdktf");
const { GovernedIdentity, NhiGovernance } = require("nhi-governance/cdktf");
const app = new App({ outdir: ${JSON.stringify(path.join(dir, "cdktf.out"))} });
const stack = new TerraformStack(app, "payments");
new (require("@cdktf/provider-aws/lib/provider").AwsProvider)(stack, "aws", { region: "eu-west-1" });
new GovernedIdentity(stack, "deployer", ${spec("payments-deployer", `trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, credential: { kind: "federated" },`)});
NhiGovernance.of(stack).enforce();
app.synth();
let error = "";
try { new GovernedIdentity(stack, "legacy", ${spec("legacy-sftp", `credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" },`)}); } catch (e) { error = e.message; }
process.stdout.write(JSON.stringify({ synthesized: require("node:fs").existsSync(${JSON.stringify(path.join(dir, "cdktf.out", "stacks", "payments", "cdk.tf.json"))}), error }));`,
    );
    const r = sh(process.execPath, ["-r", path.join(dir, "hide.js"), path.join(dir, "main.js")], { cwd: dir });
    expect({ code: r.code, err: r.err.trim().split("\n")[0] }).toEqual({ code: 0, err: "" });
    const got = JSON.parse(r.out);
    expect(got.synthesized).toBe(true);
    expect(got.error).toMatch(/^payments\/legacy: a static-key GovernedIdentity rotates its access key through time_rotating .*fix: npm install @cdktf\/provider-time/);
  });

  it("nhi-governance/pulumi and nhi-governance/testing load without cdktf; nhi-governance/cdktf without Pulumi", () => {
    const dir = path.join(project(), "no-peers");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "hide-cdktf.js"), hide("/^(cdktf|cdktn|constructs|@cdktf\\/|@cdktn\\/)/"));
    fs.writeFileSync(path.join(dir, "hide-pulumi.js"), hide("/^@pulumi\\//"));
    const a = sh(process.execPath, ["-r", path.join(dir, "hide-cdktf.js"), "-e", `require("nhi-governance/pulumi"); require("nhi-governance/testing"); require("nhi-governance"); console.log("ok")`], { cwd: dir });
    expect({ code: a.code, out: a.out.trim(), err: a.err.trim().split("\n")[0] }).toEqual({ code: 0, out: "ok", err: "" });
    const b = sh(process.execPath, ["-r", path.join(dir, "hide-pulumi.js"), "-e", `require("nhi-governance/cdktf"); require("nhi-governance/cdktn"); const t = require("nhi-governance/testing"); console.log(typeof t.resource)`], { cwd: dir });
    expect({ code: b.code, out: b.out.trim(), err: b.err.trim().split("\n")[0] }).toEqual({ code: 0, out: "function", err: "" });
  });
});
