import fc from "fast-check";
import { readJson } from "../../src/adapters/input";
import { planToInput } from "../../src/adapters/terraform-plan";
import { evaluate } from "../../src/engine/evaluate";
import { ResourceGraph } from "../../src/engine/graph";
import { IdentityResource } from "../../src/engine/model";
import { renderIdentity } from "../../src/render/aws";
import { parseSpec } from "../../src/spec/identity";
import { renderedResources, resource } from "../../testing/resources";
import { clock, spec, specsOfEveryKind } from "../helpers";

const EXAMPLE = `${__dirname}/../../examples/plans/iam-policies.tfplan.json`;
const targetsOf = (g: ResourceGraph, address: string) => g.links(g.byAddress.get(address) as IdentityResource).map((l) => [l.field, l.targets.map((t) => t.address).sort(), l.external]);
const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] });

describe("links go to a resource of the kind the attribute names", () => {
  it("examples/plans/iam-policies.tfplan.json: the user policy belongs to the user its configuration references, not to everything named example", () => {
    const { value, input } = readJson(EXAMPLE);
    const g = new ResourceGraph(planToInput(value, input.name).resources);
    // Before: user -> [aws_iam_group_policy.fail_2, aws_iam_role_policy.fail_1, aws_iam_user.fail_3], all named "example".
    expect(targetsOf(g, "aws_iam_user_policy.fail_3")).toEqual([["user", ["aws_iam_user.fail_3"], []]]);
    expect(targetsOf(g, "aws_iam_role_policy.fail_1")).toEqual([["role", ["aws_iam_role.example"], []]]);
  });

  it("a governed role's own policy does not point at an unrelated aws_iam_policy of the same name", () => {
    const shared = resource("aws_iam_policy", "aws_iam_policy.shared", { name: "payments-deployer", policy: doc });
    const rs = [...renderedResources(renderIdentity(spec())), shared];
    const g = new ResourceGraph(rs);
    expect(targetsOf(g, "aws_iam_role_policy.gov")).toEqual([["role", ["aws_iam_role.gov"], []]]);
    const report = evaluate({ resources: rs }, { clock });
    // Before: NHI-GOV-002[Owner::aws_iam_policy.shared] @ aws_iam_role_policy.gov.
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}`)).toEqual(["NHI-GOV-001 @ aws_iam_policy.shared"]);
    expect(report.resources.filter((r) => r.address !== "aws_iam_policy.shared").map((r) => r.governed)).toEqual(["governed", "governed"]);
  });

  it("without configuration references (a state), a name links only within the attribute's kind", () => {
    const rs = [
      resource("aws_iam_role", "aws_iam_role.app", { name: "app", path: "/" }),
      resource("aws_iam_user", "aws_iam_user.app", { name: "app", path: "/" }),
      resource("aws_iam_policy", "aws_iam_policy.app", { name: "app", arn: "arn:aws:iam::123456789012:policy/app", policy: doc }),
      resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "app", policy: doc }),
      resource("aws_iam_user_policy", "aws_iam_user_policy.p", { name: "p", user: "app", policy: doc }),
      resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "arn:aws:iam::123456789012:user/app" }),
      resource("aws_iam_instance_profile", "aws_iam_instance_profile.i", { name: "app", role: "app" }),
      resource("aws_iam_policy_attachment", "aws_iam_policy_attachment.a", { name: "a", roles: ["app"], users: ["app", "someone-else"], policy_arn: "arn:aws:iam::123456789012:policy/app" }),
    ];
    const g = new ResourceGraph(rs);
    expect(targetsOf(g, "aws_iam_role_policy.p")).toEqual([["role", ["aws_iam_role.app"], []]]);
    expect(targetsOf(g, "aws_iam_user_policy.p")).toEqual([["user", ["aws_iam_user.app"], []]]);
    expect(targetsOf(g, "aws_iam_access_key.k")).toEqual([["user", ["aws_iam_user.app"], []]]);
    expect(targetsOf(g, "aws_iam_instance_profile.i")).toEqual([["role", ["aws_iam_role.app"], []]]);
    expect(targetsOf(g, "aws_iam_policy_attachment.a")).toEqual([
      ["roles", ["aws_iam_role.app"], []],
      ["users", ["aws_iam_user.app"], ["someone-else"]],
    ]);
    expect(g.dependentsOf(g.byAddress.get("aws_iam_policy.app") as IdentityResource)).toEqual([]);
  });

  it("a configuration reference to a resource of another kind does not make it the owner; the value is matched within the kind", () => {
    const rs = [
      resource("aws_iam_role", "aws_iam_role.app", { name: "app" }),
      resource("aws_iam_policy", "aws_iam_policy.app", { name: "app", policy: doc }),
      resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "app", policy: doc }, { propRefs: { role: ["aws_iam_policy.app.name"] } }),
    ];
    expect(targetsOf(new ResourceGraph(rs), "aws_iam_role_policy.p")).toEqual([["role", ["aws_iam_role.app"], []]]);
  });

  it("resolves Pulumi property dependencies (URNs) as references", () => {
    const urn = (t: string, n: string) => `urn:pulumi:dev::app::${t}::${n}`;
    const rs = [
      resource("aws_iam_role", urn("aws:iam/role:Role", "app"), { name: "app-1234567" }),
      resource("aws_iam_role", urn("aws:iam/role:Role", "other"), { name: "other" }),
      resource("aws_iam_role_policy", urn("aws:iam/rolePolicy:RolePolicy", "p"), { name: "p", role: "other", policy: doc }, { propRefs: { role: [urn("aws:iam/role:Role", "app")] } }),
    ];
    expect(targetsOf(new ResourceGraph(rs), urn("aws:iam/rolePolicy:RolePolicy", "p"))).toEqual([["role", [urn("aws:iam/role:Role", "app")], []]]);
  });
});

describe("property: an unrelated resource named like a governed one never changes a verdict", () => {
  // One governed identity of every credential kind, each as a plan of it shows (principal, own policy, secret, key, secret version).
  const governed = specsOfEveryKind().flatMap((s, i) => renderedResources(renderIdentity(parseSpec(s, { clock })), `gov${i}`));
  const names = [...new Set(governed.map((r) => r.props.name).filter((n): n is string => typeof n === "string"))];
  const verdicts = (resources: IdentityResource[]) => {
    const report = evaluate({ resources }, { clock });
    return governed.map((g) => ({
      address: g.address,
      governed: report.resources.find((r) => r.address === g.address)?.governed,
      findings: report.findings.filter((f) => f.address === g.address).map((f) => f.findingId).sort(),
    }));
  };
  const baseline = verdicts(governed);

  it("the baseline is governed and clean", () => {
    expect(baseline.every((v) => v.governed === "governed" && v.findings.length === 0)).toBe(true);
  });

  /** Resources that share a name with a governed one but are not part of it (other kinds, IAM's per-kind namespaces). */
  const unrelated = (type: string, i: number, name: string, other: string): IdentityResource => {
    const a = `${type}.unrelated_${i}`;
    switch (type) {
      case "aws_iam_policy":
        return resource(type, a, { name, id: name, policy: doc });
      case "aws_iam_group":
        return resource(type, a, { name, id: name, path: "/" });
      case "aws_iam_group_policy":
        return resource(type, a, { name, group: name, policy: doc });
      case "aws_iam_instance_profile":
        return resource(type, a, { name, role: other });
      case "aws_iam_openid_connect_provider":
        return resource(type, a, { name, url: "https://token.example.com" });
      case "aws_secretsmanager_secret":
        return resource(type, a, { name, id: name });
      case "aws_iam_user_policy":
        return resource(type, a, { name, user: other, policy: doc });
      case "aws_iam_role_policy":
        return resource(type, a, { name, role: other, policy: doc });
      default:
        throw new Error(type);
    }
  };
  const types = ["aws_iam_policy", "aws_iam_group", "aws_iam_group_policy", "aws_iam_instance_profile", "aws_iam_openid_connect_provider", "aws_secretsmanager_secret", "aws_iam_user_policy", "aws_iam_role_policy"];

  it("holds for random unrelated resources taking governed names", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.constantFrom(...types), name: fc.constantFrom(...names) }), { minLength: 1, maxLength: 6 }), (extra) => {
        const added = extra.map((e, i) => unrelated(e.type, i, e.name, `not-governed-${i}`));
        expect(verdicts([...governed, ...added])).toEqual(baseline);
      }),
      { numRuns: 150 },
    );
  });
});
