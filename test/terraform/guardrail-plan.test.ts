/**
 * The CDKTF GovernancePerimeter planned by the real Terraform with hashicorp/aws 5.100.0 (the
 * filesystem mirror, offline): the synthesized SCPs (split into parts), their attachments (a
 * literal OU, an account, an OU created in the same stack) and the boundary are valid resources
 * of that provider, and what Terraform plans to send is byte for byte the generated documents.
 * Then nhi-gate plan gates the plan: the boundary is recognized, nothing is flagged.
 *
 * @cdktf/provider-aws 21 is generated for hashicorp/aws 6.x and pins that version in the
 * synthesized `terraform.required_providers`; only 5.100.0 is mirrored here, so the test sets the
 * constraint to it. The three resource types and the attributes used (name, description, type,
 * content, tags; policy_id, target_id; name, path, description, policy) are the same in 5.x
 * and 6.x.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { OrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/organizations-organizational-unit";
import { GovernancePerimeter } from "../../constructs/cdktf";
import { main } from "../../src/cli/main";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { NOW } from "../helpers";
import { readStackJson, tmpApp } from "../cdktf/helpers";
import { AWS_PROVIDER_VERSION, describeWithTerraform, terraformPlan } from "./real-terraform";

const CONFIG: GateConfigInput = {
  guardrail: {
    deploymentRoles: Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`),
    breakGlassRoles: ["arn:aws:iam::*:role/break-glass"],
    maxPolicies: 5,
  },
};
const BOUNDARY_CONFIG: GateConfigInput = { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"], name: "nhi-guardrail-boundary" } };

describeWithTerraform("GovernancePerimeter planned by the real Terraform", () => {
  it("plans the split SCPs, every attachment and the boundary, with the generated documents", async () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "perimeter");
    new AwsProvider(stack, "aws", { region: "us-east-1", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true });
    const sandbox = new OrganizationsOrganizationalUnit(stack, "sandbox", { name: "sandbox", parentId: "r-abcd" });
    new GovernancePerimeter(stack, "scp", { config: CONFIG, targetIds: ["ou-abcd-12345678", "111111111111", sandbox.id] });
    new GovernancePerimeter(stack, "boundary", { config: BOUNDARY_CONFIG, format: "boundary", path: "/nhi/" });
    app.synth();
    const tf = readStackJson(outdir, "perimeter") as unknown as Record<string, any>;
    tf.terraform.required_providers.aws.version = AWS_PROVIDER_VERSION;
    delete tf.terraform.backend;

    const { plan, planFile } = terraformPlan({ "cdk.tf.json": JSON.stringify(tf) });
    const changes = plan.resource_changes as { type: string; change: { actions: string[]; after: Record<string, unknown>; after_unknown: Record<string, unknown> } }[];
    const of = (type: string) => changes.filter((c) => c.type === type);
    const scps = scpPolicies(resolveConfig(CONFIG));
    expect(scps.length).toBeGreaterThan(1);
    expect(of("aws_organizations_policy").map((c) => [c.change.actions, c.change.after.name, c.change.after.type, c.change.after.content]).sort()).toEqual(
      scps.map((p) => [["create"], p.name, "SERVICE_CONTROL_POLICY", p.json]).sort(),
    );
    for (const p of scps) expect(Buffer.byteLength(p.json)).toBeLessThanOrEqual(5120);
    const attachments = of("aws_organizations_policy_attachment");
    expect(attachments).toHaveLength(scps.length * 3);
    expect(attachments.filter((a) => a.change.after.target_id === "ou-abcd-12345678")).toHaveLength(scps.length);
    expect(attachments.filter((a) => a.change.after.target_id === "111111111111")).toHaveLength(scps.length);
    expect(attachments.filter((a) => a.change.after_unknown.target_id === true)).toHaveLength(scps.length);
    for (const a of attachments) expect(a.change.after_unknown.policy_id).toBe(true);
    // The provider stores aws_iam_policy documents re-serialized (keys sorted, still compact): the same document, the same size.
    const boundary = boundaryPolicy(resolveConfig(BOUNDARY_CONFIG));
    expect(of("aws_iam_policy").map((c) => [c.change.after.name, c.change.after.path, JSON.parse(String(c.change.after.policy))])).toEqual([["nhi-guardrail-boundary", "/nhi/", boundary.document]]);
    expect(String(of("aws_iam_policy")[0].change.after.policy).length).toBe(boundary.json.length);

    // The gate on the plan Terraform wrote: the boundary is recognized by its document.
    const configFile = path.join(path.dirname(planFile), "nhi-governance.config.json");
    fs.writeFileSync(configFile, JSON.stringify(BOUNDARY_CONFIG));
    let out = "";
    const code = await main(["plan", planFile, "--config", configFile, "--format", "json", "--now", NOW.toISOString()], { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {} });
    const report = JSON.parse(out);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.resources.filter((r: { via?: string }) => r.via === "guardrail").map((r: { address: string }) => r.address)).toEqual([expect.stringMatching(/^aws_iam_policy\.boundary/)]);
  });
});
