import * as fs from "node:fs";
import * as path from "node:path";
import { actionsMarkdown, leftOutMarkdown } from "../../src/guardrail/actions";
import { boundaryPolicy, GuardrailError, guardrailStatements, prefixCases, SCP_MAX_SIZE, scpPolicies } from "../../src/guardrail/policy";
import { GateConfigInput, GateConfigSchema, resolveConfig } from "../../src/spec/config";

const base = (guardrail: Partial<NonNullable<GateConfigInput["guardrail"]>> = {}, extra: GateConfigInput = {}) =>
  resolveConfig({ ...extra, guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], ...guardrail } });
const issue = (input: unknown) => {
  const r = GateConfigSchema.safeParse(input);
  return r.success ? "valid" : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("the guardrail block of the gate config", () => {
  it("is optional, and needs at least one deployment role when present", () => {
    expect(issue({})).toBe("valid");
    expect(issue({ guardrail: { deploymentRoles: [] } })).toMatch(/^guardrail.deploymentRoles: expected at least one deployment role pattern/);
    expect(issue({ guardrail: {} })).toMatch(/^guardrail.deploymentRoles/);
  });

  it("takes role and user ARN patterns, and refuses one that exempts every role", () => {
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*", "arn:aws:iam::111111111111:user/legacy-deployer", "arn:aws-us-gov:iam::111111111111:role/d?"] } })).toBe("valid");
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/*"] } })).toMatch(/matches every role of the accounts, so the guardrail would exempt everyone/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::111111111111:role/*"] } })).toMatch(/matches every role of the account,/);
    expect(issue({ guardrail: { deploymentRoles: ["*"] } })).toMatch(/expected a role or user ARN pattern/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:sts::111111111111:assumed-role/deploy/session"] } })).toMatch(/expected a role or user ARN pattern/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/d"], breakGlassRoles: ["break-glass"] } })).toMatch(/^guardrail.breakGlassRoles.0:/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/d"], protectedPolicies: ["arn:aws:iam::*:role/x"] } })).toMatch(/^guardrail.protectedPolicies.0: expected a customer managed policy ARN/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/d"], maxPolicies: 6 } })).toMatch(/^guardrail.maxPolicies/);
    expect(issue({ guardrail: { deploymentRoles: ["arn:aws:iam::*:role/d"], extra: 1 } })).toMatch(/extra/);
  });
});

describe("the generated SCP", () => {
  it("is compact JSON, deterministic, and names every required tag and the seal", () => {
    const a = scpPolicies(base());
    const b = scpPolicies(base());
    expect(a.map((p) => p.json)).toEqual(b.map((p) => p.json));
    expect(a).toHaveLength(1);
    expect(a[0].json).toBe(JSON.stringify(a[0].document));
    expect(a[0].json).not.toMatch(/\s/);
    const nulls = a[0].document.Statement.flatMap((s) => Object.keys(s.Condition?.Null ?? {}));
    expect(nulls).toEqual([...resolveConfig({}).requiredTags, "nhi:seal"].map((t) => `aws:RequestTag/${t}`));
    expect(a[0].name).toBe("nhi-guardrail");
    expect(a[0].size).toBe(Buffer.byteLength(a[0].json));
  });

  it("covers every letter case of the nhi: prefix", () => {
    expect(prefixCases("nhi:")).toEqual(["nhi:", "nhI:", "nHi:", "nHI:", "Nhi:", "NhI:", "NHi:", "NHI:"]);
  });

  it("leaves out the break-glass condition when there is no break-glass role, and the boundary statement when no policy is protected", () => {
    const sids = guardrailStatements(base()).map((s) => s.Sid);
    expect(sids).not.toContain("NhiProtectBoundaries");
    expect(guardrailStatements(base()).find((s) => s.Sid === "NhiRequireOwner")!.Condition).toEqual({ Null: { "aws:RequestTag/nhi:owner": "true" } });
    const withBoundary = guardrailStatements(base({}, { defaultPermissionsBoundary: "arn:aws:iam::111111111111:policy/b" }));
    expect(withBoundary.find((s) => s.Sid === "NhiProtectBoundaries")!.Resource).toBe("arn:aws:iam::111111111111:policy/b");
  });

  it("adds guardrail.additionalActions as AWS spells them, and refuses an unknown one", () => {
    const st = guardrailStatements(base({ additionalActions: ["iam:putgrouppolicy"] }))[0];
    expect(st.Action).toContain("iam:PutGroupPolicy");
    expect(() => guardrailStatements(base({ additionalActions: ["iam:CreateRoleEverywhere"] }))).toThrow(/^guardrail.additionalActions\[0\]: iam:CreateRoleEverywhere is not an IAM action/);
  });

  it("splits deterministically when it does not fit, each part named and within the limit", () => {
    const many = Array.from({ length: 75 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`);
    const parts = scpPolicies(base({ deploymentRoles: many, maxPolicies: 5 }));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.name)).toEqual(parts.map((_, i) => (i === 0 ? "nhi-guardrail" : `nhi-guardrail-${i + 1}`)));
    for (const p of parts) expect(p.size).toBeLessThanOrEqual(SCP_MAX_SIZE);
    expect(parts.map((p) => p.json)).toEqual(scpPolicies(base({ deploymentRoles: many, maxPolicies: 5 })).map((p) => p.json));
    // The big statement was split by its actions; every action is still denied once.
    const pipelineOnly = parts.flatMap((p) => p.document.Statement).filter((s) => s.Sid!.startsWith("NhiPipelineOnly"));
    expect(pipelineOnly.length).toBeGreaterThan(1);
    expect(pipelineOnly.flatMap((s) => s.Action).sort()).toEqual((guardrailStatements(base())[0].Action as string[]).slice().sort());
  });

  it("fails with the numbers when it needs more policies than a target takes", () => {
    const many = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`);
    expect(() => scpPolicies(base({ deploymentRoles: many, maxPolicies: 1 }))).toThrow(/^guardrail SCP: needs \d+ policies of at most 5120 characters \(\d+ in all\), but guardrail.maxPolicies is 1 \(AWS attaches at most 5 SCPs to a target, FullAWSAccess included\)/);
  });

  it("fails clearly when the role patterns alone overflow a policy", () => {
    const huge = Array.from({ length: 200 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/a-very-long-deployment-role-name-${i}`);
    let error: unknown;
    try {
      scpPolicies(base({ deploymentRoles: huge, maxPolicies: 5 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    expect((error as Error).message).toMatch(/^guardrail SCP: statement NhiPipelineOnly takes \d+ characters with a single action, more than the 5120 a policy holds; the role patterns .* are too long: use fewer, wider patterns/);
  });

  it("needs the guardrail block", () => {
    expect(() => scpPolicies(resolveConfig({}))).toThrow(/^config has no guardrail block; add guardrail.deploymentRoles/);
  });
});

describe("the generated boundary", () => {
  it("allows everything first, then the same denies", () => {
    const b = boundaryPolicy(base());
    expect(b.document.Statement[0]).toEqual({ Sid: "NhiAllowAll", Effect: "Allow", Action: "*", Resource: "*" });
    expect(b.document.Statement.slice(1)).toEqual(guardrailStatements(base()));
  });

  it("is never split: too large is an error", () => {
    const many = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/nhi-pipeline-team-${i}/deployer`);
    expect(() => boundaryPolicy(base({ deploymentRoles: many }))).toThrow(/^guardrail boundary: \d+ characters, more than the 6144 a managed policy holds \(a principal has one boundary, so it cannot be split\)/);
  });
});

describe("docs/guardrail.md", () => {
  it("has the action tables npm run docs renders from src/guardrail/actions.ts (run it when this fails)", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../docs/guardrail.md"), "utf8");
    const start = "<!-- guardrail-actions:start -->";
    const end = "<!-- guardrail-actions:end -->";
    expect(doc.includes(start) && doc.includes(end)).toBe(true);
    expect(doc.slice(doc.indexOf(start) + start.length, doc.indexOf(end)).trim()).toBe(actionsMarkdown().trim());
  });

  it("README lists the actions left out on purpose, as npm run docs renders them", () => {
    const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    const [start, end] = ["<!-- guardrail-left-out:start -->", "<!-- guardrail-left-out:end -->"];
    expect(readme.includes(start) && readme.includes(end)).toBe(true);
    expect(readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end)).trim()).toBe(leftOutMarkdown().trim());
  });
});
