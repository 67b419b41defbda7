import * as fs from "node:fs";
import { TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity } from "../../constructs/cdktf";
import { main } from "../../src/cli/main";
import { Report } from "../../src/engine/report";
import { clock, NOW, specsOfEveryKind } from "../helpers";
import { tmpApp } from "./helpers";

/** `nhi-gate synth <cdktf.out>` as a pipeline runs it after `cdktf synth` (no aspect: the gate reads the files). */
async function gate(outdir: string): Promise<{ code: number; report: Report }> {
  let out = "";
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {} };
  const code = await main(["synth", outdir, "--now", NOW.toISOString(), "--format", "json"], io as never);
  return { code, report: JSON.parse(out) as Report };
}

function governed(stack: TerraformStack) {
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (const s of specsOfEveryKind()) new GovernedIdentity(stack, s.name, { ...s, clock });
}

describe("nhi-gate synth on what GovernedIdentity synthesizes", () => {
  it("reports nothing for a governed stack", async () => {
    const { app, outdir } = tmpApp();
    governed(new TerraformStack(app, "governed"));
    app.synth();
    const { code, report } = await gate(outdir);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ resources: 18, governed: 18 });
    expect(code).toBe(0);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("flags a hand-written IamRole, IamUser and IamAccessKey beside governed identities, and only them", async () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "mixed");
    governed(stack);
    new IamRole(stack, "raw-role", { name: "raw-role", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    const user = new IamUser(stack, "raw-user", { name: "raw-user" });
    new IamAccessKey(stack, "raw-key", { user: user.name });
    const sftp = stack.node.findChild("legacy-sftp-sync") as GovernedIdentity;
    new IamAccessKey(stack, "extra-key", { user: sftp.userName as string });
    app.synth();
    const { code, report } = await gate(outdir);
    expect(code).toBe(1);
    const flagged = new Set(report.findings.map((f) => f.address.replace(/_[0-9A-F]{8}$/, "")));
    expect(flagged).toEqual(new Set(["aws_iam_role.raw-role", "aws_iam_user.raw-user", "aws_iam_access_key.raw-key", "aws_iam_access_key.extra-key", "aws_iam_access_key.legacy-sftp-sync_access-key"]));
    const provenance = report.findings.filter((f) => /^NHI-GOV-00[12]/.test(f.ruleId)).map((f) => `${f.findingId.replace(/_[0-9A-F]{8}/g, "")} @ ${f.address.replace(/_[0-9A-F]{8}$/, "")}`);
    expect(provenance.sort()).toEqual(
      [
        "NHI-GOV-001 @ aws_iam_role.raw-role",
        "NHI-GOV-001 @ aws_iam_user.raw-user",
        // Without the construct tree the gate cannot tell which of the two keys is the construct's: both are flagged.
        "NHI-GOV-002[Credential::aws_iam_access_key.extra-key] @ aws_iam_access_key.extra-key",
        "NHI-GOV-002[Credential::aws_iam_access_key.legacy-sftp-sync_access-key] @ aws_iam_access_key.legacy-sftp-sync_access-key",
      ].sort(),
    );
    // The key hangs off the hand-written user: part of the user's NHI-GOV-001, not a finding of its own.
    expect(report.findings.find((f) => f.ruleId === "NHI-GOV-001" && f.address.startsWith("aws_iam_user.raw-user"))?.parts).toContainEqual(expect.stringMatching(/^NHI-GOV-002\[Owner::aws_iam_user\.raw-user(_[0-9A-F]{8})?\] @ aws_iam_access_key\.raw-key/));
    expect(report.resources.find((r) => r.address === "aws_iam_role.raw-role")?.origin.constructPath).toBe("mixed/raw-role");
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
