import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluate } from "../../src/engine/evaluate";
import { loadConfig, loadExemptions } from "../../src/adapters/gate-files";
import { renderIdentity } from "../../src/render/aws";
import { GateConfigInput, GateConfigSchema, resolveConfig } from "../../src/spec/config";
import { ExemptionSchema } from "../../src/spec/exemptions";
import { parseSpec, SpecValidationError } from "../../src/spec/identity";
import { ownerProblem } from "../../src/spec/owner";
import { TAG } from "../../src/spec/tags";
import { renderedResources, resource } from "../../testing/resources";
import { clock, inDays, validSpec } from "../helpers";

const TEAM_HANDLES: GateConfigInput = { ownerPattern: { pattern: "@acme/[a-z0-9-]+", description: "a team handle @acme/<team>" } };
const DEFAULT_LINE = (got: string) =>
  `  - owner: got ${got}; expected an owner of 2-256 characters that AWS accepts in a tag value (letters, digits, spaces and _ . : / = + - @), such as @acme/payments, platform@acme.com or Payments Team; fix: name the accountable team or person using those characters`;

function ownerError(owner: unknown, config: GateConfigInput = {}): string | undefined {
  try {
    parseSpec(validSpec({ owner: owner as string }), { clock, config: resolveConfig(config) });
    return undefined;
  } catch (e) {
    if (!(e instanceof SpecValidationError)) throw e;
    return e.message.split("\n").slice(1).join("\n");
  }
}

describe("owner: by default any valid AWS tag value of 2-256 characters", () => {
  test.each(["@acme/payments", "platform@acme.com", "team:payments", "Payments Team", "team-payments", "payments_team", "Équipe Paiements", "a".repeat(256)])("accepts %s", (owner) => {
    expect(ownerError(owner)).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ["one character", "x", '"x"'],
    ["blank", "  ", '"  "'],
    ["a comma", "payments, platform", '"payments, platform"'],
    ["brackets", "<payments>", '"<payments>"'],
    ["257 characters", "a".repeat(257), `"${"a".repeat(76)}... (257 characters)`],
  ])("rejects %s, saying what is allowed and how to fix it", (_label, owner, got) => {
    expect(ownerError(owner)).toBe(DEFAULT_LINE(got));
  });

  test("a missing owner", () => {
    expect(ownerError(undefined)).toBe(
      "  - owner: got nothing; expected owner: the team or person accountable for the identity, such as @acme/payments or platform@acme.com; fix: set owner",
    );
  });
});

