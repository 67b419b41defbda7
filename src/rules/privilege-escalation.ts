import { ADMIN_ROLE_NAME, ESCALATION_PATHS, ESCALATION_SOURCES, EscalationPath, EscalationStep } from "../iam/escalation-paths";
import { NormalStatement, normalizePolicy } from "../iam/policy";
import { actionMatches, isWildcard } from "../iam/actions";
import { IdentityResource } from "../engine/model";
import { ResourceGraph } from "../engine/graph";
import { tagsOf } from "../engine/props";
import { GateConfig } from "../spec/config";
import { TAG } from "../spec/tags";
import { defineRule, fail, notApplicable, RuleContext, RuleFinding } from "./rule";
import { accountOf, MANAGED_POLICY_ARN_FIELDS, principalDocuments, PrincipalDocument, sample, stringList } from "./support";
import { adminLevel } from "../iam/admin";
import { awsManagedPolicy } from "../iam/managed-policies";

/** Principals judged with every policy granting them access, across resources. */
const PRINCIPALS = ["aws_iam_role", "aws_iam_user", "awscc_iam_role", "awscc_iam_user"];
/** Inline policies judged alone when they reach no principal in the evaluation (an existing role named by string). */
const STANDALONE: Record<string, string> = { aws_iam_role_policy: "policy", aws_iam_user_policy: "policy", awscc_iam_role_policy: "policy_document", awscc_iam_user_policy: "policy_document" };

interface Grant {
  st: NormalStatement;
  from: string;
}

/** The accounts a principal lives in: its environment's configured accounts, else its own ARN's or its boundary's. */
function homeAccounts(p: IdentityResource | undefined, config: GateConfig): string[] {
  if (!p) return [];
  const env = tagsOf(p)?.[TAG.environment];
  const configured = env ? config.environmentAccounts[env] : undefined;
  if (configured?.length) return configured;
  for (const v of [p.props.arn, p.props.permissions_boundary]) {
    const a = typeof v === "string" ? accountOf(v) : undefined;
    if (a) return [a];
  }
  return [];
}

/** Whether an AWS managed policy is admin-level by its document (src/iam/admin.ts, as NHI-GOV-007 judges it). */
function adminManagedPolicy(arn: string): boolean {
  const p = awsManagedPolicy(arn);
  if (!p) return false;
  try {
    return adminLevel(normalizePolicy(p.document)) !== undefined;
  } catch {
    return false;
  }
}

/** Whether a role is admin-level by what this evaluation shows of it. */
function isAdminRole(role: IdentityResource, graph: ResourceGraph): boolean {
  for (const arn of stringList(role.props[MANAGED_POLICY_ARN_FIELDS[role.entry.id] ?? ""])) if (adminManagedPolicy(arn)) return true;
  for (const d of graph.dependentsOf(role)) for (const arn of [...stringList(d.props.policy_arn), ...stringList(d.props.policy_arns)]) if (adminManagedPolicy(arn)) return true;
  for (const { document } of principalDocuments(role, graph)) {
    try {
      for (const st of normalizePolicy(document).Statement) {
        if (st.Effect === "Allow" && (st.Action ?? []).some((a) => a === "*" || a === "iam:*") && (st.Resource ?? []).includes("*")) return true;
      }
    } catch {
      /* unparsable: reported by the policy rules */
    }
  }
  return false;
}

/** Why a resource pattern of iam:PassRole / sts:AssumeRole reaches more than the principal should, or undefined. */
function privilegedRole(resource: string, home: string[], graph: ResourceGraph): string | undefined {
  if (resource === "*") return "every role (*)";
  if (isWildcard(resource)) return `every role matching ${resource}`;
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(resource);
  if (!m) return undefined;
  const [, account, name] = m;
  if (home.length && !home.includes(account)) return `role ${resource} in account ${account}, not this identity's (${home.join(", ")})`;
  const inPlan = [...graph.withValue(resource), ...graph.withValue(name)].find((x) => x.entry.kind === "principal" && (x.entry.id === "aws_iam_role" || x.entry.id === "awscc_iam_role"));
  if (inPlan && isAdminRole(inPlan, graph)) return `admin role ${resource} (${inPlan.address} has admin-level access)`;
  if (ADMIN_ROLE_NAME.test(name)) return `role ${resource}, named as an admin role`;
  return undefined;
}

