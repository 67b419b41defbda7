import { FieldIssue } from "../spec/identity";
import { RenderedIdentity } from "./aws";

/*
 * Adoption: a GovernedIdentity that takes over existing AWS resources instead of creating new
 * ones (`nhi-gate adopt` writes the ids). The front ends turn the ids into imports (CDKTF
 * `importFrom`, which synthesizes a Terraform `import` block; Pulumi's `import` resource option),
 * so the first plan reads the existing principal and updates it in place: its name and path are
 * the spec's (both are kept by `nhi-gate adopt`), so nothing forces a replacement.
 *
 * With `exclusive` (the default), the identity's one policy becomes the principal's only inline
 * policy and no managed policy stays attached: `aws_iam_{role,user}_policies_exclusive` and
 * `aws_iam_{role,user}_policy_attachments_exclusive` remove, on apply, the inline policies and
 * attachments the spec's access now reproduces. Without them the old grants would stay on the
 * principal beside the sealed policy, never lapse and never be seen by the seal.
 */

/** Existing resources a governed identity takes over (the same fields in every front end). */
export interface AdoptSpec {
  /** Name of the existing IAM role (or, for `static-key`, IAM user): the spec's `name`. */
  readonly principal: string;
  /** Import id of an existing inline policy named as the identity's policy (`<name>:<name>-access`). */
  readonly policy?: string;
  /** Id of the user's existing access key (`static-key`), e.g. `AKIAIOSFODNN7EXAMPLE`. */
  readonly accessKey?: string;
  /** ARN of the existing Secrets Manager secret `nhi/<name>` (`static-key`, `managed-secret`). */
  readonly secret?: string;
  /** Remove the principal's other inline policies and managed policy attachments on apply. */
  readonly exclusive?: boolean;
}

/** What a front end creates from an AdoptSpec: import ids per resource, and whether to add the exclusive resources. */
export interface AdoptionWiring {
  principal: string;
  policy?: string;
  accessKey?: string;
  secret?: string;
  exclusive: boolean;
}

const ACCESS_KEY_ID = /^(AKIA|ASIA|AIDA|ABIA|ACCA)[A-Z0-9]{12,124}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/** Problems of an AdoptSpec against what the spec renders (field paths under `adopt.`). */
export function adoptIssues(adopt: unknown, rendered: RenderedIdentity): FieldIssue[] {
  if (adopt === undefined) return [];
  const issues: FieldIssue[] = [];
  const got = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
  if (adopt === null || typeof adopt !== "object" || Array.isArray(adopt)) {
    return [{ path: "adopt", received: got(adopt), message: "expected { principal, policy?, accessKey?, secret?, exclusive? }; fix: pass the ids nhi-gate adopt wrote, or remove adopt" }];
  }
  const a = adopt as Record<string, unknown>;
  const p = rendered.principal;
  const known = ["principal", "policy", "accessKey", "secret", "exclusive"];
  const unknown = Object.keys(a).filter((k) => !known.includes(k) && a[k] !== undefined);
  if (unknown.length) issues.push({ path: "adopt", message: `unknown field(s) ${unknown.join(", ")}; fix: remove them or check their spelling (${known.join(", ")})` });
  if (a.principal !== p.name) {
    issues.push({
      path: "adopt.principal",
      received: got(a.principal),
      message: `expected the name of the existing IAM ${p.type}, which must be the spec's name (${JSON.stringify(p.name)}): a different name would create a new ${p.type}; fix: set name to the existing ${p.type}'s name`,
    });
  }
  const policyId = `${p.name}:${rendered.policy.name}`;
  if (a.policy !== undefined && a.policy !== policyId) {
    issues.push({
      path: "adopt.policy",
      received: got(a.policy),
      message: `expected ${JSON.stringify(policyId)}: only an existing inline policy named as the identity's policy can be imported as it (its name cannot change without replacing it); fix: remove adopt.policy (the others are replaced by the spec's access)`,
    });
  }
  const cred = rendered.credential.type;
  if (a.accessKey !== undefined && (cred !== "access-key" || typeof a.accessKey !== "string" || !ACCESS_KEY_ID.test(a.accessKey))) {
    issues.push({
      path: "adopt.accessKey",
      received: got(a.accessKey),
      message: cred !== "access-key" ? `expected no access key: the credential is ${rendered.principal.tags["nhi:credential"]}, which renders none; fix: remove adopt.accessKey` : "expected an access key id such as AKIAIOSFODNN7EXAMPLE; fix: give the id of the user's existing key",
    });
  }
  if (a.secret !== undefined && (!(cred === "access-key" || cred === "managed-secret") || typeof a.secret !== "string" || !SECRET_ARN.test(a.secret))) {
    issues.push({
      path: "adopt.secret",
      received: got(a.secret),
      message: cred === "access-key" || cred === "managed-secret" ? "expected the ARN of the existing secret (arn:aws:secretsmanager:<region>:<account>:secret:nhi/<name>-<suffix>); fix: give its full ARN" : "expected no secret: the credential renders none; fix: remove adopt.secret",
    });
  }
  if (a.exclusive !== undefined && typeof a.exclusive !== "boolean") issues.push({ path: "adopt.exclusive", received: got(a.exclusive), message: "expected true or false; fix: remove it (true is the default)" });
  return issues;
}

/** The wiring of a valid AdoptSpec (call adoptIssues first). */
export function adoptionWiring(adopt: AdoptSpec | undefined): AdoptionWiring | undefined {
  if (!adopt) return undefined;
  const out: AdoptionWiring = { principal: adopt.principal, exclusive: adopt.exclusive ?? true };
  if (adopt.policy !== undefined) out.policy = adopt.policy;
  if (adopt.accessKey !== undefined) out.accessKey = adopt.accessKey;
  if (adopt.secret !== undefined) out.secret = adopt.secret;
  return out;
}

/** Terraform types of the exclusive resources, by principal type. */
export const EXCLUSIVE_TYPES = {
  role: { policies: "aws_iam_role_policies_exclusive", attachments: "aws_iam_role_policy_attachments_exclusive", principalProp: "role_name" },
  user: { policies: "aws_iam_user_policies_exclusive", attachments: "aws_iam_user_policy_attachments_exclusive", principalProp: "user_name" },
} as const;
