import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { change, configResource, plan, ref } from "../fixtures/plans/builder";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-secrets-"));
const SECRETS = ["PLANTED-key-secret-0001", "PLANTED-smtp-0002", "PLANTED-env-0003", "PLANTED-nested-policy-0004", "PLANTED-before-0005", "PLANTED-gcp-private-key-0006", "PLANTED-whole-object-0007"];

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} }, out, err };
}

const secretPlan = plan(
  [
    change({ address: "aws_iam_user.u", type: "aws_iam_user", after: { name: "u", tags: { "nhi:environment": SECRETS[2], "nhi:owner": "@acme" } }, afterSensitive: { tags: { "nhi:environment": true } } }),
    // Catalog secret attributes, not marked by the plan.
    change({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", after: { user: "u", secret: SECRETS[0], ses_smtp_password_v4: SECRETS[1] } }),
    // A sensitive value deep in a list, quoted by the wildcard rules if they print it.
    change({
      address: "aws_iam_role.r",
      type: "aws_iam_role",
      after: { name: "r", inline_policy: [{ name: "p", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: SECRETS[3] }] }) }] },
      afterSensitive: { inline_policy: [{ policy: true }] },
    }),
    change({ address: "aws_iam_user.gone", type: "aws_iam_user", actions: ["delete"], before: { name: "gone", tags: { "nhi:purpose": SECRETS[4] } }, after: null, beforeSensitive: { tags: true } }),
    change({ address: "google_service_account_key.k", type: "google_service_account_key", after: { service_account_id: "sa", private_key: SECRETS[5] } }),
    change({ address: "aws_iam_user.whole", type: "aws_iam_user", after: { name: "whole", tags: { "nhi:environment": SECRETS[6] } }, afterSensitive: true }),
  ],
  { resources: [configResource({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", expressions: { user: ref("aws_iam_user.u.name", "aws_iam_user.u") } })] },
);

describe("secrets never reach any output", () => {
  const planFile = path.join(dir, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify(secretPlan));

  it("is the plan's content: the secrets are in the input, and the rules see them", () => {
    const text = fs.readFileSync(planFile, "utf8");
    for (const s of SECRETS) expect(text).toContain(s);
  });

  it("in every format, to files and to stdout", async () => {
    const files = { text: "r.txt", json: "r.json", sarif: "r.sarif", junit: "r.xml", markdown: "r.md" };
    const args = ["plan", planFile, "--now", "2026-06-01"];
    for (const [format, file] of Object.entries(files)) args.push("--format", format, "--output", path.join(dir, file));
    const c = capture();
    expect(await main(args, c.io)).toBe(1);
    const outputs = Object.values(files).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    for (const format of Object.keys(files)) {
      const s = capture();
      await main(["plan", planFile, "--now", "2026-06-01", "--format", format], s.io);
      outputs.push(s.out.join(""), s.err.join(""));
    }
    outputs.push(c.out.join(""), c.err.join(""));
    for (const o of outputs) for (const s of SECRETS) expect(o).not.toContain(s);
    // A value quoted by a rule was replaced, not dropped with its finding.
    const json = JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8"));
    // (The user's invalid nhi:environment tag is part of its NHI-GOV-001 finding, which quotes the value.)
    const env = json.findings.find((f: { findingId: string; address: string; parts?: string[] }) => f.address === "aws_iam_user.u" && (f.parts ?? [f.findingId]).includes("NHI-GOV-003[Tag::nhi:environment]"));
    expect(env.message).toContain("[redacted]");
  });

  it("in error messages", async () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify(secretPlan).replace(`"${SECRETS[0]}"`, `"${SECRETS[0]}" garbage`));
    const c = capture();
    expect(await main(["plan", bad], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/^nhi-gate: .*bad\.json: invalid JSON syntax at byte offset \d+\n$/);
    for (const s of SECRETS) expect(c.err.join("")).not.toContain(s);
  });
});
