import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { renderIdentity } from "../../src/render/aws";
import { TAG } from "../../src/spec/tags";
import { change, governedChanges, plan } from "../fixtures/plans/builder";
import { spec, inDays } from "../helpers";

const corpus = path.resolve(__dirname, "../../../shared/corpus");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-inv-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) }, env: { NO_COLOR: "1", ...env } };
  const code = await main(args, io as never);
  return { code, stdout, stderr };
}

const write = (name: string, value: unknown) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
  return f;
};

describe("nhi-gate inventory", () => {
  it("reads a Pulumi stack export and a Terraform plan together, in every format", async () => {
    const exportFile = fs.readdirSync(path.join(corpus, "pulumi-state")).map((f) => path.join(corpus, "pulumi-state", f))[0];
    const planFile = path.join(corpus, "terraform-plans/bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json");
    const json = await run(["inventory", exportFile, planFile, "--format", "json", "--now", "2026-06-01"]);
    expect(json.code).toBe(0);
    const inv = JSON.parse(json.stdout);
    expect(inv.identities.map((i: { address: string }) => i.address)).toEqual([
      "aws_iam_access_key.user",
      "aws_iam_instance_profile.ec2profile",
      "aws_iam_role.ec2role",
      "aws_iam_role.iam_for_eks",
      "aws_iam_role.iam_for_lambda",
      "aws_iam_role_policy.ec2policy",
      "aws_iam_role_policy_attachment.policy_attachment-AmazonEKSClusterPolicy",
      "aws_iam_role_policy_attachment.policy_attachment-AmazonEKSServicePolicy",
      "aws_iam_user.user",
      "aws_iam_user_policy.userpolicy",
      "urn:pulumi:test::iam-user::aws:iam/policy:Policy::awsUserPolicyResource",
      "urn:pulumi:test::iam-user::aws:iam/user:User::awsUserResource",
    ]);
    expect(inv.withoutOwner.map((i: { address: string }) => i.address)).toEqual([
      "aws_iam_role.ec2role",
      "aws_iam_role.iam_for_eks",
      "aws_iam_role.iam_for_lambda",
      "aws_iam_user.user",
      "urn:pulumi:test::iam-user::aws:iam/user:User::awsUserResource",
    ]);
    const csv = await run(["inventory", exportFile, "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toBe("address,kind,owner,purpose,environment,credential,ttl,rotation,recertifyBy,governed,principal,type,action,source,sections");
    expect(csv.stdout).toMatch(/urn:pulumi:test::iam-user::aws:iam\/user:User::awsUserResource,principal,.*withoutOwner/);
    const md = await run(["inventory", exportFile, "--format", "markdown"]);
    expect(md.stdout).toMatch(/^## Non-human identity inventory/);
    expect(md.stdout).toMatch(/### Identities without an owner \(1\)/);
    const table = await run(["inventory", planFile]);
    expect(table.stdout).toMatch(/Orphaned credentials \(0\)/);
    // The identity column is never cut: a URN's end is the resource's name.
    const urns = await run(["inventory", exportFile]);
    expect(urns.stdout).toMatch(/^urn:pulumi:test::iam-user::aws:iam\/user:User::awsUserResource +principal /m);
  });

  it("lists overdue recertifications and governed identities from a plan", async () => {
    const governed = governedChanges(renderIdentity(spec()));
    const overdueTags = { ...renderIdentity(spec({ name: "old" })).principal.tags, [TAG.recertifyBy]: "2026-05-01" };
    const f = write(
      "plan.json",
      plan([...governed.changes, change({ address: "aws_iam_role.old", type: "aws_iam_role", actions: ["no-op"], before: { name: "old", tags: overdueTags }, after: { name: "old", tags: overdueTags } })], { resources: governed.config }),
    );
    const { code, stdout } = await run(["inventory", f, "--format", "json", "--now", "2026-06-01"]);
    expect(code).toBe(0);
    const inv = JSON.parse(stdout);
    expect(inv.overdueRecertifications.map((i: { address: string }) => i.address)).toEqual(["aws_iam_role.old"]);
    expect(inv.identities.find((i: { address: string }) => i.address === "aws_iam_role.gov")).toMatchObject({ governed: "governed", owner: "@acme/payments", recertifyBy: inDays(90) });
  });

  it("CSV cells cannot run as spreadsheet formulas", async () => {
    const tags = { [TAG.owner]: "=HYPERLINK(\"http://x\")", [TAG.purpose]: "a, \"quoted\" purpose" };
    const f = write("formula.json", plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: { name: "r", tags } })]));
    const { stdout } = await run(["inventory", f, "--format", "csv"]);
    expect(stdout).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(stdout).toContain(`"a, ""quoted"" purpose"`);
  });

  it("rejects what is neither a plan, a state nor a stack export, and a bad format, with exit 2", async () => {
    expect((await run(["inventory", write("x.json", { hello: 1 })])).stderr).toMatch(/x\.json: not a Terraform plan or state .* nor a Pulumi stack export/);
    expect((await run(["inventory", write("y.json", { hello: 1 })])).code).toBe(2);
    expect((await run(["inventory", write("z.json", { deployment: { resources: "no" } })])).code).toBe(2);
    const bad = await run(["inventory", write("p.json", plan([])), "--format", "xml"]);
    expect([bad.code, bad.stderr.trim().split("\n").length]).toEqual([2, 1]);
  });
});

