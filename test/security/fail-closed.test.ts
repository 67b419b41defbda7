/**
 * Issue 22, root cause 8: what the gate cannot judge fails closed. A plan shape Terraform never
 * writes is refused (exit 2, naming the resource) on both read paths; a `dynamic "inline_policy"`
 * over values unknown until apply, which the plan JSON shows exactly like an unset block, is a
 * "cannot evaluate" finding wherever the plan shows the signal. Real plans from the real Terraform.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { planToInput } from "../../src/adapters/terraform-plan";
import { readJson } from "../../src/adapters/input";
import { terraformPrune } from "../../src/adapters/prune";
import { awsProviderHcl, describeWithTerraform, terraformPlan } from "../terraform/real-terraform";
import { cli, judge, of } from "./bypass-helpers";

const TRUST = 'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })';
const STAR = 'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })';

const HCL = `${awsProviderHcl()}
resource "aws_iam_policy" "src" {
  name   = "src"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
locals {
  # Known only after apply: the policy's tags as AWS returns them.
  extra = aws_iam_policy.src.tags_all
}
# The attack: an inline policy the plan cannot show, filled at apply.
resource "aws_iam_role" "dyn" {
  name               = "dyn"
  assume_role_policy = ${TRUST}
  dynamic "inline_policy" {
    for_each = local.extra
    content {
      name   = inline_policy.key
      policy = ${STAR}
    }
  }
}
# A role whose dynamic block iterates over known keys: the plan shows the block, and the gate judges it.
resource "aws_iam_role" "known" {
  name               = "known"
  assume_role_policy = ${TRUST}
  dynamic "inline_policy" {
    for_each = toset([aws_iam_policy.src.policy_id])
    content {
      name   = "x"
      policy = ${STAR}
    }
  }
}
module "clean" {
  source = "./clean"
}
`;

/** A module whose role leaves inline_policy unset and whose unknown values are all visibly referenced. */
const CLEAN = `
resource "aws_iam_policy" "read" {
  name   = "read"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role" "plain" {
  name               = "plain"
  assume_role_policy = ${TRUST}
}
resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.plain.name
  policy_arn = aws_iam_policy.read.arn
}
`;

describeWithTerraform("fail closed on plans (real Terraform)", () => {
  let planJson: any;
  let planFile: string;
  beforeAll(() => {
    ({ plan: planJson, planFile } = terraformPlan({ "main.tf": HCL, "clean/main.tf": CLEAN }));
  }, 120_000);

  it("the plan JSON shows a dynamic inline_policy over unknown values exactly like an unset one; the gate reports it as cannot evaluate", () => {
    const rc = (a: string) => planJson.resource_changes.find((c: { address: string }) => c.address === a).change;
    // What Terraform wrote: nothing in after, the whole block unknown, nothing in the configuration.
    expect([rc("aws_iam_role.dyn").after.inline_policy, rc("aws_iam_role.dyn").after_unknown.inline_policy]).toEqual([undefined, true]);
    expect([rc("module.clean.aws_iam_role.plain").after.inline_policy, rc("module.clean.aws_iam_role.plain").after_unknown.inline_policy]).toEqual([undefined, true]);
    expect(planJson.relevant_attributes).toContainEqual({ resource: "aws_iam_policy.src", attribute: ["tags_all"] });
    const report = judge(planToInput(planJson, "plan.json"));
    expect(of(report, "NHI-GOV-030")).toEqual(["NHI-GOV-030[Dynamic::inline_policy] @ aws_iam_role.dyn"]);
    expect(report.findings.find((f) => f.ruleId === "NHI-GOV-030")?.message).toContain("aws_iam_policy.src.tags_all");
    // The dynamic block over known keys is in the plan with its policy: judged as written.
    expect(of(report, "NHI-GOV-005").filter((f) => f.includes("aws_iam_role.known"))).toEqual(["NHI-GOV-005[Action::*] @ aws_iam_role.known"]);
  });

  it("the streaming path gives the same findings (relevant_attributes and the unknown markers are kept)", () => {
    const fast = judge(planToInput(planJson, "plan.json"));
    const { value } = readJson(planFile, { streamAbove: 0, prune: terraformPrune, chunkBytes: 4096 });
    expect(judge(planToInput(value, "plan.json")).findings).toEqual(fast.findings);
  });

  const mutate = (edit: (p: any) => void) => {
    const p = JSON.parse(JSON.stringify(planJson));
    edit(p);
    const file = path.join(path.dirname(planFile), `edited-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(p));
    return file;
  };
  const roleChange = (p: any) => p.resource_changes.find((c: { address: string }) => c.address === "aws_iam_role.dyn");

  it.each([
    ["a managed resource with action read", (p: any) => (roleChange(p).change.actions = ["read"]), /aws_iam_role\.dyn is a managed resource with actions \["read"\]; only data sources are read/],
    ["a data source that is created", (p: any) => (roleChange(p).mode = "data"), /aws_iam_role\.dyn is a data source with actions \["create"\]; data sources are only read/],
    ["a mode that is neither", (p: any) => (roleChange(p).mode = "managed "), /resource_changes\.\d+\.mode: "managed " for aws_iam_role\.dyn; expected "managed" or "data"/],
  ])("nhi-gate plan refuses %s (exit 2, naming the resource), on the fast and the streaming path", async (_what, edit, message) => {
    const file = mutate(edit as (p: any) => void);
    for (const env of [{}, { NHI_GATE_STREAM_ABOVE: "0" }] as Record<string, string>[]) {
      const { code, stderr } = await cli(["plan", file], env);
      expect([code, stderr.trim().split("\n").length]).toEqual([2, 1]);
      expect(stderr).toMatch(message);
      expect(stderr).toContain("Terraform never writes this");
    }
  });
});
