// Generated from constructs/cdktf/provider.ts by scripts/gen-cdktn.js (npm run gen:cdktn): do not edit.
/**
 * The one module that touches provider classes: maps a RenderedIdentity (src/render/aws.ts)
 * onto `@cdktf/provider-aws` and `@cdktf/provider-time` resources. `@cdktf/provider-time` is an
 * optional peer: it is loaded only when a static-key identity needs `time_rotating`. A new provider major version
 * is a change here (and the `cdktf` core imports in governed-identity.ts and governance.ts),
 * nothing else. constructs/cdktn (CDK Terrain) is generated from this directory by
 * scripts/gen-cdktn.js: the same code with the imports moved to `cdktn` and `@cdktn/provider-aws`.
 *
 * Deep imports only: the package root of @cdktf/provider-aws loads every resource class
 * (seconds and hundreds of MB).
 *
 * Every sealed field is a literal known at plan time (names, path, tags, the trust policy and
 * the policy document as JSON strings, the boundary, the session duration), so a gate can
 * recompute the seal from the synthesized JSON or the plan. The only references are the
 * owner links (`role`, `user`, `secret_id`), which the gates follow as `${aws_iam_role.x.name}`.
 */
import { Construct } from "constructs";
import { Fn, TerraformProvider, TerraformResource, TerraformStack } from "cdktn";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role";
import { IamUser } from "@cdktn/provider-aws/lib/iam-user";
import { IamRolePolicy } from "@cdktn/provider-aws/lib/iam-role-policy";
import { IamUserPolicy } from "@cdktn/provider-aws/lib/iam-user-policy";
import { IamAccessKey } from "@cdktn/provider-aws/lib/iam-access-key";
import { IamRolePoliciesExclusive } from "@cdktn/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicyAttachmentsExclusive } from "@cdktn/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { IamUserPoliciesExclusive } from "@cdktn/provider-aws/lib/iam-user-policies-exclusive";
import { IamUserPolicyAttachmentsExclusive } from "@cdktn/provider-aws/lib/iam-user-policy-attachments-exclusive";
import { SecretsmanagerSecret } from "@cdktn/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktn/provider-aws/lib/secretsmanager-secret-version";
import { SecretsmanagerSecretRotation } from "@cdktn/provider-aws/lib/secretsmanager-secret-rotation";
import { SchedulerSchedule } from "@cdktn/provider-aws/lib/scheduler-schedule";
import { OrganizationsPolicy } from "@cdktn/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktn/provider-aws/lib/organizations-policy-attachment";
import { IamPolicy } from "@cdktn/provider-aws/lib/iam-policy";
import { RenderedIdentity } from "../../src/render/aws";
import { GeneratedPolicy } from "../../src/guardrail/policy";
import { AdoptionWiring } from "../../src/render/adopt";

export interface IdentityResources {
  principal: IamRole | IamUser;
  policy: IamRolePolicy | IamUserPolicy;
  secret?: SecretsmanagerSecret;
  secretRotation?: SecretsmanagerSecretRotation;
  /** The `time_rotating` resource that replaces a static key (`@cdktf/provider-time`'s `Rotating`). */
  rotation?: TerraformResource;
  accessKey?: IamAccessKey;
  secretVersion?: SecretsmanagerSecretVersion;
  reminder?: SchedulerSchedule;
  /** Adopted identities (`adopt.exclusive`): the principal keeps only its own inline policy. */
  policiesExclusive?: IamRolePoliciesExclusive | IamUserPoliciesExclusive;
  /** Adopted identities (`adopt.exclusive`): the principal keeps no managed policy attachment. */
  attachmentsExclusive?: IamRolePolicyAttachmentsExclusive | IamUserPolicyAttachmentsExclusive;
}

export interface MappingOptions {
  /** Role EventBridge Scheduler assumes to publish the reminder to SNS (needed with a reminder). */
  reminderRoleArn?: string;
  /** Existing resources to import instead of creating them (`adopt`). */
  adopt?: AdoptionWiring;
}

