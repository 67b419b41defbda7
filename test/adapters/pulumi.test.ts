import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { convertProps, fromPulumiResources, parentChain, indexResources, parseUrn, PULUMI_SECRET_SIG, PULUMI_SIG_KEY, PULUMI_UNKNOWN, snakeCase } from "../../src/adapters/pulumi";
import { fromStackExport, StackExportError } from "../../src/adapters/pulumi-export";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";

const U = (qt: string, name: string) => `urn:pulumi:dev::app::${qt}::${name}`;

describe("parseUrn", () => {
  it("splits stack, project, type chain and name (which may contain ::)", () => {
    expect(parseUrn("urn:pulumi:dev::app::a:b:C$aws:iam/role:Role::x::y")).toEqual({
      stack: "dev",
      project: "app",
      qualifiedType: "a:b:C$aws:iam/role:Role",
      type: "aws:iam/role:Role",
      parentTypes: ["a:b:C"],
      name: "x::y",
    });
  });
  it("rejects what is not a URN", () => {
    expect(() => parseUrn("aws_iam_role.x")).toThrow("not a Pulumi URN");
  });
});

describe("convertProps", () => {
  it("snake_cases bridged inputs, not inside tags or policy documents", () => {
    const out = convertProps("aws:iam/role:Role", {
      assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "x" }, Condition: { StringEquals: { "aws:SourceAccount": "1" } } }] },
      maxSessionDuration: 3600,
      tags: { "nhi:owner": "@a", costCenter: "x" },
      inlinePolicies: [{ name: "p", policy: "{}" }],
      sesSmtpPasswordV4: "k",
    });
    expect(out.props).toEqual({
      assume_role_policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "x" }, Condition: { StringEquals: { "aws:SourceAccount": "1" } } }] },
      max_session_duration: 3600,
      tags: { "nhi:owner": "@a", costCenter: "x" },
      inline_policy: [{ name: "p", policy: "{}" }],
      ses_smtp_password_v4: "k",
    });
  });
  it("keeps native provider names as they are", () => {
    expect(convertProps("aws-native:iam:Role", { roleName: "x", maxSessionDuration: 1 }).props).toEqual({ roleName: "x", maxSessionDuration: 1 });
  });
  it("records unknowns and secrets by path and never keeps a secret value", () => {
    const out = convertProps("aws:iam/role:Role", {
      name: PULUMI_UNKNOWN,
      tags: { "nhi:owner": PULUMI_UNKNOWN },
      description: { [PULUMI_SIG_KEY]: PULUMI_SECRET_SIG, value: "hunter2" },
      permissionsBoundary: { [PULUMI_SIG_KEY]: PULUMI_SECRET_SIG, value: PULUMI_UNKNOWN },
    });
    expect(out.props).toEqual({ tags: {} });
    expect(JSON.stringify(out)).not.toContain("hunter2");
    expect(out.unknownPaths.sort()).toEqual(["name", "permissions_boundary", "tags.nhi:owner"]);
    expect(out.sensitivePaths.sort()).toEqual(["description", "permissions_boundary"]);
  });
  it("snakeCase", () => {
    expect(["accountId", "roleArns", "userName", "a"].map(snakeCase)).toEqual(["account_id", "role_arns", "user_name", "a"]);
  });
});

