/**
 * Adoption end to end on the corpus: for each plan, the state it leaves (stateOfPlan), then
 * `adopt` → the generated CDKTF program, its placeholders filled in as a person would, run with
 * node → cdk.tf.json; the spec file, each spec validated and rendered; and the same for a Pulumi
 * stack export. Each adopted principal is compared with the original: only governed additions
 * differ, the gates find it governed with no provenance or lifecycle finding, and the substance
 * findings left are ones it already had.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { readJson } from "../../src/adapters/input";
import { stateToInput } from "../../src/adapters/terraform-state";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { fromStackExport } from "../../src/adapters/pulumi-export";
import { adopt, Adoption } from "../../src/adopt";
import { evaluate } from "../../src/engine/evaluate";
import { EvaluationInput } from "../../src/engine/model";
import { resolveConfig } from "../../src/spec/config";
import { parseSpec } from "../../src/spec/identity";
import { renderIdentity } from "../../src/render/aws";
import { clock } from "../helpers";
import { fillPlaceholders, programDir, runNode, stateOfPlan } from "./fixtures";
import { findingsByIdentity, GOVERNANCE_RULES, grantsFindings, nonGovernedDifferences, PLACEHOLDER_STATEMENT } from "./compare";

const config = resolveConfig({});
const CORPUS = "/work/shared/corpus/terraform-plans";
const plans = [...(fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).map((f) => path.join(CORPUS, f)) : []), path.join(__dirname, "../../examples/plans/iam-policies.tfplan.json")];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-adopt-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Case {
  name: string;
  state: ReturnType<typeof stateOfPlan>;
  input: EvaluationInput;
  adoption: Adoption;
  files: Record<string, string>;
}

const cases: Case[] = plans.flatMap((file) => {
  const { value } = readJson(file);
  const state = stateOfPlan(value, path.basename(file));
  const input = stateToInput(state, `${path.basename(file)}.state.json`);
  const { files, adoption } = adopt(input, "cdktf", { config, clock, region: "eu-west-1", stack: "adopted-identities" });
  return adoption.identities.length ? [{ name: path.basename(file), state, input, adoption, files }] : [];
});

describe("adopt on the corpus (the state each plan leaves)", () => {
  test("finds the corpus's hand-written roles and users", () => {
    expect(cases.map((c) => [c.name, c.adoption.identities.map((i) => `${i.type} ${i.id}`)])).toMatchSnapshot();
    expect(cases.reduce((n, c) => n + c.adoption.identities.length, 0)).toBeGreaterThanOrEqual(8);
  });

  const synthesized = new Map<string, unknown>();
  beforeAll(async () => {
    // One node process runs every generated program (each in its own directory, as `node main.ts` would).
    const driver = path.join(tmp, "driver.ts");
    const dirs = cases.map((c, i) => {
      const dir = programDir(path.join(tmp, `cdktf-${i}`));
      fs.writeFileSync(path.join(dir, "main.ts"), fillPlaceholders(c.files["main.ts"]));
      return dir;
    });
    fs.writeFileSync(driver, `for (const dir of ${JSON.stringify(dirs)}) { process.chdir(dir); require(dir + "/main.ts"); }\n`);
    const run = await runNode([driver], tmp);
    if (run.code !== 0) throw new Error(`the generated programs failed:\n${run.stderr}`);
    cases.forEach((c, i) => synthesized.set(c.name, JSON.parse(fs.readFileSync(path.join(dirs[i], "cdktf.out/stacks/adopted-identities/cdk.tf.json"), "utf8"))));
  }, 120_000);

  test.each(cases.map((c) => [c.name, c] as const))("%s: the program imports each identity, and the gates find it governed", (_name, c) => {
    const tf = synthesized.get(c.name) as { import?: { to: string; id: string }[]; resource: Record<string, Record<string, Record<string, unknown>>> };
    expect((tf.import ?? []).filter((i) => /^aws_iam_(role|user)\./.test(i.to)).map((i) => i.id).sort()).toEqual(c.adoption.identities.map((i) => String(i.spec.name)).sort());
    const resources = synthToResources(tf, "cdk.tf.json");
    const report = evaluate({ resources, scope: "all" }, { config, clock });
    expect(report.findings.filter((f) => GOVERNANCE_RULES.includes(f.ruleId)).map((f) => `${f.findingId} ${f.address}`)).toEqual([]);
    expect(report.resources.filter((r) => r.governed !== "governed").map((r) => r.address)).toEqual([]);
    // Substance findings left are ones the identity had before: on its resources, or on what its
    // attached AWS managed policies grant (which the gates judge by name only while attached).
    const before = findingsByIdentity(c.input, evaluate(c.input, { config, clock }));
    for (const [who, rules] of grantsFindings(c.state, c.adoption.identities)) before.set(who, new Set([...(before.get(who) ?? []), ...rules]));
    const after = findingsByIdentity({ resources, scope: "all" }, report);
    for (const [who, rules] of after) for (const rule of rules) expect(`${who} ${rule} ${before.get(who)?.has(rule) ? "had it" : "new"}`).toBe(`${who} ${rule} had it`);
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s: each adopted principal differs from the original only by governed additions", (_name, c) => {
    const tf = synthesized.get(c.name) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const i of c.adoption.identities) {
      const principal = Object.values(tf.resource[`aws_iam_${i.type}`]).find((p) => p.name === i.spec.name) as Record<string, unknown>;
      const policy = Object.values(tf.resource[`aws_iam_${i.type}_policy`]).find((p) => p.name === `${String(i.spec.name)}-access`) as Record<string, unknown>;
      const trustLeft = i.todo.some((t) => t.startsWith("trust."));
      expect({ id: i.id, differences: nonGovernedDifferences(c.state, { type: i.type, props: principal, policy: policy.policy }, { trustLeftForAPerson: trustLeft, placeholderStatements: [PLACEHOLDER_STATEMENT] }) }).toEqual({ id: i.id, differences: [] });
    }
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s: the spec file's identities validate once filled, and render the same principal", (_name, c) => {
    const { files, adoption } = adopt(c.input, "spec", { config, clock, region: "eu-west-1", stack: "s" });
    const file = parseYaml(fillPlaceholders(files["identities.yaml"])) as { identities: unknown[]; adopt?: Record<string, { principal: string }> };
    expect(file.identities).toHaveLength(adoption.identities.length);
    file.identities.forEach((raw, n) => {
      const i = adoption.identities[n];
      const spec = parseSpec(raw, { config, clock });
      const r = renderIdentity(spec, config);
      expect(r.principal.name).toBe(i.spec.name);
      const props = { name: r.principal.name, path: r.principal.path, tags: r.principal.tags, permissions_boundary: r.principal.permissionsBoundary, assume_role_policy: r.principal.assumeRolePolicyJson, max_session_duration: r.principal.maxSessionDuration };
      const trustLeft = i.todo.some((t) => t.startsWith("trust."));
      expect(nonGovernedDifferences(c.state, { type: i.type, props, policy: r.policy.json }, { trustLeftForAPerson: trustLeft, placeholderStatements: [PLACEHOLDER_STATEMENT] })).toEqual([]);
      expect(file.adopt?.[String(i.spec.name)]).toEqual(i.adopt);
    });
  });

  test("unfilled, every placeholder is rejected, naming the identity and the field", () => {
    const c = cases[0];
    const { files } = adopt(c.input, "spec", { config, clock, region: "eu-west-1", stack: "s" });
    const file = parseYaml(files["identities.yaml"]) as { identities: Record<string, unknown>[] };
    file.identities.forEach((raw, n) => {
      const i = c.adoption.identities[n];
      expect(() => parseSpec(raw, { config, clock })).toThrow(new RegExp(`^${String(raw.name)}: invalid governed identity spec`));
      try {
        parseSpec(raw, { config, clock });
      } catch (e) {
        const placeholders = (e as { issues: { path: string; message: string }[] }).issues.filter((x) => /not a placeholder/.test(x.message)).map((x) => x.path);
        expect(placeholders).toEqual(i.todo);
      }
    });
  });
});

describe("adopt on a Pulumi stack export", () => {
  const EXPORT = "/work/shared/corpus/pulumi-state/pulumi__pulumi-aws__provider__testdata__recorded__TestProviderUpgrade__iam-user__5.42.0__stack.json";
  const exists = fs.existsSync(EXPORT);
  (exists ? test : test.skip)("writes a Pulumi program whose user is imported by name, with the policy left for a person (it is attached to nothing)", () => {
    const { value } = readJson(EXPORT);
    const input = fromStackExport(value, { file: "stack.json" });
    const { files, adoption } = adopt(input, "pulumi", { config, clock, region: "eu-west-1", stack: "s" });
    expect(adoption.identities.map((i) => [i.id, i.type, i.exists, i.adopt])).toEqual([["example-user", "user", true, { principal: "example-user" }]]);
    expect(files["index.ts"]).toContain('new GovernedIdentity("example-user", {');
    expect(files["removed.tf"]).toBeUndefined();
    // The stack that manages it today forgets it (kept in AWS) before the adopted program imports it.
    expect(files["forget-pulumi.sh"]).toContain("\npulumi state delete --yes 'urn:pulumi:test::iam-user::aws:iam/user:User::awsUserResource'\n");
    expect(adoption.identities[0].problems).toEqual(["example-user has no permissions today; a governed identity declares at least one access statement"]);
  });
});
