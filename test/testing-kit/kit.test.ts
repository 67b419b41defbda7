import { checkPulumiProgram, PulumiProgramError, recordPulumiProgram } from "../../testing";
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

describe("checkPulumiProgram accounts for every registration (issue #17, #22)", () => {
  const ids = (r: { findings: { address: string; findingId: string }[] }, at: string) => r.findings.filter((f) => short(f.address) === at).map((f) => f.findingId.replace(/urn:pulumi:stack::project::/g, ""));

  it("a role whose name comes from an invoke the mocks do not answer is reported, never dropped, and nothing is left unhandled", async () => {
    const unhandled: unknown[] = [];
    const listener = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", listener);
    try {
      const report = await checkPulumiProgram(P.nameFromInvoke, { clock });
      expect(report.resources.map((r) => short(r.address)).sort()).toEqual(["aws:iam/role:Role::from-invoke", "aws:iam/role:Role::ok"]);
      // Its name is unknown (no rule needs it), everything else is judged as written.
      expect(ids(report, "aws:iam/role:Role::from-invoke")).toEqual(ids(report, "aws:iam/role:Role::ok"));
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.removeListener("unhandledRejection", listener);
    }
    // The SDK's rejections were the kit's to account for: none reached the test's own handler.
    expect(unhandled).toEqual([]);
  });

  it("a rejected input the rules need is 'cannot evaluate' on that resource, with the reason", async () => {
    const report = await checkPulumiProgram(() => {
      const aws = require("@pulumi/aws");
      const caller = aws.getCallerIdentityOutput({});
      new aws.iam.Role("trusting", { name: "trusting", assumeRolePolicy: caller.apply((c: { accountId: string }) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${c.accountId.trim()}:root` }, Action: "sts:AssumeRole" }] })) });
    }, { clock });
    const f = report.findings.find((x) => x.findingId === "NHI-GOV-009[Unknown::assume_role_policy]");
    expect(f?.message).toMatch(/^cannot evaluate assume_role_policy: .*\[offline kit: trusting: its registration was rejected: input assumeRolePolicy: Cannot read properties of undefined \(reading 'trim'\) \(an invoke result the mocks do not supply\? pass mocks.call\)\]$/);
  });

  it("a program that never settles (the organization's root from an unanswered invoke) ends with an error naming what is pending and why", async () => {
    const started = Date.now();
    const run = checkPulumiProgram(P.organization, { clock, settleTimeoutMs: 300, pulumiConfig: { accountEmail: "aws-platform@acme.example" } });
    await expect(run).rejects.toThrow(PulumiProgramError);
    const e = (await run.catch((x) => x)) as PulumiProgramError;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.message).toContain("did not settle within 300 ms");
    expect(e.pending.map((p) => `${p.type} ${p.name}: ${p.waitingFor.join(", ")}`)).toEqual([
      "aws:organizations/account:Account platform-account: input parentId",
      "pulumi:providers:aws platform-account: input assumeRoles",
      "aws:iam/role:Role ci-deployer: its parent, provider or dependsOn",
    ]);
    expect(e.message).toContain('rejected before: aws:organizations/organizationalUnit:OrganizationalUnit "platform-ou": its registration was rejected: input parentId: Cannot read properties of undefined');
    expect(e.message).toContain("mocks.call");
  });

  it("the same program with its invoke result (mocks.call), its Pulumi config (pulumiConfig) and an organization runs to the end", async () => {
    const report = await checkPulumiProgram(P.organization, { clock, mocks: { call: P.organizationInvokes }, pulumiConfig: { accountEmail: "aws-platform@acme.example" }, organization: "acme", config: { failOn: "critical" } });
    expect(report.resources.map((r) => short(r.address))).toEqual(["aws:iam/role:Role::ci-deployer", "aws:iam/user:User::automation"]);
    const rows = await recordPulumiProgram(P.organization, { mocks: { call: P.organizationInvokes }, pulumiConfig: { accountEmail: "aws-platform@acme.example" }, organization: "acme" });
    expect(rows.find((r) => r.name === "ci-deployer")?.props.name).toBe("ci-deployer-acme");
    expect(rows.find((r) => r.name === "platform-ou")?.props.parentId).toBe("r-a1b2");
    // The gate config stays the gate's: failOn from `config` decided the verdict, the program's config did not leak into it.
    expect(report.failOn).toBe("critical");
    expect(report.passed).toBe(true);
  });

  it("a missing Pulumi config value fails as Pulumi fails, naming the key", async () => {
    await expect(checkPulumiProgram(P.organization, { clock, mocks: { call: P.organizationInvokes } })).rejects.toThrow(/the program threw: Missing required configuration variable 'project:accountEmail'/);
  });

  it("resource transforms (which the mock runtime rejects): every affected resource is 'cannot evaluate', never a hang or a crash", async () => {
    const report = await checkPulumiProgram(P.withTransforms, { clock });
    const gov = "nhi-governance:aws:GovernedIdentity$aws:iam/role:Role::deployer-role";
    const raw = "aws:iam/role:Role::raw";
    expect(ids(report, raw)).toEqual([
      "NHI-GOV-001",
      "NHI-GOV-004[Unknown::tags.nhi:recertify-by]",
      "NHI-GOV-005[Unknown::inline_policy]",
      "NHI-GOV-006[Unknown::inline_policy]",
      "NHI-GOV-007[Unknown::managed_policy_arns]",
      "NHI-GOV-008[Boundary::missing]",
      "NHI-GOV-009[Unknown::assume_role_policy]",
      "NHI-GOV-010[Unknown::assume_role_policy]",
      "NHI-GOV-015[Unknown::assume_role_policy]",
      "NHI-GOV-020[Unknown::inline_policy]",
    ]);
    // Its unknown tags are part of its NHI-GOV-001 (one finding per problem).
    expect(report.findings.find((f) => short(f.address) === raw && f.findingId === "NHI-GOV-001")?.parts).toContain("NHI-GOV-003[Unknown::tags]");
    // The governed identity's children are under its transforms too: nothing about them is taken on trust.
    expect(ids(report, gov)).toEqual(expect.arrayContaining(["NHI-GOV-002[Component::spec]", "NHI-GOV-007[Unknown::managed_policy_arns]", "NHI-GOV-009[Unknown::assume_role_policy]"]));
    expect(ids(report, "nhi-governance:aws:GovernedIdentity$aws:iam/rolePolicy:RolePolicy::deployer-policy")).toEqual(expect.arrayContaining(["NHI-GOV-005[Unknown::policy]"]));
    const msg = report.findings.find((f) => short(f.address) === raw && f.findingId.startsWith("NHI-GOV-007"))?.message;
    expect(msg).toContain("[offline kit: raw: it has 1 resource transform, which only the Pulumi engine runs]");
    // The resource without transforms is judged on its inputs as usual.
    expect(ids(report, "aws:iam/role:Role::plain")).toEqual(ids(await checkPulumiProgram(P.handWritten, { clock }), "aws:iam/role:Role::deployer").map((id) => id));
  });

  it("a stack transform marks every resource registered after it", async () => {
    const report = await checkPulumiProgram(P.withStackTransform, { clock });
    // Unknown tags on an identity created outside a governed construct are part of its NHI-GOV-001.
    const tagParts = (name: string) => report.findings.filter((f) => short(f.address) === name).flatMap((f) => [f.findingId, ...(f.parts ?? [])]);
    expect(tagParts("aws:iam/user:User::before")).not.toContain("NHI-GOV-003[Unknown::tags]");
    expect(tagParts("aws:iam/user:User::after")).toContain("NHI-GOV-003[Unknown::tags]");
  });

  it("pulumi.getOrganization() answers the organization option", async () => {
    const pulumi = await import("@pulumi/pulumi");
    let seen = "";
    await recordPulumiProgram(() => void (seen = pulumi.getOrganization()), { organization: "acme" });
    expect(seen).toBe("acme");
    await recordPulumiProgram(() => void (seen = pulumi.getOrganization()));
    expect(seen).toBe("organization");
  });

  it("a program that throws is an error naming the cause; the next program runs normally", async () => {
    await expect(checkPulumiProgram(() => { throw new Error("boom"); })).rejects.toThrow("checkPulumiProgram: the program threw: boom");
    expect(await findings(P.governed)).toEqual([]);
  });

  it("mocks that throw are an error naming the resource, after the program settled", async () => {
    const run = checkPulumiProgram(P.handWritten, { mocks: { newResource: (a) => { if (a.type === "aws:iam/user:User") throw new Error("no users here"); return undefined; } } });
    await expect(run).rejects.toThrow('checkPulumiProgram: the program failed: mocks.newResource threw for aws:iam/user:User "ci": no users here');
  });
});
