import { GateConfig } from "../spec/config";
import { Clock, addDays, isoDate } from "../engine/clock";
import { EvaluationInput, IdentityResource, isUnknownAt } from "../engine/model";
import { ResourceGraph } from "../engine/graph";
import { resolveProvenance } from "../engine/provenance";
import { tagsOf } from "../engine/props";
import { ownerProblem } from "../spec/owner";
import { durationSeconds } from "../spec/duration";
import { AWS_TAG_CHARS, tagProblem, TAG } from "../spec/tags";
import { AdoptSpec } from "../render/adopt";
import { policyName, secretName } from "../render/aws";
import { accountOf } from "../rules/support";
import { accessOf, AccessStatement, Grant, placeholder, valuesOf } from "./access";
import { compact } from "./document";
import { mapTrust, TrustInput } from "./trust";

/*
 * From the engine's model (a Terraform plan or state, a Pulumi stack export, a discovery
 * snapshot: whatever the gates read) to one governed declaration per ungoverned AWS role or
 * user: the spec that reproduces it, the import ids that take it over, and what is left for a
 * person. What cannot be derived (owner, purpose, system of record, retirement, workload) is a
 * `TODO:` placeholder, which spec validation rejects until someone fills it in.
 */

/** One governed declaration to write. */
export interface AdoptedIdentity {
  /** The construct id / Pulumi resource name: the IAM name (suffixed when a role and a user share it). */
  id: string;
  /** IAM role or user. */
  type: "role" | "user";
  /** Where the input has it (Terraform address, Pulumi URN). */
  address: string;
  /** The input file. */
  file?: string;
  /** Whether it exists already (a state, an export, a plan's unchanged or updated resource): then it is imported. */
  exists: boolean;
  /** The spec input, fields in the spec's order, with `TODO:` placeholders. */
  spec: Record<string, unknown>;
  /** Comment lines by dotted spec path (`owner`, `access.2`, `trust`). */
  comments: Record<string, string[]>;
  /** Import ids (existing identities only). */
  adopt?: AdoptSpec;
  /** Lines above the declaration: what it takes over, what it replaces, what is left. */
  notes: string[];
  /** Problems a person must solve before it validates or applies (one line each). */
  problems: string[];
  /** Dotted spec paths holding a placeholder. */
  todo: string[];
  /** Existing grants the spec's access reproduces; with `adopt.exclusive` they are removed on apply. */
  superseded: Grant[];
  /** Input addresses this declaration takes over or supersedes (for the old configuration to forget). */
  takesOver: string[];
}

export interface Skipped {
  address: string;
  reason: string;
}

export interface Adoption {
  identities: AdoptedIdentity[];
  /** Principals not adopted, and why (already governed, not an AWS role or user, name unknown). */
  skipped: Skipped[];
  sources: string[];
  /** Which tool the input came from (Terraform, Pulumi), for what the old configuration must forget. */
  tools: ("terraform" | "pulumi" | "other")[];
}

export interface AdoptOptions {
  config: GateConfig;
  clock: Clock;
}

/** IAM allows this many characters (whitespace not counted) in a principal's inline policies together. */
export const INLINE_POLICY_LIMIT = { role: 10_240, user: 2_048 } as const;

const OWNER_TAG = /owner|team|squad|maintainer|contact|responsible|steward|created[-_ ]?by|department|business[-_ ]?unit/i;
const PURPOSE_TAG = /^(description|purpose|usage|use|app|application|service|project|name)$/i;
const RECORD_TAG = /ticket|jira|cmdb|record|request|change|issue/i;
const ENV_TAG = /^(env|environment|stage|tier)$/i;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function principalType(r: IdentityResource): "role" | "user" | undefined {
  return r.entry.id === "aws_iam_role" ? "role" : r.entry.id === "aws_iam_user" ? "user" : undefined;
}

/** A principal's IAM name when it is known, else why not. */
function nameOf(r: IdentityResource): { name: string } | { reason: string } {
  const v = valuesOf(r).name;
  if (isUnknownAt(r, "name") || typeof v !== "string" || v === "") return { reason: "its name is unknown until apply (name_prefix, or computed): adopt it from the state after apply" };
  return { name: v };
}

/** Whether the principal exists already (it is imported) or is only planned (it is declared, not imported). */
function exists(r: IdentityResource): boolean {
  if (r.origin.source === "terraform-plan") return r.action !== "create" || (r.before !== null && r.before !== undefined);
  return r.origin.source !== "cdktf-synth" && r.origin.source !== "cdktf-aspect";
}