describe("nhi-gate plan --ledger", () => {
  it("appends one event per identity change with the CI context, and appends again on the next run", async () => {
    const before = { name: "r", tags: { [TAG.recertifyBy]: inDays(5) } };
    const after = { name: "r", tags: { [TAG.recertifyBy]: inDays(90) } };
    const f = write(
      "ledger-plan.json",
      plan([
        change({ address: "aws_iam_role.r", type: "aws_iam_role", actions: ["update"], before, after }),
        change({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", actions: ["delete", "create"], before: { user: "u" }, after: { user: "u" }, afterUnknown: { secret: true, id: true } }),
        change({ address: "aws_iam_user.gone", type: "aws_iam_user", actions: ["delete"], before: { name: "gone" } }),
      ]),
    );
    const ledger = path.join(tmp, "ledger.jsonl");
    const env = { GITHUB_SHA: "0123abc", GITHUB_RUN_ID: "99", GITHUB_REPOSITORY: "acme/infra" };
    await run(["plan", f, "--ledger", ledger, "--now", "2026-06-01", "--format", "json", "--output", path.join(tmp, "r.json")], env);
    const events = fs.readFileSync(ledger, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => `${e.event} ${e.address}`)).toEqual(["rotated aws_iam_access_key.k", "recertified aws_iam_role.r", "offboarded aws_iam_user.gone"]);
    expect(events[0]).toMatchObject({ time: "2026-06-01T00:00:00.000Z", source: f, commit: "0123abc", runId: "99", repository: "acme/infra" });
    await run(["plan", f, "--ledger", ledger, "--now", "2026-06-01", "--format", "json", "--output", path.join(tmp, "r.json")], env);
    expect(fs.readFileSync(ledger, "utf8").trim().split("\n")).toHaveLength(6);
  });

  it("refuses to append through a symbolic link", async () => {
    const target = write("target.jsonl", "");
    const link = path.join(tmp, "link.jsonl");
    fs.symlinkSync(target, link);
    const f = write("p2.json", plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: { name: "r" } })]));
    const res = await run(["plan", f, "--ledger", link, "--format", "json", "--output", path.join(tmp, "r2.json")]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--ledger .*link\.jsonl: is a symbolic link/);
    expect(fs.readFileSync(target, "utf8")).toBe("");
  });
});

describe("secrets never reach the inventory or the ledger", () => {
  it("redacts values a plan marks sensitive, in every inventory format and in ledger lines", async () => {
    const SECRET = "sup3r-s3cret-owner-value";
    const f = write(
      "sensitive.json",
      plan([
        change({
          address: "aws_iam_role.s",
          type: "aws_iam_role",
          actions: ["update"],
          before: { name: "s", tags: { [TAG.owner]: SECRET, [TAG.recertifyBy]: inDays(2) } },
          after: { name: "s", tags: { [TAG.owner]: SECRET, [TAG.recertifyBy]: inDays(60), [TAG.purpose]: `owned by ${SECRET}` } },
          beforeSensitive: { tags: { [TAG.owner]: true } },
          afterSensitive: { tags: { [TAG.owner]: true } },
        }),
      ]),
    );
    for (const format of ["table", "json", "csv", "markdown"]) {
      const { stdout } = await run(["inventory", f, "--format", format, "--now", "2026-06-01"]);
      expect([format, stdout.includes(SECRET)]).toEqual([format, false]);
      expect(stdout).toContain("[redacted]");
    }
    const ledger = path.join(tmp, "secret-ledger.jsonl");
    await run(["plan", f, "--ledger", ledger, "--now", "2026-06-01", "--format", "json", "--output", path.join(tmp, "s.json")]);
    const text = fs.readFileSync(ledger, "utf8");
    expect(text).toContain("recertified");
    expect(text.includes(SECRET)).toBe(false);
  });
});