/** Terraform resource types this module creates, by what they are for. */
export const MAPPED_TYPES = {
  role: IamRole.tfResourceType,
  user: IamUser.tfResourceType,
  rolePolicy: IamRolePolicy.tfResourceType,
  userPolicy: IamUserPolicy.tfResourceType,
  accessKey: IamAccessKey.tfResourceType,
  secret: SecretsmanagerSecret.tfResourceType,
  secretVersion: SecretsmanagerSecretVersion.tfResourceType,
  secretRotation: SecretsmanagerSecretRotation.tfResourceType,
  schedule: SchedulerSchedule.tfResourceType,
  rotating: "time_rotating",
  rolePoliciesExclusive: IamRolePoliciesExclusive.tfResourceType,
  rolePolicyAttachmentsExclusive: IamRolePolicyAttachmentsExclusive.tfResourceType,
  userPoliciesExclusive: IamUserPoliciesExclusive.tfResourceType,
  userPolicyAttachmentsExclusive: IamUserPolicyAttachmentsExclusive.tfResourceType,
} as const;

/** Create the resources of one governed identity under `scope`. */
export function createIdentityResources(scope: Construct, r: RenderedIdentity, options: MappingOptions = {}): IdentityResources {
  const p = r.principal;
  const adopt = options.adopt;
  let out: IdentityResources;
  if (p.type === "role") {
    const role = new IamRole(scope, "role", {
      name: p.name,
      path: p.path,
      assumeRolePolicy: p.assumeRolePolicyJson as string,
      permissionsBoundary: p.permissionsBoundary,
      maxSessionDuration: p.maxSessionDuration,
      tags: { ...p.tags },
      // An adopted role keeps its description (not part of the spec, not sealed).
      ...(adopt ? { lifecycle: { ignoreChanges: ["description"] } } : {}),
    });
    const policy = new IamRolePolicy(scope, "policy", { name: r.policy.name, role: role.name, policy: r.policy.json });
    out = { principal: role, policy };
    if (adopt?.exclusive) {
      // The policy name is a literal (known at plan time, checked by the gates); depends_on applies it first.
      out.policiesExclusive = new IamRolePoliciesExclusive(scope, "policies-exclusive", { roleName: role.name, policyNames: [r.policy.name], dependsOn: [policy] });
      out.attachmentsExclusive = new IamRolePolicyAttachmentsExclusive(scope, "attachments-exclusive", { roleName: role.name, policyArns: [], dependsOn: [policy] });
    }
  } else {
    const user = new IamUser(scope, "user", { name: p.name, path: p.path, permissionsBoundary: p.permissionsBoundary, tags: { ...p.tags } });
    const policy = new IamUserPolicy(scope, "policy", { name: r.policy.name, user: user.name, policy: r.policy.json });
    out = { principal: user, policy };
    if (adopt?.exclusive) {
      out.policiesExclusive = new IamUserPoliciesExclusive(scope, "policies-exclusive", { userName: user.name, policyNames: [r.policy.name], dependsOn: [policy] });
      out.attachmentsExclusive = new IamUserPolicyAttachmentsExclusive(scope, "attachments-exclusive", { userName: user.name, policyArns: [], dependsOn: [policy] });
    }
  }
  if (adopt) {
    out.principal.importFrom(adopt.principal);
    if (adopt.policy) out.policy.importFrom(adopt.policy);
  }

  const c = r.credential;
  if (c.type === "managed-secret") {
    out.secret = new SecretsmanagerSecret(scope, "secret", { name: c.secretName, tags: { ...p.tags } });
    out.secretRotation = new SecretsmanagerSecretRotation(scope, "secret-rotation", {
      secretId: out.secret.id,
      rotationLambdaArn: c.rotationLambdaArn,
      rotationRules: { automaticallyAfterDays: c.rotationDays },
    });
  } else if (c.type === "access-key") {
    /*
     * The key is replaced when time_rotating is replaced. Known cases where it does NOT rotate
     * (see docs/cdktf.md): time_rotating only rotates when a plan/apply runs after its
     * rotation_rfc3339, so a stack nobody applies keeps its key (the gate's TTL rules and the
     * nhi:ttl tag catch that); changing rotation_days does not move an existing rotation time
     * until the next rotation; removing the resource from state (or importing it) resets the
     * clock. No pgp_key: the secret goes straight to Secrets Manager, never to an output, but
     * it is in Terraform state: keep state encrypted and access-controlled.
     */
    const time = timeProviderClasses(scope);
    ensureTimeProvider(scope, time.TimeProvider);
    out.rotation = new time.Rotating(scope, "key-rotation", { rotationDays: c.rotationDays });
    // The trigger is the bare address: cdktf renders a resource given here as "${time_rotating.x}",
    // which Terraform refuses in replace_triggered_by ("Invalid character"; hashicorp/terraform-cdk#3196).
    out.accessKey = new IamAccessKey(scope, "access-key", { user: (out.principal as IamUser).name, lifecycle: { replaceTriggeredBy: [`${MAPPED_TYPES.rotating}.${out.rotation.friendlyUniqueId}`] } });
    out.secret = new SecretsmanagerSecret(scope, "secret", { name: c.secretName, tags: { ...p.tags } });
    out.secretVersion = new SecretsmanagerSecretVersion(scope, "secret-version", {
      secretId: out.secret.id,
      secretString: Fn.jsonencode({ access_key_id: out.accessKey.id, secret_access_key: out.accessKey.secret }),
    });
  }

  if (adopt?.accessKey && out.accessKey) out.accessKey.importFrom(adopt.accessKey);
  if (adopt?.secret && out.secret) out.secret.importFrom(adopt.secret);

  if (r.reminder) {
    if (!options.reminderRoleArn) throw new Error("reminderRoleArn is required with recertificationReminder");
    out.reminder = new SchedulerSchedule(scope, "recertification-reminder", {
      name: r.reminder.name,
      scheduleExpression: `at(${r.reminder.at})`,
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: { arn: r.reminder.snsTopicArn, roleArn: options.reminderRoleArn, input: r.reminder.message },
    });
  }
  return out;
}