const seconds = (n: number) => (n % 3600 === 0 ? `PT${n / 3600}H` : n % 60 === 0 ? `PT${n / 60}M` : `PT${n}S`);

/** Every ungoverned AWS role and user of the input, as a governed declaration. */
export function deriveAdoptions(input: EvaluationInput, options: AdoptOptions): Adoption {
  const { config, clock } = options;
  const graph = new ResourceGraph(input.resources);
  const provenance = resolveProvenance(graph, input.components ?? [], config);
  const identities: AdoptedIdentity[] = [];
  const skipped: Skipped[] = [];
  for (const r of input.resources) {
    if (r.entry.kind !== "principal") continue;
    const type = principalType(r);
    const p = provenance.get(r.address);
    if (r.action === "delete") continue;
    if (p?.status === "governed") {
      skipped.push({ address: r.address, reason: `already governed (${p.reason})` });
      continue;
    }
    if (!type) {
      skipped.push({ address: r.address, reason: `${r.entry.description}: nhi-gate adopt writes GovernedIdentity declarations for AWS IAM roles and users (aws_iam_role, aws_iam_user)` });
      continue;
    }
    const named = nameOf(r);
    if ("reason" in named) {
      skipped.push({ address: r.address, reason: named.reason });
      continue;
    }
    identities.push(adoptOne(r, type, named.name, graph, config, clock));
  }
  // Construct ids: the IAM name; a role and a user may share one.
  identities.sort((a, b) => cmp(String(a.spec.name), String(b.spec.name)) || cmp(a.type, b.type) || cmp(a.address, b.address));
  const byName = new Map<string, AdoptedIdentity[]>();
  for (const i of identities) byName.set(i.id, [...(byName.get(i.id) ?? []), i]);
  for (const [, same] of byName) if (same.length > 1) same.forEach((i, n) => (i.id = `${i.id}-${i.type}${same.filter((s) => s.type === i.type).length > 1 ? `-${n + 1}` : ""}`));
  skipped.sort((a, b) => cmp(a.address, b.address));
  const tools = [...new Set(input.resources.map((r) => (r.origin.source.startsWith("terraform") ? "terraform" : r.origin.source.startsWith("pulumi") ? "pulumi" : "other") as "terraform" | "pulumi" | "other"))].sort();
  return { identities, skipped, sources: input.sources ?? [], tools };
}

