import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { evaluateScp } from "../../src/guardrail/evaluate";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { resolveConfig } from "../../src/spec/config";

const root = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-guardrail-cli-"));
const write = (name: string, content: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const GUARDRAIL = { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"] };
const yamlConfig = write(
  "nhi-governance.config.yaml",
  `defaultPermissionsBoundary: arn:aws:iam::111111111111:policy/nhi-permissions-boundary
guardrail:
  deploymentRoles:
    - arn:aws:iam::*:role/nhi-pipeline/*
  breakGlassRoles:
    - arn:aws:iam::*:role/break-glass
`,
);
const resolved = resolveConfig({ defaultPermissionsBoundary: "arn:aws:iam::111111111111:policy/nhi-permissions-boundary", guardrail: GUARDRAIL });
const many = Array.from({ length: 75 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`);
const splitConfig = write("split.json", JSON.stringify({ guardrail: { deploymentRoles: many, maxPolicies: 5 } }));

describe("nhi-gate guardrail", () => {
  it("prints the SCP as one compact document, ready for create-policy, and a summary on stderr", async () => {
    const r = await run(["guardrail", "--config", yamlConfig, "--format", "scp"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(scpPolicies(resolved)[0].json + "\n");
    expect(r.stdout.trimEnd()).not.toMatch(/\s/);
    expect(r.stderr).toMatch(/^nhi-gate guardrail: 1 SCP: nhi-guardrail [\d,]+ of 5,120 characters; attach it to a sandbox OU first, see docs\/guardrail.md\n$/);
  });

  it("scp is the default format; boundary prints the boundary policy", async () => {
    expect((await run(["guardrail", "-c", yamlConfig])).stdout).toBe(scpPolicies(resolved)[0].json + "\n");
    const r = await run(["guardrail", "-c", yamlConfig, "-f", "boundary"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(boundaryPolicy(resolved).document);
    expect(r.stderr).toMatch(/1 permissions boundary: nhi-guardrail [\d,]+ of 6,144 characters/);
  });

  it("prints a list when the SCP must be split, and writes one file per policy with --output-dir", async () => {
    const r = await run(["guardrail", "-c", splitConfig]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(Array.isArray(list) && list.length).toBe(5);
    expect(r.stderr).toMatch(/5 SCPs \(split; attach all of them\): nhi-guardrail [\d,]+, nhi-guardrail-2 [\d,]+, .* of 5,120 characters/);
    const out = fs.mkdtempSync(path.join(dir, "out-"));
    expect((await run(["guardrail", "-c", splitConfig, "--output-dir", out])).code).toBe(0);
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(["nhi-guardrail-2.json", "nhi-guardrail-3.json", "nhi-guardrail-4.json", "nhi-guardrail-5.json", "nhi-guardrail.json"]);
    for (const f of files) expect(fs.statSync(path.join(out, f)).size).toBeLessThanOrEqual(5120);
    // The files, read back as AWS would store them, decide as the list does.
    const docs = files.map((f) => JSON.parse(fs.readFileSync(path.join(out, f), "utf8")));
    const req = { action: "iam:CreateAccessKey", context: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/developer" } };
    expect(evaluateScp(docs, req)).toBe("deny");
    expect(evaluateScp(docs, { ...req, context: { "aws:PrincipalArn": "arn:aws:iam::100000000042:role/nhi-pipeline-team-42/deployer" } })).toBe("allow");
  });

  it("--pretty indents for reading and says the compact form is what to deploy", async () => {
    const r = await run(["guardrail", "-c", yamlConfig, "--pretty"]);
    expect(r.stdout).toBe(JSON.stringify(scpPolicies(resolved)[0].document, null, 2) + "\n");
    expect(r.stderr).toMatch(/--pretty output adds whitespace AWS counts/);
  });

  it("--output writes the file", async () => {
    const file = path.join(dir, "scp.json");
    expect((await run(["guardrail", "-c", yamlConfig, "-o", file])).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(scpPolicies(resolved)[0].json + "\n");
  });

  it.each([
    [["guardrail"], /^nhi-gate: guardrail needs --config <file>/],
    [["guardrail", "-c", "missing.json"], /^nhi-gate: missing.json: /],
    [["guardrail", "-c", "CONFIG", "-f", "json"], /^nhi-gate: unknown --format "json"; expected one of scp, boundary\n$/],
    [["guardrail", "-c", "EMPTY"], /^nhi-gate: .*empty.json: config has no guardrail block; add guardrail.deploymentRoles/],
    [["guardrail", "-c", "BAD"], /^nhi-gate: .*bad.json: not a valid nhi-gate config: guardrail.deploymentRoles.0: "arn:aws:iam::\*:role\/\*": matches every role/],
    [["guardrail", "-c", "TIGHT"], /^nhi-gate: .*tight.json: guardrail SCP: needs \d+ policies of at most 5120 characters .*maxPolicies is 1/],
    [["guardrail", "-c", "TIGHT", "-f", "boundary"], /^nhi-gate: .*tight.json: guardrail boundary: \d+ characters, more than the 6144/],
    [["guardrail", "-c", "CONFIG", "-o", "X", "--output-dir", "Y"], /^nhi-gate: give --output or --output-dir, not both/],
    [["guardrail", "-c", "CONFIG", "--output-dir", "/nonexistent/dir"], /^nhi-gate: --output-dir \/nonexistent\/dir: not an existing directory/],
    [["guardrail", "-c", "UNKNOWN_ACTION"], /^nhi-gate: .*unknown-action.json: guardrail.additionalActions\[0\]: iam:MintEverything is not an IAM action/],
  ])("exits 2 with one line: %j", async (args, message) => {
    const files: Record<string, string> = {
      CONFIG: yamlConfig,
      EMPTY: write("empty.json", "{}"),
      BAD: write("bad.json", JSON.stringify({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/*"] } })),
      TIGHT: write("tight.json", JSON.stringify({ guardrail: { deploymentRoles: many, maxPolicies: 1 } })),
      UNKNOWN_ACTION: write("unknown-action.json", JSON.stringify({ guardrail: { ...GUARDRAIL, additionalActions: ["iam:MintEverything"] } })),
    };
    const r = await run((args as string[]).map((a) => files[a] ?? a));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("runs as installed: the bin prints the same policy", () => {
    const out = execFileSync(process.execPath, [path.join(root, "bin", "nhi-gate.js"), "guardrail", "--config", yamlConfig], { encoding: "utf8" });
    expect(out).toBe(scpPolicies(resolved)[0].json + "\n");
    const bad = spawnSync(process.execPath, [path.join(root, "bin", "nhi-gate.js"), "guardrail", "--config", path.join(dir, "nope.yaml")], { encoding: "utf8" });
    expect(bad.status).toBe(2);
  });

  it("is listed in --help", async () => {
    const r = await run(["--help"]);
    expect(r.stdout).toMatch(/guardrail \[options\]\s+print the cloud-side guardrail/);
  });
});
