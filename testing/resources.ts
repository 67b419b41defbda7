import { catalogById } from "../src/catalog";
import { ChangeAction, IdentityResource, Origin } from "../src/engine/model";
import { RenderedIdentity } from "../src/render/aws";

/** Build a normalized resource for tests and tools: `resource("aws_iam_role", "aws_iam_role.x", { name: "x" })`. */
export function resource(type: string, address: string, props: Record<string, unknown>, extra: Partial<Omit<IdentityResource, "entry" | "props" | "address">> = {}): IdentityResource {
  const entry = catalogById(type);
  if (!entry) throw new Error(`not a catalog type: ${type}`);
  return {
    address,
    nativeType: type,
    entry,
    action: "create" as ChangeAction,
    props,
    unknownPaths: [],
    sensitivePaths: [],
    origin: { source: "terraform-plan" } as Origin,
    ...extra,
  };
}

/**
 * The Terraform-shaped resources a GovernedIdentity renders (principal, its policy, its
 * credential resources), as a plan of them would show: what the gates should find governed.
 */
export function renderedResources(rendered: RenderedIdentity, prefix = "gov", extra: Partial<IdentityResource> = {}): IdentityResource[] {
  const p = rendered.principal;
  const out: IdentityResource[] = [];
  const principalAddress = `aws_iam_${p.type}.${prefix}`;
  const principalProps: Record<string, unknown> = { name: p.name, path: p.path, tags: { ...p.tags }, permissions_boundary: p.permissionsBoundary };
  if (p.type === "role") {
    principalProps.assume_role_policy = JSON.stringify(p.assumeRolePolicy);
    principalProps.max_session_duration = p.maxSessionDuration;
  }
  out.push(resource(`aws_iam_${p.type}`, principalAddress, principalProps, extra));
  out.push(
    resource(`aws_iam_${p.type}_policy`, `aws_iam_${p.type}_policy.${prefix}`, { name: rendered.policy.name, [p.type]: p.name, policy: JSON.stringify(rendered.policy.document) }, { propRefs: { [p.type]: [`${principalAddress}.name`] }, ...extra }),
  );
  const c = rendered.credential;
  if (c.type === "managed-secret" || c.type === "access-key") {
    out.push(resource("aws_secretsmanager_secret", `aws_secretsmanager_secret.${prefix}`, { name: c.secretName, tags: { ...p.tags } }, extra));
  }
  if (c.type === "access-key") {
    out.push(resource("aws_iam_access_key", `aws_iam_access_key.${prefix}`, { user: p.name }, { propRefs: { user: [`${principalAddress}.name`] }, unknownPaths: ["secret", "id"], ...extra }));
    out.push(
      resource("aws_secretsmanager_secret_version", `aws_secretsmanager_secret_version.${prefix}`, {}, { propRefs: { secret_id: [`aws_secretsmanager_secret.${prefix}.id`], secret_string: [`aws_iam_access_key.${prefix}.id`, `aws_iam_access_key.${prefix}.secret`] }, unknownPaths: ["secret_id", "secret_string"], ...extra }),
    );
  }
  return out;
}