function adoptOne(r: IdentityResource, type: "role" | "user", name: string, graph: ResourceGraph, config: GateConfig, clock: Clock): AdoptedIdentity {
  const values = valuesOf(r);
  const tags = tagsOf({ ...r, props: values }) ?? {};
  const comments: Record<string, string[]> = {};
  const notes: string[] = [];
  const problems: string[] = [];
  const todo: string[] = [];
  const comment = (path: string, ...lines: string[]) => (comments[path] = [...(comments[path] ?? []), ...lines]);
  const todoAt = (path: string, what: string) => {
    todo.push(path);
    return placeholder(what);
  };
  const isExisting = exists(r);

  // ---- lifecycle fields: the canonical nhi:* tags when present and valid, else placeholders ----
  const fromTag = (tag: string, ok: (v: string) => boolean) => (typeof tags[tag] === "string" && ok(tags[tag]) ? tags[tag] : undefined);
  const other = Object.entries(tags).filter(([k]) => !k.startsWith("nhi:"));
  const suggest = (path: string, re: RegExp, extra: string[] = []) => {
    const hits = other.filter(([k, v]) => re.test(k) && v.trim() !== "").map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
    if (hits.length || extra.length) comment(path, `suggested by what exists: ${[...hits.map((h) => `tag ${h}`), ...extra].join("; ")}`);
  };
  const spec: Record<string, unknown> = { name };
  const owner = fromTag(TAG.owner, (v) => ownerProblem(v, config) === undefined);
  spec.owner = owner ?? todoAt("owner", `the team or person accountable for ${name}`);
  if (owner) comment("owner", `from the existing ${TAG.owner} tag`);
  else suggest("owner", OWNER_TAG);
  const description = typeof values.description === "string" && values.description.trim() ? values.description.trim() : undefined;
  const purpose = fromTag(TAG.purpose, (v) => v.trim().length >= 10);
  spec.purpose = purpose ?? todoAt("purpose", `what ${name} is for, in words`);
  if (purpose) comment("purpose", `from the existing ${TAG.purpose} tag`);
  else suggest("purpose", PURPOSE_TAG, description ? [`description ${JSON.stringify(description)}`] : []);

  const environment = environmentOf(values, tags, config);
  spec.environment = environment.value ?? todoAt("environment", `one of ${config.environments.join(", ")}`);
  if (environment.why) comment("environment", environment.why);
  else suggest("environment", ENV_TAG);
  const record = fromTag(TAG.systemOfRecord, (v) => v.trim().length >= 3);
  spec.systemOfRecord = record ?? todoAt("systemOfRecord", `the ticket, CMDB id or URL where ${name} is recorded`);
  if (record) comment("systemOfRecord", `from the existing ${TAG.systemOfRecord} tag`);
  else suggest("systemOfRecord", RECORD_TAG);
  const retirement = fromTag(TAG.retirement, (v) => v.trim().length >= 3);
  spec.retirement = retirement ?? todoAt("retirement", `when, or on what condition, ${name} is retired`);
  const workload = fromTag(TAG.workload, (v) => v.trim().length >= 2);
  spec.workload = workload ?? todoAt("workload", `what runs as ${name} (a service, pipeline or job)`);

  // ---- access ----
  const access = accessOf(r, type, graph);
  problems.push(...access.problems);
  let statements: AccessStatement[] = access.statements;
  let origins = access.origins;
  if (!statements.length) {
    problems.push(`${name} has no permissions today; a governed identity declares at least one access statement`);
    statements = [{ actions: [placeholder("the actions the workload calls (it has no permissions today)")], resources: [placeholder("the resource ARNs")] }];
    origins = [["it has no permissions today: left for a person"]];
  }
  spec.access = statements.map((s) => ({ ...(s.sid ? { sid: s.sid } : {}), ...(s.effect ? { effect: s.effect } : {}), actions: s.actions, resources: s.resources, ...(s.conditions ? { conditions: s.conditions } : {}) }));
  statements.forEach((s, i) => {
    comment(`access.${i}`, ...origins[i]);
    s.actions.forEach((a, j) => a.startsWith("TODO:") && todo.push(`access.${i}.actions.${j}`));
    s.resources.forEach((a, j) => a.startsWith("TODO:") && todo.push(`access.${i}.resources.${j}`));
  });
  const size = renderedPolicySize(statements);
  if (size > INLINE_POLICY_LIMIT[type]) {
    problems.push(`the governed policy would be about ${size} characters; IAM allows ${INLINE_POLICY_LIMIT[type]} in a ${type}'s inline policies: narrow access (list the actions the workload calls) before applying, or the apply fails`);
  }

  // ---- boundary ----
  const boundary = typeof values.permissions_boundary === "string" && values.permissions_boundary !== "" ? values.permissions_boundary : undefined;
  if (boundary) spec.permissionsBoundary = boundary;
  else if (config.defaultPermissionsBoundary) notes.push(`it has no permissions boundary: the gate config's defaultPermissionsBoundary (${config.defaultPermissionsBoundary}) is added`);
  else {
    spec.permissionsBoundary = todoAt("permissionsBoundary", "the ARN of your organisation's permissions boundary policy");
    comment("permissionsBoundary", `${name} has no permissions boundary today (or set defaultPermissionsBoundary in the gate config)`);
  }

  // ---- trust and credential ----
  if (type === "role") {
    const session = typeof values.max_session_duration === "number" ? values.max_session_duration : Number(values.max_session_duration ?? 3600) || 3600;
    const maxSession = seconds(session);
    const tooLong = session > 43_200 || session < 3600 || session > durationSeconds(config.maxSessionDuration);
    let trustKind: TrustInput["kind"] | undefined;
    if (isUnknownAt(r, "assume_role_policy")) {
      spec.trust = { kind: "aws-service", service: todoAt("trust.service", "who may assume the role (the trust policy is unknown until apply in this plan)") };
      problems.push("the trust policy is unknown until apply: write the trust, or adopt from the state after apply");
    } else {
      const mapped = mapTrust(values.assume_role_policy);
      if (mapped.trust) {
        spec.trust = mapped.trust;
        trustKind = mapped.trust.kind;
      } else {
        problems.push(`trust left for a person${mapped.open ? " (it is open)" : ""}: ${mapped.reason}`);
        spec.trust = guessTrust(mapped.guess, mapped.principal, todoAt, mapped.reason);
        trustKind = mapped.guess;
        comment("trust", `left for a person${mapped.open ? " (it is open)" : ""}: ${mapped.reason}; no trust kind is chosen for it silently.`, `the existing trust policy: ${compact(values.assume_role_policy)}`);
      }
    }
    const federated = trustKind === "github-oidc" || trustKind === "eks-pod-identity";
    spec.credential = { kind: federated ? "federated" : "ephemeral", maxSessionDuration: tooLong ? todoAt("credential.maxSessionDuration", `the longest session: the role allows ${maxSession}; IAM allows PT1H..PT12H and the gate config at most ${config.maxSessionDuration}`) : maxSession };
    if (tooLong) problems.push(`sessions of ${maxSession} are longer than the gate config allows (${config.maxSessionDuration}): choose a shorter maxSessionDuration (an in-place update)`);
  } else {
    spec.credential = { kind: "static-key", ttl: config.maxCredentialTtl, rotation: config.maxCredentialTtl };
    comment("credential", `an IAM user's credential is an access key: replaced every ${config.maxCredentialTtl} (the gate config's maxCredentialTtl), kept in Secrets Manager as ${secretName({ name })}; shorten rotation if you can`);
  }

  const window = Math.min(90, config.recertificationWindowDays);
  spec.recertifyBy = isoDate(addDays(clock.now(), window));
  comment("recertifyBy", `the first recertification, ${window} days from adoption: review owner, purpose and access by then`);
  spec.path = typeof values.path === "string" && values.path !== "" ? values.path : "/";
  comment("path", "kept: a new path would replace the principal");

  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of other.sort(([a], [b]) => cmp(a, b))) {
    if (/^aws:/i.test(k) || tagProblem(k, v) || !AWS_TAG_CHARS.test(k)) dropped.push(k);
    else kept[k] = v;
  }
  if (Object.keys(kept).length) spec.tags = kept;
  if (dropped.length) notes.push(`tags ${dropped.join(", ")} cannot be kept (reserved or not valid AWS tags)`);
  const staleNhi = Object.keys(tags).filter((k) => k.startsWith("nhi:") && ![TAG.owner, TAG.purpose, TAG.systemOfRecord, TAG.retirement, TAG.workload].includes(k as never));
  if (staleNhi.length) notes.push(`its existing ${staleNhi.sort().join(", ")} tags are rendered anew from the spec`);

  // ---- what else hangs off it ----
  const takesOver = [r.address, ...access.addresses];
  const dependents = graph.dependentsOf(r).filter((d) => d.action !== "delete");
  const keys = dependents.filter((d) => d.entry.id === "aws_iam_access_key");
  const adopt: { -readonly [K in keyof AdoptSpec]: AdoptSpec[K] } = { principal: name };
  if (type === "user") {
    const ids = keys.map((k) => valuesOf(k).id).filter((id): id is string => typeof id === "string" && /^AKIA[A-Z0-9]{12,}$/.test(id));
    if (ids.length && isExisting) {
      adopt.accessKey = ids[0];
      takesOver.push(keys.find((k) => valuesOf(k).id === ids[0])?.address ?? keys[0].address);
      notes.push(`its access key ${ids[0]} is imported: consumers keep working; the first rotation replaces it with a key kept in Secrets Manager`);
      if (ids.length > 1) problems.push(`it has ${ids.length} access keys (${ids.join(", ")}); a governed user has one: delete the others once nothing uses them`);
    } else if (keys.length) notes.push(`its access key ${keys.map((k) => k.address).join(", ")} is replaced by the governed key in Secrets Manager (the key id is not known here)`);
    else notes.push("it has no access key today: the governed user is issued one, kept in Secrets Manager");
    const secret = graph.withValue(secretName({ name })).find((s) => s.entry.id === "aws_secretsmanager_secret");
    const arn = secret ? valuesOf(secret).arn : undefined;
    if (typeof arn === "string" && isExisting) {
      adopt.secret = arn;
      takesOver.push(secret!.address);
    }
  }
  if (access.ownPolicy && isExisting) adopt.policy = access.ownPolicy;
  for (const d of dependents) {
    if (d.entry.id === "aws_iam_user_login_profile") problems.push(`it has a console password (${d.address}): a non-human identity must not; delete the login profile (the governed user does not render one)`);
    if (d.entry.id === "aws_iam_user_group_membership" || d.entry.id === "aws_iam_group_membership") problems.push(`it is a member of groups (${d.address}), whose policies still apply: remove the membership, or reproduce the groups' policies in access`);
    if (d.entry.id === "aws_iam_instance_profile") notes.push(`instance profile ${d.address} keeps handing the role to EC2 (it names the role, which is kept)`);
    if (d.entry.staticCredential && d.entry.id !== "aws_iam_access_key" && d.entry.id !== "aws_iam_user_login_profile") problems.push(`it has a ${d.entry.description} (${d.address}), which the governed user does not render: delete it once nothing uses it`);
  }

  const superseded = access.grants.filter((g) => !(g.kind === "inline" && g.name === policyName({ name })));
  if (isExisting) {
    notes.unshift(`the existing IAM ${type} ${name} is imported and updated in place (name and path kept)`);
    if (superseded.length) notes.push(`on apply, its ${describeGrants(superseded)} ${superseded.length === 1 ? "is" : "are"} removed: access reproduces ${superseded.length === 1 ? "it" : "them"}, time-bound`);
  } else {
    notes.unshift(`the IAM ${type} ${name} does not exist yet (the plan creates it): it is declared governed, nothing is imported`);
  }
  return {
    // Terraform resource names (cdktf's logical ids come from construct ids) start with a letter.
    id: /^[A-Za-z]/.test(name) ? name : `${type}-${name}`,
    type,
    address: r.address,
    ...(r.origin.file ? { file: r.origin.file } : {}),
    exists: isExisting,
    spec,
    comments,
    ...(isExisting ? { adopt } : {}),
    notes,
    problems,
    todo,
    superseded,
    takesOver: [...new Set(takesOver)],
  };
}

