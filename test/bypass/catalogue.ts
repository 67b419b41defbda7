/**
 * The bypass catalogue of issue 22's root causes 1, 3, 4 and 7, as data: each attempt, the gate
 * it is tried against, the exact findings expected (`<finding id> @ <address glob>`, or the
 * refusal for an input the gate does not accept), and the outcome. docs/security.md shows this
 * table (test/bypass/catalogue.test.ts checks the section is this table, and that every row is
 * exercised by the test it names, which asserts the row's expected findings with expectBypass).
 */
import { globMatch } from "../../src/util/glob";
import { Report } from "../../src/engine/report";

export type Gate = "nhi-gate plan" | "nhi-gate state" | "nhi-gate synth" | "CDKTF aspect" | "offline kit" | "policy pack" | "gate config";

export interface BypassRow {
  id: string;
  rootCause: 1 | 3 | 4 | 7;
  attempt: string;
  gate: Gate[];
  /** `<finding id> @ <address glob>`, exactly the findings on the addresses named; or `exit 2: <stderr text>`. */
  expected: string[];
  /** Only these rules' findings are compared (when the addresses also carry findings the row is not about). */
  rules?: string[];
  outcome: string;
  /** The test file (under test/bypass/) that exercises the row. */
  test: string;
}

const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

export const BYPASSES: readonly BypassRow[] = [
  // Root cause 1: policies embedded in the role.
  {
    id: "RC1-01",
    rootCause: 1,
    attempt: "HCL: a sealed role (GovernedIdentity's output copied) with `managed_policy_arns = [AmazonS3FullAccess]`, at create",
    gate: ["nhi-gate plan"],
    expected: [`NHI-GOV-002[ManagedPolicy::${S3_FULL}] @ aws_iam_role.managed`, `NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.managed`, `NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.managed`],
    outcome: "fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-02",
    rootCause: 1,
    attempt: "HCL: a sealed role with an `inline_policy` block allowing `iam:PassRole` on another admin role, at create",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-002[InlinePolicy::pass-admin] @ aws_iam_role.inline", "NHI-GOV-021[Escalation::iam:PassRole] @ aws_iam_role.inline"],
    outcome: "fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-03",
    rootCause: 1,
    attempt: "HCL: a sealed role whose `managed_policy_arns` names a customer admin policy created in the same plan (ARN unknown until apply)",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-002[Unknown::managed_policy_arns] @ aws_iam_role.customer", "NHI-GOV-007[Unknown::managed_policy_arns] @ aws_iam_role.customer"],
    outcome: "fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-04",
    rootCause: 1,
    attempt: 'CDKTF: `addOverride("managed_policy_arns", [AmazonS3FullAccess])` on a GovernedIdentity\'s role, synthesized and planned by Terraform',
    gate: ["CDKTF aspect", "nhi-gate synth", "nhi-gate plan"],
    expected: [`NHI-GOV-002[ManagedPolicy::${S3_FULL}] @ aws_iam_role.deployer_role_*`, `NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.deployer_role_*`, `NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.deployer_role_*`],
    outcome: "synth error; fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-05",
    rootCause: 1,
    attempt: "CDKTF: the escape hatch `resources.principal.putInlinePolicy(...)` adds an inline `iam:PassRole` on an admin role",
    gate: ["CDKTF aspect", "nhi-gate synth"],
    expected: ["NHI-GOV-002[InlinePolicy::escape] @ aws_iam_role.hatch_role_*", "NHI-GOV-021[Escalation::iam:PassRole] @ aws_iam_role.hatch_role_*"],
    outcome: "synth error; fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-06",
    rootCause: 1,
    attempt: "Update: a deployed governed role gets `managed_policy_arns = [AmazonS3FullAccess]` in the configuration (prior state planned by Terraform)",
    gate: ["nhi-gate plan"],
    expected: [`NHI-GOV-002[ManagedPolicy::${S3_FULL}] @ aws_iam_role.edited`, "NHI-GOV-019[Widened::managed_policy_arns] @ aws_iam_role.edited", `NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.edited`, `NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.edited`],
    outcome: "fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-07",
    rootCause: 1,
    attempt: "Drift: AmazonS3FullAccess attached outside IaC and read back into the governed role's state; the next plan recertifies the role",
    gate: ["nhi-gate plan", "nhi-gate state"],
    expected: [`NHI-GOV-002[ManagedPolicy::${S3_FULL}] @ aws_iam_role.drifted`, `NHI-GOV-005[Policy::AmazonS3FullAccess] @ aws_iam_role.drifted`, `NHI-GOV-006[Policy::AmazonS3FullAccess] @ aws_iam_role.drifted`],
    outcome: "fails (exit 1)",
    test: "embedded-policies.test.ts",
  },
  {
    id: "RC1-08",
    rootCause: 1,
    attempt: "Pulumi: a `transformations` callback adds `managedPolicyArns` and `inlinePolicies` (iam:PassRole on an admin role) to GovernedIdentity's role",
    gate: ["offline kit", "policy pack"],
    expected: [
      `NHI-GOV-002[ManagedPolicy::${S3_FULL}] @ *$aws:iam/role:Role::deployer-role`,
      "NHI-GOV-002[InlinePolicy::sneaky] @ *$aws:iam/role:Role::deployer-role",
      "NHI-GOV-005[Policy::AmazonS3FullAccess] @ *$aws:iam/role:Role::deployer-role",
      "NHI-GOV-006[Policy::AmazonS3FullAccess] @ *$aws:iam/role:Role::deployer-role",
      "NHI-GOV-021[Escalation::iam:PassRole] @ *$aws:iam/role:Role::deployer-role",
    ],
    outcome: "fails; mandatory violations",
    test: "pulumi-fronts.test.ts",
  },
  {
    id: "RC1-09",
    rootCause: 1,
    attempt: "Pulumi: a forged component registered with GovernedIdentity's type token and a valid spec, whose role matches the rendering plus `managedPolicyArns = [AdministratorAccess]`",
    gate: ["offline kit", "policy pack"],
    expected: ["NHI-GOV-002[ManagedPolicy::arn:aws:iam::aws:policy/AdministratorAccess] @ *::forged-role", "NHI-GOV-007[Policy::AdministratorAccess] @ *::forged-role"],
    outcome: "fails; mandatory violations",
    test: "pulumi-fronts.test.ts",
  },

  // Root cause 3: the governed credential leaks unseen.
  {
    id: "RC3-01",
    rootCause: 3,
    attempt: "A governed static-key user's `nhi/<name>` secret gets an `aws_secretsmanager_secret_policy` letting `Principal \"*\"` read it",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-002[Attachment::aws_secretsmanager_secret_policy.open] @ aws_secretsmanager_secret_policy.open", "NHI-GOV-023[Public::Everyone] @ aws_secretsmanager_secret_policy.open"],
    outcome: "fails (exit 1)",
    test: "secret-leaks.test.ts",
  },
  {
    id: "RC3-02",
    rootCause: 3,
    attempt: "The governed secret's own `policy` attribute lets everyone read it",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-002[ResourcePolicy::policy] @ aws_secretsmanager_secret.own_policy", "NHI-GOV-023[Public::Everyone] @ aws_secretsmanager_secret.own_policy"],
    outcome: "fails (exit 1)",
    test: "secret-leaks.test.ts",
  },
  {
    id: "RC3-03",
    rootCause: 3,
    attempt: "An `aws_ssm_parameter` (not an identity type), a root output (sensitive) and a module input hold the governed key's `aws_iam_access_key.<x>.secret`",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-014[Copy::aws_ssm_parameter.copy] @ aws_iam_access_key.key", "NHI-GOV-014[Copy::module.relay] @ aws_iam_access_key.key", "NHI-GOV-014[Copy::output.leak] @ aws_iam_access_key.key"],
    outcome: "fails (exit 1)",
    test: "secret-leaks.test.ts",
  },
  {
    id: "RC3-04",
    rootCause: 3,
    attempt: "A module's own access key leaves through a module output to a root output",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-014[Copy::output.relayed] @ module.keys.aws_iam_access_key.k", "NHI-GOV-014[Secret::plaintext-state] @ module.keys.aws_iam_access_key.k"],
    rules: ["NHI-GOV-014"],
    outcome: "fails (exit 1)",
    test: "secret-leaks.test.ts",
  },
  {
    id: "RC3-05",
    rootCause: 3,
    attempt: "CDKTF: a TerraformOutput of the key's secret through a TerraformLocal",
    gate: ["nhi-gate synth", "CDKTF aspect"],
    expected: ["NHI-GOV-014[Copy::output.leak] @ aws_iam_access_key.*", "NHI-GOV-014[Secret::plaintext-state] @ aws_iam_access_key.*"],
    rules: ["NHI-GOV-014"],
    outcome: "fails (exit 1); synth error",
    test: "secret-leaks.test.ts",
  },

  // Root cause 4: provenance matched by name.
  {
    id: "RC4-01",
    rootCause: 4,
    attempt: "An approved module source's subdirectory (`<approved>//modules/raw-role`) creates a raw role",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-001 @ module.raw.aws_iam_role.r"],
    outcome: "fails (exit 1)",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-02",
    rootCause: 4,
    attempt: "An approved GitHub source at a branch its entry does not pin (`github.com/acme/governed-identity//?ref=attacker-branch`)",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-001 @ module.branch.aws_iam_role.r"],
    outcome: "fails (exit 1)",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-03",
    rootCause: 4,
    attempt: "`approvedModuleSources: [\"…/governed-identity*\"]`, which would match `governed-identity-fork`",
    gate: ["gate config"],
    expected: ["exit 2: approvedModuleSources.0: \"governed-identity*\": a wildcard must be a whole path segment"],
    outcome: "refused (exit 2)",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-04",
    rootCause: 4,
    attempt: "An approved module's role whose nhi:seal does not match its properties",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-002[Seal::mismatch] @ module.id.aws_iam_role.r"],
    outcome: "fails (exit 1)",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-05",
    rootCause: 4,
    attempt: "CDKTF: a raw role inside an approved construct (approved in the config, and registered)",
    gate: ["CDKTF aspect"],
    expected: ["NHI-GOV-002[Approval::unsealed] @ aws_iam_role.team_helper_*"],
    outcome: "synth error",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-06",
    rootCause: 4,
    attempt: "CDKTF: a look-alike class named like a registered approved construct adds a policy attachment to a governed role",
    gate: ["CDKTF aspect"],
    expected: ["NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.team_admin_*] @ aws_iam_role_policy_attachment.team_admin_*", "NHI-GOV-007[Policy::AdministratorAccess] @ aws_iam_role_policy_attachment.team_admin_*"],
    outcome: "synth error",
    test: "provenance-by-name.test.ts",
  },
  {
    id: "RC4-07",
    rootCause: 4,
    attempt: "Pulumi: a component of an approved type token (which any code can declare) holding a raw role with every lifecycle tag and a boundary",
    gate: ["offline kit", "policy pack"],
    expected: ["NHI-GOV-002[Approval::unsealed] @ *::forged-role"],
    outcome: "fails; mandatory violations",
    test: "pulumi-fronts.test.ts",
  },
  {
    id: "RC4-08",
    rootCause: 4,
    attempt: "Pulumi: an aws-native role with `managedPolicyArns` and `policies` inside a component of an approved type token",
    gate: ["offline kit", "policy pack"],
    expected: ["NHI-GOV-002[Approval::unsealed] @ *::native-role", "NHI-GOV-007[Policy::AdministratorAccess] @ *::native-role"],
    outcome: "fails; mandatory violations",
    test: "pulumi-fronts.test.ts",
  },

  // Root cause 7: substance gaps.
  {
    id: "RC7-01",
    rootCause: 7,
    attempt: "A governed identity whose spec allows `secretsmanager:GetSecretValue` on `*`",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-020[SecretRead::secretsmanager] @ aws_iam_role_policy.read_secrets"],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-02",
    rootCause: 7,
    attempt: "`ssm:GetParameter*` on `arn:aws:ssm:*:*:parameter/*` (a read wildcard, only medium in NHI-GOV-005) and `kms:Decrypt` on `*`",
    gate: ["nhi-gate plan"],
    expected: [
      "NHI-GOV-005[Action::ssm:getparameter*] @ aws_iam_role_policy.read_parameters",
      "NHI-GOV-006[Action::kms:decrypt] @ aws_iam_role_policy.read_parameters",
      "NHI-GOV-020[SecretRead::kms] @ aws_iam_role_policy.read_parameters",
      "NHI-GOV-020[SecretRead::ssm] @ aws_iam_role_policy.read_parameters",
    ],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-03",
    rootCause: 7,
    attempt: "`iam:PassRole` on an admin role in one policy, `lambda:CreateFunction` and `lambda:InvokeFunction` in another, no wildcards",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-021[Escalation::iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction] @ aws_iam_role.split"],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-04",
    rootCause: 7,
    attempt: "`sts:AssumeRole` on a role in another account",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-021[Escalation::sts:AssumeRole] @ aws_iam_role.hop"],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-05",
    rootCause: 7,
    attempt: "`iam:CreatePolicyVersion`, `iam:AttachRolePolicy`, `iam:PutRolePolicy`, `iam:UpdateAssumeRolePolicy`, `iam:CreateAccessKey` on named ARNs",
    gate: ["nhi-gate plan"],
    expected: [
      "NHI-GOV-021[Escalation::iam:AttachRolePolicy] @ aws_iam_role.iam_writer",
      "NHI-GOV-021[Escalation::iam:CreateAccessKey] @ aws_iam_role.iam_writer",
      "NHI-GOV-021[Escalation::iam:CreatePolicyVersion] @ aws_iam_role.iam_writer",
      "NHI-GOV-021[Escalation::iam:PutRolePolicy] @ aws_iam_role.iam_writer",
      "NHI-GOV-021[Escalation::iam:UpdateAssumeRolePolicy] @ aws_iam_role.iam_writer",
    ],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-06",
    rootCause: 7,
    attempt: "A seal recomputed with the public algorithm over an own policy without the `DateLessThan aws:CurrentTime` condition",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-022[TimeBound::aws_iam_role_policy.forever] @ aws_iam_role.forever"],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
  {
    id: "RC7-07",
    rootCause: 7,
    attempt: "A recomputed seal over a policy bound to 2099, far past the identity's nhi:recertify-by plus the grace period",
    gate: ["nhi-gate plan"],
    expected: ["NHI-GOV-022[TimeBound::aws_iam_role_policy.late] @ aws_iam_role.late"],
    outcome: "fails (exit 1)",
    test: "substance.test.ts",
  },
];

export function bypass(id: string): BypassRow {
  const row = BYPASSES.find((b) => b.id === id);
  if (!row) throw new Error(`no bypass ${id} in test/bypass/catalogue.ts`);
  return row;
}

/**
 * The findings of a report on the row's addresses, each as the expected entry it matches
 * (`<finding id glob> @ <address glob>`), or as itself when it matches none; sorted.
 */
export function findingsFor(row: BypassRow, findings: Report["findings"]): string[] {
  const entries = row.expected.map((e) => ({ e, id: e.slice(0, e.indexOf(" @ ")), at: e.slice(e.indexOf(" @ ") + 3) }));
  const out: string[] = [];
  for (const f of findings) {
    if (f.exemptedBy || (row.rules && !row.rules.includes(f.ruleId))) continue;
    const on = entries.filter((x) => globMatch(x.at, f.address));
    if (!on.length) continue;
    const hit = on.find((x) => globMatch(x.id, f.findingId));
    out.push(hit ? hit.e : `${f.findingId} @ ${on[0].at}`);
  }
  return out.sort();
}

/** Assert a report has exactly the row's expected findings on the row's addresses (and fails). */
export function expectBypass(id: string, report: Pick<Report, "findings" | "passed">): void {
  const row = bypass(id);
  expect([id, findingsFor(row, report.findings)]).toEqual([id, [...row.expected].sort()]);
  expect([id, report.passed]).toEqual([id, false]);
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The catalogue as the Markdown table docs/security.md carries. */
export function catalogueMarkdown(): string {
  const lines = ["| id | attempt | gate | expected | outcome | test |", "| --- | --- | --- | --- | --- | --- |"];
  for (const b of BYPASSES) {
    const expected = b.expected.map((e) => `\`${cell(e)}\``).join("<br>") + (b.rules ? ` (${b.rules.join(", ")} findings)` : "");
    lines.push(`| ${b.id} | ${cell(b.attempt)} | ${b.gate.join(", ")} | ${expected} | ${b.outcome} | [${b.test}](https://github.com/nhi-governance/nhi-governance/blob/main/test/bypass/${b.test}) |`);
  }
  return lines.join("\n");
}

/** Assert a refusal row: exit 2 and one stderr line containing the row's expected text. */
export function expectRefusal(id: string, run: { code: number; stderr: string }): void {
  const row = bypass(id);
  const text = row.expected[0].replace(/^exit 2: /, "");
  expect([id, run.code]).toEqual([id, 2]);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).toContain(text);
}
