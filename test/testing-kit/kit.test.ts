import { checkPulumiProgram } from "../../testing";
import { clock, inDays } from "../helpers";
import * as P from "./programs";

/** [URN type chain::name, finding id] pairs: the exact finding set, with URNs shortened. */
const short = (u: string) => u.split("::").slice(2).join("::").replace(/urn:pulumi:stack::project::/g, "");
const findings = async (program: () => void, config = {}, exemptions: any[] = []) =>
  (await checkPulumiProgram(program, { clock, config, exemptions })).findings.filter((f) => !f.exemptedBy).map((f) => [short(f.address), f.findingId.replace(/urn:pulumi:stack::project::/g, "")]);

// One finding per problem: a hand-written principal's missing lifecycle tags are part of its NHI-GOV-001 (or, where it is not reported, one NHI-GOV-003).
const ungovernedPrincipal = (at: string) => [[at, "NHI-GOV-001"], [at, "NHI-GOV-008[Boundary::missing]"]];
const untaggedPrincipal = (at: string) => [[at, "NHI-GOV-003"], [at, "NHI-GOV-008[Boundary::missing]"]];

describe("checkPulumiProgram", () => {
  it("a role, a policy attachment and an access key written by hand", async () => {
    expect(await findings(P.handWritten)).toEqual([
      ["aws:iam/accessKey:AccessKey::ci-key", "NHI-GOV-012[Rotation::missing]"],
      ["aws:iam/accessKey:AccessKey::ci-key", "NHI-GOV-012[TTL::missing]"],
      ...ungovernedPrincipal("aws:iam/role:Role::deployer"),
      ["aws:iam/rolePolicyAttachment:RolePolicyAttachment::deployer-admin", "NHI-GOV-007[Policy::AdministratorAccess]"],
      ...ungovernedPrincipal("aws:iam/user:User::ci"),
    ]);
  });

  it("the same identity inside GovernedIdentity: no findings", async () => {
    expect(await findings(P.governed)).toEqual([]);
  });

  it("a raw identity inside the user's own component is ungoverned, approved or not (approval never stands in for its integrity)", async () => {
    const at = "acme:platform:TeamDeployer$aws:iam/role:Role::payments-role";
    expect(await findings(P.ownComponent)).toEqual(ungovernedPrincipal(at));
    const approved = await findings(P.ownComponent, { approvedConstructs: [{ type: "acme:platform:TeamDeployer" }] });
    expect(approved).toEqual([[at, "NHI-GOV-002[Approval::unsealed]"], ...untaggedPrincipal(at)]);
  });

  it("a spoofed parent: a raw role and an attachment under a GovernedIdentity are compared with its spec", async () => {
    const f = await findings(P.spoofedParent);
    const sneaky = "nhi-governance:aws:GovernedIdentity$aws:iam/role:Role::sneaky";
    const attach = "nhi-governance:aws:GovernedIdentity$aws:iam/rolePolicyAttachment:RolePolicyAttachment::sneaky-admin";
    expect(f.filter(([a]) => a === sneaky || a === attach)).toEqual([
      // The component's own role fills the role slot, so the raw one is "a second role".
      [sneaky, `NHI-GOV-002[Child::${sneaky}]`],
      ...untaggedPrincipal(sneaky),
      [attach, `NHI-GOV-002[Child::${attach}]`],
      [attach, "NHI-GOV-007[Policy::AdministratorAccess]"],
    ]);
    // The role the component itself renders shows no drift.
    expect(f.filter(([a, id]) => a.endsWith("Role::deployer-role") && id.includes("Drift"))).toEqual([]);
    expect(f.every(([a]) => !a.endsWith("RolePolicy::deployer-policy"))).toBe(true);
  });

  it("exemptions apply: an exempted finding does not count", async () => {
    const exemptions = [{ rule: "NHI-GOV-007", resource: "*::deployer-admin", reason: "migrating to GovernedIdentity", owner: "@acme/payments", ticket: "SEC-1", expires: inDays(10) }];
    const f = await findings(P.handWritten, {}, exemptions);
    expect(f.filter(([, id]) => id.startsWith("NHI-GOV-007"))).toEqual([]);
    // NHI-GOV-007 exempted, the wildcard findings of AdministratorAccess no longer have it to be part of: they stand.
    expect(f).toHaveLength(8);
    expect(f.filter(([a]) => a.endsWith("::deployer-admin")).map(([, id]) => id)).toEqual(["NHI-GOV-005[Policy::AdministratorAccess]", "NHI-GOV-006[Policy::AdministratorAccess]"]);
  });

  it("aws-native, GCP, Azure AD and Kubernetes identities written by hand", async () => {
    expect(await findings(P.otherProviders)).toEqual([
      ...ungovernedPrincipal("aws-native:iam:Role::native-role"),
      ["azuread:index/servicePrincipal:ServicePrincipal::sp", "NHI-GOV-002[External::client_id]"],
      ["gcp:serviceaccount/account:Account::gcp-sa", "NHI-GOV-001"],
      ["kubernetes:core/v1:ServiceAccount::ksa", "NHI-GOV-001"],
    ]);
  });
});
