/**
 * The bypass catalogue of issue 22, root causes 2, 5, 6 and 8 (docs/security.md, between the
 * markers below): every attempt, the gate that stops it, what it reports, and the test that
 * proves it. test/security/bypass-catalogue.test.ts checks that the docs table is this one and
 * that every named test exists; the suite running those tests green is the proof.
 *
 *   node -r ./scripts/register-ts.js test/security/bypass-catalogue.ts --write   rewrites the table
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Bypass {
  id: string;
  attempt: string;
  gate: string;
  expected: string;
  outcome: "fails" | "refused (exit 2)";
  /** The test that proves it: file (under test/security), title as written in `it(...)`, and for `it.each` the case. */
  test: { file: string; title: string; case?: string };
}

const CONTAINED = "contained-identities.test.ts";
const SYNTH = "synth-sees-what-terraform-runs.test.ts";
const SCOPE = "workload-identity-scope.test.ts";
const CLOSED = "fail-closed.test.ts";
const REAL_CFN = { file: CONTAINED, title: "nhi-gate plan judges a CloudFormation template's roles, users, keys and policies, a Cloud Control role, and refuses to pass what it cannot read" };
const K8S_STATE = { file: SCOPE, title: "nhi-gate state judges cluster-admin bound to a Google service account, an IAM role, a managed identity and every service account; people stay out" };
const REFUSE = "nhi-gate plan refuses %s (exit 2, naming the resource), on the fast and the streaming path";
const DIRECTORY = { file: SYNTH, title: "another *.tf.json adds a role; an override file attaches AdministratorAccess to the governed one; both fail" };