/** Whether a resource pattern covers every resource of its type (`*`, `arn:aws:lambda:*:*:function:*`). */
function everyResource(resource: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  const rest = parts.slice(5).join(":").replace(/^[A-Za-z-]+[:/]/, "");
  return rest.startsWith("*");
}

const hasConditionKey = (st: NormalStatement, keys: readonly string[]) =>
  Object.values(st.Condition ?? {}).some((block) => Object.keys(block).some((k) => keys.some((m) => m.toLowerCase() === k.toLowerCase())));

/** How a step is granted (one line per granting statement), or nothing. */
function stepGrants(step: EscalationStep, path: EscalationPath, grants: Grant[], denied: Set<string>, home: string[], graph: ResourceGraph): string[] {
  const action = step.action.toLowerCase();
  if (denied.has(action)) return [];
  const out: string[] = [];
  for (const { st, from } of grants) {
    if (!(st.Action ?? []).includes(action)) continue;
    if (path.mitigatedBy && hasConditionKey(st, path.mitigatedBy)) continue;
    const resources = st.NotResource ? ["*"] : (st.Resource ?? ["*"]);
    if (path.selfServiceOk && resources.every((res) => res.includes("${aws:username}"))) continue;
    const on = step.on ?? "any";
    if (on === "privileged-role") {
      const why = resources.map((res) => privilegedRole(res, home, graph)).find((w) => w !== undefined);
      if (why) out.push(`${step.action} on ${why} (${from})`);
    } else if (on === "every-resource") {
      const all = resources.find(everyResource);
      if (all) out.push(`${step.action} on ${all} (${from})`);
    } else out.push(`${step.action} on ${sample(resources, 2)} (${from})`);
  }
  return out;
}

/** Every action some path needs, lowercased: a principal granted none of them has no path (most principals). */
const STEP_ACTIONS = new Set(ESCALATION_PATHS.flatMap((p) => p.steps.map((s) => s.action.toLowerCase())));

/** The known paths fully granted by these documents, longest first, with how each step is granted. */
export function escalationPathsGranted(docs: PrincipalDocument[], home: string[], graph: ResourceGraph): { path: EscalationPath; how: string[] }[] {
  const parsed: { from: string; statements: readonly NormalStatement[] }[] = [];
  const seen = new Set<unknown>();
  let any = false;
  for (const { from, document } of docs) {
    let statements: readonly NormalStatement[];
    try {
      statements = normalizePolicy(document).Statement;
    } catch {
      continue; // the policy rules report unparsable documents
    }
    // The same document reached twice (by ARN and by reference) counts once.
    if (seen.has(statements)) continue;
    seen.add(statements);
    parsed.push({ from, statements });
    if (!any) any = statements.some((st) => st.Effect === "Allow" && (st.Action ?? []).some((a) => STEP_ACTIONS.has(a)));
  }
  if (!any) return [];
  const grants: Grant[] = [];
  const denied = new Set<string>();
  for (const { from, statements } of parsed) {
    for (const st of statements) {
      // Explicit actions only: wildcards (and NotAction) are NHI-GOV-005's, with their escalation actions named.
      if (st.Effect === "Allow" && st.Action) grants.push({ st: { ...st, Action: st.Action.filter((a) => !isWildcard(a)) }, from });
      if (st.Effect === "Deny" && !st.Condition && (st.Resource ?? []).includes("*")) {
        for (const p of ESCALATION_PATHS) for (const s of p.steps) if ((st.Action ?? []).some((a) => actionMatches(a, s.action))) denied.add(s.action.toLowerCase());
      }
    }
  }
  const matched: { path: EscalationPath; how: string[] }[] = [];
  for (const path of ESCALATION_PATHS) {
    const how: string[] = [];
    let all = true;
    for (const step of path.steps) {
      const g = stepGrants(step, path, grants, denied, home, graph);
      if (!g.length) {
        all = false;
        break;
      }
      how.push(...g);
    }
    if (all) matched.push({ path, how });
  }
  // A path whose steps another matched path contains adds nothing: report the longest.
  const actions = (p: EscalationPath) => new Set(p.steps.map((s) => s.action));
  return matched
    .filter((m) => !matched.some((o) => o !== m && o.path.steps.length > m.path.steps.length && [...actions(m.path)].every((a) => actions(o.path).has(a))))
    .sort((a, b) => b.path.steps.length - a.path.steps.length || (a.path.id < b.path.id ? -1 : 1));
}

