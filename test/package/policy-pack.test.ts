/**
 * The policy pack as users get it: from the installed package, in place
 * (`pulumi preview --policy-pack node_modules/nhi-governance/policy-packs/nhi-governance`: Pulumi
 * starts run-policy-pack in that directory, resolving it and the pack's dependencies from the
 * user's node_modules), and as `pulumi policy publish` ships it (npm pack of that folder alone,
 * installed with its own package.json dependencies). Driven over the analyzer protocol as the
 * engine drives it (test/policy-pack/harness.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startPack, runPolicyPackFor, Harness } from "../policy-pack/harness";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { publishedPolicyPack } = require("../../scripts/consumer/project");
import { installed, project } from "./helpers";

const role = {
  type: "aws:iam/role:Role",
  urn: "urn:pulumi:dev::app::aws:iam/role:Role::deployer",
  name: "deployer",
  props: { name: "deployer", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
};

async function violationsFor(packDir: string): Promise<string[]> {
  let h: Harness | undefined;
  try {
    h = await startPack({ packDir, env: { NHI_GOVERNANCE_NOW: "2026-06-01T00:00:00Z" } });
    const info = await h.analyzerInfo();
    expect(info.name).toBe("nhi-governance");
    await h.configure({});
    const diags = [...(await h.analyze(role)), ...(await h.analyzeStack([role]))];
    return diags.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policyName} ${d.urn}`);
  } finally {
    await h?.close();
  }
}

describe("the policy pack from the installed package", () => {
  const packDir = () => path.join(installed(), "policy-packs", "nhi-governance");

  it("ships compiled, with its manifest, PulumiPolicy.yaml and data", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir(), "package.json"), "utf8"));
    expect(fs.existsSync(path.join(packDir(), pkg.main))).toBe(true);
    expect(fs.existsSync(path.join(packDir(), "PulumiPolicy.yaml"))).toBe(true);
    expect(fs.existsSync(path.join(packDir(), "data", "aws-managed-policies.json"))).toBe(true);
  });

  it("in place: run-policy-pack and the pack's dependencies resolve from the user's node_modules; a hand-written role is a mandatory violation", async () => {
    expect(runPolicyPackFor(packDir())).toBe(path.join(project(), "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js"));
    expect(await violationsFor(packDir())).toContain("NHI-GOV-001 urn:pulumi:dev::app::aws:iam/role:Role::deployer");
  });

  it("published: npm pack of the folder, installed with its own dependencies, starts and reports the same violation", async () => {
    const dir = publishedPolicyPack({ packDir: packDir(), workDir: process.env.NHI_CONSUMER_WORK as string });
    expect(runPolicyPackFor(dir)).toBe(path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js"));
    expect(await violationsFor(dir)).toContain("NHI-GOV-001 urn:pulumi:dev::app::aws:iam/role:Role::deployer");
  });
});
