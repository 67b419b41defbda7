import fc from "fast-check";
import { evaluate, parsedConfig } from "../../src/engine/evaluate";
import { daysBetween, parseDate } from "../../src/engine/clock";
import { ExemptionMatcher, EXPIRING_WITHIN_DAYS } from "../../src/engine/exemptions";
import { IdentityResource } from "../../src/engine/model";
import { ExemptionRecord, Finding } from "../../src/engine/report";
import { GateConfig } from "../../src/spec/config";
import { ownerProblem } from "../../src/spec/owner";
import { globMatch } from "../../src/util/glob";
import { Exemption } from "../../src/spec/exemptions";
import { resource } from "../../testing/resources";
import { clock, inDays } from "../helpers";

/**
 * The engine applies exemptions and folds findings resource by resource (so a resource's granular
 * findings are not kept to the end) when addresses are unique; otherwise it folds everything at
 * the end. Both give the same report, and exemptions applied in batches give what one call gives.
 */

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const wide = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const narrow = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] });

function legacy(n: string, w: boolean): IdentityResource[] {
  return [
    resource("aws_iam_role", `aws_iam_role.${n}`, { name: n, path: "/", assume_role_policy: trust, tags: {} }),
    resource("aws_iam_role_policy", `aws_iam_role_policy.${n}`, { name: `${n}-access`, role: n, policy: w ? wide : narrow }, { propRefs: { role: [`aws_iam_role.${n}.name`] } }),
    resource("aws_iam_instance_profile", `aws_iam_instance_profile.${n}`, { name: n, role: n }, { propRefs: { role: [`aws_iam_role.${n}.name`] } }),
  ];
}

const RULES = ["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-003", "NHI-GOV-003[Tag::nhi:owner]", "NHI-GOV-003[Tag::nhi:environment]", "NHI-GOV-005", "NHI-GOV-008"];
const TARGETS = ["aws_iam_role.r0", "aws_iam_role_policy.r1", "*.r0", "aws_iam_role.r?", "*", "aws_iam_instance_profile.r2", "nothing.here"];
const exemptionArb = fc.record({ rule: fc.constantFrom(...RULES), resource: fc.constantFrom(...TARGETS), days: fc.constantFrom(-3, 3, 20, 400) });
const toExemptions = (list: { rule: string; resource: string; days: number }[]): Exemption[] =>
  list.map((e, i) => ({ rule: e.rule, resource: e.resource, reason: "legacy role being migrated", owner: i % 4 === 3 ? "x" : "@acme/platform", ticket: `T-${i}`, expires: inDays(e.days), ...(i % 3 === 2 ? { baseline: true } : {}) }));

describe("findings folded resource by resource", () => {
  it("give the report of folding at the end (forced by a discovery gap at a resource's address)", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), fc.array(exemptionArb, { maxLength: 6 }), (wides, exs) => {
        const resources = wides.flatMap((w, n) => legacy(`r${n}`, w));
        const exemptions = toExemptions(exs);
        const streamed = evaluate({ resources }, { clock, exemptions });
        // A gap at a resource's address: the engine cannot fold per resource and folds at the end.
        const gap = { address: resources[0].address, type: "aws_iam_role", key: "Denied::iam:GetRole", message: "denied" };
        const atEnd = evaluate({ resources, gaps: [gap] }, { clock, exemptions });
        const withoutGap = atEnd.findings.filter((f) => f.ruleId !== "NHI-GOV-043");
        expect(withoutGap).toEqual(streamed.findings);
        expect(atEnd.exemptions).toEqual(streamed.exemptions);
      }),
      { numRuns: 150 },
    );
  });
});

/** applyExemptions as it was before it went by batches: every exemption against all the findings. */
function reference(findings: Finding[], exemptions: Exemption[], config: GateConfig): ExemptionRecord[] {
  const now = clock.now();
  return exemptions.map((e) => {
    const daysLeft = daysBetween(now, parseDate(e.expires) as Date) + 1;
    const matched = findings.filter((f) => (e.rule === f.findingId || e.rule === f.ruleId) && (e.resource === f.address || globMatch(e.resource, f.address)));
    const record: ExemptionRecord = { ...e, status: "used", matched: matched.map((f) => `${f.findingId} @ ${f.address}`) };
    if (daysLeft <= 0) return { ...record, status: "expired", note: `expired on ${e.expires}; it no longer suppresses anything` };
    const badOwner = ownerProblem(e.owner, config);
    if (badOwner) return { ...record, status: "invalid", note: `owner ${JSON.stringify(e.owner)} is not ${badOwner}; it is not honoured. Fix: give the exemption an owner of that form` };
    if (daysLeft > config.maxExemptionDays + 1) return { ...record, status: "invalid", note: `expires ${e.expires}, more than ${config.maxExemptionDays} days ahead (maxExemptionDays); it is not honoured` };
    if (!matched.length) return { ...record, status: "stale", note: "matches no finding; remove it" };
    for (const f of matched) if (!f.exemptedBy) f.exemptedBy = { ticket: e.ticket, owner: e.owner, expires: e.expires, reason: e.reason, ...(e.baseline ? { baseline: true as const } : {}) };
    if (daysLeft <= EXPIRING_WITHIN_DAYS) return { ...record, status: "expiring", note: `expires ${e.expires}, within ${EXPIRING_WITHIN_DAYS} days: fix the findings or renew it with a ticket` };
    return record;
  });
}

describe("exemptions applied in batches", () => {
  const config = parsedConfig({});
  const finding = (ruleId: string, key: string | undefined, address: string): Finding => ({
    ruleId,
    findingId: key ? `${ruleId}[${key}]` : ruleId,
    title: "t",
    severity: "high",
    address,
    resourceType: "aws_iam_role",
    message: "m",
    controls: { owasp: [], nistCsf: [] },
  });
  const findingArb = fc.record({ rule: fc.constantFrom("NHI-GOV-001", "NHI-GOV-003", "NHI-GOV-005"), key: fc.constantFrom(undefined, "Tag::nhi:owner", "Tag::nhi:environment"), address: fc.constantFrom("aws_iam_role.r0", "aws_iam_role.r1", "aws_iam_role_policy.r1", "aws_iam_instance_profile.r2") });
  it("mark and record exactly what each exemption against all the findings did", () => {
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 12 }), fc.array(exemptionArb, { maxLength: 6 }), fc.array(fc.nat(12), { maxLength: 4 }), (fs, exs, cuts) => {
        const exemptions = toExemptions(exs);
        const make = () => fs.map((f) => finding(f.rule, f.rule === "NHI-GOV-003" ? f.key : undefined, f.address));
        const once = make();
        const records = reference(once, exemptions, config);
        const batched = make();
        const matcher = new ExemptionMatcher(exemptions, config, clock);
        const bounds = [...new Set(cuts.map((c) => Math.min(c, batched.length)))].sort((a, b) => a - b);
        let from = 0;
        for (const b of [...bounds, batched.length]) {
          matcher.apply(batched.slice(0, b), from);
          from = Math.max(from, b);
        }
        expect(batched).toEqual(once);
        expect(matcher.records()).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });
});
