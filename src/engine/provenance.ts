import { GateConfig } from "../spec/config";
import { moduleSourceMatches } from "../spec/module-source";
import { GovernedIdentitySpec, readBackSpecWithText, zodIssues } from "../spec/identity";
import { TAG } from "../spec/tags";
import { canonicalJson, normalizePolicy, PolicyParseError } from "../iam/policy";
import { computeSeal } from "../render/seal";
import { GOVERNED_IDENTITY_TYPE, policyName, renderIdentity, renderIdentityOfText, RenderedIdentity, secretName } from "../render/aws";
import { embeddedPolicyProblems, secretPolicyProblems } from "./embedded-policies";
import { ResourceGraph } from "./graph";
import { ComponentRecord, IdentityResource, isUnknownAt, unknownReason } from "./model";
import { tagsOf } from "./props";
import { isGuardrailBoundary } from "../guardrail/recognize";
import { explainSealMismatch } from "./seal-drift";

/** Type tokens of our own component; the first is current, the rest are accepted aliases. */
export const GOVERNED_IDENTITY_TYPES = [GOVERNED_IDENTITY_TYPE, "nhi-governance:index:GovernedIdentity"];

export type ProvenanceStatus = "governed" | "ungoverned" | "unverifiable";

export interface IntegrityProblem {
  /** Granular key for the finding id, e.g. `Seal::mismatch`, `Attachment::aws_iam_role_policy_attachment.x`. */
  key: string;
  message: string;
  /** The field that could not be evaluated, for unknowns. */
  field?: string;
}

export interface Provenance {
  status: ProvenanceStatus;
  via?: "seal" | "module" | "component" | "approved-construct" | "principal" | "guardrail";
  /** The construct, component, module or principal that governs this resource. */
  by?: string;
  /** One line: how provenance was decided. */
  reason: string;
  problems: IntegrityProblem[];
}

const EXCLUSIVE_TYPE_IDS = ["aws_iam_role_policies_exclusive", "aws_iam_user_policies_exclusive", "aws_iam_role_policy_attachments_exclusive", "aws_iam_user_policy_attachments_exclusive"];

const SEALED_ROLE_FIELDS = ["name", "path", "tags", "assume_role_policy", "permissions_boundary", "max_session_duration"];
const SEALED_USER_FIELDS = ["name", "path", "tags", "permissions_boundary"];

function isRoleOrUser(r: IdentityResource): "role" | "user" | undefined {
  if (r.entry.id === "aws_iam_role") return "role";
  if (r.entry.id === "aws_iam_user") return "user";
  return undefined;
}

function ownPolicyType(principal: "role" | "user") {
  return principal === "role" ? "aws_iam_role_policy" : "aws_iam_user_policy";
}