function describeGrants(grants: Grant[]): string {
  const inline = grants.filter((g) => g.kind === "inline").map((g) => g.name);
  const managed = grants.filter((g) => g.kind === "managed").map((g) => g.name);
  const parts: string[] = [];
  if (inline.length) parts.push(`inline polic${inline.length === 1 ? "y" : "ies"} ${inline.join(", ")}`);
  if (managed.length) parts.push(`managed polic${managed.length === 1 ? "y" : "ies"} ${managed.join(", ")}`);
  return parts.join(" and ");
}

/** The environment: the one the account of the principal maps to in the gate config, or the valid nhi:environment tag. */
function environmentOf(values: Record<string, unknown>, tags: Readonly<Record<string, string>>, config: GateConfig): { value?: string; why?: string } {
  const tagged = tags[TAG.environment];
  if (tagged && config.environments.includes(tagged)) return { value: tagged, why: `from the existing ${TAG.environment} tag` };
  const account = typeof values.arn === "string" ? accountOf(values.arn) : undefined;
  if (account) {
    const envs = Object.entries(config.environmentAccounts).filter(([, accounts]) => accounts.includes(account)).map(([e]) => e);
    if (envs.length === 1 && config.environments.includes(envs[0])) return { value: envs[0], why: `account ${account} is ${envs[0]} in the gate config's environmentAccounts` };
  }
  return {};
}