function findingsFor(r: IdentityResource, docs: PrincipalDocument[], home: string[], ctx: RuleContext): RuleFinding[] {
  return escalationPathsGranted(docs, home, ctx.graph).map(({ path, how }) => ({
    key: `Escalation::${path.id}`,
    severity: path.severity,
    message: `${r.address} can escalate its privileges: it is granted ${sample(how, 4)}, so whoever holds its credentials ${path.description}. A known escalation path (${path.sources.map((s) => ESCALATION_SOURCES[s]).join(", ")}). Expected: no escalation path on a non-human identity. Fix: ${path.steps.length > 1 ? `drop one of ${path.steps.map((s) => s.action).join(", ")}` : `drop ${path.steps[0].action}`}${path.steps.some((s) => s.on === "privileged-role") ? "; scope iam:PassRole / sts:AssumeRole to the exact non-admin roles of this account the workload needs" : ""}${path.mitigatedBy ? `; or confine it with a ${path.mitigatedBy.join(" / ")} condition` : ""}; exempt this finding id with a ticket only when the path is intended`,
  }));
}

export const privilegeEscalation = defineRule({
  id: "NHI-GOV-021",
  title: "Privilege-escalation path granted",
  severity: "critical",
  controls: { owasp: ["NHI5"], nistCsf: ["PR.AA-05"] },
  rationale:
    "Some actions let an identity make itself administrator or act as another identity even when each is named exactly, alone (iam:CreatePolicyVersion, iam:AttachRolePolicy, iam:PutRolePolicy, iam:CreateAccessKey, iam:UpdateAssumeRolePolicy) or together (iam:PassRole on an admin role with lambda:CreateFunction and lambda:InvokeFunction). The paths are a maintained, cited list (src/iam/escalation-paths.ts, from Rhino Security Labs, pathfinding.cloud, Bishop Fox iam-vulnerable and PMapper); a principal is judged with every policy that grants it access in the plan, its attached AWS managed policies included, so splitting a path over several policies does not hide it.",
  remediation:
    "Remove one action of the path from the spec's access; scope iam:PassRole and sts:AssumeRole to the exact non-admin roles of the identity's own account; confine attach actions with an iam:PolicyARN condition. Exempt the finding id with a ticket only when the path is intended (a platform's own IAM automation).",
  appliesTo: { types: [...PRINCIPALS, ...Object.keys(STANDALONE)] },
  check(r, ctx) {
    if (PRINCIPALS.includes(r.entry.id)) return fail(...findingsFor(r, principalDocuments(r, ctx.graph), homeAccounts(r, ctx.config), ctx));
    // An inline policy whose principal is in the evaluation is judged with it.
    const targets = ctx.graph.links(r).flatMap((l) => l.targets);
    if (targets.some((t) => PRINCIPALS.includes(t.entry.id))) return notApplicable("judged with its principal");
    const field = STANDALONE[r.entry.id];
    if (r.props[field] === undefined) return notApplicable("no document");
    return fail(...findingsFor(r, [{ from: `${r.address}.${field}`, document: r.props[field] }], [], ctx));
  },
});