export const BYPASSES: Bypass[] = [
  // Root cause 2: resources that create identities inside them.
  { id: "2.1", attempt: "`aws_cloudformation_stack` whose YAML template (short-form tags, a parameter) creates a role with AdministratorAccess and an inline `*` on `*`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-001`, `NHI-GOV-005[Action::*]`, `NHI-GOV-007[Policy::AdministratorAccess]` on `aws_cloudformation_stack.yaml/Resources/Admin`", outcome: "fails", test: REAL_CFN },
  { id: "2.2", attempt: "JSON template: an IAM user, its access key and an `iam:*` policy, linked by `Ref`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-001` on the user; key and policy as parts of it (`NHI-GOV-002[Owner::…/Resources/Ci]`); `NHI-GOV-005[Action::iam:*]`; `NHI-GOV-012` on the key", outcome: "fails", test: REAL_CFN },
  { id: "2.3", attempt: "`aws_cloudformation_stack_set` deploying an admin role to other accounts", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-001`, `NHI-GOV-007[Policy::AdministratorAccess]` on `aws_cloudformation_stack_set.ss/Resources/Break`", outcome: "fails", test: REAL_CFN },
  { id: "2.4", attempt: "a stack whose template is only reachable by `template_url`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[TemplateUrl::template_url]`", outcome: "fails", test: REAL_CFN },
  { id: "2.5", attempt: "a SAM template (`Transform: AWS::Serverless-2016-10-31`) whose function gets AdministratorAccess", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[Transform::AWS::Serverless-2016-10-31]`", outcome: "fails", test: REAL_CFN },
  { id: "2.6", attempt: "a nested `AWS::CloudFormation::Stack` with a `TemplateURL`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[NestedTemplate::Resources/Child]`", outcome: "fails", test: REAL_CFN },
  { id: "2.7", attempt: "a template body unknown until apply (it embeds another resource's ARN)", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[Unknown::template_body]`", outcome: "fails", test: REAL_CFN },
  { id: "2.8", attempt: "a Serverless Application Repository application granted `CAPABILITY_IAM`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[Application::application_id]`", outcome: "fails", test: REAL_CFN },
  { id: "2.9", attempt: "`aws_cloudcontrolapi_resource` of type `AWS::IAM::Role` with AdministratorAccess in `desired_state`", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-001`, `NHI-GOV-007[Policy::AdministratorAccess]` on `aws_cloudcontrolapi_resource.role`", outcome: "fails", test: REAL_CFN },
  { id: "2.10", attempt: "the same stacks and resources after apply", gate: "`nhi-gate state`", expected: "the same findings, read from the templates in the state", outcome: "fails", test: { file: CONTAINED, title: "nhi-gate state judges the same identities after apply, from the stack's template in the state" } },
  { id: "2.11", attempt: "`google_project_iam_policy` (authoritative) granting `roles/owner` to a service account", gate: "`nhi-gate plan`", expected: "`NHI-GOV-032[Role::roles/owner]` (critical) on `google_project_iam_policy.p/bindings/roles/owner`", outcome: "fails", test: { file: CONTAINED, title: "each binding is judged like a google_project_iam_binding: owner to a service account fails, a people-only binding is out of scope" } },
  { id: "2.12", attempt: "`policy_data` unknown until apply, or not a policy", gate: "`nhi-gate plan`", expected: "`NHI-GOV-030[Unknown::policy_data]`, `NHI-GOV-030[Unparsable::policy_data]`", outcome: "fails", test: { file: CONTAINED, title: "policy_data unknown until apply, or not a policy, cannot be evaluated" } },
  { id: "2.13", attempt: "CDKTF `CloudformationStack` whose template creates an admin role", gate: "CDKTF aspect", expected: "`[cfn/legacy] NHI-GOV-007[Policy::AdministratorAccess]`, on the stack's construct", outcome: "fails", test: { file: CONTAINED, title: "the CDKTF aspect: app.synth() fails on a CloudformationStack whose template creates an admin role, on the stack's construct" } },
  { id: "2.14", attempt: "the same in `cdk.tf.json`", gate: "`nhi-gate synth`", expected: "`NHI-GOV-001`, `NHI-GOV-007[Policy::AdministratorAccess]` on `aws_cloudformation_stack.legacy_ABC/Resources/Svc`", outcome: "fails", test: { file: CONTAINED, title: "nhi-gate synth: a CloudformationStack with an inline template creating an admin user fails" } },
  { id: "2.15", attempt: "Pulumi `aws.cloudformation.Stack` and `aws.cloudcontrol.Resource` with admin identities", gate: "offline kit (`checkPulumiProgram`)", expected: "`NHI-GOV-001`, `NHI-GOV-007[Policy::AdministratorAccess]` on `…::legacy/Resources/Svc` and `…::cc-role`", outcome: "fails", test: { file: CONTAINED, title: "checkPulumiProgram: aws.cloudformation.Stack and aws.cloudcontrol.Resource with admin identities fail" } },
  { id: "2.16", attempt: "the same program under `pulumi preview --policy-pack`", gate: "CrossGuard pack (analyzer protocol)", expected: "mandatory `NHI-GOV-007[Policy::AdministratorAccess]` on the stack's URN, naming `…/Resources/Svc`", outcome: "fails", test: { file: "../policy-pack/pack.test.ts", title: "identities inside a CloudFormation stack are reported on the stack, naming the identity; a Cloud Control role on itself" } },
  // Root cause 5: synth-time gates see less than Terraform runs.
  { id: "5.1", attempt: "`TerraformHclModule` from a public source (an admin role inside)", gate: "CDKTF aspect", expected: "`[public/raw] NHI-GOV-031[Source::…]`; an approved source passes", outcome: "fails", test: { file: SYNTH, title: "the aspect: a TerraformHclModule from a source that is not approved fails app.synth(); an approved one passes" } },
  { id: "5.2", attempt: "the same module call in `cdk.tf.json`", gate: "`nhi-gate synth`", expected: "`NHI-GOV-031[Source::…]` on `module.raw`", outcome: "fails", test: { file: SYNTH, title: "nhi-gate synth: the same module call is a finding, with its construct path" } },
  { id: "5.3", attempt: "a raw role in `extra.tf.json` beside `cdk.tf.json`", gate: "`nhi-gate synth`", expected: "`NHI-GOV-001` on `aws_iam_role.extra` (a real plan of the directory plans it)", outcome: "fails", test: DIRECTORY },
  { id: "5.4", attempt: "`z_override.tf.json` attaching AdministratorAccess to a governed role", gate: "`nhi-gate synth`", expected: "`NHI-GOV-007[Policy::AdministratorAccess]` on the governed role (as in the real plan)", outcome: "fails", test: DIRECTORY },
  { id: "5.5", attempt: "the module, the extra file and the override, planned by the real Terraform in the stack directory", gate: "`nhi-gate synth` and `nhi-gate plan`", expected: "synth: `NHI-GOV-031` on `module.raw`, `NHI-GOV-001`, `NHI-GOV-007`; plan: the module's role itself", outcome: "fails", test: { file: SYNTH, title: "Terraform plans the extra role, the override and the module's admin role; nhi-gate synth reports each before plan" } },
  { id: "5.6", attempt: "an HCL `main.tf` in the stack directory", gate: "`nhi-gate synth`", expected: "one line naming `main.tf`: HCL is not read, so the directory is refused", outcome: "refused (exit 2)", test: { file: SYNTH, title: "an HCL file in the directory: Terraform plans it, nhi-gate synth refuses the directory; the governed identity passes the plan gate" } },
  { id: "5.7", attempt: "an override turning `inline_policy` into a `dynamic` block", gate: "`nhi-gate synth`", expected: "`NHI-GOV-030[Dynamic::inline_policy]`", outcome: "fails", test: { file: SYNTH, title: "an override replaces arguments and block types, a dynamic block counts as its block type, lifecycle merges per argument" } },
  { id: "5.8", attempt: "an aspect added after `enforce()` opens a governed role's trust and attaches AdministratorAccess", gate: "CDKTF aspect", expected: "`NHI-GOV-002[Drift::assume_role_policy]`, `NHI-GOV-007[Policy::AdministratorAccess]`, `NHI-GOV-009[Principal::*]` on `late/deployer/role`", outcome: "fails", test: { file: SYNTH, title: "an aspect added after enforce() that opens a governed role's trust and attaches AdministratorAccess fails app.synth()" } },
  { id: "5.9", attempt: "an aspect on a child construct of the governed identity", gate: "CDKTF aspect", expected: "`NHI-GOV-007[Policy::AdministratorAccess]` on `child/deployer/role`", outcome: "fails", test: { file: SYNTH, title: "an aspect on a child construct is seen too" } },
  { id: "5.10", attempt: "a construct validation that edits the governed role after the gate's", gate: "CDKTF aspect (check when the JSON is written)", expected: "synth error `… changed after the gate judged it …` with `NHI-GOV-007`", outcome: "fails", test: { file: SYNTH, title: "a validation that edits a governed role after the gate judged it fails synth, naming the change" } },
  { id: "5.11", attempt: "an App with `skipValidation: true`", gate: "CDKTF aspect", expected: "`NHI-GOV-000` error: the stack cannot be judged after its aspects", outcome: "fails", test: { file: SYNTH, title: "an App that skips validations cannot be judged after its aspects: synth fails" } },
  // Root cause 6: workload identities outside AWS.
  { id: "6.1", attempt: "`cluster-admin` bound to a Google service account (GKE, kind `User`)", gate: "`nhi-gate state`", expected: "`NHI-GOV-001`, `NHI-GOV-032[Role::cluster-admin]` (critical); `judged: true`", outcome: "fails", test: K8S_STATE },
  { id: "6.2", attempt: "`cluster-admin` bound to an IAM role ARN (EKS) or a managed identity's object id (AKS)", gate: "`nhi-gate state`", expected: "`NHI-GOV-001`, `NHI-GOV-032[Role::cluster-admin]`", outcome: "fails", test: K8S_STATE },
  { id: "6.3", attempt: "service accounts without kind ServiceAccount: Group `system:serviceaccounts[:<ns>]`, User `system:serviceaccount:<ns>:<name>`", gate: "`nhi-gate state`", expected: "`NHI-GOV-001`; `NHI-GOV-032[Role::edit]`, `[Role::admin]`", outcome: "fails", test: K8S_STATE },
  { id: "6.4", attempt: "`roles/owner` to a `principalSet://` workload identity pool member", gate: "`nhi-gate state`", expected: "`NHI-GOV-002[External::member]`, `NHI-GOV-032[Role::roles/owner]`", outcome: "fails", test: K8S_STATE },
  { id: "6.5", attempt: "a subject named by a Google service account created in the same plan (unknown until apply)", gate: "`nhi-gate plan`", expected: "`NHI-GOV-001`, `NHI-GOV-032[Role::cluster-admin]`", outcome: "fails", test: { file: SCOPE, title: "nhi-gate plan: a subject whose name is unknown until apply (a Google service account being created) is judged, not passed" } },
  // Root cause 8: fail closed.
  { id: "8.1", attempt: "a managed `aws_iam_role` edited to action `read`", gate: "`nhi-gate plan` (fast and streaming paths)", expected: "one line naming `aws_iam_role.dyn`", outcome: "refused (exit 2)", test: { file: CLOSED, title: REFUSE, case: "a managed resource with action read" } },
  { id: "8.2", attempt: "an `aws_iam_role` edited to `mode: \"data\"` with action `create`", gate: "`nhi-gate plan` (fast and streaming paths)", expected: "one line naming `aws_iam_role.dyn`", outcome: "refused (exit 2)", test: { file: CLOSED, title: REFUSE, case: "a data source that is created" } },
  { id: "8.3", attempt: "`dynamic \"inline_policy\"` over values unknown until apply (`*` on `*` at apply; the plan shows the block like an unset one)", gate: "`nhi-gate plan` (real plan)", expected: "`NHI-GOV-030[Dynamic::inline_policy]` on `aws_iam_role.dyn`", outcome: "fails", test: { file: CLOSED, title: "the plan JSON shows a dynamic inline_policy over unknown values exactly like an unset one; the gate reports it as cannot evaluate" } },
  { id: "8.4", attempt: "the same plan above the streaming threshold", gate: "`nhi-gate plan` (streaming path)", expected: "the same findings", outcome: "fails", test: { file: CLOSED, title: "the streaming path gives the same findings (relevant_attributes and the unknown markers are kept)" } },
];

export const START = "<!-- bypass-catalogue:22-b:start -->";
export const END = "<!-- bypass-catalogue:22-b:end -->";
export const DOC = path.join(__dirname, "..", "..", "docs", "security.md");

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function catalogueMarkdown(): string {
  const rows = BYPASSES.map((b) => `| ${b.id} | ${cell(b.attempt)} | ${cell(b.gate)} | ${cell(b.expected)} | ${b.outcome} | \`${b.test.file.replace(/^\.\.\//, "test/").replace(/^(?!test\/)/, "test/security/")}\` |`);
  return [START, "<!-- Generated from test/security/bypass-catalogue.ts; a test fails when it is stale. -->", "", "| # | Attempt | Gate | Expected | Outcome | Test |", "|---|---|---|---|---|---|", ...rows, "", END].join("\n");
}

if (require.main === module && process.argv.includes("--write")) {
  const doc = fs.readFileSync(DOC, "utf8");
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`${DOC}: markers ${START} / ${END} not found`);
  fs.writeFileSync(DOC, doc.slice(0, a) + catalogueMarkdown() + doc.slice(b + END.length));
}
