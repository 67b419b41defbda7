import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { rawStateToInput, stateToInput } from "../../src/adapters/terraform-state";
import { evaluate } from "../../src/engine/evaluate";
import { NOW, clock } from "../helpers";

/**
 * Raw Terraform state (format version 4: `terraform state pull`, what the S3, GCS and azurerm
 * backends store), read by `nhi-gate state` and `inventory`. The fixture is the state Terraform
 * would write for a real plan of test/fixtures/states/legacy-hcl.ts (see raw-state.ts; Terraform
 * itself reads it back in test/terraform/raw-state.test.ts).
 */
const FIXTURE = path.join(__dirname, "../fixtures/states/legacy.tfstate");
const state = () => JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
const SECRET = state().resources.find((r: { type: string }) => r.type === "aws_iam_access_key").instances[0].attributes.secret as string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-raw-state-"));
const write = (name: string, value: unknown) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
  return p;
};
async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

export const EXPECTED_STATE_FINDINGS = [
  "NHI-GOV-012[Rotation::missing] @ aws_iam_access_key.ci",
  "NHI-GOV-012[TTL::missing] @ aws_iam_access_key.ci",
  "NHI-GOV-014[Secret::plaintext-state] @ aws_iam_access_key.ci",
  "NHI-GOV-001 @ aws_iam_group.admins",
  "NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_group_policy_attachment.admins",
  "NHI-GOV-001 @ aws_iam_role.app",
  "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app",
  "NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3",
  "NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role_policy_attachment.s3",
  "NHI-GOV-001 @ aws_iam_user.ci",
  "NHI-GOV-008[Boundary::missing] @ aws_iam_user.ci",
  "NHI-GOV-007[Group::aws_iam_group.admins] @ aws_iam_user_group_membership.ci",
];

describe("raw Terraform state (version 4)", () => {
  it("is read as a state: every identity instance, judged whole, with its sensitive attributes", () => {
    const input = stateToInput(state(), "legacy.tfstate");
    expect(input.scope).toBe("all");
    expect(input.resources.map((r) => `${r.address} ${r.action}`)).toEqual(
      ["aws_iam_access_key.ci", "aws_iam_group.admins", "aws_iam_group_policy_attachment.admins", "aws_iam_instance_profile.app", "aws_iam_role.app", "aws_iam_role_policy.app", "aws_iam_role_policy_attachment.s3", "aws_iam_user.ci", "aws_iam_user_group_membership.ci"].map((a) => `${a} no-op`),
    );
    const key = input.resources[0];
    expect(key.sensitivePaths.sort()).toEqual(["encrypted_secret", "encrypted_ses_smtp_password_v4", "secret", "ses_smtp_password_v4"]);
    expect(key.origin).toEqual({ source: "terraform-state", file: "legacy.tfstate" });
  });

  it("gives exactly these findings; the role's read-back inline and managed policies are not reported twice", () => {
    const report = evaluate(stateToInput(state(), "legacy.tfstate"), { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual(EXPECTED_STATE_FINDINGS);
  });

  it("nhi-gate state reads it (exit 1, the secret redacted in every format); inventory lists its identities", async () => {
    const file = write("terraform.tfstate", fs.readFileSync(FIXTURE, "utf8"));
    for (const format of ["text", "json", "sarif", "junit", "markdown"]) {
      const r = await run(["state", file, "--now", NOW.toISOString(), "--format", format]);
      expect([format, r.code, r.stderr]).toEqual([format, 1, ""]);
      expect(r.stdout).not.toContain(SECRET);
    }
    const inv = await run(["inventory", file, "--now", NOW.toISOString(), "--format", "json"]);
    expect(inv.code).toBe(0);
    expect(inv.stdout).not.toContain(SECRET);
    const records = JSON.parse(inv.stdout).identities.map((i: { address: string; governed: string }) => `${i.address} ${i.governed}`);
    expect(records).toEqual(expect.arrayContaining(["aws_iam_role.app ungoverned", "aws_iam_access_key.ci ungoverned", "aws_iam_group.admins ungoverned"]));
    expect(records).toHaveLength(9);
  });

  it("modules and counted instances keep Terraform's addresses; deposed objects are named", () => {
    const s = state();
    const role = s.resources.find((r: { type: string }) => r.type === "aws_iam_role");
    s.resources.push({ ...role, module: 'module.legacy["eu"]', each: "list", instances: [{ ...role.instances[0], index_key: 0 }, { ...role.instances[0], index_key: 1, deposed: "00aa11bb" }] });
    const addresses = rawStateToInput(s, "s.tfstate").resources.map((r) => r.address).filter((a) => a.startsWith("module."));
    expect(addresses).toEqual(['module.legacy["eu"].aws_iam_role.app[0]', 'module.legacy["eu"].aws_iam_role.app[1] (deposed 00aa11bb)']);
    expect(rawStateToInput(s, "s.tfstate").resources.find((r) => r.address.startsWith("module."))?.origin.module).toEqual({ address: 'module.legacy["eu"]' });
  });

  it.each([
    ["an older state version", (s: any) => ({ ...s, version: 3 }), /^nhi-gate: .*bad\.tfstate: Terraform state format version 3; this gate reads version 4 \(Terraform 0\.12 and later\)\. Upgrade the state/],
    ["a newer state version", (s: any) => ({ ...s, version: 5 }), /^nhi-gate: .*bad\.tfstate: Terraform state format version 5; this gate reads version 4 .*Upgrade nhi-governance/],
    ["resources not a list", (s: any) => ({ ...s, resources: {} }), /^nhi-gate: .*bad\.tfstate: .*resources/],
    ["an instance without attributes", (s: any) => ({ ...s, resources: [{ ...s.resources[0], instances: [{ schema_version: 0, attributes_flat: { id: "x" } }] }] }), /aws_iam_access_key\.ci: resources\.0\.instances\.0 has only attributes_flat \(written by Terraform 0\.11\)/],
    ["a bad sensitive path", (s: any) => ({ ...s, resources: [{ ...s.resources[0], instances: [{ ...s.resources[0].instances[0], sensitive_attributes: [[{ type: "splat" }]] }] }] }), /aws_iam_access_key\.ci: sensitive_attributes: unknown step type "splat"/],
  ])("%s is an input error naming the file and field (exit 2)", async (_name, mutate, message) => {
    const r = await run(["state", write("bad.tfstate", mutate(state())), "--now", NOW.toISOString()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).not.toContain(SECRET);
  });

  it("a state with no identity resources passes", async () => {
    const s = state();
    const r = await run(["state", write("empty.tfstate", { ...s, resources: s.resources.filter((x: { type: string }) => x.type === "aws_s3_bucket") }), "--now", NOW.toISOString(), "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.resources).toBe(0);
  });
});
