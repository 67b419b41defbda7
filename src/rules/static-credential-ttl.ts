import { daysBetween, parseDate } from "../engine/clock";
import { IdentityResource, isUnknownAt } from "../engine/model";
import { durationSeconds, isDuration } from "../spec/duration";
import { TAG } from "../spec/tags";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleContext, RuleFinding } from "./rule";
import { tagsOf } from "../engine/props";

/** Attributes some providers use for a credential's own expiry. */
const EXPIRY_DATE_ATTRS = ["end_date", "valid_before", "expiration_date", "expires_at"];
const EXPIRY_RELATIVE_ATTRS = ["end_date_relative"]; // Go durations: "8760h"
const EXPIRY_SECONDS_ATTRS = ["expiration_seconds"];

interface Lifetime {
  /** Seconds, or undefined when the source says nothing. */
  ttlSeconds?: number;
  ttlText?: string;
  rotation?: string;
  source: string;
  /** An expiry attribute: the credential ends, so it is renewed, not rotated. */
  expires?: boolean;
  invalid?: RuleFinding;
}

function fromTags(r: IdentityResource, where: string, field: string): Lifetime {
  const tags = tagsOf(r) ?? {};
  const out: Lifetime = { source: where, rotation: tags[TAG.rotation] };
  const ttl = tags[TAG.ttl];
  if (ttl !== undefined) {
    if (isDuration(ttl)) {
      out.ttlSeconds = durationSeconds(ttl);
      out.ttlText = ttl;
    } else out.invalid = { key: "TTL::invalid", field, message: `${where} has ${TAG.ttl} = ${JSON.stringify(ttl)}; expected an ISO 8601 duration such as P90D. Fix: set credential.ttl in the spec` };
  }
  return out;
}

function goDurationSeconds(v: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (!m || v === "") return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The credential's own expiry attributes, when it has them. */
function fromAttributes(r: IdentityResource, ctx: RuleContext): Lifetime | { unknown: string } | undefined {
  for (const a of EXPIRY_DATE_ATTRS) {
    if (isUnknownAt(r, a)) return { unknown: a };
    const v = r.props[a];
    if (typeof v === "string" && v !== "") {
      const d = parseDate(v.replace(/Z$/, "Z"));
      if (!d) return { source: `${r.address}.${a}`, invalid: { key: "TTL::invalid", field: a, message: `${r.address} has ${a} = ${JSON.stringify(v)}; expected an RFC 3339 date` } };
      return { source: `${r.address}.${a}`, ttlSeconds: Math.max(0, daysBetween(ctx.clock.now(), d) * 86400), ttlText: `until ${v}`, expires: true };
    }
  }
  for (const a of EXPIRY_RELATIVE_ATTRS) {
    if (isUnknownAt(r, a)) return { unknown: a };
    const v = r.props[a];
    if (typeof v === "string" && v !== "") {
      const s = goDurationSeconds(v);
      if (s === undefined) return { source: `${r.address}.${a}`, invalid: { key: "TTL::invalid", field: a, message: `${r.address} has ${a} = ${JSON.stringify(v)}; expected a duration such as 2160h` } };
      return { source: `${r.address}.${a}`, ttlSeconds: s, ttlText: v, expires: true };
    }
  }
  for (const a of EXPIRY_SECONDS_ATTRS) {
    if (isUnknownAt(r, a)) return { unknown: a };
    const v = r.props[a];
    if (typeof v === "number") return { source: `${r.address}.${a}`, ttlSeconds: v, ttlText: `${v} s`, expires: true };
  }
  return undefined;
}

export const staticCredentialTtl = defineRule({
  id: "NHI-GOV-012",
  title: "Static credential without TTL or rotation, or TTL beyond the maximum",
  severity: "high",
  controls: { owasp: ["NHI7", "NHI4"], nistCsf: ["PR.AA-01", "PR.AA-03"] },
  rationale:
    "Access keys, service account keys, application passwords and certificates live until someone deletes them, and leaked ones are used for years. A static credential needs a declared lifetime no longer than the configured maximum and a rotation schedule, or its own expiry date.",
  remediation:
    "Prefer federated or ephemeral credentials. Where a static credential is unavoidable, declare credential.kind static-key with a ttl (at most maxCredentialTtl) and rotation in the spec, or set the credential's own expiry (end_date, end_date_relative) within the maximum.",
  appliesTo: { kinds: ["credential"] },
  check(r, ctx) {
    if (!r.entry.staticCredential) return notApplicable(`${r.entry.id} is not a static credential`);
    const max = durationSeconds(ctx.config.maxCredentialTtl);
    const findings: RuleFinding[] = [];
    let life: Lifetime | undefined;
    if (r.entry.taggable) {
      if (isUnknownAt(r, "tags")) return fail(cannotEvaluate("tags"));
      const own = fromTags(r, r.address, `tags.${TAG.ttl}`);
      if (own.invalid) return fail(own.invalid);
      if (own.ttlSeconds !== undefined) life = own;
    }
    if (!life) {
      const attr = fromAttributes(r, ctx);
      if (attr && "unknown" in attr) return fail(cannotEvaluate(attr.unknown));
      if (attr?.invalid) return fail(attr.invalid);
      if (attr) life = attr;
    }
    if (!life) {
      for (const link of ctx.graph.links(r)) {
        if (link.unknown) return fail(cannotEvaluate(link.field));
        for (const t of link.targets) {
          if (t.entry.kind !== "principal") continue;
          if (isUnknownAt(t, "tags")) return fail(cannotEvaluate(`${t.address}.tags`));
          const owner = fromTags(t, t.address, `${t.address}.tags.${TAG.ttl}`);
          if (owner.invalid) return fail(owner.invalid);
          life = owner;
        }
        if (!life && link.external.length) {
          return fail(cannotEvaluate(link.field, `it names ${link.external.join(", ")}, outside this evaluation, so its ${TAG.ttl} and ${TAG.rotation} tags cannot be read`));
        }
      }
    }
    if (!life || life.ttlSeconds === undefined) {
      findings.push({
        key: "TTL::missing",
        message: `${r.entry.description} ${r.address} has no declared lifetime (no ${TAG.ttl} tag on it or its principal${life ? ` ${life.source}` : ""}, no expiry attribute); expected at most ${ctx.config.maxCredentialTtl}. Fix: use a federated or ephemeral credential, or declare credential.kind static-key with ttl and rotation in the spec`,
      });
    } else if (life.ttlSeconds > max) {
      findings.push({
        key: "TTL::exceeds",
        message: `${r.entry.description} ${r.address} lives ${life.ttlText} (from ${life.source}); expected at most ${ctx.config.maxCredentialTtl} (maxCredentialTtl). Fix: shorten the ttl or expiry`,
      });
    }
    if (!life?.expires && life?.rotation === undefined) {
      findings.push({
        key: "Rotation::missing",
        message: `${r.entry.description} ${r.address} has no rotation schedule (no ${TAG.rotation} tag on it or its principal${life ? ` ${life.source}` : ""}); expected one no longer than its ttl. Fix: set credential.rotation in the spec`,
      });
    }
    if (life?.rotation !== undefined && !isDuration(life.rotation)) {
      findings.push({ key: "Rotation::invalid", message: `${life.source} has ${TAG.rotation} = ${JSON.stringify(life.rotation)}; expected an ISO 8601 duration such as P30D` });
    }
    return fail(...findings);
  },
});