describe("parent chains", () => {
  const comp = U("acme:x:Team", "team");
  const gov = U("acme:x:Team$nhi-governance:aws:GovernedIdentity", "team-gov");
  const role = U("acme:x:Team$nhi-governance:aws:GovernedIdentity$aws:iam/role:Role", "team-gov-role");
  it("climbs through listed parents, nearest first", () => {
    const idx = indexResources([{ urn: comp }, { urn: gov, parent: comp }, { urn: role, parent: gov }].map((r) => ({ ...r, type: parseUrn(r.urn).type })));
    expect(parentChain(role, gov, idx)).toEqual([
      { id: gov, type: "nhi-governance:aws:GovernedIdentity" },
      { id: comp, type: "acme:x:Team" },
    ]);
  });
  it("derives the rest of the chain from the engine's URN when a parent is not listed", () => {
    const idx = indexResources([{ urn: role, type: "aws:iam/role:Role" }]);
    expect(parentChain(role, gov, idx)).toEqual([
      { id: gov, type: "nhi-governance:aws:GovernedIdentity" },
      { id: "urn:pulumi:dev::app::acme:x:Team::?", type: "acme:x:Team" },
    ]);
  });
  it("finds the parent from the URN when no parent is named (AnalyzeStack without parent)", () => {
    const idx = indexResources([comp, gov, role].map((urn) => ({ urn, type: parseUrn(urn).type })));
    expect(parentChain(role, undefined, idx).map((p) => p.id)).toEqual([gov, comp]);
  });
  it("mock URNs encode only the immediate parent: the chain comes from the listed parents", () => {
    const mgov = U("acme:x:Team$nhi-governance:aws:GovernedIdentity", "g");
    const mrole = U("nhi-governance:aws:GovernedIdentity$aws:iam/role:Role", "g-role");
    const idx = indexResources([
      { urn: comp, type: "acme:x:Team" },
      { urn: mgov, type: "nhi-governance:aws:GovernedIdentity", parent: comp },
      { urn: mrole, type: "aws:iam/role:Role", parent: mgov },
    ]);
    expect(parentChain(mrole, mgov, idx).map((p) => p.type)).toEqual(["nhi-governance:aws:GovernedIdentity", "acme:x:Team"]);
  });
  it("leaves out the stack", () => {
    const stack = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
    const r = U("aws:iam/role:Role", "r");
    const idx = indexResources([{ urn: stack, type: "pulumi:pulumi:Stack" }, { urn: r, type: "aws:iam/role:Role", parent: stack }]);
    expect(parentChain(r, stack, idx)).toEqual([]);
  });
});

describe("fromPulumiResources", () => {
  it("gives identity resources for catalog types and component records for GovernedIdentity, ignoring the rest", () => {
    const gov = U("nhi-governance:aws:GovernedIdentity", "g");
    const out = fromPulumiResources([
      { urn: gov, type: "nhi-governance:aws:GovernedIdentity", props: { spec: { name: "n", recertifyBy: PULUMI_UNKNOWN } } },
      { urn: U("nhi-governance:aws:GovernedIdentity$aws:iam/role:Role", "g-role"), props: { name: "n" }, parent: gov, propertyDependencies: { permissionsBoundary: [gov] } },
      { urn: U("aws:s3/bucket:Bucket", "b"), props: {} },
    ]);
    expect(out.components).toEqual([{ id: gov, type: "nhi-governance:aws:GovernedIdentity", inputs: { spec: { name: "n" } }, parents: [], unknownPaths: ["spec.recertifyBy"] }]);
    expect(out.resources.map((r) => [r.address, r.entry.id, r.props, r.origin.parents, r.propRefs])).toEqual([
      [U("nhi-governance:aws:GovernedIdentity$aws:iam/role:Role", "g-role"), "aws_iam_role", { name: "n" }, [{ id: gov, type: "nhi-governance:aws:GovernedIdentity" }], { permissions_boundary: [gov] }],
    ]);
  });
});

describe("stack export", () => {
  const dir = "/work/shared/corpus/pulumi-state";
  const files = (() => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith(".json"));
    } catch {
      return [];
    }
  })();
  (files.length ? it : it.skip)("reads a real export: the IAM user is current state and ungoverned", () => {
    const input = fromStackExport(JSON.parse(readFileSync(join(dir, files[0]), "utf8")), { file: files[0] });
    expect(input.scope).toBe("all");
    expect(input.resources.map((r) => [r.entry.id, r.action, r.props.name, r.origin.source])).toEqual([
      ["aws_iam_user", "no-op", "example-user", "pulumi-export"],
      ["aws_iam_policy", "no-op", "example-policy", "pulumi-export"],
      ...input.resources.slice(2).map((r) => [r.entry.id, "no-op", r.props.name, "pulumi-export"]),
    ]);
    const report = evaluate(input, { clock });
    expect(report.findings.filter((f) => f.address.endsWith("::awsUserResource")).map((f) => f.findingId)).toContain("NHI-GOV-001");
  });
  it("a file that is not an export: one line naming the field", () => {
    expect(() => fromStackExport({ deployment: { resources: [{ urn: "x", type: "t" }] } }, { file: "s.json" })).toThrow(new StackExportError('s.json: deployment.resources.0.urn: Invalid string: must start with "urn:pulumi:"; expected the JSON of `pulumi stack export`'));
  });
});
