import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSynth, synthToResources, tokenRefs } from "../../src/adapters/cdktf-synth";
import { evaluate } from "../../src/engine/evaluate";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { clock, spec } from "../helpers";

const meta = (p: string) => ({ "//": { metadata: { path: p, uniqueId: p.split("/").pop() } } });

function synth(resource: Record<string, Record<string, Record<string, unknown>>>) {
  return { "//": { metadata: { backend: "local", stackName: "app", version: "0.21.0" } }, terraform: { required_providers: {} }, resource };
}

describe("CDKTF synthesized JSON", () => {
  it("extracts resource references from tokens", () => {
    expect(tokenRefs("${aws_iam_role.deployer_ABC.name}")).toEqual(["aws_iam_role.deployer_ABC.name"]);
    expect(tokenRefs('${jsonencode({"a" = aws_iam_role.x.arn})} and ${var.y} ${each.key} ${data.aws_caller_identity.me.account_id}')).toEqual(["aws_iam_role.x.arn", "data.aws_caller_identity.me.account_id"]);
    expect(tokenRefs("plain")).toEqual([]);
  });

  it("tokens are unknown and referenced; the construct path comes from // metadata; tags as written", () => {
    const [role, key] = synthToResources(
      synth({
        aws_iam_user: { ci_ABC: { name: "ci", tags: { "nhi:owner": "@acme/ci", "nhi:purpose": "${var.purpose}" }, ...meta("app/ci/Resource") } },
        aws_iam_access_key: { ci_key_DEF: { user: "${aws_iam_user.ci_ABC.name}", ...meta("app/ci/Key") } },
        aws_s3_bucket: { b: { bucket: "b" } },
      }),
      "cdk.tf.json",
    );
    expect(role).toMatchObject({ address: "aws_iam_user.ci_ABC", action: "create", props: { name: "ci", tags: { "nhi:owner": "@acme/ci", "nhi:purpose": "${var.purpose}" } }, unknownPaths: ["tags.nhi:purpose"], origin: { source: "cdktf-synth", constructPath: "app/ci/Resource" } });
    expect(role.props["//"]).toBeUndefined();
    expect(key).toMatchObject({ address: "aws_iam_access_key.ci_key_DEF", unknownPaths: ["user"], propRefs: { user: ["aws_iam_user.ci_ABC.name"] }, origin: { constructPath: "app/ci/Key" } });
    const report = evaluate({ resources: [role, key] }, { clock });
    expect(report.resources.find((r) => r.address === "aws_iam_access_key.ci_key_DEF")?.origin.constructPath).toBe("app/ci/Key");
    expect(report.findings.filter((f) => f.address === "aws_iam_access_key.ci_key_DEF").length).toBeGreaterThan(0);
  });

  it("a GovernedIdentity's synthesized role and policy are governed by the seal", () => {
    const r = renderIdentity(spec(), resolveConfig({}));
    const resources = synthToResources(
      synth({
        aws_iam_role: { gov_role_A1: { name: r.principal.name, path: r.principal.path, tags: r.principal.tags, assume_role_policy: JSON.stringify(r.principal.assumeRolePolicy), permissions_boundary: r.principal.permissionsBoundary, max_session_duration: r.principal.maxSessionDuration, ...meta("app/deployer/Role") } },
        aws_iam_role_policy: { gov_policy_B2: { name: r.policy.name, role: "${aws_iam_role.gov_role_A1.name}", policy: JSON.stringify(r.policy.document), ...meta("app/deployer/Policy") } },
      }),
      "cdk.tf.json",
    );
    const report = evaluate({ resources }, { clock });
    expect(report.resources.map((x) => [x.address, x.governed])).toEqual([
      ["aws_iam_role.gov_role_A1", "governed"],
      ["aws_iam_role_policy.gov_policy_B2", "governed"],
    ]);
    expect(report.findings).toEqual([]);
  });

  it("reads a cdktf.out directory with several stacks, prefixing addresses and references with the stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-out-"));
    for (const stack of ["a", "b"]) {
      fs.mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
      fs.writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(synth({ aws_iam_user: { u: { name: `u-${stack}` } }, aws_iam_user_policy: { p: { name: "p", user: "${aws_iam_user.u.name}", policy: "{}" } } })));
    }
    const input = readSynth(dir);
    expect(input.resources.map((r) => r.address)).toEqual(["a:aws_iam_user.u", "a:aws_iam_user_policy.p", "b:aws_iam_user.u", "b:aws_iam_user_policy.p"]);
    expect(input.resources[3].propRefs).toEqual({ user: ["b:aws_iam_user.u.name"] });
    expect(() => readSynth(path.join(dir, "stacks", "a", "nothing"))).toThrow("no such file or directory");
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-empty-"));
    expect(() => readSynth(empty)).toThrow(`${empty}: no stacks/*/cdk.tf.json found; run cdktf synth first`);
  });

  it("refuses what is not a synthesized stack", () => {
    expect(() => synthToResources({ format_version: "1.2", resource_changes: [] }, "x.json")).toThrow('x.json: not a CDKTF synthesized stack: no "resource" or "terraform" block');
    expect(() => synthToResources({ resource: { aws_iam_role: [] } }, "x.json")).toThrow("x.json: not a CDKTF synthesized stack (cdk.tf.json): resource.aws_iam_role: Invalid input: expected record, received array");
  });
});
