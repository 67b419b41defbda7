import { CREDENTIAL_KINDS } from "../spec/identity";
import { TAG } from "../spec/tags";
import { ownerProblem } from "../spec/owner";
import { parseDate } from "../engine/clock";
import { tagsOf, tagsUnknown } from "../engine/props";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";

/** Whether `field` is `tags.<key>`, without building that string. */
const isTagField = (field: string | undefined, key: string) => field !== undefined && field.length === key.length + 5 && field.startsWith("tags.") && field.endsWith(key);

/** The missing tags and the invalid ones (with what was expected) of a resource's findings, as one phrase. */
function tagProblems(parts: RuleFinding[]): string {
  const missing = parts.filter((p) => p.summary !== undefined && isTagField(p.field, p.summary)).map((p) => p.summary as string);
  const other = parts.filter((p) => !missing.includes(p.summary as string)).map((p) => p.summary ?? p.message);
  return [missing.length ? `no ${missing.join(", ")} tag${missing.length === 1 ? "" : "s"}` : "", ...other].filter(Boolean).join("; ");
}


export const lifecycleTags = defineRule({
  id: "NHI-GOV-003",
  title: "Missing or invalid lifecycle tags",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["GV.RR-02", "ID.AM-08"] },
  rationale:
    "Owner, purpose, environment, system of record, retirement condition, workload, recertification date and credential kind are what make an identity accountable and let it be offboarded. They live on the identity as tags, where inventories and auditors read them.",
  remediation: "Declare the identity with GovernedIdentity, which writes every lifecycle tag from its spec; or add the missing nhi:* tags with valid values.",
  appliesTo: { kinds: ["principal"] },
  // One finding per resource naming every missing or invalid tag; on an identity reported as
  // created outside a governed construct, a sentence of that finding.
  fold: {
    into: "NHI-GOV-001",
    message: (r, parts) =>
      `${r.address} has missing or invalid lifecycle tags: ${tagProblems(parts)}. Expected: every lifecycle tag, with a valid value, on every non-human identity. Fix: set them through GovernedIdentity's spec`,
    sentence: (_r, parts) => `Lifecycle tags (NHI-GOV-003): ${tagProblems(parts)}`,
  },
  check(r, ctx) {
    if (!r.entry.taggable) return notApplicable(`${r.entry.id} carries no tags`);
    if (tagsUnknown(r)) return fail({ ...cannotEvaluate("tags"), summary: "cannot evaluate them: tags are unknown until apply" });
    const tags = tagsOf(r) ?? {};
    const findings: RuleFinding[] = [];
    for (const key of ctx.config.requiredTags) {
      const v = tags[key];
      if (v === undefined || v.trim() === "") findings.push({ key: `Tag::${key}`, field: `tags.${key}`, summary: key, message: `${r.address} has no ${key} tag; expected it on every non-human identity. Fix: set it through GovernedIdentity's spec` });
    }
    const invalid = (key: string, expected: string) =>
      findings.push({ key: `Tag::${key}`, field: `tags.${key}`, summary: `${key} = ${JSON.stringify(tags[key])} (expected ${expected})`, message: `${r.address} has ${key} = ${JSON.stringify(tags[key])}; expected ${expected}` });
    const owner = tags[TAG.owner];
    const badOwner = owner !== undefined && owner.trim() !== "" ? ownerProblem(owner, ctx.config) : undefined;
    if (badOwner) invalid(TAG.owner, `${badOwner}. Fix: set the accountable owner in GovernedIdentity's spec`);
    if (tags[TAG.environment] !== undefined && !ctx.config.environments.includes(tags[TAG.environment])) invalid(TAG.environment, `one of ${ctx.config.environments.join(", ")}`);
    if (tags[TAG.recertifyBy] !== undefined && !parseDate(tags[TAG.recertifyBy])) invalid(TAG.recertifyBy, "a date YYYY-MM-DD");
    if (tags[TAG.credential] !== undefined && !(CREDENTIAL_KINDS as readonly string[]).includes(tags[TAG.credential])) invalid(TAG.credential, `one of ${CREDENTIAL_KINDS.join(", ")}`);
    if (tags[TAG.purpose] !== undefined && tags[TAG.purpose].trim().length > 0 && tags[TAG.purpose].trim().length < 10) invalid(TAG.purpose, "a purpose of at least 10 characters");
    return fail(...findings);
  },
});
