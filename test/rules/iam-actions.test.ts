import { actionInfo, escalationsMatching, expandAction, expansionFacts, isWriteLevel, knownServices, PRIVILEGE_ESCALATION_ACTIONS } from "../../src/iam/actions";

describe("IAM action expansion (iam-data)", () => {
  it("expands service wildcards, prefixes and ? against the data, case-insensitively", () => {
    expect(expandAction("iam:Pass*").actions.map((a) => a.action)).toEqual(["iam:PassRole"]);
    expect(expandAction("IAM:passrole").actions.map((a) => a.action)).toEqual(["iam:PassRole"]);
    const gets = expandAction("s3:Get*").actions.map((a) => a.action);
    expect(gets).toContain("s3:GetObject");
    expect(gets.every((a) => a.startsWith("s3:Get"))).toBe(true);
    expect(expandAction("sts:AssumeRoleWith????").actions.map((a) => a.action)).toEqual(["sts:AssumeRoleWithSAML"]);
    expect(expandAction("iam:*").actions.length).toBeGreaterThan(100);
    expect(expandAction("*").actions.length).toBeGreaterThan(10000);
    expect(expandAction("s?s:GetCallerIdentity").actions.map((a) => a.action)).toEqual(["sts:GetCallerIdentity"]);
  });

  it("says when a service is unknown instead of returning a silent empty match", () => {
    expect(expandAction("nosuchservice:*")).toEqual({ actions: [], unknownServices: ["nosuchservice"] });
    expect(expandAction("notanaction")).toEqual({ actions: [], unknownServices: ["notanaction"] });
    expect(actionInfo("nosuch:Thing")).toBeUndefined();
  });

  it("gives access levels from the data", () => {
    expect(actionInfo("iam:PutRolePolicy")?.accessLevels).toContain("Permissions management");
    expect(isWriteLevel(actionInfo("s3:PutObject")!)).toBe(true);
    expect(isWriteLevel(actionInfo("s3:GetObject")!)).toBe(false);
    expect(actionInfo("sts:GetCallerIdentity")?.resourceScoped).toBe(false);
  });

  it("lists privilege-escalation actions that all exist in the data", () => {
    for (const a of PRIVILEGE_ESCALATION_ACTIONS) expect([a, actionInfo(a)?.action]).toEqual([a, a]);
    expect(escalationsMatching("iam:*")).toEqual(expect.arrayContaining(["iam:PassRole", "iam:CreatePolicyVersion", "iam:AttachRolePolicy"]));
    expect(escalationsMatching("s3:*")).toEqual([]);
    expect(knownServices()).toEqual(expect.arrayContaining(["iam", "s3", "sts"]));
  });
});

describe("expansion memo and facts", () => {
  it("a concrete action resolves by lookup to the same action the glob finds", () => {
    for (const a of ["s3:GetObject", "IAM:passrole", "sts:AssumeRole"]) {
      const direct = expandAction(a).actions.map((x) => x.action);
      const viaGlob = expandAction(`${a}*`).actions.map((x) => x.action).filter((x) => x.toLowerCase() === a.toLowerCase());
      expect(direct).toEqual(viaGlob);
      expect(direct).toHaveLength(1);
    }
    expect(expandAction("s3:NoSuchAction").actions).toEqual([]);
  });
  it("returns one frozen result per pattern, whatever its case", () => {
    const a = expandAction("s3:Get*");
    expect(expandAction("S3:GET*")).toBe(a);
    expect(Object.isFrozen(a.actions)).toBe(true);
    expect(() => (a.actions as unknown[]).push(1)).toThrow();
  });
  it("facts agree with the expansion", () => {
    const exp = expandAction("iam:*");
    const f = expansionFacts(exp);
    expect(f.names).toEqual(exp.actions.map((a) => a.action));
    expect(f.writes).toEqual(exp.actions.filter(isWriteLevel).map((a) => a.action));
    expect(f.scopedWrites.every((w) => f.writes.includes(w))).toBe(true);
    expect(f.scopedWriteEscalations).toContain("iam:PassRole");
    expect(expansionFacts(exp)).toBe(f);
  });
});
