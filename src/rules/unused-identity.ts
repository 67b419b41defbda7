import { daysBetween, parseDate } from "../engine/clock";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { tagsOf } from "../engine/props";
import { TAG } from "../spec/tags";
import { ownerOf } from "./access-key-age";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleContext, RuleResult } from "./rule";

const day = (v: unknown): Date | undefined => (typeof v === "string" && v !== "" ? parseDate(v.replace(/\.\d+Z$/, "Z")) : undefined);

function ownerLine(r: IdentityResource, ctx: RuleContext): string {
  const principal = r.entry.kind === "principal" ? r : ownerOf(r, ctx);
  const owner = principal ? tagsOf(principal)?.[TAG.owner] : undefined;
  return owner ? `confirm with its owner ${owner}` : "it names no owner (nhi:owner), so ask who created it";
}

/** The verdict for one last-use date (or none) against the configured span. */
function judge(r: IdentityResource, ctx: RuleContext, what: string, last: Date | undefined, where: string | undefined): RuleResult {
  const now = ctx.clock.now();
  const span = ctx.config.maxUnusedDays;
  const fix = `It is an offboarding candidate: ${ownerLine(r, ctx)}, then delete it (or exempt this finding with a ticket if it is kept for a rare job)`;
  if (last) {
    const idle = Math.floor(daysBetween(last, now));
    if (idle <= span) return fail();
    return fail({
      key: "Unused::since",
      message: `${what} ${r.address} was last used on ${last.toISOString().slice(0, 10)}${where ? ` (${where})` : ""}, ${idle} days ago; expected use within ${span} days (maxUnusedDays). ${fix}`,
    });
  }
  const created = day(r.props.create_date);
  if (!created) return notApplicable("never used, and no creation date to tell for how long");
  const age = Math.floor(daysBetween(created, now));
  if (age <= span) return fail();
  return fail({
    key: "Unused::never",
    message: `${what} ${r.address} has never been used in the ${age} days since it was created on ${created.toISOString().slice(0, 10)}${r.entry.id === "aws_iam_role" ? " (AWS tracks role use for the last 400 days)" : ""}; expected use within ${span} days (maxUnusedDays). ${fix}`,
  });
}

export const unusedIdentity = defineRule({
  id: "NHI-GOV-041",
  title: "Identity or access key unused longer than the configured span",
  severity: "medium",
  controls: { owasp: ["NHI1"], nistCsf: ["ID.AM-08", "PR.AA-01"] },
  rationale:
    "A role nobody assumes and a key nobody uses still grant everything they grant: they are what is left when a workload moves, a vendor leaves or a project ends without offboarding. Last use (RoleLastUsed, AccessKeyLastUsed) is the evidence only the live account has.",
  remediation:
    "Confirm with the owner that the identity is no longer needed, then delete it (its keys, policies and instance profiles with it); an identity kept for a rare job is exempted with a ticket and an expiry. Set maxUnusedDays in the gate config to your offboarding span.",
  appliesTo: { types: ["aws_iam_role", "aws_iam_access_key"] },
  check(r, ctx) {
    if (r.entry.id === "aws_iam_role") {
      if (isUnknownAt(r, "role_last_used")) return fail(cannotEvaluate("role_last_used"));
      const block = r.props.role_last_used;
      if (!Array.isArray(block)) return notApplicable("no last-use data (read by nhi-gate discover, not in plans)");
      const first = (block[0] ?? {}) as { last_used_date?: unknown; region?: unknown };
      return judge(r, ctx, "role", day(first.last_used_date), typeof first.region === "string" ? `in ${first.region}` : undefined);
    }
    if (isUnknownAt(r, "last_used_date")) return fail(cannotEvaluate("last_used_date"));
    if (!("last_used_date" in r.props)) return notApplicable("no last-use data (read by nhi-gate discover, not in plans)");
    const where = [r.props.last_used_service, r.props.last_used_region].filter((x) => typeof x === "string").join(" in ");
    const what = r.props.status === "Inactive" ? "inactive access key" : "access key";
    return judge(r, ctx, what, day(r.props.last_used_date), where || undefined);
  },
});
