import * as path from "node:path";
import * as fs from "node:fs";
import { Construct } from "constructs";
import { Annotations, TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity, NhiGovernance, synthToResources } from "../../constructs/cdktf";
import * as evaluateModule from "../../src/engine/evaluate";
import { clock, inDays, specsOfEveryKind, validSpec } from "../helpers";
import { findingIds, gateSynth, readStackJson, synthError, tmpApp } from "./helpers";

/** A stack with one GovernedIdentity of every kind, the gate on. */
function governedStack(app: Construct, id = "governed", config = {}): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (const s of specsOfEveryKind()) new GovernedIdentity(stack, s.name, { ...s, clock, config });
  NhiGovernance.of(stack).enforce(config, { clock });
  return stack;
}

const annotations = (stack: TerraformStack) =>
  stack.node
    .findAll()
    .flatMap((n) => n.node.metadata.filter((m) => m.type.startsWith("@cdktf/")).map((m) => `${m.type.replace("@cdktf/", "")} [${n.node.path}] ${String(m.data).split(":")[0]}`))
    .sort();

const errorLines = (message: string) =>
  message
    .split("\n")
    .filter((l) => l.startsWith("["))
    .map((l) => l.replace(/^(\[[^\]]+\] \S+).*$/, "$1"))
    .sort();

