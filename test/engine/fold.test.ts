import fc from "fast-check";
import { evaluate } from "../../src/engine/evaluate";
import { IdentityResource } from "../../src/engine/model";
import { Exemption } from "../../src/spec/exemptions";
import { TAG } from "../../src/spec/tags";
import { resource } from "../../testing/resources";
import { BOUNDARY, clock, inDays } from "../helpers";

/**
 * One finding per problem: the lifecycle tags of one resource are one NHI-GOV-003 finding, or a
 * sentence of its NHI-GOV-001 finding; what hangs off an identity reported as created outside a
 * governed construct is part of that finding. Exemptions written for the granular ids keep
 * covering exactly what they covered.
 */

const TAG_PARTS = ["credential", "environment", "owner", "purpose", "recertify-by", "retirement", "system-of-record", "workload"].map((t) => `NHI-GOV-003[Tag::nhi:${t}]`);
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const access = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] });

/** A legacy identity as plans show them: a role without lifecycle tags or boundary, its inline policy and instance profile. */
function legacy(n: string, extra: Record<string, unknown> = {}): IdentityResource[] {
  return [
    resource("aws_iam_role", `aws_iam_role.${n}`, { name: n, path: "/", assume_role_policy: trust, tags: {}, ...extra }),
    resource("aws_iam_role_policy", `aws_iam_role_policy.${n}`, { name: `${n}-access`, role: n, policy: access }, { propRefs: { role: [`aws_iam_role.${n}.name`] } }),
    resource("aws_iam_instance_profile", `aws_iam_instance_profile.${n}`, { name: n, role: n }, { propRefs: { role: [`aws_iam_role.${n}.name`] } }),
  ];
}
const ids = (r: ReturnType<typeof evaluate>) => r.findings.map((f) => `${f.findingId} @ ${f.address}${f.exemptedBy ? ` (exempted ${f.exemptedBy.ticket})` : ""}`);
const exemption = (rule: string, resource: string, ticket = "MIG-1"): Exemption => ({ rule, resource, reason: "legacy role being migrated", owner: "@acme/platform", ticket, expires: inDays(20) });

describe("a legacy role: one finding per problem", () => {
  it("is NHI-GOV-001 (naming its lifecycle tags, with its policy and profile as parts) and NHI-GOV-008; nothing on the policy and profile", () => {
    const report = evaluate({ resources: legacy("app") }, { clock });
    expect(ids(report)).toEqual(["NHI-GOV-001 @ aws_iam_role.app", "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app"]);
    const f = report.findings[0];
    expect(f.parts).toEqual(["NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_instance_profile.app", "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy.app", ...TAG_PARTS]);
    expect(f.message).toBe(
      "IAM role aws_iam_role.app is created outside a governed construct. Lifecycle tags (NHI-GOV-003): no nhi:owner, nhi:purpose, nhi:environment, nhi:system-of-record, nhi:retirement, nhi:workload, nhi:recertify-by, nhi:credential tags. Expected: GovernedIdentity, an approved construct or an approved module. Fix: declare it as a GovernedIdentity with an owner, purpose, credential and recertification date, or exempt it with a ticket while it is migrated",
    );
    expect(report.summary.findings).toBe(2);
    // The same problems, granular: ten findings on the role, one on each of the others.
    expect(evaluate({ resources: legacy("app") }, { clock, fold: false }).findings).toHaveLength(12);
  });

  it("a policy attached to a legacy role the plan does not change stays its own finding (nothing reports the role)", () => {
    const [role, policy] = legacy("app");
    const report = evaluate({ resources: [{ ...role, action: "no-op" }, policy] }, { clock });
    expect(ids(report)).toEqual(["NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy.app"]);
  });

  it("keeps substance findings separate", () => {
    const rs = legacy("app", { max_session_duration: 43200 });
    rs[1] = { ...rs[1], props: { ...rs[1].props, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) } };
    expect(ids(evaluate({ resources: rs }, { clock }))).toEqual([
      "NHI-GOV-001 @ aws_iam_role.app",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app",
      "NHI-GOV-011[Session::too-long] @ aws_iam_role.app",
      "NHI-GOV-005[Action::s3:*] @ aws_iam_role_policy.app",
      "NHI-GOV-006[Action::s3:*] @ aws_iam_role_policy.app",
    ]);
  });
});

