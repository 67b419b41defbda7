import * as fs from "node:fs";
import * as path from "node:path";
import { readJson } from "../../src/adapters/input";
import { planToInput } from "../../src/adapters/terraform-plan";
import { catalogByTerraformType } from "../../src/catalog";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";

const CORPUS = path.resolve(__dirname, "../../../shared/corpus/terraform-plans");
const file = (suffix: string) => path.join(CORPUS, fs.readdirSync(CORPUS).find((f) => f.endsWith(suffix)) as string);

/**
 * Every identity-relevant managed resource of each real plan (from SOURCES.tsv and reading the
 * plans), with its action. Types the catalog does not know (aws_iam_group) and non-identity IAM
 * (aws_iam_account_password_policy, data.aws_iam_policy_document) are not expected.
 */
const EXPECTED: Record<string, [address: string, type: string][]> = {
  "plan_with_hcl_for_enrichment__tfplan.json": [["aws_iam_policy.policy", "aws_iam_policy"]],
  "example_GithubActionsOIDCTrustPolicy__tfplan.json": [
    ["module.poc.aws_iam_openid_connect_provider.r5", "aws_iam_openid_connect_provider"],
    ['module.poc.aws_iam_role.r1["p1"]', "aws_iam_role"],
    ['module.poc.aws_iam_role.r1["p2"]', "aws_iam_role"],
    ['module.poc.aws_iam_role.r6["p1"]', "aws_iam_role"],
    ['module.poc.aws_iam_role.r6["p2"]', "aws_iam_role"],
  ],
  "modules_edges_tfplan__tfplan.json": [],
  "codebuild_tfplan.json": [["aws_iam_role.example", "aws_iam_role"]],
  "plan_after_unknown__tfplan.json": [],
  "plan_booleans__tfplan.json": [["google_service_account.default", "google_service_account"]],
  "runner__resources__plan__tfplan.json": [
    ["aws_iam_access_key.user", "aws_iam_access_key"],
    ["aws_iam_instance_profile.ec2profile", "aws_iam_instance_profile"],
    ["aws_iam_role.ec2role", "aws_iam_role"],
    ["aws_iam_role.iam_for_eks", "aws_iam_role"],
    ["aws_iam_role.iam_for_lambda", "aws_iam_role"],
    ["aws_iam_role_policy.ec2policy", "aws_iam_role_policy"],
    ["aws_iam_role_policy_attachment.policy_attachment-AmazonEKSClusterPolicy", "aws_iam_role_policy_attachment"],
    ["aws_iam_role_policy_attachment.policy_attachment-AmazonEKSServicePolicy", "aws_iam_role_policy_attachment"],
    ["aws_iam_user.user", "aws_iam_user"],
    ["aws_iam_user_policy.userpolicy", "aws_iam_user_policy"],
  ],
  "plan_nested_child_modules_with_connections__tfplan.json": [],
  "plan_with_child_modules__tfplan.json": [],
  "plan_with_iam_policies__tfplan.json": [
    ["aws_iam_group.fail_2", "aws_iam_group"],
    ["aws_iam_group_policy.fail_2", "aws_iam_group_policy"],
    ["aws_iam_policy.policy_pass", "aws_iam_policy"],
    ["aws_iam_role.example", "aws_iam_role"],
    ["aws_iam_role_policy.fail_1", "aws_iam_role_policy"],
    ["aws_iam_user.fail_3", "aws_iam_user"],
    ["aws_iam_user_policy.fail_3", "aws_iam_user_policy"],
  ],
  "plan_with_utf_16_encoding__tfplan.json": [["aws_iam_role_policy.fail_1", "aws_iam_role_policy"]],
  "gke-show.json": [],
};

/**
 * Every finding on each real plan, exactly (issue 17: one finding per problem).
 */