describe("NhiGovernance: governed stacks synth cleanly", () => {
  it("app.synth() succeeds with no annotations, and the // metadata carries the construct paths", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    app.synth();
    expect(annotations(stack)).toEqual([]);
    const report = NhiGovernance.of(stack).lastReport;
    expect(report?.passed).toBe(true);
    expect(report?.summary).toMatchObject({ resources: 18, governed: 18, findings: 0 });
    expect(new Set(report?.resources.map((r) => r.via))).toEqual(new Set(["component"]));

    const tf = readStackJson(outdir, "governed");
    const fromFile = synthToResources(tf, "cdk.tf.json");
    expect(fromFile.find((r) => r.nativeType === "aws_iam_user")?.origin.constructPath).toBe("governed/legacy-sftp-sync/user");
    // A gate reading the synthesized file (no construct tree) agrees: the seal verifies.
    expect(findingIds(gateSynth(tf))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("records each GovernedIdentity as a component with its declared spec, and evaluates once per stack", () => {
    const { app, outdir } = tmpApp();
    const a = governedStack(app, "a");
    governedStack(app, "b");
    const spy = jest.spyOn(evaluateModule, "evaluate");
    app.synth();
    expect(spy).toHaveBeenCalledTimes(2);
    const input = spy.mock.calls[0][0];
    spy.mockRestore();
    const role = input.resources.find((r) => r.origin.constructPath === "a/payments-deployer/role");
    expect(role?.origin).toEqual({
      source: "cdktf-aspect",
      constructPath: "a/payments-deployer/role",
      parents: [
        { id: "a/payments-deployer", type: "nhi-governance:aws:GovernedIdentity" },
        { id: "a", type: "TerraformStack" },
      ],
    });
    const comp = input.components?.find((c) => c.id === "a/payments-deployer");
    expect(comp).toMatchObject({ type: "nhi-governance:aws:GovernedIdentity", inputs: { spec: { name: "payments-deployer", path: "/nhi/" }, governance: { accessGracePeriodDays: 14 } } });
    expect(input.components).toHaveLength(specsOfEveryKind().length);
    expect(a.node.path).toBe("a");
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("NhiGovernance: identities outside the constructs fail synth, on their constructs", () => {
  it("flags a hand-written IamRole, IamUser and IamAccessKey beside governed identities", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    new IamRole(stack, "raw-role", { name: "raw-role", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    const rawUser = new IamUser(stack, "raw-user", { name: "raw-user" });
    new IamAccessKey(stack, "raw-key", { user: rawUser.name });
    const message = synthError(app);
    expect(message).toMatch(/^Encountered Annotations with level "ERROR"/);
    const lines = errorLines(message);
    // Provenance findings, exactly: NHI-GOV-001 on each hand-written identity, with its lifecycle tags and the key attached to it as parts.
    expect(lines.filter((l) => /NHI-GOV-00[123]/.test(l))).toEqual(["[governed/raw-role] NHI-GOV-001", "[governed/raw-user] NHI-GOV-001"]);
    const userFinding = NhiGovernance.of(stack).lastReport?.findings.find((f) => f.ruleId === "NHI-GOV-001" && f.address.includes("raw-user"));
    expect(userFinding?.parts).toEqual(expect.arrayContaining([expect.stringMatching(/^NHI-GOV-002\[Owner::aws_iam_user\.raw-user\] @ aws_iam_access_key\.raw-key$/), "NHI-GOV-003[Tag::nhi:owner]"]));
    expect(userFinding?.message).toMatch(/Lifecycle tags \(NHI-GOV-003\): no nhi:owner, /);
    // Every error is on a hand-written construct; none on the governed ones.
    expect(new Set(lines.map((l) => l.split(" ")[0]))).toEqual(new Set(["[governed/raw-role]", "[governed/raw-user]", "[governed/raw-key]"]));
    expect(message).toContain("[governed/raw-role] NHI-GOV-001 (high) Identity created outside a governed construct: IAM role aws_iam_role.raw-role");
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("flags an access key added beside a governed static-key user", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    const sftp = stack.node.findChild("legacy-sftp-sync") as GovernedIdentity;
    new IamAccessKey(stack, "extra-key", { user: sftp.userName as string });
    const message = synthError(app);
    expect(errorLines(message).filter((l) => l.includes("NHI-GOV-002"))).toEqual(["[governed/extra-key] NHI-GOV-002[Credential::aws_iam_access_key.extra-key]"]);
    expect(new Set(errorLines(message).map((l) => l.split(" ")[0]))).toEqual(new Set(["[governed/extra-key]"]));
    expect(message).toContain("created outside its GovernedIdentity governed/legacy-sftp-sync");
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("flags an inline policy attached to a governed role from outside", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    const deployer = stack.node.findChild("payments-deployer") as GovernedIdentity;
    new IamRolePolicy(stack, "widen", { name: "admin", role: deployer.roleName as string, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) });
    const lines = errorLines(synthError(app));
    expect(lines.filter((l) => l.includes("NHI-GOV-002"))).toEqual(["[governed/widen] NHI-GOV-002[Attachment::aws_iam_role_policy.widen]"]);
    expect(new Set(lines.map((l) => l.split(" ")[0]))).toEqual(new Set(["[governed/widen]"]));
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("catches addOverride on a governed role's trust policy (and a gate on the JSON catches it by the seal)", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    const deployer = stack.node.findChild("payments-deployer") as GovernedIdentity;
    deployer.resources.principal.addOverride("assume_role_policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] }));
    const lines = errorLines(synthError(app));
    expect(lines.filter((l) => l.includes("NHI-GOV-002"))).toEqual(["[governed/payments-deployer/role] NHI-GOV-002[Drift::assume_role_policy]"]);
    expect(new Set(lines.map((l) => l.split(" ")[0]))).toEqual(new Set(["[governed/payments-deployer/role]"]));
    const report = gateSynth(stack.toTerraform());
    expect(findingIds(report).filter((f) => f.includes("Seal::"))).toEqual([expect.stringMatching(/^NHI-GOV-002\[Seal::mismatch\] @ aws_iam_role\.payments-deployer_role_[0-9A-F]{8}$/)]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("catches a property changed through the escape hatch and a stack-level override", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    (stack.node.findChild("orders-lambda") as GovernedIdentity).resources.principal.tags = { "nhi:owner": "@someone-else" };
    const cart = (stack.node.findChild("cart-pods") as GovernedIdentity).resources.principal as IamRole;
    stack.addOverride(`resource.aws_iam_role.${cart.friendlyUniqueId}.max_session_duration`, 43200);
    const lines = errorLines(synthError(app));
    expect(lines.filter((l) => l.includes("NHI-GOV-002"))).toEqual(["[governed/cart-pods/role] NHI-GOV-002[Drift::max_session_duration]", "[governed/orders-lambda/role] NHI-GOV-002[Drift::tags]"]);
    // The tags set through the escape hatch lack seven lifecycle tags: one NHI-GOV-003 finding names them.
    expect(lines).toContain("[governed/orders-lambda/role] NHI-GOV-003");
    expect(NhiGovernance.of(stack).lastReport?.findings.find((f) => f.findingId === "NHI-GOV-003")?.parts).toContain("NHI-GOV-003[Tag::nhi:purpose]");
    expect(new Set(lines.map((l) => l.split(" ")[0]))).toEqual(new Set(["[governed/cart-pods/role]", "[governed/orders-lambda/role]"]));
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("NhiGovernance: severities, exemptions and approved constructs", () => {
  const rawRole = (scope: Construct, id: string) => new IamRole(scope, id, { name: id, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });

  it("findings below failOn are warnings and do not fail synth", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app, "governed", { failOn: "critical" });
    rawRole(stack, "raw-role");
    app.synth();
    const notes = annotations(stack);
    expect(notes).toContain("warn [governed/raw-role] NHI-GOV-001 (high) Identity created outside a governed construct");
    expect(notes.filter((n) => !n.startsWith("warn"))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("exempted findings become info lines; an exemption must be valid", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    rawRole(stack, "legacy");
    const exemption = (rule: string) => ({ rule, resource: "aws_iam_role.legacy", reason: "migrating to GovernedIdentity in PLAT-7", owner: "@acme/platform", ticket: "PLAT-7", expires: inDays(20) });
    NhiGovernance.of(stack).enforce({}, { clock, exemptions: [exemption("NHI-GOV-001")] });
    const lines = errorLines(synthError(app));
    const notes = annotations(stack);
    expect(notes.filter((n) => n.includes("NHI-GOV-001"))).toEqual(["info [governed/legacy] NHI-GOV-001 (high) Identity created outside a governed construct"]);
    // The exemption covers that one rule; its lifecycle tags (one NHI-GOV-003) and the substance rules still fail the hand-written role.
    expect(lines.filter((l) => l.includes("NHI-GOV-001"))).toEqual([]);
    expect(lines).toEqual(["[governed/legacy] NHI-GOV-003", "[governed/legacy] NHI-GOV-008[Boundary::missing]"]);
    expect(() => NhiGovernance.of(stack).enforce({}, { exemptions: [{ ...exemption("NHI-GOV-001"), expires: "soon" }] })).toThrow(/exemption 1: expires: expected expires as a date/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("reads the shared exemptions file, the one nhi-gate and the pack read", () => {
    const { app, outdir } = tmpApp();
    const stack = governedStack(app);
    rawRole(stack, "legacy");
    const file = path.join(outdir, "nhi-exemptions.yaml");
    fs.mkdirSync(outdir, { recursive: true });
    fs.writeFileSync(file, `exemptions:\n  - rule: NHI-GOV-001\n    resource: aws_iam_role.legacy\n    reason: migrating to GovernedIdentity in PLAT-7\n    owner: "@acme/platform"\n    ticket: PLAT-7\n    expires: "${inDays(20)}"\n`);
    NhiGovernance.of(stack).enforce({}, { clock, exemptions: file });
    synthError(app);
    expect(annotations(stack).filter((n) => n.includes("NHI-GOV-001"))).toEqual(["info [governed/legacy] NHI-GOV-001 (high) Identity created outside a governed construct"]);
    fs.writeFileSync(file, "exemptions:\n  - rule: NHI-GOV-001\n");
    expect(() => NhiGovernance.of(stack).enforce({}, { exemptions: file })).toThrow(/nhi-exemptions\.yaml.*exemptions\.0\.resource/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("an approved construct governs what it adds beside a GovernedIdentity, never a raw identity inside it", () => {
    class DeployerRoleWithLegacyHelper extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        const gi = new GovernedIdentity(this, "identity", { ...validSpec({ name: `${id}-deployer` }), clock });
        // What an approved construct may add beside a governed identity: judged by the substance rules only.
        new IamRolePolicyAttachment(this, "read-only", { role: gi.roleName as string, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        rawRole(this, `${id}-helper`);
      }
    }
    class SecondPlatformConstruct extends DeployerRoleWithLegacyHelper {}
    const { app, outdir } = tmpApp();
    const unregistered = new TerraformStack(app, "unregistered");
    new AwsProvider(unregistered, "aws", { region: "eu-west-1" });
    new SecondPlatformConstruct(unregistered, "team");
    NhiGovernance.of(unregistered).enforce({}, { clock });
    const lines = errorLines(synthError(app));
    const unhashed = (ls: string[]) => ls.map((l) => l.replace(/_[0-9A-F]{8}\]$/, "_<hash>]"));
    expect(unhashed(lines.filter((l) => l.includes("NHI-GOV-001") || l.includes("NHI-GOV-002")))).toEqual(["[unregistered/team/read-only] NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.team_read-only_<hash>]", "[unregistered/team/team-helper] NHI-GOV-001"]);

    // Approved in the gate config: the attachment beside the GovernedIdentity is governed; the raw
    // helper role is not (approval is a name any code can declare), and the substance rules run on it.
    const { app: app1, outdir: outdir1 } = tmpApp();
    const viaConfig = new TerraformStack(app1, "via-config");
    new AwsProvider(viaConfig, "aws", { region: "eu-west-1" });
    new DeployerRoleWithLegacyHelper(viaConfig, "team");
    NhiGovernance.of(viaConfig).enforce({ approvedConstructs: [{ type: "DeployerRoleWithLegacyHelper" }] }, { clock });
    const lines1 = errorLines(synthError(app1));
    expect(lines1.filter((l) => l.includes("NHI-GOV-001") || l.includes("NHI-GOV-002"))).toEqual(["[via-config/team/team-helper] NHI-GOV-002[Approval::unsealed]"]);
    expect(lines1).toContain("[via-config/team/team-helper] NHI-GOV-003");
    const report1 = NhiGovernance.of(viaConfig).lastReport;
    expect(report1?.resources.find((r) => r.origin.constructPath === "via-config/team/team-helper")).toMatchObject({ governed: "ungoverned", by: "via-config/team" });
    expect(report1?.resources.find((r) => r.origin.constructPath === "via-config/team/read-only")).toMatchObject({ governed: "governed", via: "approved-construct", by: "via-config/team" });
    fs.rmSync(outdir1, { recursive: true, force: true });

    NhiGovernance.registerApprovedConstruct(SecondPlatformConstruct);
    expect(NhiGovernance.approvedConstructs()).toContain("SecondPlatformConstruct");
    const { app: app2, outdir: outdir2 } = tmpApp();
    const registered = new TerraformStack(app2, "registered");
    new AwsProvider(registered, "aws", { region: "eu-west-1" });
    new SecondPlatformConstruct(registered, "team");
    NhiGovernance.of(registered).enforce({}, { clock });
    const lines2 = errorLines(synthError(app2));
    expect(lines2.filter((l) => l.includes("NHI-GOV-001") || l.includes("NHI-GOV-002"))).toEqual(["[registered/team/team-helper] NHI-GOV-002[Approval::unsealed]"]);
    // The attachment beside the GovernedIdentity is approved, and still judged by the substance rules: ReadOnlyAccess, by its document, reads every service (and AWS classes some of those reads as writes).
    expect(new Set(lines2.map((l) => l.split(" ")[0]))).toEqual(new Set(["[registered/team/team-helper]", "[registered/team/read-only]"]));
    expect(lines2.filter((l) => l.startsWith("[registered/team/read-only]")).map((l) => l.split(" ")[1])).toEqual(["NHI-GOV-005[Policy::ReadOnlyAccess]", "NHI-GOV-006[Policy::ReadOnlyAccess]"]);

    // A look-alike: another class with the registered class's name is not the registered class.
    const LookAlike = { SecondPlatformConstruct: class extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        const gi = new GovernedIdentity(this, "identity", { ...validSpec({ name: `${id}-deployer` }), clock });
        new IamRolePolicyAttachment(this, "read-only", { role: gi.roleName as string, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
      }
    } }.SecondPlatformConstruct;
    expect(LookAlike.name).toBe("SecondPlatformConstruct");
    const { app: app3, outdir: outdir3 } = tmpApp();
    const lookAlike = new TerraformStack(app3, "look-alike");
    new AwsProvider(lookAlike, "aws", { region: "eu-west-1" });
    new LookAlike(lookAlike, "team");
    NhiGovernance.of(lookAlike).enforce({}, { clock });
    expect(unhashed(errorLines(synthError(app3)))).toEqual([
      "[look-alike/team/read-only] NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.team_read-only_<hash>]",
      "[look-alike/team/read-only] NHI-GOV-005[Policy::ReadOnlyAccess]",
      "[look-alike/team/read-only] NHI-GOV-006[Policy::ReadOnlyAccess]",
    ]);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(outdir2, { recursive: true, force: true });
    fs.rmSync(outdir3, { recursive: true, force: true });
  });

  it("needs enforce(): without it the aspect is not added", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "plain");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    rawRole(stack, "raw-role");
    NhiGovernance.of(stack); // of() alone does not enforce
    app.synth();
    expect(Annotations.of(stack)).toBeDefined();
    expect(annotations(stack)).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("NhiGovernance: configuration errors and repeated synths", () => {
  it("an invalid gate config is one clear error naming the field", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "cfg");
    expect(() => NhiGovernance.of(stack).enforce({ failOn: "urgent" } as never)).toThrow(/^NhiGovernance\.enforce: invalid gate config: failOn: /);
    expect(() => new GovernedIdentity(stack, "gi", { ...validSpec(), clock, config: { maxCredentialTtl: "90 days" } })).toThrow(/^cfg\/gi: invalid gate config: maxCredentialTtl: expected an ISO 8601 duration/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("a second synth of the same stack does not repeat annotations", () => {
    const { app, outdir } = tmpApp();
    const stack = new TerraformStack(app, "twice");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new IamRole(stack, "raw-role", { name: "raw-role", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    NhiGovernance.of(stack).enforce({ failOn: "critical" }, { clock });
    app.synth();
    const once = annotations(stack);
    app.synth();
    expect(annotations(stack)).toEqual(once);
    expect(once.length).toBeGreaterThan(0);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