/** The seal recomputed from what a principal actually has. */
export function verifySeal(p: IdentityResource, graph: ResourceGraph, config?: Pick<GateConfig, "defaultTagKeys">): { ok: true } | { ok: false; problem: IntegrityProblem } {
  const kind = isRoleOrUser(p) as "role" | "user";
  let tags = tagsOf(p) ?? {};
  // In the account, the providers' default tags sit beside the rendered ones; a plan shows them apart (tags_all).
  const defaults = p.origin.discovered ? (config?.defaultTagKeys ?? []).filter((k) => k in tags) : [];
  if (defaults.length) tags = Object.fromEntries(Object.entries(tags).filter(([k]) => !defaults.includes(k)));
  const declared = tags[TAG.seal];
  for (const f of kind === "role" ? SEALED_ROLE_FIELDS : SEALED_USER_FIELDS) {
    if (isUnknownAt(p, f)) {
      const why = unknownReason(p, f);
      const message = p.origin.discovered?.unreadable ? `cannot verify seal: ${f} could not be read (${why})` : `cannot verify seal: ${f} is unknown until apply; render it from literal values so the gate can check it at plan time`;
      return { ok: false, problem: { key: `Unknown::${f}`, field: f, message } };
    }
  }
  const ownType = ownPolicyType(kind);
  const ownName = policyName({ name: String(p.props.name) });
  const own = graph.dependentsOf(p).filter((d) => d.entry.id === ownType && d.props.name === ownName);
  for (const d of own) {
    if (isUnknownAt(d, "policy")) return { ok: false, problem: { key: "Unknown::policy", field: "policy", message: `cannot verify seal: the policy of ${d.address} is unknown until apply` } };
  }
  let actual: string;
  const sealInput = {
    principalType: kind,
    name: String(p.props.name ?? ""),
    path: String(p.props.path ?? "/"),
    tags,
    trustPolicy: kind === "role" ? (p.props.assume_role_policy ?? null) : null,
    permissionsBoundary: (p.props.permissions_boundary as string | undefined) ?? null,
    maxSessionDuration: kind === "role" ? Number(p.props.max_session_duration ?? 3600) : null,
    policies: own.map((d) => d.props.policy),
  };
  try {
    actual = computeSeal(sealInput);
  } catch (e) {
    const msg = e instanceof PolicyParseError ? e.message : String(e);
    return { ok: false, problem: { key: "Seal::unparsable", message: `cannot verify seal: ${msg}` } };
  }
  if (actual !== declared && p.origin.discovered) {
    // Read from the deployed account: the identity was edited after it was deployed. Say what changed where the tags tell.
    const what = explainSealMismatch({ ...sealInput, declared: declared ?? "" });
    return {
      ok: false,
      problem: {
        key: "Seal::mismatch",
        message: `drifted after deploy: the nhi:seal tag (${declared}) does not match the seal of the ${kind}'s live properties (${actual}), so it was edited outside its IaC after it was deployed. What differs: ${what.join("; ")}. Fix: redeploy it from its GovernedIdentity spec to undo the edit, or make the change in the spec and deploy that`,
      },
    };
  }
  if (actual !== declared) {
    return {
      ok: false,
      problem: {
        key: "Seal::mismatch",
        message: `the nhi:seal tag (${declared}) does not match the seal of the properties found (${actual}): its tags, trust policy, boundary, session duration or own policy were changed after the construct rendered them, or the tags were copied onto a hand-written ${kind}. Create it with GovernedIdentity and change it through the spec`,
      },
    };
  }
  return { ok: true };
}

/** Whether something hanging off a governed principal is part of what our constructs render for it. */
function allowedOnPrincipal(r: IdentityResource, owner: IdentityResource, graph: ResourceGraph): IntegrityProblem | undefined {
  const kind = isRoleOrUser(owner);
  const tags = tagsOf(owner) ?? {};
  const cred = tags[TAG.credential] ?? "unknown";
  const ownerName = String(owner.props.name ?? owner.address);
  switch (r.entry.id) {
    case "aws_iam_role_policy":
    case "aws_iam_user_policy":
      if (kind && r.entry.id === ownPolicyType(kind) && r.props.name === policyName({ name: ownerName })) return undefined;
      return { key: `Attachment::${r.address}`, message: `inline policy ${String(r.props.name ?? r.address)} on governed ${kind ?? "principal"} ${ownerName} is not part of its seal; widen access through the spec's access statements, not beside the construct` };
    case "aws_iam_access_key": {
      if (cred !== "static-key") {
        return { key: `Credential::${r.address}`, message: `access key on governed identity ${ownerName}, whose spec allows credential "${cred}", not static keys; remove the key, or change the spec to static-key with a ttl and rotation` };
      }
      // A governed static-key user has exactly the one key its construct renders (rotated, stored in Secrets Manager).
      const ownerComponent = owner.origin.parents?.find((p) => GOVERNED_IDENTITY_TYPES.includes(p.type));
      if (ownerComponent && !(r.origin.parents ?? []).some((p) => p.id === ownerComponent.id)) {
        return { key: `Credential::${r.address}`, message: `access key on governed user ${ownerName} created outside its GovernedIdentity ${ownerComponent.id}; the construct renders the user's one key, rotated and stored in Secrets Manager. Remove this key` };
      }
      const keys = graph.dependentsOf(owner).filter((d) => d.entry.id === "aws_iam_access_key");
      if (keys.length > 1) {
        return { key: `Credential::${r.address}`, message: `governed user ${ownerName} has ${keys.length} access keys (${keys.map((k) => k.address).join(", ")}); its construct renders one, rotated and stored in Secrets Manager. Remove the others` };
      }
      return undefined;
    }
    case "aws_iam_role_policies_exclusive":
    case "aws_iam_user_policies_exclusive":
    case "aws_iam_role_policy_attachments_exclusive":
    case "aws_iam_user_policy_attachments_exclusive":
      return exclusiveProblem(r, kind, ownerName);
    case "aws_iam_instance_profile":
    case "aws_eks_pod_identity_association":
      return kind === "role" ? undefined : { key: `Attachment::${r.address}`, message: `${r.entry.id} needs a role` };
    default:
      return { key: `Attachment::${r.address}`, message: `${r.entry.description} ${r.address} attaches to governed ${kind ?? "identity"} ${ownerName} outside its construct; what attaches to a governed identity must come from its spec` };
  }
}

