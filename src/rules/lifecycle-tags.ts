import { CREDENTIAL_KINDS } from "../spec/identity";
import { TAG } from "../spec/tags";
import { ownerProblem } from "../spec/owner";
import { parseDate } from "../engine/clock";
import { tagsOf, tagsUnknown } from "../engine/props";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";

export const lifecycleTags = defineRule({
  id: "NHI-GOV-003",
  title: "Missing or invalid lifecycle tags",
  severity: "high",
  controls: { owasp: ["NHI1"], nistCsf: ["GV.RR-02", "ID.AM-08"] },
  rationale:
    "Owner, purpose, environment, system of record, retirement condition, workload, recertification date and credential kind are what make an identity accountable and let it be offboarded. They live on the identity as tags, where inventories and auditors read them.",
  remediation: "Declare the identity with GovernedIdentity, which writes every lifecycle tag from its spec; or add the missing nhi:* tags with valid values.",
  appliesTo: { kinds: ["principal"] },
  check(r, ctx) {
    if (!r.entry.taggable) return notApplicable(`${r.entry.id} carries no tags`);
    if (tagsUnknown(r)) return fail(cannotEvaluate("tags"));
    const tags = tagsOf(r) ?? {};
    const findings: RuleFinding[] = [];
    for (const key of ctx.config.requiredTags) {
      const v = tags[key];
      if (v === undefined || v.trim() === "") findings.push({ key: `Tag::${key}`, field: `tags.${key}`, message: `${r.address} has no ${key} tag; expected it on every non-human identity. Fix: set it through GovernedIdentity's spec` });
    }
    const invalid = (key: string, expected: string) =>
      findings.push({ key: `Tag::${key}`, field: `tags.${key}`, message: `${r.address} has ${key} = ${JSON.stringify(tags[key])}; expected ${expected}` });
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