const EXPECTED_FINDINGS: Record<string, string[]> = {
  // 2 findings (2 before issue 17's folding)
  "plan_with_hcl_for_enrichment__tfplan.json": [
    "NHI-GOV-001 @ aws_iam_policy.policy",
    "NHI-GOV-005[Action::*] @ aws_iam_policy.policy",
  ],
  // 21 findings (53 before issue 17's folding)
  "example_GithubActionsOIDCTrustPolicy__tfplan.json": [
    "NHI-GOV-001 @ module.poc.aws_iam_openid_connect_provider.r5",
    "NHI-GOV-001 @ module.poc.aws_iam_role.r1[\"p1\"]",
    "NHI-GOV-008[Boundary::missing] @ module.poc.aws_iam_role.r1[\"p1\"]",
    "NHI-GOV-009[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p1\"]",
    "NHI-GOV-010[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p1\"]",
    "NHI-GOV-015[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p1\"]",
    "NHI-GOV-001 @ module.poc.aws_iam_role.r1[\"p2\"]",
    "NHI-GOV-008[Boundary::missing] @ module.poc.aws_iam_role.r1[\"p2\"]",
    "NHI-GOV-009[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p2\"]",
    "NHI-GOV-010[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p2\"]",
    "NHI-GOV-015[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r1[\"p2\"]",
    "NHI-GOV-001 @ module.poc.aws_iam_role.r6[\"p1\"]",
    "NHI-GOV-008[Boundary::missing] @ module.poc.aws_iam_role.r6[\"p1\"]",
    "NHI-GOV-009[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p1\"]",
    "NHI-GOV-010[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p1\"]",
    "NHI-GOV-015[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p1\"]",
    "NHI-GOV-001 @ module.poc.aws_iam_role.r6[\"p2\"]",
    "NHI-GOV-008[Boundary::missing] @ module.poc.aws_iam_role.r6[\"p2\"]",
    "NHI-GOV-009[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p2\"]",
    "NHI-GOV-010[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p2\"]",
    "NHI-GOV-015[Unknown::assume_role_policy] @ module.poc.aws_iam_role.r6[\"p2\"]",
  ],
  // 0 findings (0 before issue 17's folding)
  "modules_edges_tfplan__tfplan.json": [
  ],
  // 2 findings (10 before issue 17's folding)
  "codebuild_tfplan.json": [
    "NHI-GOV-001 @ aws_iam_role.example",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_role.example",
  ],
  // 0 findings (0 before issue 17's folding)
  "plan_after_unknown__tfplan.json": [
  ],
  // 1 findings (1 before issue 17's folding)
  "plan_booleans__tfplan.json": [
    "NHI-GOV-001 @ google_service_account.default",
  ],
  // 27 findings (65 before issue 17's folding)
  "runner__resources__plan__tfplan.json": [
    "NHI-GOV-012[Rotation::missing] @ aws_iam_access_key.user",
    "NHI-GOV-012[TTL::missing] @ aws_iam_access_key.user",
    "NHI-GOV-014[Copy::output.secret] @ aws_iam_access_key.user",
    "NHI-GOV-014[Secret::plaintext-state] @ aws_iam_access_key.user",
    "NHI-GOV-001 @ aws_iam_role.ec2role",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_role.ec2role",
    "NHI-GOV-001 @ aws_iam_role.iam_for_eks",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_role.iam_for_eks",
    "NHI-GOV-001 @ aws_iam_role.iam_for_lambda",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_role.iam_for_lambda",
    "NHI-GOV-005[Action::ec2:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-005[Action::rds:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-005[Action::s3:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-006[Action::ec2:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-006[Action::rds:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-006[Action::s3:*] @ aws_iam_role_policy.ec2policy",
    "NHI-GOV-006[Policy::AmazonEKSClusterPolicy] @ aws_iam_role_policy_attachment.policy_attachment-AmazonEKSClusterPolicy",
    "NHI-GOV-006[Policy::AmazonEKSServicePolicy] @ aws_iam_role_policy_attachment.policy_attachment-AmazonEKSServicePolicy",
    "NHI-GOV-001 @ aws_iam_user.user",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_user.user",
    "NHI-GOV-005[Action::cloudwatch:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-005[Action::ec2:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-005[Action::lambda:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-005[Action::s3:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-006[Action::cloudwatch:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-006[Action::ec2:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-006[Action::lambda:*] @ aws_iam_user_policy.userpolicy",
    "NHI-GOV-006[Action::s3:*] @ aws_iam_user_policy.userpolicy",
  ],
  // 0 findings (0 before issue 17's folding)
  "plan_nested_child_modules_with_connections__tfplan.json": [
  ],
  // 0 findings (0 before issue 17's folding)
  "plan_with_child_modules__tfplan.json": [
  ],
  // 15 findings (34 before issue 17's folding)
  "plan_with_iam_policies__tfplan.json": [
    "NHI-GOV-001 @ aws_iam_group.fail_2",
    "NHI-GOV-005[Action::iam:*] @ aws_iam_group_policy.fail_2",
    "NHI-GOV-005[Action::s3:get*] @ aws_iam_group_policy.fail_2",
    "NHI-GOV-006[Action::iam:*] @ aws_iam_group_policy.fail_2",
    "NHI-GOV-001 @ aws_iam_policy.policy_pass",
    "NHI-GOV-005[Action::s3:*] @ aws_iam_policy.policy_pass",
    "NHI-GOV-006[Action::s3:*] @ aws_iam_policy.policy_pass",
    "NHI-GOV-001 @ aws_iam_role.example",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_role.example",
    "NHI-GOV-005[Action::iam:*] @ aws_iam_role_policy.fail_1",
    "NHI-GOV-006[Action::iam:*] @ aws_iam_role_policy.fail_1",
    "NHI-GOV-001 @ aws_iam_user.fail_3",
    "NHI-GOV-008[Boundary::missing] @ aws_iam_user.fail_3",
    "NHI-GOV-005[Action::iam:*] @ aws_iam_user_policy.fail_3",
    "NHI-GOV-006[Action::iam:*] @ aws_iam_user_policy.fail_3",
  ],
  // 3 findings (3 before issue 17's folding)
  "plan_with_utf_16_encoding__tfplan.json": [
    "NHI-GOV-002[External::role] @ aws_iam_role_policy.fail_1",
    "NHI-GOV-005[Action::*] @ aws_iam_role_policy.fail_1",
    "NHI-GOV-006[Action::*] @ aws_iam_role_policy.fail_1",
  ],
  // 0 findings (0 before issue 17's folding)
  "gke-show.json": [
  ],
};