/** Bring the sealed properties up to date after the spec changed (addToPolicy, grantAssume). */
export function applyRendered(res: IdentityResources, r: RenderedIdentity): void {
  const p = r.principal;
  res.principal.tags = { ...p.tags };
  if (res.principal instanceof IamRole) res.principal.assumeRolePolicy = p.assumeRolePolicyJson as string;
  res.policy.policy = r.policy.json;
  if (res.secret) res.secret.tags = { ...p.tags };
}

interface TimeProviderClasses {
  Rotating: new (scope: Construct, id: string, config: { rotationDays: number }) => TerraformResource;
  TimeProvider: new (scope: Construct, id: string) => TerraformProvider;
}

/**
 * The hashicorp/time bindings, loaded on first use: only a static-key identity needs them, so a
 * stack without one works without the optional peer @cdktf/provider-time installed.
 */
let timeClasses: TimeProviderClasses | undefined;
function timeProviderClasses(scope: Construct): TimeProviderClasses {
  if (timeClasses) return timeClasses;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { Rotating } = require("./time-provider");
    const { TimeProvider } = require("./time-provider");
    /* eslint-enable @typescript-eslint/no-require-imports */
    return (timeClasses = { Rotating, TimeProvider });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== "MODULE_NOT_FOUND" || !/provider-time/.test(err.message)) throw e;
    throw new Error(
      `${scope.node.path}: a static-key GovernedIdentity rotates its access key through time_rotating (the hashicorp/time provider), and its CDKTF bindings are not installed: got no @cdktf/provider-time; expected it beside cdktf; fix: npm install @cdktf/provider-time (an optional peer of nhi-governance, >= 11 for cdktf 0.21), or choose a credential without a static key (federated, ephemeral, managed-secret)`,
    );
  }
}

/** The id of the time provider added for time_rotating when the stack has none. */
export const TIME_PROVIDER_ID = "nhi-governance-time";

const isDefaultTimeProvider = (n: unknown) =>
  TerraformProvider.isTerraformProvider(n) && (n as TerraformProvider).terraformResourceType === "time" && !(n as TerraformProvider).alias;

/** Per stack, the time provider ensureTimeProvider found or added. */
const timeProviders = new WeakMap<TerraformStack, Construct>();

