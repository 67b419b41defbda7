import { daysBetween, parseDate } from "../engine/clock";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { tagsOf } from "../engine/props";
import { durationSeconds, isDuration } from "../spec/duration";
import { TAG } from "../spec/tags";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleContext } from "./rule";

/** The principal a credential belongs to, through its owner links. */
export function ownerOf(r: IdentityResource, ctx: RuleContext): IdentityResource | undefined {
  for (const link of ctx.graph.links(r)) for (const t of link.targets) if (t.entry.kind === "principal") return t;
  return undefined;
}

const whole = (days: number) => Math.floor(days);

export const accessKeyAge = defineRule({
  id: "NHI-GOV-040",
  title: "Access key older than its TTL",
  severity: "high",
  controls: { owasp: ["NHI7"], nistCsf: ["PR.AA-01", "PR.AA-03"] },
  rationale:
    "A declared TTL is a promise that a key is rotated before it. Only the live key's creation date shows whether the promise was kept: a key older than its nhi:ttl, or than the configured maximum, is a long-lived secret whatever its tags say, and every day it lives is a day a leaked copy still works.",
  remediation:
    "Rotate the key: create a new one, move the workload to it, deactivate and delete the old one (GovernedIdentity's static-key credential rotates through Secrets Manager). Better, replace it with a federated or ephemeral credential.",
  appliesTo: { types: ["aws_iam_access_key"] },
  check(r, ctx) {
    // A key being created (or replaced by a rotation) is new: its creation date is known after apply.
    if (r.action === "create" || r.action === "replace") return notApplicable("a key being created is new");
    if (isUnknownAt(r, "create_date")) return fail(cannotEvaluate("create_date"));
    const raw = r.props.create_date;
    if (typeof raw !== "string" || raw === "") return notApplicable("no creation date: a key being created is new");
    const created = parseDate(raw.replace(/\.\d+Z$/, "Z"));
    if (!created) return fail({ key: "Age::invalid", field: "create_date", message: `${r.address} has create_date ${JSON.stringify(raw)}; expected an RFC 3339 time` });
    const now = ctx.clock.now();
    const age = daysBetween(created, now);
    const maxDays = durationSeconds(ctx.config.maxCredentialTtl) / 86400;
    let limit = maxDays;
    let source = `maxCredentialTtl ${ctx.config.maxCredentialTtl}`;
    const owner = ownerOf(r, ctx);
    const ttl = owner ? tagsOf(owner)?.[TAG.ttl] : undefined;
    if (ttl !== undefined && isDuration(ttl) && durationSeconds(ttl) / 86400 < limit) {
      limit = durationSeconds(ttl) / 86400;
      source = `${TAG.ttl} ${ttl} on ${owner?.address}`;
    }
    if (age <= limit) return fail();
    const inactive = r.props.status === "Inactive";
    return fail({
      key: "Age::exceeds",
      field: "create_date",
      severity: inactive ? "medium" : undefined,
      message: `access key ${String(r.props.id ?? r.address)}${owner ? ` of ${owner.address}` : ""} is ${whole(age)} days old (created ${raw.slice(0, 10)}${inactive ? ", now inactive" : ""}); expected at most ${whole(limit)} days (${source}). Fix: ${inactive ? "delete it: an inactive key can be switched back on" : "rotate it (a new key, the workload moved to it, this one deactivated and deleted), or replace it with a federated or ephemeral credential"}`,
    });
  },
});
