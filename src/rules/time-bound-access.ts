import { addDays, parseDate } from "../engine/clock";
import { tagsOf } from "../engine/props";
import { conditionValues, normalizePolicy } from "../iam/policy";
import { TAG } from "../spec/tags";
import { defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { isUnknownAt } from "../engine/model";
import { policyName } from "../render/aws";

/** The principal's own inline policy types (the one GovernedIdentity renders). */
const OWN_POLICY: Record<string, string> = { aws_iam_role_policy: "policy", aws_iam_user_policy: "policy" };

const TIME_OPERATORS = /^DateLessThan(Equals)?$/i;

export const timeBoundAccess = defineRule({
  id: "NHI-GOV-022",
  title: "Sealed identity's access is not time-bound",
  severity: "high",
  controls: { owasp: ["NHI1", "NHI7"], nistCsf: ["PR.AA-05", "ID.AM-08"] },
  rationale:
    "GovernedIdentity renders every Allow statement with a DateLessThan aws:CurrentTime condition at the recertification date plus the grace period, so access lapses in AWS itself when nobody recertifies. The seal's algorithm is public: a seal recomputed over a policy without that condition, or with a later date than the identity's tags allow, verifies, and the identity would keep its access forever. Every Allow statement of a sealed identity's own policy (the one the seal covers) must carry the condition, no later than its nhi:recertify-by (or nhi:emergency-expires) plus accessGracePeriodDays.",
  remediation:
    "Create the identity with GovernedIdentity, which writes the condition into every statement; do not recompute the seal over a hand-written policy. After recertifying, change recertifyBy in the spec so the construct renders the new date.",
  appliesTo: { types: ["aws_iam_role", "aws_iam_user"] },
  check(r, ctx) {
    const tags = tagsOf(r) ?? {};
    if (tags[TAG.seal] === undefined) return notApplicable("not sealed");
    const recertify = tags[TAG.recertifyBy] !== undefined ? parseDate(tags[TAG.recertifyBy]) : undefined;
    const emergency = tags[TAG.emergencyExpires] !== undefined ? parseDate(tags[TAG.emergencyExpires]) : undefined;
    let deadline = recertify ? addDays(recertify, ctx.config.accessGracePeriodDays) : undefined;
    if (emergency && (!deadline || emergency.getTime() < deadline.getTime())) deadline = emergency;
    // Under a GovernedIdentity component, the children are compared with what its declared spec
    // renders (at the grace period the construct recorded), which puts the condition in every statement.
    if (ctx.provenance(r).via === "component") return notApplicable("compared with its declared spec, which renders the condition");
    // The sealed own policy (what the seal covers); anything else attached is an integrity finding (NHI-GOV-002).
    const own = policyName({ name: String(r.props.name ?? "") });
    const docs: { from: string; document: unknown }[] = [];
    for (const d of ctx.graph.dependentsOf(r)) {
      const field = OWN_POLICY[d.entry.id];
      if (field && d.props.name === own && d.props[field] !== undefined && !isUnknownAt(d, field)) docs.push({ from: d.address, document: d.props[field] });
    }
    const findings: RuleFinding[] = [];
    for (const { from, document } of docs) {
      let statements;
      try {
        statements = normalizePolicy(document).Statement;
      } catch {
        continue; // unparsable: the seal check and the policy rules report it
      }
      const missing: string[] = [];
      const late: string[] = [];
      statements.forEach((st, i) => {
        if (st.Effect !== "Allow") return;
        const label = st.Sid ?? `#${i}`;
        const values = conditionValues(st, TIME_OPERATORS, "aws:CurrentTime") ?? [];
        let latest = -Infinity;
        for (const v of values) {
          const t = parseDate(v)?.getTime() ?? parseDate(v.replace(/\.\d+Z$/, "Z"))?.getTime();
          if (t === undefined) {
            latest = NaN;
            break;
          }
          if (t > latest) latest = t;
        }
        if (!values.length || Number.isNaN(latest)) missing.push(label);
        else if (deadline && latest > deadline.getTime()) late.push(`${label} (until ${values.join(", ")})`);
      });
      if (!missing.length && !late.length) continue;
      const bound = deadline ? deadline.toISOString().replace(".000Z", "Z") : undefined;
      if (missing.length) {
        findings.push({
          key: `TimeBound::${from}`,
          message: `${from} grants sealed identity ${r.address} access without a DateLessThan aws:CurrentTime condition in statement(s) ${missing.join(", ")}: its access would never lapse. Expected every Allow statement bound to ${bound ?? "its nhi:recertify-by date plus the grace period"}. Fix: create it with GovernedIdentity, which renders the condition`,
        });
      } else if (late.length) {
        findings.push({
          key: `TimeBound::${from}`,
          message: `${from} lets sealed identity ${r.address} keep its access past what its tags allow: statement(s) ${late.join(", ")}; expected no later than ${bound} (nhi:recertify-by ${tags[TAG.recertifyBy] ?? "?"}${emergency ? `, nhi:emergency-expires ${tags[TAG.emergencyExpires]}` : ""}, plus ${ctx.config.accessGracePeriodDays} days' grace). Fix: change recertifyBy in the spec and let GovernedIdentity render the date`,
        });
      }
    }
    return fail(...findings);
  },
});
