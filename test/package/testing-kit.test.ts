/**
 * A Pulumi program checked with `checkPulumiProgram` imported from `nhi-governance/testing`, in
 * the consumer project: a governed identity passes, a hand-written role does not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { project, sh, tsc } from "./helpers";

const program = `
import * as aws from "@pulumi/aws";
import { GovernedIdentity } from "nhi-governance/pulumi";
import { checkPulumiProgram, fixedClock, resource, renderedResources } from "nhi-governance/testing";

const clock = fixedClock("2026-06-01T00:00:00Z");
const spec = {
  name: "payments-deployer", owner: "@acme/payments", purpose: "Deploys the payments API from GitHub Actions", environment: "prod",
  systemOfRecord: "https://cmdb.example.com/ci/PAY-42", retirement: "when the payments API is decommissioned", workload: "github-actions payments-api deploy job",
  access: [{ actions: ["s3:PutObject"], resources: ["arn:aws:s3:::acme-payments-artifacts/*"] }],
  permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
  trust: { kind: "github-oidc" as const, repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
  credential: { kind: "federated" as const },
  recertifyBy: "2026-08-01",
};

async function main() {
  const governed = await checkPulumiProgram(() => { new GovernedIdentity("deployer", spec, { clock }); }, { clock });
  const raw = await checkPulumiProgram(() => { new aws.iam.Role("legacy", { name: "legacy", assumeRolePolicy: "{}" }); }, { clock });
  const helpers = [typeof resource, typeof renderedResources];
  console.log(JSON.stringify({ governed: governed.findings.map((f) => f.findingId), governedResources: governed.resources.length, raw: [...new Set(raw.findings.map((f) => f.ruleId))], helpers }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

describe("checkPulumiProgram from nhi-governance/testing", () => {
  it("type-checks (strict, node and node16) and runs: the governed identity passes, the hand-written role fails", () => {
    const dir = path.join(project(), "kit");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "kit-check.ts"), program);
    const base = { strict: true, target: "es2020", lib: ["es2020"], types: ["node"], skipLibCheck: true, esModuleInterop: true };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...base, module: "commonjs", moduleResolution: "node", outDir: "out" }, files: ["kit-check.ts"] }));
    fs.writeFileSync(path.join(dir, "tsconfig.node16.json"), JSON.stringify({ compilerOptions: { ...base, module: "node16", moduleResolution: "node16", noEmit: true }, files: ["kit-check.ts"] }));
    for (const p of ["kit/tsconfig.json", "kit/tsconfig.node16.json"]) {
      const r = tsc(["-p", p, "--pretty", "false"]);
      expect({ config: p, errors: r.out.trim() }).toEqual({ config: p, errors: "" });
    }
    const r = sh(process.execPath, [path.join(dir, "out", "kit-check.js")]);
    expect(r.err).toBe("");
    const got = JSON.parse(r.out);
    expect(got.governed).toEqual([]);
    expect(got.governedResources).toBe(2);
    // Its missing lifecycle tags are part of its NHI-GOV-001 (one finding per problem), its boundary a finding of its own.
    expect(got.raw).toEqual(expect.arrayContaining(["NHI-GOV-001", "NHI-GOV-008"]));
    expect(got.raw).not.toContain("NHI-GOV-003");
    expect(got.helpers).toEqual(["function", "function"]);
  });
});
