import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import type * as Sarif from "sarif";
import { Report } from "../../src/engine/report";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { spec } from "../helpers";

/** `nhi-gate synth -`: one cdk.tf.json on stdin, through the real bin. */
const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "bin/nhi-gate.js");
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-synth-stdin-"));

function gate(args: string[], input: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1", CI: "true", NHI_GATE_FROM_SOURCE: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const meta = (p: string) => ({ "//": { metadata: { path: p, uniqueId: p.split("/").pop() } } });
const stack = (resource: Record<string, Record<string, Record<string, unknown>>>) => JSON.stringify({ "//": { metadata: { backend: "local", stackName: "app", version: "0.21.0" } }, terraform: { required_providers: {} }, resource });

const r = renderIdentity(spec(), resolveConfig({}));
const governed = stack({
  aws_iam_role: { gov_role_A1: { name: r.principal.name, path: r.principal.path, tags: r.principal.tags, assume_role_policy: JSON.stringify(r.principal.assumeRolePolicy), permissions_boundary: r.principal.permissionsBoundary, max_session_duration: r.principal.maxSessionDuration, ...meta("app/deployer/Role") } },
  aws_iam_role_policy: { gov_policy_B2: { name: r.policy.name, role: "${aws_iam_role.gov_role_A1.name}", policy: JSON.stringify(r.policy.document), ...meta("app/deployer/Policy") } },
});
const ungoverned = stack({
  aws_iam_user: { ci_ABC: { name: "ci", ...meta("app/ci/Resource") } },
  aws_iam_access_key: { ci_key_DEF: { user: "${aws_iam_user.ci_ABC.name}", ...meta("app/ci/Key") } },
});

describe("nhi-gate synth - (stdin)", () => {
  it("a governed stack on stdin passes, read as `stdin`", () => {
    const res = gate(["synth", "-", "--format", "json", "--now", "2026-06-01"], governed);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining("nhi-gate:") });
    const report = JSON.parse(res.stdout) as Report;
    expect(report.passed).toBe(true);
    expect(report.sources).toEqual(["stdin"]);
    expect(report.resources.map((x) => [x.address, x.governed, x.origin.constructPath])).toEqual([
      ["aws_iam_role.gov_role_A1", "governed", "app/deployer/Role"],
      ["aws_iam_role_policy.gov_policy_B2", "governed", "app/deployer/Policy"],
    ]);
    expect(report.findings).toEqual([]);
  });

  it("an ungoverned stack on stdin fails with exit 1; findings name the construct path; SARIF points at stdin", () => {
    const text = gate(["synth", "-", "--now", "2026-06-01"], ungoverned);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("aws_iam_access_key.ci_key_DEF");
    expect(text.stdout).toContain("app/ci/Key");
    const sarif = gate(["synth", "-", "--format", "sarif", "--now", "2026-06-01"], ungoverned);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as Sarif.Log;
    const results = log.runs[0].results ?? [];
    expect(results.length).toBeGreaterThan(0);
    for (const res of results) expect(res.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe("stdin");
    expect(results.find((x) => x.properties?.address === "aws_iam_access_key.ci_key_DEF")?.properties?.constructPath).toBe("app/ci/Key");
  });

  it.each([
    ["empty stdin", "", "stdin: empty file, expected JSON"],
    ["malformed JSON", '{"resource": {', "stdin: unexpected end of JSON (truncated file?) at byte offset 14"],
    ["a Terraform plan instead of a synthesized stack", JSON.stringify({ format_version: "1.2", resource_changes: [] }), 'stdin: not a CDKTF synthesized stack: no "resource" or "terraform" block'],
  ])("%s exits 2 with one line naming stdin", (_, input, expected) => {
    expect(gate(["synth", "-"], input)).toEqual({ code: 2, stdout: "", stderr: `nhi-gate: ${expected}\n` });
  });

  it("the help says synth reads stdin with -", () => {
    const help = spawnSync(process.execPath, [bin, "--help"], { cwd, encoding: "utf8", env: { ...process.env, NHI_GATE_FROM_SOURCE: "1" } });
    expect(help.stdout.replace(/\s+/g, " ")).toContain("synth [options] <path> gate CDKTF output: a cdktf.out directory (stacks/*/cdk.tf.json), one cdk.tf.json, or - for one cdk.tf.json on stdin");
  });
});