/** AWS IAM principals: inside an approved construct they need their own integrity (a GovernedIdentity parent, or a seal that verifies; awscc ones cannot carry one). */
const AWS_IAM_PRINCIPALS = ["aws_iam_role", "aws_iam_user", "awscc_iam_role", "awscc_iam_user"];

/** Whether something pointing at a governed credential's secret is part of what the construct renders for it. */
function allowedOnSecret(r: IdentityResource, secret: IdentityResource): IntegrityProblem | undefined {
  if (r.entry.id === "aws_secretsmanager_secret_version") return undefined;
  return {
    key: `Attachment::${r.address}`,
    message: `${r.entry.description} ${r.address} attaches to the governed credential secret ${String(secret.props.name ?? secret.address)} outside its construct; a GovernedIdentity renders no resource policy on its secret (only the identity itself reads it, through its own policy). Remove it`,
  };
}

/**
 * An exclusive-management resource (`adopt.exclusive`) keeps a principal's inline policies or
 * managed policy attachments to a list and removes the rest: part of a governed identity only
 * when its list is what the construct renders (the own policy; no attachment), so it can only
 * narrow what the principal has to its seal. Anything else listed would be a grant beside it.
 */
function exclusiveProblem(r: IdentityResource, kind: "role" | "user" | undefined, ownerName: string): IntegrityProblem | undefined {
  const forUser = r.entry.id.startsWith("aws_iam_user_");
  if (kind !== (forUser ? "user" : "role")) return { key: `Attachment::${r.address}`, message: `${r.entry.id} ${r.address} names a ${kind ?? "principal"} ${ownerName}, but it manages a ${forUser ? "user" : "role"}'s policies` };
  const policies = r.entry.id.endsWith("_policies_exclusive");
  const field = policies ? "policy_names" : "policy_arns";
  if (isUnknownAt(r, field)) return { key: `Unknown::${field}`, field, message: `cannot verify ${field} of ${r.address} against the seal of ${ownerName}: unknown until apply` };
  const listed = Array.isArray(r.props[field]) ? (r.props[field] as unknown[]).map(String) : r.props[field] === undefined || r.props[field] === null ? [] : [String(r.props[field])];
  const expected = policies ? [policyName({ name: ownerName })] : [];
  const extra = listed.filter((x) => !expected.includes(x));
  if (!extra.length) return undefined;
  return {
    key: `Attachment::${r.address}`,
    message: `${r.address} keeps ${policies ? "inline policies" : "managed policies"} ${extra.join(", ")} on governed ${kind} ${ownerName}, which are not part of its seal; list only ${policies ? `its own policy ${expected[0]}` : "none"} and grant access through the spec`,
  };
}

export function componentSpec(comp: ComponentRecord): { spec?: GovernedIdentitySpec; specText?: string; error?: string; accessGracePeriodDays?: number } {
  const raw = (comp.inputs.spec ?? comp.inputs) as Record<string, unknown>;
  const { parsed, text } = readBackSpecWithText(raw);
  if (!parsed.success) return { error: zodIssues(parsed.error, raw).map((i) => `${i.path}: ${i.message}`).join("; ") };
  if (!parsed.data.permissionsBoundary) return { error: "permissionsBoundary: missing in the declared spec" };
  const grace = (comp.inputs.governance as { accessGracePeriodDays?: number } | undefined)?.accessGracePeriodDays;
  // specText: JSON.stringify(spec) when known (the spec is a fresh reading no one else holds).
  return { spec: parsed.data as GovernedIdentitySpec, specText: text, accessGracePeriodDays: typeof grace === "number" ? grace : undefined };
}

/**
 * Whether two values have the same canonical JSON. Two strings: the same text (JSON.stringify is
 * one-to-one on strings). Two objects of string values (tags): the same keys with the same
 * values, as own properties. Anything else: the canonical texts compared.
 */
const same = (a: unknown, b: unknown) => {
  if (typeof a === "string" && typeof b === "string") return a === b;
  return sameStringRecord(a, b) ?? canonicalJson(a) === canonicalJson(b);
};