/** Whether `c` is still in the construct tree under `stack` (not removed with tryRemoveChild). */
function isAttached(c: Construct, stack: Construct): boolean {
  for (let cur = c; cur !== stack; ) {
    const parent = cur.node.scope;
    if (!parent || parent.node.tryFindChild(cur.node.id) !== cur) return false;
    cur = parent;
  }
  return true;
}

/**
 * time_rotating needs a `time` provider in the stack (cdktf validates it). Add one, once per
 * stack, unless the stack already has one; if the stack gets its own later, synth says so.
 */
function ensureTimeProvider(scope: Construct, TimeProvider: TimeProviderClasses["TimeProvider"]): void {
  const stack = TerraformStack.of(scope);
  // The provider found last time, if it is still in the tree: no walk over the whole stack for
  // every static-key identity (that made N identities cost N^2).
  const known = timeProviders.get(stack);
  if (known && isAttached(known, stack) && (isDefaultTimeProvider(known) || stack.node.tryFindChild(TIME_PROVIDER_ID) === known)) return;
  const found = stack.node.tryFindChild(TIME_PROVIDER_ID) ?? stack.node.findAll().find(isDefaultTimeProvider);
  if (found) {
    timeProviders.set(stack, found);
    return;
  }
  const ours = new TimeProvider(stack, TIME_PROVIDER_ID);
  timeProviders.set(stack, ours);
  const validation = {
    validate: () => {
      const others = stack.node.findAll().filter((n) => n !== ours && isDefaultTimeProvider(n));
      return others.length
        ? [`GovernedIdentity added a time provider (${ours.node.path}) for time_rotating, and ${others.map((o) => o.node.path).join(", ")} configures another one: create your TimeProvider before the first static-key GovernedIdentity so it is reused`]
        : [];
    },
  };
  READ_ONLY_VALIDATIONS.add(validation);
  ours.node.addValidation(validation);
}

/** Validations this package adds that only read the construct tree (NhiGovernance may hand the judged JSON to the synthesizer past them). */
export const READ_ONLY_VALIDATIONS = new WeakSet<object>();

// ---- GovernancePerimeter (the cloud-side guardrail, governance-perimeter.ts) ----

/** The resources of a GovernancePerimeter. */
export interface PerimeterResources {
  /** The SCPs (one, or the parts of a split guardrail). */
  policies: OrganizationsPolicy[];
  /** One attachment per SCP and target. */
  attachments: OrganizationsPolicyAttachment[];
  /** The permissions boundary policy (format `boundary`). */
  boundary?: IamPolicy;
}

/** Terraform resource types GovernancePerimeter creates. */
export const PERIMETER_TYPES = {
  policy: OrganizationsPolicy.tfResourceType,
  attachment: OrganizationsPolicyAttachment.tfResourceType,
  boundary: IamPolicy.tfResourceType,
} as const;

/**
 * Map the generated guardrail onto resources: each SCP as `aws_organizations_policy` (content
 * the compact JSON, as AWS counts it) with an `aws_organizations_policy_attachment` per target,
 * or the boundary as `aws_iam_policy`. Construct ids are stable: `scp`, `scp-2`, ... and the
 * target id (or its position, when the id is a reference).
 */
export function createPerimeterResources(
  scope: Construct,
  policies: GeneratedPolicy[],
  options: { targets: { id: string; key: string }[]; path?: string; tags?: Record<string, string> },
): PerimeterResources {
  const out: PerimeterResources = { policies: [], attachments: [] };
  for (const [i, p] of policies.entries()) {
    if (p.format === "boundary") {
      out.boundary = new IamPolicy(scope, "boundary", { name: p.name, path: options.path, description: p.description, policy: p.json, tags: options.tags && { ...options.tags } });
      continue;
    }
    const id = i === 0 ? "scp" : `scp-${i + 1}`;
    const policy = new OrganizationsPolicy(scope, id, { name: p.name, description: p.description, type: "SERVICE_CONTROL_POLICY", content: p.json, tags: options.tags && { ...options.tags } });
    out.policies.push(policy);
    for (const t of options.targets) out.attachments.push(new OrganizationsPolicyAttachment(scope, `${id}-${t.key}`, { policyId: policy.id, targetId: t.id }));
  }
  return out;
}
