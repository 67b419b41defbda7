/** HCL for the real-Terraform bypass tests: GovernedIdentity's rendering written out by hand, as a copier would. */
import { computeSeal } from "../../src/render/seal";
import { RenderedIdentity } from "../../src/render/aws";
import { TAG } from "../../src/spec/tags";

const q = (s: string) => JSON.stringify(s); // HCL string literals accept JSON's escapes (no ${ here)
const heredoc = (json: string) => `<<-EOT\n    ${json}\n  EOT`;
const tagsHcl = (tags: Record<string, string>) => `{\n${Object.entries(tags).map(([k, v]) => `    ${q(k)} = ${q(v)}`).join("\n")}\n  }`;

export interface RoleHclOptions {
  /** Extra lines inside the role block (managed_policy_arns, inline_policy, ...). */
  extra?: string;
  /** The own policy's document instead of the rendered one; the seal is recomputed over it (a forger's move). */
  policyJson?: string;
}

/** An `aws_iam_role` and its `aws_iam_role_policy` exactly as GovernedIdentity renders them (seal included), as HCL. */
export function governedRoleHcl(tfName: string, r: RenderedIdentity, options: RoleHclOptions = {}): string {
  const p = r.principal;
  if (p.type !== "role") throw new Error("governedRoleHcl renders roles");
  const policyJson = options.policyJson ?? r.policy.json;
  const tags = { ...p.tags };
  if (options.policyJson) {
    tags[TAG.seal] = computeSeal({
      principalType: "role",
      name: p.name,
      path: p.path,
      tags,
      trustPolicy: p.assumeRolePolicyJson,
      permissionsBoundary: p.permissionsBoundary,
      maxSessionDuration: p.maxSessionDuration ?? null,
      policies: [policyJson],
    });
  }
  return `
resource "aws_iam_role" ${q(tfName)} {
  name                 = ${q(p.name)}
  path                 = ${q(p.path)}
  assume_role_policy   = ${heredoc(p.assumeRolePolicyJson as string)}
  permissions_boundary = ${q(p.permissionsBoundary)}
  max_session_duration = ${p.maxSessionDuration}
  tags = ${tagsHcl(tags)}
${options.extra ?? ""}
}

resource "aws_iam_role_policy" ${q(tfName)} {
  name   = ${q(r.policy.name)}
  role   = aws_iam_role.${tfName}.name
  policy = ${heredoc(policyJson)}
}
`;
}

/** A governed static-key user, its policy, key, secret and secret version, as GovernedIdentity renders them. */
export function governedUserHcl(tfName: string, r: RenderedIdentity, secretExtra = ""): string {
  const p = r.principal;
  if (p.type !== "user" || r.credential.type !== "access-key") throw new Error("governedUserHcl renders static-key users");
  return `
resource "aws_iam_user" ${q(tfName)} {
  name                 = ${q(p.name)}
  path                 = ${q(p.path)}
  permissions_boundary = ${q(p.permissionsBoundary)}
  tags = ${tagsHcl(p.tags)}
}

resource "aws_iam_user_policy" ${q(tfName)} {
  name   = ${q(r.policy.name)}
  user   = aws_iam_user.${tfName}.name
  policy = ${heredoc(r.policy.json)}
}

resource "aws_iam_access_key" ${q(tfName)} {
  user = aws_iam_user.${tfName}.name
}

resource "aws_secretsmanager_secret" ${q(tfName)} {
  name = ${q(r.credential.secretName)}
  tags = ${tagsHcl(p.tags)}
${secretExtra}
}

resource "aws_secretsmanager_secret_version" ${q(tfName)} {
  secret_id     = aws_secretsmanager_secret.${tfName}.id
  secret_string = jsonencode({ access_key_id = aws_iam_access_key.${tfName}.id, secret_access_key = aws_iam_access_key.${tfName}.secret })
}
`;
}

export const jsonHcl = (doc: unknown) => heredoc(JSON.stringify(doc));