/** For two plain objects whose values are all strings: whether they are equal; undefined when either is not such an object. */
function sameStringRecord(a: unknown, b: unknown): boolean | undefined {
  if (!a || !b || typeof a !== "object" || typeof b !== "object" || Array.isArray(a) || Array.isArray(b)) return undefined;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return undefined;
  let equal = true;
  for (const k of keys) {
    const v = x[k];
    const w = Object.hasOwn(y, k) ? y[k] : undefined;
    if (typeof v !== "string" || typeof w !== "string") return undefined;
    if (v !== w) equal = false;
  }
  // Same number of keys, each of x's an own key of y: the same key sets.
  return equal;
}

const samePolicy = (a: unknown, b: unknown) => {
  try {
    return same(normalizePolicy(a), normalizePolicy(b));
  } catch {
    return false;
  }
};

/**
 * samePolicy against a rendered document, given also as the JSON text the construct writes for
 * it (`json`, JSON.stringify of the document): a found text equal to it is the same policy when it
 * parses (the rendered document is JSON data, so its text normalizes as the document does).
 */
const samePolicyAs = (json: string | undefined) => (a: unknown, b: unknown) => {
  if (json !== undefined && typeof a === "string" && a === json) {
    try {
      normalizePolicy(a);
      return true;
    } catch {
      return false;
    }
  }
  return samePolicy(a, b);
};

/** Compare a child of a GovernedIdentity component with what the component's declared spec renders. */
function checkAgainstRendered(r: IdentityResource, rendered: RenderedIdentity, comp: ComponentRecord): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const unknown = (field: string) => ({ key: `Unknown::${field}`, field, message: `cannot compare ${field} with the declared spec of ${comp.id}: unknown until apply` });
  const differ = (field: string, found: unknown, expected: unknown) => ({
    key: `Drift::${field}`,
    message: `${field} differs from what the declared spec of ${comp.id} renders: found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}; change the identity through its spec`,
  });
  const p = rendered.principal;
  const kind = isRoleOrUser(r);
  const fields: [string, unknown, (a: unknown, b: unknown) => boolean][] = [];
  if (kind) {
    if (kind !== p.type) return [{ key: `Child::${r.address}`, message: `${r.address} is an IAM ${kind}, but the declared spec of ${comp.id} renders an IAM ${p.type}` }];
    fields.push(["name", p.name, same], ["path", p.path, same], ["tags", p.tags, same], ["permissions_boundary", p.permissionsBoundary, same]);
    if (kind === "role") fields.push(["assume_role_policy", p.assumeRolePolicy, samePolicyAs(p.assumeRolePolicyJson)], ["max_session_duration", p.maxSessionDuration, (a, b) => Number(a ?? 3600) === Number(b)]);
  } else if (r.entry.id === ownPolicyType(p.type)) {
    fields.push(["name", rendered.policy.name, same], ["policy", rendered.policy.document, samePolicyAs(rendered.policy.json)]);
  } else if (EXCLUSIVE_TYPE_IDS.includes(r.entry.id)) {
    const problem = exclusiveProblem(r, p.type, p.name);
    return problem ? [problem.field ? { ...problem, key: `Unknown::${problem.field}` } : { ...problem, key: `Drift::${r.entry.id}` }] : [];
  } else if (r.entry.id === "aws_iam_access_key") {
    if (rendered.credential.type !== "access-key") return [{ key: `Credential::${r.address}`, message: `access key under ${comp.id}, whose declared credential is ${rendered.principal.tags[TAG.credential]}, not static-key` }];
  } else if (r.entry.id === "aws_secretsmanager_secret") {
    if (rendered.credential.type !== "access-key" && rendered.credential.type !== "managed-secret") return [{ key: `Child::${r.address}`, message: `secret under ${comp.id}, whose declared credential needs none` }];
    fields.push(["name", rendered.credential.secretName, same]);
  } else if (r.entry.id === "aws_secretsmanager_secret_version") {
    if (rendered.credential.type !== "access-key") return [{ key: `Child::${r.address}`, message: `secret version under ${comp.id}, whose declared credential stores none` }];
  } else {
    return [{ key: `Child::${r.address}`, message: `${r.entry.description} ${r.address} is under ${comp.id} but is not part of what its declared spec renders; a parent: option proves nothing` }];
  }
  for (const [field, expected, eq] of fields) {
    if (isUnknownAt(r, field)) problems.push(unknown(field));
    else if (!eq(r.props[field] ?? (field === "path" ? "/" : undefined), expected)) problems.push(differ(field, r.props[field], expected));
  }
  return problems;
}