const expectedFor = (suffix: string) =>
  EXPECTED[suffix]
    .filter(([, type]) => catalogByTerraformType(type))
    .map(([a]) => a)
    .sort();

describe("the real plans of the corpus", () => {
  it("covers every file in the corpus", () => {
    const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(12);
    for (const f of files) expect(Object.keys(EXPECTED).filter((k) => f.endsWith(k))).toHaveLength(1);
  });

  it("the catalog knows the identity types the corpus exercises", () => {
    for (const t of ["aws_iam_role", "aws_iam_user", "aws_iam_access_key", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_instance_profile", "aws_iam_openid_connect_provider", "aws_iam_role_policy_attachment", "google_service_account"]) {
      expect(catalogByTerraformType(t)).toBeDefined();
    }
  });

  it.each(Object.keys(EXPECTED))("reads %s and finds exactly its identity resources", (suffix) => {
    const { value, input } = readJson(file(suffix));
    const model = planToInput(value, input.name);
    expect(model.resources.map((r) => r.address).sort()).toEqual(expectedFor(suffix));
    expect(model.scope).toBe("changes");
    const report = evaluate(model, { clock });
    expect(report.resources.map((r) => r.address).sort()).toEqual(expectedFor(suffix));
    // Every identity in these plans is hand-written: none is governed, each is judged.
    for (const r of report.resources) {
      expect(r.governed).not.toBe("governed");
      expect(r.judged).toBe(true);
    }
    expect(report.passed).toBe(expectedFor(suffix).length === 0);
  });

  it.each(Object.keys(EXPECTED_FINDINGS))("%s: exactly these findings", (suffix) => {
    const { value, input } = readJson(file(suffix));
    const report = evaluate(planToInput(value, input.name), { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual(EXPECTED_FINDINGS[suffix]);
  });

  it("decodes the UTF-16LE plan (with its BOM) and reads format 0.2", () => {
    const { value, input } = readJson(file("plan_with_utf_16_encoding__tfplan.json"));
    expect(input.encoding).toBe("utf16le");
    expect((value as { format_version: string }).format_version).toBe("0.2");
    const [r] = planToInput(value, input.name).resources;
    expect(r.props.role).toBeDefined();
  });

  it("links policies, keys and attachments to their principals through configuration references", () => {
    const { value, input } = readJson(file("runner__resources__plan__tfplan.json"));
    const byAddress = new Map(planToInput(value, input.name).resources.map((r) => [r.address, r]));
    expect(byAddress.get("aws_iam_access_key.user")?.propRefs?.user).toEqual(["aws_iam_user.user"]);
    expect(byAddress.get("aws_iam_role_policy.ec2policy")?.propRefs?.role).toEqual(["aws_iam_role.ec2role"]);
    expect(byAddress.get("aws_iam_access_key.user")?.sensitivePaths).toEqual(expect.arrayContaining(["secret", "ses_smtp_password_v4"]));
  });

  it("records module address and source, and qualifies references inside modules (format 1.2)", () => {
    const { value, input } = readJson(file("example_GithubActionsOIDCTrustPolicy__tfplan.json"));
    const role = planToInput(value, input.name).resources.find((r) => r.address === 'module.poc.aws_iam_role.r6["p1"]');
    expect(role?.origin.module).toEqual({ address: "module.poc", source: "./module" });
    expect(role?.propRefs?.assume_role_policy).toEqual(["module.poc.data.aws_iam_policy_document.r4"]);
    expect(role?.unknownPaths).toEqual(expect.arrayContaining(["assume_role_policy", "arn"]));
  });

  it("does not fail a role on inline_policy / managed_policy_arns the provider reads back (unset in the configuration)", () => {
    // AWS provider 4+: both are Optional+Computed, so after_unknown marks them on every role that leaves them unset.
    const { value, input } = readJson(file("plan_with_iam_policies__tfplan.json"));
    const model = planToInput(value, input.name);
    const role = model.resources.find((r) => r.address === "aws_iam_role.example");
    expect(role?.unknownPaths.sort()).toEqual(["arn", "create_date", "id", "name", "name_prefix", "tags_all", "unique_id"]);
    const unknowns = evaluate(model, { clock }).findings.filter((f) => f.address === "aws_iam_role.example" && f.findingId.includes("Unknown::"));
    expect(unknowns).toEqual([]);
  });
});