describe("owner: the gate config's ownerPattern narrows it", () => {
  test("the whole owner must match; the description is in the message", () => {
    expect(ownerError("@acme/payments", TEAM_HANDLES)).toBeUndefined();
    const line = (got: string) =>
      `  - owner: got ${got}; expected an owner matching the gate config's ownerPattern: a team handle @acme/<team> (/@acme/[a-z0-9-]+/); fix: use an owner of that form, or change ownerPattern in the gate config`;
    expect(ownerError("platform@acme.com", TEAM_HANDLES)).toBe(line('"platform@acme.com"'));
    // Anchored: a match inside the owner is not enough.
    expect(ownerError("see @acme/payments", TEAM_HANDLES)).toBe(line('"see @acme/payments"'));
    // The default rule still applies first (AWS's tag limits).
    expect(ownerError("@acme/pay,ments", TEAM_HANDLES)).toBe(DEFAULT_LINE('"@acme/pay,ments"'));
  });

  test.each<[string, unknown, string, string]>([
    ["a bad regular expression", { pattern: "@acme/[a-z", description: "a team handle" }, "ownerPattern.pattern", "expected a valid JavaScript regular expression (/@acme/[a-z/u: Unterminated character class); fix: correct the pattern"],
    [
      "a nested quantifier (catastrophic backtracking)",
      { pattern: "(@?[a-z]+)+", description: "a handle" },
      "ownerPattern.pattern",
      "expected a pattern without nested quantifiers such as (a+)+ or (\\w+\\s?)*, which can take exponential time; fix: quantify a character class instead, e.g. [\\w ]+",
    ],
    ["no description", { pattern: "@acme/[a-z]+" }, "ownerPattern.description", "expected ownerPattern.description: what the pattern accepts, in words (used in messages)"],
    ["a bare string", "@acme/[a-z]+", "ownerPattern", "Invalid input: expected object, received string"],
  ])("the config is refused for %s, naming the field", (_label, ownerPattern, field, message) => {
    const r = GateConfigSchema.safeParse({ ownerPattern });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([[field, message]]);
  });

  test("nhi-gate --config with a bad pattern: one line naming the file and the field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-owner-"));
    const file = path.join(dir, "nhi-governance.config.yaml");
    fs.writeFileSync(file, 'ownerPattern:\n  pattern: "(a|b+)*"\n  description: a team\n');
    expect(() => loadConfig(file)).toThrow(`${file}: not a valid nhi-gate config: ownerPattern.pattern: expected a pattern without nested quantifiers`);
  });

  test("a long owner never reaches the pattern (AWS's 256-character limit is checked first)", () => {
    const config = resolveConfig({ ownerPattern: { pattern: "(a|aa)*b", description: "a's then b" } });
    // (a|aa)*b backtracks exponentially on a run of a's without b; 256 is the longest it sees.
    const started = Date.now();
    expect(ownerProblem("a".repeat(5000), config)).toMatch(/^an owner of 2-256 characters/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("NHI-GOV-003 applies the same owner rule to the nhi:owner tag", () => {
  const owners003 = (resources: Parameters<typeof evaluate>[0]["resources"], config: GateConfigInput = {}) =>
    // The granular report (fold: false): NHI-GOV-003's own findings, before they are folded into
    // one per resource or into NHI-GOV-001 (test/engine/fold.test.ts covers the folding).
    evaluate({ resources }, { clock, config, fold: false })
      .findings.filter((f) => f.ruleId === "NHI-GOV-003" && f.message.includes(TAG.owner))
      .map((f) => f.message);

  test("owners teams use pass on a governed identity; a narrowed config flags them", () => {
    for (const owner of ["platform@acme.com", "team:payments", "Payments Team"]) {
      const rendered = renderIdentity(parseSpec(validSpec({ owner }), { clock }));
      expect(owners003(renderedResources(rendered))).toEqual([]);
      const flagged = owners003(renderedResources(rendered), TEAM_HANDLES);
      expect(flagged).toHaveLength(1);
      expect(flagged[0]).toContain(`${TAG.owner} = ${JSON.stringify(owner)}`);
      expect(flagged[0]).toContain("a team handle @acme/<team> (/@acme/[a-z0-9-]+/)");
    }
  });

  test("a hand-tagged role with an owner AWS would refuse, or too short, is flagged", () => {
    const tags = { [TAG.owner]: "x", [TAG.purpose]: "Deploys the payments API", [TAG.environment]: "prod" };
    const flagged = owners003([resource("aws_iam_role", "aws_iam_role.raw", { name: "raw", assume_role_policy: "{}", tags })]);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toContain('aws_iam_role.raw has nhi:owner = "x"; expected an owner of 2-256 characters');
    // Folded, as users see it: part of the role's NHI-GOV-001.
    const folded = evaluate({ resources: [resource("aws_iam_role", "aws_iam_role.raw", { name: "raw", assume_role_policy: "{}", tags })] }, { clock }).findings.find((f) => f.ruleId === "NHI-GOV-001");
    expect(folded?.parts).toContain("NHI-GOV-003[Tag::nhi:owner]");
    expect(folded?.message).toContain('nhi:owner = "x" (expected an owner of 2-256 characters');
  });
});

describe("exemption owners follow the same rule", () => {
  const exemption = (owner: string) => ({ rule: "NHI-GOV-001", resource: "aws_iam_role.raw", reason: "legacy role being replaced", owner, ticket: "SEC-1", expires: inDays(10) });

  test("the exemptions file accepts owners teams use and refuses what an identity could not carry", () => {
    for (const owner of ["platform@acme.com", "@acme/security", "Security Team"]) expect(ExemptionSchema.safeParse(exemption(owner)).success).toBe(true);
    const r = ExemptionSchema.safeParse(exemption("x"));
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["owner", "expected an owner of 2-256 characters that AWS accepts in a tag value (letters, digits, spaces and _ . : / = + - @), such as @acme/payments, platform@acme.com or Payments Team"],
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-owner-"));
    const file = path.join(dir, "nhi-exemptions.json");
    fs.writeFileSync(file, JSON.stringify({ exemptions: [exemption("<security>")] }));
    expect(() => loadExemptions(file)).toThrow(`${file}: not a valid exemptions file ({ exemptions: [...] } or a list): exemptions.0.owner: expected an owner of 2-256 characters`);
  });

  test("under an ownerPattern, an exemption whose owner does not match is not honoured (NHI-GOV-090)", () => {
    const raw = resource("aws_iam_role", "aws_iam_role.raw", { name: "raw", assume_role_policy: "{}", tags: {} });
    const run = (owner: string) => evaluate({ resources: [raw] }, { clock, config: TEAM_HANDLES, exemptions: [ExemptionSchema.parse(exemption(owner))] });
    const honoured = run("@acme/security");
    expect(honoured.findings.find((f) => f.ruleId === "NHI-GOV-001")?.exemptedBy?.owner).toBe("@acme/security");
    const refused = run("platform@acme.com");
    expect(refused.findings.find((f) => f.ruleId === "NHI-GOV-001")?.exemptedBy).toBeUndefined();
    expect(refused.findings.filter((f) => f.ruleId === "NHI-GOV-090").map((f) => f.message)).toEqual([
      'exemption SEC-1 (owner platform@acme.com) for NHI-GOV-001 on aws_iam_role.raw: owner "platform@acme.com" is not an owner matching the gate config\'s ownerPattern: a team handle @acme/<team> (/@acme/[a-z0-9-]+/); it is not honoured. Fix: give the exemption an owner of that form',
    ]);
  });
});
