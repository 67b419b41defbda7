import { defineRule, fail, pass } from "./rule";

/** Integrity problems of the form `Owner::<address>`: the resource points at an owner that is not governed. */
const OWNER = "Owner::";

export const integrity = defineRule({
  id: "NHI-GOV-002",
  title: "Governed identity changed outside its construct",
  severity: "high",
  controls: { owasp: ["NHI5", "NHI6"], nistCsf: ["PR.PS-01", "PR.AA-05"] },
  rationale:
    "Provenance is only worth something if the identity is still what its construct rendered. Tags pasted onto a hand-written role, an override after rendering, a policy attachment, inline policy or access key added beside a governed identity, or a child under a component that its spec does not render all break that link.",
  remediation:
    "Change the identity through its spec (access, trust, credential) and let the construct render it; remove resources attached to a governed identity from outside its construct.",
  appliesTo: {},
  check(r, ctx) {
    const p = ctx.provenance(r);
    if (!p.problems.length) return pass();
    return fail(
      ...p.problems.map((problem) => ({
        key: problem.key,
        field: problem.field,
        message: `${r.address}: ${problem.message}`,
        // Attached to an identity that is itself reported as created outside a governed construct: part of that finding.
        ...(problem.key.startsWith(OWNER) ? { partOf: { address: problem.key.slice(OWNER.length), ruleId: "NHI-GOV-001" } } : {}),
      })),
    );
  },
});
