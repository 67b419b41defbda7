import { defineRule, fail, pass } from "./rule";

export const ungovernedIdentity = defineRule({
  id: "NHI-GOV-001",
  title: "Identity created outside a governed construct",
  severity: "high",
  controls: { owasp: ["NHI1", "NHI6"], nistCsf: ["PR.AA-01", "ID.AM-08"] },
  rationale:
    "Every non-human identity needs an owner, a purpose, a credential policy and an end. Identities created with raw provider resources have none of these and are the ones nobody offboards.",
  remediation:
    "Create the identity with GovernedIdentity (nhi-governance/cdktf or nhi-governance/pulumi), a platform team's approved construct, or an approved module source listed in the gate config.",
  appliesTo: {},
  check(r, ctx) {
    const p = ctx.provenance(r);
    // Claims of provenance that do not hold are integrity findings (NHI-GOV-002), not this one.
    if (p.status === "governed" || p.problems.length) return pass();
    if (r.origin.discovered) {
      // Found in the account itself: the identities this product exists to find.
      return fail({
        message: `${r.entry.description} ${r.address}${r.origin.discovered.account ? ` (account ${r.origin.discovered.account})` : ""} was created outside governed IaC: it carries no nhi:seal, so neither GovernedIdentity nor an approved construct or module made it (a console, a script, a vendor's onboarding, or a stack deleted without it). Fix: adopt it into IaC as a GovernedIdentity with an owner, purpose, credential and recertification date, or offboard it if nobody owns it; exempt it with a ticket while it is migrated`,
      });
    }
    return fail({
      message: `${r.entry.description} ${r.address} is created outside a governed construct. Expected: GovernedIdentity, an approved construct or an approved module. Fix: declare it as a GovernedIdentity with an owner, purpose, credential and recertification date, or exempt it with a ticket while it is migrated`,
    });
  },
});
