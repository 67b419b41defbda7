import { ResourceGraph } from "../engine/graph";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { awsManagedPolicy, isAwsManagedPolicyArn } from "../iam/managed-policies";
import { policyName } from "../render/aws";
import { canonicalJson } from "../iam/policy";
import { conditionsOf, readDocument, stringsOf } from "./document";

/*
 * What a principal may do today, as the spec's access statements: its inline policies (the
 * `*_policy` resources and a role's `inline_policy` read back in a state), and the managed
 * policies attached to it (customer managed ones from the input, AWS managed ones from AWS's
 * published documents). Statements the spec cannot express (NotAction, NotResource, a Principal,
 * a document the input does not hold) become `TODO:` placeholders, reported, never dropped.
 */

export interface AccessStatement {
  sid?: string;
  effect?: "Deny";
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

/** An existing grant the spec's access now reproduces (removed on apply by the exclusive resources). */
export interface Grant {
  kind: "inline" | "managed";
  /** The inline policy's name, or the managed policy's ARN. */
  name: string;
  /** Where the input declares it (Terraform address, Pulumi URN), when it is a resource of its own. */
  address?: string;
  /** AWS managed policy, with the version of its document. */
  awsManaged?: { version: string };
}

export interface Access {
  statements: AccessStatement[];
  /** One comment per statement: where it comes from, and why it is a placeholder. */
  origins: string[][];
  grants: Grant[];
  /** Problems a person must solve (placeholders written). */
  problems: string[];
  /** Resources of the input that belong to this principal's grants (policies, attachments), by address. */
  addresses: string[];
  /** An existing inline policy with the governed policy's name: imported as it. */
  ownPolicy?: string;
}

const ACTION = /^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$/;
const SID = /^[A-Za-z0-9]+$/;

/** The values the input shows for a resource: what exists (a plan's `before`), else what is planned. */
export const valuesOf = (r: IdentityResource): Record<string, unknown> => (r.action !== "create" && r.before ? r.before : r.props);

export const placeholder = (what: string) => `TODO: ${what}`;

/** The statements of one document, or placeholders with the reason. */
function statementsOf(doc: unknown, from: string, problems: string[]): { statements: AccessStatement[]; origins: string[][] } {
  const read = readDocument(doc);
  if ("error" in read) {
    problems.push(`${from} cannot be read (${read.error}); its statements are a placeholder`);
    return { statements: [todoStatement(`the statements of ${from} (it cannot be read: ${read.error})`)], origins: [[`from ${from}: cannot be read, left for a person`]] };
  }
  const statements: AccessStatement[] = [];
  const origins: string[][] = [];
  read.statements.forEach((st, i) => {
    const where = `${from}, statement ${st.Sid ? `${st.Sid}` : i + 1}`;
    const unsupported = ["NotAction", "NotResource", "Principal", "NotPrincipal"].filter((k) => st[k] !== undefined);
    const effect = st.Effect;
    const actions = stringsOf(st.Action);
    const resources = stringsOf(st.Resource);
    const conditions = conditionsOf(st.Condition);
    const why = unsupported.length
      ? `it uses ${unsupported.join(", ")}, which the spec's access cannot express`
      : effect !== "Allow" && effect !== "Deny"
        ? `its Effect is ${JSON.stringify(effect)}`
        : !actions?.length
          ? "it has no Action"
          : !resources?.length
            ? "it has no Resource"
            : !conditions
              ? "its Condition cannot be read"
              : undefined;
    if (why) {
      problems.push(`${where}: ${why}; left as a placeholder`);
      statements.push(todoStatement(`rewrite ${where} as actions and resources (${why}): ${JSON.stringify(st)}`));
      origins.push([`from ${where}: left for a person (${why})`]);
      return;
    }
    // IAM service prefixes are case-insensitive; the spec writes them in lower case.
    const acts = (actions as string[]).map((a) => (a.includes(":") ? `${a.slice(0, a.indexOf(":")).toLowerCase()}${a.slice(a.indexOf(":"))}` : a));
    const bad = acts.filter((a) => !ACTION.test(a));
    if (bad.length) {
      problems.push(`${where}: actions ${bad.join(", ")} are not service:Action; left as placeholders`);
    }
    const out: AccessStatement = {
      actions: acts.map((a) => (ACTION.test(a) ? a : placeholder(`the action ${JSON.stringify(a)} as service:Action`))),
      resources: resources as string[],
    };
    if (typeof st.Sid === "string" && SID.test(st.Sid)) out.sid = st.Sid;
    if (effect === "Deny") out.effect = "Deny";
    const cond = conditions as Record<string, Record<string, string[]>>;
    if (Object.keys(cond).length) {
      out.conditions = Object.fromEntries(Object.entries(cond).map(([op, block]) => [op, Object.fromEntries(Object.entries(block).map(([k, v]) => [k, v.length === 1 ? v[0] : v]))]));
      const lapse = Object.keys(cond.DateLessThan ?? {}).some((k) => k.toLowerCase() === "aws:currenttime");
      if (lapse) problems.push(`${where} has its own DateLessThan aws:CurrentTime condition, which the governed policy's time bound replaces`);
    }
    statements.push(out);
    origins.push([`from ${where}`]);
  });
  return { statements, origins };
}

const todoStatement = (what: string): AccessStatement => ({ actions: [placeholder(what)], resources: [placeholder("the resource ARNs it applies to")] });

/** Policy names from a role's `inline_policy` read-back, with their documents. */
function embeddedInline(values: Record<string, unknown>): { name: string; policy: unknown }[] {
  const raw = values.inline_policy;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object" && typeof (x as Record<string, unknown>).name === "string" && (x as Record<string, unknown>).name !== "")
    .map((x) => ({ name: String(x.name), policy: x.policy }));
}

const stripAttr = (ref: string, graph: ResourceGraph): IdentityResource | undefined => {
  let candidate = ref;
  while (candidate.includes(".")) {
    const hit = graph.byAddress.get(candidate);
    if (hit) return hit;
    candidate = candidate.slice(0, candidate.lastIndexOf("."));
  }
  return undefined;
};

/** The customer managed policy resource an attachment names, by reference or by ARN. */
function customerPolicy(arn: string | undefined, refs: string[], graph: ResourceGraph): IdentityResource | undefined {
  for (const ref of refs) {
    const hit = stripAttr(ref, graph);
    if (hit?.entry.id === "aws_iam_policy") return hit;
  }
  if (!arn) return undefined;
  return graph.withValue(arn).find((r) => r.entry.id === "aws_iam_policy");
}

/** Every grant of a principal, as statements. */
export function accessOf(principal: IdentityResource, kind: "role" | "user", graph: ResourceGraph): Access {
  const values = valuesOf(principal);
  const name = String(values.name);
  const own = policyName({ name });
  const problems: string[] = [];
  const statements: AccessStatement[] = [];
  const origins: string[][] = [];
  const grants: Grant[] = [];
  const addresses: string[] = [];
  let ownPolicy: string | undefined;
  const add = (r: { statements: AccessStatement[]; origins: string[][] }) => {
    statements.push(...r.statements);
    origins.push(...r.origins);
  };
  const inlineType = kind === "role" ? "aws_iam_role_policy" : "aws_iam_user_policy";
  const dependents = [...graph.dependentsOf(principal)].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  // Inline policies: resources of their own, then a role's read-back list (the same policies, in a state).
  const seenInline = new Set<string>();
  for (const d of dependents.filter((d) => d.entry.id === inlineType && d.action !== "delete")) {
    const v = valuesOf(d);
    const pname = typeof v.name === "string" && v.name !== "" && !isUnknownAt(d, "name") ? v.name : undefined;
    addresses.push(d.address);
    grants.push({ kind: "inline", name: pname ?? d.address, address: d.address });
    if (pname) seenInline.add(pname);
    if (pname === own) ownPolicy = `${name}:${own}`;
    const from = `inline policy ${pname ?? "(name unknown until apply)"} (${d.address})`;
    if (isUnknownAt(d, "policy")) {
      problems.push(`${from}: its document is unknown until apply; its statements are a placeholder (adopt from the state after apply)`);
      add({ statements: [todoStatement(`the statements of ${from}, unknown until apply`)], origins: [[`from ${from}: unknown until apply, left for a person`]] });
    } else add(statementsOf(v.policy, from, problems));
  }
  for (const p of embeddedInline(values)) {
    if (seenInline.has(p.name)) continue;
    seenInline.add(p.name);
    grants.push({ kind: "inline", name: p.name });
    if (p.name === own) ownPolicy = `${name}:${own}`;
    add(statementsOf(p.policy, `inline policy ${p.name}`, problems));
  }

  // Managed policies: attachments, the exclusive attachment list, and a role's read-back list.
  const attachments: { arn?: string; refs: string[]; address?: string }[] = [];
  const attachmentType = kind === "role" ? "aws_iam_role_policy_attachment" : "aws_iam_user_policy_attachment";
  for (const d of dependents) {
    if (d.action === "delete") continue;
    const v = valuesOf(d);
    if (d.entry.id === attachmentType || d.entry.id === "aws_iam_policy_attachment") {
      const arn = typeof v.policy_arn === "string" && !isUnknownAt(d, "policy_arn") ? v.policy_arn : undefined;
      attachments.push({ arn, refs: d.propRefs?.policy_arn ?? [], address: d.address });
      addresses.push(d.address);
    }
  }
  const listed = [...(stringsOf(values.managed_policy_arns) ?? [])].sort();
  for (const arn of listed) if (!attachments.some((a) => a.arn === arn)) attachments.push({ arn, refs: [] });
  const seenArn = new Set<string>();
  for (const a of attachments) {
    const policy = a.arn && isAwsManagedPolicyArn(a.arn) ? undefined : customerPolicy(a.arn, a.refs, graph);
    const arn = a.arn ?? (policy ? (valuesOf(policy).arn as string | undefined) : undefined);
    const key = arn ?? policy?.address ?? a.address ?? "";
    if (seenArn.has(key)) continue;
    seenArn.add(key);
    const label = arn ?? (policy ? `the policy ${policy.address}` : `the policy of ${a.address} (unknown until apply)`);
    if (arn && isAwsManagedPolicyArn(arn)) {
      const managed = awsManagedPolicy(arn);
      grants.push({ kind: "managed", name: arn, address: a.address, ...(managed ? { awsManaged: { version: managed.versionId } } : {}) });
      if (!managed) {
        problems.push(`AWS managed policy ${arn} is not in the published documents this version knows; its statements are a placeholder`);
        add({ statements: [todoStatement(`what AWS managed policy ${arn} grants (not in this version's data)`)], origins: [[`from AWS managed policy ${arn}: unknown to this version, left for a person`]] });
        continue;
      }
      add(statementsOf(managed.document, `AWS managed policy ${managed.name} (${managed.versionId})`, problems));
      continue;
    }
    grants.push({ kind: "managed", name: arn ?? label, address: a.address });
    if (!policy) {
      problems.push(`customer managed policy ${label} is not in the input; its statements are a placeholder`);
      add({ statements: [todoStatement(`the statements of customer managed policy ${label} (not in the input)`)], origins: [[`from customer managed policy ${label}: not in the input, left for a person`]] });
      continue;
    }
    // The policy itself stays where it is (other principals may use it); only its attachment is superseded.
    const from = `customer managed policy ${String(valuesOf(policy).name ?? policy.address)} (${policy.address})`;
    if (isUnknownAt(policy, "policy")) {
      problems.push(`${from}: its document is unknown until apply; its statements are a placeholder`);
      add({ statements: [todoStatement(`the statements of ${from}, unknown until apply`)], origins: [[`from ${from}: unknown until apply, left for a person`]] });
    } else add(statementsOf(valuesOf(policy).policy, from, problems));
  }

  // The same statement from two policies once; statement ids unique (IAM refuses duplicates), and
  // none that the renderer's default ids (Access<n>) could collide with.
  const seen = new Set<string>();
  const outStatements: AccessStatement[] = [];
  const outOrigins: string[][] = [];
  statements.forEach((s, i) => {
    const key = canonicalJson({ ...s, sid: undefined });
    if (seen.has(key)) {
      const at = outStatements.findIndex((o) => canonicalJson({ ...o, sid: undefined }) === key);
      outOrigins[at] = [...outOrigins[at], ...origins[i].map((o) => `also ${o}`)];
      return;
    }
    seen.add(key);
    outStatements.push({ ...s });
    outOrigins.push(origins[i]);
  });
  const sids = new Set<string>();
  for (const s of outStatements) {
    if (s.sid && (sids.has(s.sid) || /^Access\d+$/.test(s.sid))) delete s.sid;
    if (s.sid) sids.add(s.sid);
  }
  return { statements: outStatements, origins: outOrigins, grants, problems, addresses: [...new Set(addresses)], ownPolicy };
}