describe("exemptions written for the granular ids keep working", () => {
  it("NHI-GOV-003[Tag::nhi:owner] on a legacy role: that part stays exempted on its own, the rest is in NHI-GOV-001", () => {
    const report = evaluate({ resources: legacy("app") }, { clock, exemptions: [exemption("NHI-GOV-003[Tag::nhi:owner]", "aws_iam_role.app")] });
    expect(ids(report)).toEqual(["NHI-GOV-001 @ aws_iam_role.app", "NHI-GOV-003[Tag::nhi:owner] @ aws_iam_role.app (exempted MIG-1)", "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app"]);
    expect(report.findings[0].message).toMatch(/Lifecycle tags \(NHI-GOV-003\): no nhi:purpose, nhi:environment,/);
    expect(report.findings[0].parts).not.toContain("NHI-GOV-003[Tag::nhi:owner]");
    expect(report.exemptions.map((e) => [e.status, e.matched])).toEqual([["used", ["NHI-GOV-003[Tag::nhi:owner] @ aws_iam_role.app"]]]);
  });

  it("an exempted NHI-GOV-001 does not take the tags with it: they are one active NHI-GOV-003, and the policy's finding stands", () => {
    const report = evaluate({ resources: legacy("app") }, { clock, exemptions: [exemption("NHI-GOV-001", "aws_iam_role.app")] });
    expect(ids(report)).toEqual([
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_instance_profile.app",
      "NHI-GOV-001 @ aws_iam_role.app (exempted MIG-1)",
      "NHI-GOV-003 @ aws_iam_role.app",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app",
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy.app",
    ]);
    expect(report.findings.find((f) => f.findingId === "NHI-GOV-003")?.parts).toEqual(TAG_PARTS);
    expect(report.passed).toBe(false);
  });

  it("the rule id covers every part; a whole legacy identity is exempted with NHI-GOV-001, NHI-GOV-003 and NHI-GOV-002 on what hangs off it", () => {
    const exemptions = [exemption("NHI-GOV-001", "aws_iam_role.app"), exemption("NHI-GOV-003", "aws_iam_role.app"), exemption("NHI-GOV-002", "aws_iam_*.app"), exemption("NHI-GOV-008", "aws_iam_role.app")];
    const report = evaluate({ resources: legacy("app") }, { clock, exemptions });
    expect(report.passed).toBe(true);
    expect(ids(report)).toEqual([
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_instance_profile.app (exempted MIG-1)",
      "NHI-GOV-001 @ aws_iam_role.app (exempted MIG-1)",
      "NHI-GOV-003 @ aws_iam_role.app (exempted MIG-1)",
      "NHI-GOV-008[Boundary::missing] @ aws_iam_role.app (exempted MIG-1)",
      "NHI-GOV-002[Owner::aws_iam_role.app] @ aws_iam_role_policy.app (exempted MIG-1)",
    ]);
  });

  it("on a governed identity's tags: one part exempted, the others one finding", () => {
    const r = resource("aws_iam_role", "module.m.aws_iam_role.x", { name: "x", assume_role_policy: trust, permissions_boundary: BOUNDARY, tags: { [TAG.owner]: "@a/b", [TAG.environment]: "prod", [TAG.systemOfRecord]: "X-1", [TAG.retirement]: "never", [TAG.workload]: "job", [TAG.credential]: "federated" } }, { origin: { source: "terraform-plan", module: { address: "module.m", source: "acme/identity" } } });
    const config = { approvedModuleSources: ["acme/identity"] };
    expect(ids(evaluate({ resources: [r] }, { clock, config }))).toEqual(["NHI-GOV-003 @ module.m.aws_iam_role.x"]);
    expect(ids(evaluate({ resources: [r] }, { clock, config, exemptions: [exemption("NHI-GOV-003[Tag::nhi:purpose]", "module.m.*")] }))).toEqual([
      "NHI-GOV-003[Tag::nhi:purpose] @ module.m.aws_iam_role.x (exempted MIG-1)",
      "NHI-GOV-003[Tag::nhi:recertify-by] @ module.m.aws_iam_role.x",
    ]);
  });
});

describe("property: folding changes how problems are reported, never whether the gate passes", () => {
  const tagSets = fc.subarray(Object.values(TAG).filter((t) => t !== TAG.seal && !t.startsWith("nhi:emergency")));
  const value = (t: string) => (t === TAG.environment ? "prod" : t === TAG.recertifyBy ? inDays(30) : t === TAG.credential ? "federated" : "a valid value here");
  const identity = fc.record({ tags: tagSets, attached: fc.boolean(), judged: fc.boolean(), boundary: fc.boolean() });
  const rules = ["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-003", "NHI-GOV-003[Tag::nhi:owner]", "NHI-GOV-003[Tag::nhi:environment]", "NHI-GOV-008"];
  const ex = fc.record({ rule: fc.constantFrom(...rules), n: fc.nat(3) });
  it("holds for random legacy identities and exemptions", () => {
    fc.assert(
      fc.property(fc.array(identity, { minLength: 1, maxLength: 4 }), fc.array(ex, { maxLength: 4 }), fc.constantFrom("high", "critical", "low"), (list, exs, failOn) => {
        const resources = list.flatMap((i, n) => {
          const [role, policy, profile] = legacy(`r${n}`, { tags: Object.fromEntries(i.tags.map((t) => [t, value(t)])), ...(i.boundary ? { permissions_boundary: BOUNDARY } : {}) });
          return [{ ...role, action: i.judged ? "create" : "no-op" } as IdentityResource, ...(i.attached ? [policy, profile] : [])];
        });
        const exemptions = exs.map((e, i) => exemption(e.rule, `*.r${e.n}`, `T-${i}`));
        const options = { clock, exemptions, config: { failOn: failOn as "high" } };
        const folded = evaluate({ resources }, options);
        const granular = evaluate({ resources }, { ...options, fold: false });
        expect(folded.passed).toBe(granular.passed);
        // Every active granular finding is an active finding or a part of one, and nothing else is.
        const activeGranular = granular.findings.filter((f) => !f.exemptedBy).map((f) => `${f.findingId} @ ${f.address}`).sort();
        const activeFolded = folded.findings
          .filter((f) => !f.exemptedBy)
          .flatMap((f) => {
            // A folded group (id = rule id, parts of that rule) stands for its parts; a finding that took parts in is one itself.
            const group = f.parts && f.findingId === f.ruleId && f.parts.every((p) => p.startsWith(`${f.ruleId}[`) && !p.includes(" @ "));
            return [...(group ? [] : [f.findingId]), ...(f.parts ?? [])].map((p) => (p.includes(" @ ") ? p : `${p} @ ${f.address}`));
          })
          .sort();
        expect(activeFolded).toEqual(activeGranular);
        // The exemption records are the same.
        expect(folded.exemptions).toEqual(granular.exemptions);
      }),
      { numRuns: 200 },
    );
  });
});