/** A trust of the kind the existing one resembles, with its fields as placeholders. */
function guessTrust(kind: TrustInput["kind"] | undefined, principal: string | undefined, todoAt: (path: string, what: string) => string, reason: string): Record<string, unknown> {
  const existing = principal ? ` (it trusts ${principal})` : "";
  switch (kind) {
    case "github-oidc":
      return { kind, repository: todoAt("trust.repository", `the one repository owner/name that may assume the role${existing}`), ref: todoAt("trust.ref", "the exact ref such as refs/heads/main (or use environment)") };
    case "eks-pod-identity":
      return {
        kind,
        clusterName: todoAt("trust.clusterName", `the EKS cluster${existing}`),
        namespace: todoAt("trust.namespace", "the Kubernetes namespace"),
        serviceAccount: todoAt("trust.serviceAccount", "the Kubernetes service account"),
      };
    case "aws-role":
      return { kind, roleArn: todoAt("trust.roleArn", `the one role ARN that may assume the role${existing}`) };
    case "aws-service":
    default:
      return { kind: "aws-service", service: todoAt("trust.service", `the service principal that may assume the role${existing}; ${reason}`) };
  }
}

/** About how long the rendered policy is (compact JSON, as IAM counts), with the time-bound condition on each statement. */
export function renderedPolicySize(statements: AccessStatement[]): number {
  const doc = {
    Version: "2012-10-17",
    Statement: statements.map((s, i) => ({
      Sid: s.sid ?? `Access${i}`,
      Effect: s.effect ?? "Allow",
      Action: s.actions.length === 1 ? s.actions[0] : s.actions,
      Resource: s.resources.length === 1 ? s.resources[0] : s.resources,
      Condition: { ...(s.conditions ?? {}), DateLessThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } },
    })),
  };
  return JSON.stringify(doc).length;
}
