import { describeWithTerraform, awsProviderHcl, terraformPlan } from "./real-terraform";

describeWithTerraform("real Terraform, offline", () => {
  it("writes a plan from the filesystem mirror with fake credentials", () => {
    const { plan } = terraformPlan({
      "main.tf": `${awsProviderHcl()}
resource "aws_iam_role" "r" {
  name               = "probe"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
`,
    });
    expect(plan.terraform_version).toMatch(/^1\.\d+\./);
    expect(plan.resource_changes.map((c: any) => [c.address, c.change.actions])).toEqual([["aws_iam_role.r", ["create"]]]);
  });
});