/** The approved module source the resource comes from: its outermost module call's source, matched exactly (src/spec/module-source.ts). */
function moduleApproved(r: IdentityResource, config: GateConfig): string | undefined {
  const s = r.origin.module?.source;
  if (s === undefined) return undefined;
  return config.approvedModuleSources.some((pattern) => moduleSourceMatches(pattern, s)) ? s : undefined;
}

/** Decide provenance and integrity for every resource: DESIGN.md's first two questions. */
export function resolveProvenance(graph: ResourceGraph, components: ComponentRecord[], config: GateConfig): Map<string, Provenance> {
  const out = new Map<string, Provenance>();
  const comps = new Map(components.map((c) => [c.id, c]));
  const approvedTypes = new Set(config.approvedConstructs.map((a) => a.type));
  const renderedCache = new Map<string, { rendered?: RenderedIdentity; error?: string }>();
  const renderFor = (comp: ComponentRecord) => {
    let hit = renderedCache.get(comp.id);
    if (!hit) {
      const { spec, specText, error, accessGracePeriodDays } = componentSpec(comp);
      const renderConfig = { ...config, accessGracePeriodDays: accessGracePeriodDays ?? config.accessGracePeriodDays };
      hit = spec ? { rendered: specText !== undefined ? renderIdentityOfText(spec, specText, renderConfig, GOVERNED_IDENTITY_TYPE) : renderIdentity(spec, renderConfig, GOVERNED_IDENTITY_TYPE) } : { error };
      renderedCache.set(comp.id, hit);
    }
    return hit;
  };
  const nearestOurs = (r: IdentityResource) => (r.origin.parents ?? []).find((p) => GOVERNED_IDENTITY_TYPES.includes(p.type));
  const slotOf = (compId: string, r: IdentityResource) => `${compId}|${r.entry.id}`;
  const driftCache = new Map<string, IntegrityProblem[]>();
  const driftOf = (r: IdentityResource, rendered: RenderedIdentity, comp: ComponentRecord) => {
    let d = driftCache.get(r.address);
    if (!d) driftCache.set(r.address, (d = checkAgainstRendered(r, rendered, comp)));
    return d;
  };
  let children: Map<string, IdentityResource[]> | undefined;
  const childrenOf = () => {
    if (!children) {
      children = new Map();
      for (const c of graph.resources) {
        const id = nearestOurs(c)?.id;
        if (!id) continue;
        const list = children.get(id);
        if (list) list.push(c);
        else children.set(id, [c]);
      }
    }
    return children;
  };
  const fillersCache = new Map<string, string[]>();
  const slotFillers = (comp: ComponentRecord, rendered: RenderedIdentity, slot: string) => {
    let f = fillersCache.get(slot);
    if (!f) {
      f = (childrenOf().get(comp.id) ?? [])
        .filter((c) => slotOf(comp.id, c) === slot && !driftOf(c, rendered, comp).length)
        .map((c) => c.address)
        .sort();
      fillersCache.set(slot, f);
    }
    return f;
  };

  const status = (problems: IntegrityProblem[]): ProvenanceStatus => (problems.every((p) => p.field) ? "unverifiable" : "ungoverned");
  const whose = (r: IdentityResource) => `governed ${r.entry.description} ${String(r.props.name ?? r.props.role_name ?? r.props.user_name ?? r.address)}`;
  /** A sealed principal: the seal recomputed, and nothing embedded in it beyond what separate resources attach. */
  const sealedProblems = (r: IdentityResource): IntegrityProblem[] => {
    const seal = verifySeal(r, graph, config);
    return [...(seal.ok ? [] : [seal.problem]), ...embeddedPolicyProblems(r, graph, whose(r))];
  };
  /**
   * What an owner attribute points at must be governed. Outside an approved construct, what
   * hangs off a governed principal must also be part of what its spec renders; inside one,
   * approval allows what the construct adds beside a governed identity (`approvedBy`).
   */
  const judgeLinks = (r: IdentityResource, depth: number, approvedBy?: string): { problems: IntegrityProblem[]; governedBy?: string; linked: boolean } => {
    const links = graph.links(r);
    const problems: IntegrityProblem[] = [];
    let governedBy: string | undefined;
    for (const link of links) {
      if (link.unknown) problems.push({ key: `Unknown::${link.field}`, field: link.field, message: `cannot evaluate ${link.field}: unknown until apply and not a reference to a resource in this plan` });
      for (const ext of link.external) problems.push({ key: `External::${link.field}`, message: `${link.field} names ${ext}, which is not created by a governed construct in this plan or stack` });
      for (const t of link.targets) {
        const tp = depth < 8 ? decide(t, depth + 1) : undefined;
        if (tp?.status !== "governed") {
          problems.push({ key: `Owner::${t.address}`, message: `${link.field} points at ${t.address}, which is not governed${approvedBy ? `; approved construct ${approvedBy} may add resources beside a governed identity, not make an ungoverned one governed` : ""}` });
          continue;
        }
        const bad = approvedBy ? undefined : isRoleOrUser(t) ? allowedOnPrincipal(r, t, graph) : t.entry.id === "aws_secretsmanager_secret" ? allowedOnSecret(r, t) : undefined;
        if (bad) problems.push(bad);
        else governedBy = t.address;
      }
    }
    return { problems, governedBy, linked: links.length > 0 };
  };

  const decide = (r: IdentityResource, depth = 0): Provenance => {
    const done = out.get(r.address);
    if (done) return done;
    let result: Provenance | undefined;
    const parents = r.origin.parents ?? [];
    const ours = nearestOurs(r);
    const approved = parents.find((p) => approvedTypes.has(p.type));
    const sealed = isRoleOrUser(r) && tagsOf(r)?.[TAG.seal] !== undefined;
    const module = moduleApproved(r, config);
    if (ours) {
      const comp = comps.get(ours.id);
      const problems: IntegrityProblem[] = [];
      if (!comp) problems.push({ key: "Component::missing", message: `the parent GovernedIdentity ${ours.id} is not among the evaluated resources, so its declared spec cannot be compared` });
      else {
        const { rendered, error } = renderFor(comp);
        if (!rendered) problems.push({ key: "Component::spec", message: `the declared spec of ${comp.id} is invalid: ${error}` });
        else {
          const drift = driftOf(r, rendered, comp);
          // A slot (one per resource type under a component) is filled by the children that match
          // the rendering, in address order. A child that does not match, in a slot a matching
          // child fills, is "a second" one; in an empty slot it is reported for its drift. The
          // result does not depend on registration order.
          const slot = slotOf(comp.id, r);
          const fillers = slotFillers(comp, rendered, slot);
          if (drift.length && fillers.length) problems.push({ key: `Child::${r.address}`, message: `a second ${r.entry.description} under ${comp.id}, which its declared spec does not render; a GovernedIdentity renders one, and a parent: option proves nothing` });
          else if (drift.length) problems.push(...drift);
          else if (fillers.indexOf(r.address) > 0) problems.push({ key: `Child::${r.address}`, message: `a second ${r.entry.description} under ${comp.id}; a GovernedIdentity renders one` });
        }
      }
      // The declared spec renders nothing in the principal's embedded policies, and no resource policy on its secret.
      if (!problems.length) problems.push(...embeddedPolicyProblems(r, graph, whose(r)), ...(r.entry.id === "aws_secretsmanager_secret" ? secretPolicyProblems(r, graph, `the governed credential secret ${String(r.props.name ?? r.address)}`) : []));
      if (sealed && !problems.length) {
        const seal = verifySeal(r, graph, config);
        if (!seal.ok) problems.push(seal.problem);
      }
      result = problems.length
        ? { status: status(problems), problems, reason: `under GovernedIdentity ${ours.id}, but does not match its declared spec`, by: ours.id }
        : { status: "governed", via: "component", by: ours.id, reason: `created by GovernedIdentity ${ours.id} as its declared spec renders`, problems: [] };
    } else if (approved) {
      // Approval is a type name any code can declare: it vouches for what the construct adds beside
      // a governed identity, never for the identity itself, which still needs its seal.
      let problems: IntegrityProblem[] = [];
      if (AWS_IAM_PRINCIPALS.includes(r.entry.id)) {
        problems = sealed
          ? sealedProblems(r)
          : [
              {
                key: "Approval::unsealed",
                message: `${r.entry.description} ${r.address} is inside approved construct ${approved.type} (${approved.id}), but is not a GovernedIdentity and carries no verifiable nhi:seal. An approved construct may add resources beside a governed identity; approval is a type name any code can declare, so it never stands in for the identity's own integrity. Fix: create the identity with GovernedIdentity inside the construct`,
              },
            ];
      } else if (r.entry.kind !== "principal") problems = judgeLinks(r, depth, approved.type).problems;
      result = problems.length
        ? { status: status(problems), problems, by: approved.id, reason: `inside approved construct ${approved.type}, but not itself governed` }
        : { status: "governed", via: "approved-construct", by: approved.id, reason: `inside approved construct ${approved.type} (${approved.id})`, problems: [] };
    } else if (module) {
      const problems = sealed ? sealedProblems(r) : [];
      result = problems.length
        ? { status: status(problems), problems, by: r.origin.module?.address, reason: `from approved module ${module}, but its seal does not verify` }
        : { status: "governed", via: "module", by: r.origin.module?.address, reason: `from approved module ${module}`, problems: [] };
    } else if (isGuardrailBoundary(r, config)) {
      // The cloud-side guardrail's boundary (GovernancePerimeter, nhi-gate guardrail): recognized by its document.
      result = { status: "governed", via: "guardrail", by: r.address, reason: "the guardrail's permissions boundary, exactly as the gate config's guardrail renders it", problems: [] };
    } else if (sealed) {
      const seal = verifySeal(r, graph, config);
      const governedBy = tagsOf(r)?.[TAG.governedBy] ?? "";
      if (seal.ok && !GOVERNED_IDENTITY_TYPES.includes(governedBy) && !approvedTypes.has(governedBy)) {
        result = { status: "ungoverned", reason: "sealed, but by an unknown construct", problems: [{ key: "Seal::governed-by", message: `nhi:governed-by is "${governedBy}", which is neither GovernedIdentity nor an approved construct type in the gate config` }] };
      } else if (seal.ok) {
        const embedded = embeddedPolicyProblems(r, graph, whose(r));
        result = embedded.length
          ? { status: status(embedded), reason: "sealed, but holds access its seal does not cover", problems: embedded }
          : { status: "governed", via: "seal", by: r.address, reason: `seal verified against its properties (${governedBy})`, problems: [] };
      } else result = { status: seal.problem.field ? "unverifiable" : "ungoverned", reason: "carries a seal that does not verify", problems: [seal.problem] };
    } else if (r.entry.id === "aws_secretsmanager_secret") {
      const name = typeof r.props.name === "string" && r.props.name.startsWith(secretName({ name: "" })) ? r.props.name.slice(secretName({ name: "" }).length) : undefined;
      const owner = name ? graph.withValue(name).find((p) => isRoleOrUser(p) && p.props.name === name) : undefined;
      const ownerProv = owner && depth < 8 ? decide(owner, depth + 1) : undefined;
      const cred = owner ? tagsOf(owner)?.[TAG.credential] : undefined;
      if (owner && ownerProv?.status === "governed" && (cred === "static-key" || cred === "managed-secret")) {
        // Recognised by its name: what makes it the governed credential's store is also that nobody else may read it.
        const problems = secretPolicyProblems(r, graph, `the ${cred} secret ${r.props.name} of governed identity ${owner.address}`);
        result = problems.length
          ? { status: status(problems), by: owner.address, reason: `the ${cred} secret of governed identity ${owner.address}, with a resource policy its spec does not render`, problems }
          : { status: "governed", via: "principal", by: owner.address, reason: `the ${cred} secret of governed identity ${owner.address}`, problems: [] };
      }
    } else {
      const { problems, governedBy, linked } = judgeLinks(r, depth);
      if (linked) {
        if (!problems.length && governedBy) result = { status: "governed", via: "principal", by: governedBy, reason: `part of governed identity ${governedBy}`, problems: [] };
        else if (problems.length) result = { status: status(problems), reason: "attached to an identity it is not part of", problems };
      }
    }
    result ??= { status: "ungoverned", reason: r.origin.discovered ? "created outside governed IaC (no nhi:seal)" : "created outside a governed construct or approved module", problems: [] };
    out.set(r.address, result);
    return result;
  };
  // Principals first, so that what hangs off them can ask.
  for (const r of graph.resources) if (r.entry.kind === "principal") decide(r);
  for (const r of graph.resources) decide(r);
  return out;
}
