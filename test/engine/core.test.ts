import { evaluate } from "../../src/engine/evaluate";
import { renderIdentity } from "../../src/render/aws";
import { renderedResources, resource } from "../../testing/resources";
import { lifecycleFromTags, lifecycleTagsOf, parseSpec, SpecValidationError } from "../../src/spec/identity";
import { TAG } from "../../src/spec/tags";
import { clock, spec, specsOfEveryKind, validSpec, inDays } from "../helpers";
import { resolveConfig } from "../../src/spec/config";

const ids = (r: ReturnType<typeof evaluate>) => r.findings.map((f) => `${f.findingId} @ ${f.address}`).sort();

describe("GovernedIdentitySpec", () => {
  it("accepts one valid spec of every credential and trust kind", () => {
    for (const s of specsOfEveryKind()) expect(() => parseSpec(s, { clock })).not.toThrow();
  });

  it.each([
    ["owner", { owner: "" }, /owner: got ""; expected an owner of 2-256 characters that AWS accepts in a tag value/],
    ["purpose", { purpose: "short" }, /purpose: got "short"; expected at least 10 characters: what the identity is for, in words; fix: /],
    ["environment", { environment: "qa" }, /environment: got "qa"; expected one of prod, staging, dev, test, sandbox; fix: /],
    ["recertifyBy past", { recertifyBy: inDays(-1) }, /recertifyBy: got "[-0-9]+"; expected a date in the future/],
    ["recertifyBy beyond window", { recertifyBy: inDays(400) }, /recertifyBy: got "[-0-9]+"; expected a date within 180 days/],
    ["static key ttl", { credential: { kind: "static-key", ttl: "P365D", rotation: "P30D" }, trust: undefined }, /credential\.ttl: got "P365D"; expected at most P90D/],
    ["rotation longer than ttl", { credential: { kind: "static-key", ttl: "P30D", rotation: "P60D" }, trust: undefined }, /credential\.rotation: got "P60D"; expected rotation \(P60D\) no longer than ttl/],
    ["session too long", { credential: { kind: "ephemeral", maxSessionDuration: "PT12H" } }, /credential\.maxSessionDuration: got "PT12H"; expected at most PT1H/],
    ["bad duration", { credential: { kind: "ephemeral", maxSessionDuration: "1 hour" } }, /credential\.maxSessionDuration: got "1 hour"; expected an ISO 8601 duration such as PT1H or P30D; fix: /],
    ["wildcard sub", { trust: { kind: "github-oidc", repository: "acme/*", ref: "refs/heads/main", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x" } }, /trust\.repository: got "acme\/\*"; expected owner\/repo \(no wildcards\)/],
    ["no trust", { trust: undefined }, /trust: got nothing; expected trust for a federated identity/],
    ["unknown field", { colour: "red" } as never, /\(spec\): unknown field\(s\) colour/],
    ["tag characters", { purpose: "Deploys things, and more things" }, /purpose: got "Deploys things, and more things"; expected only characters AWS accepts in a tag value .*, since it becomes the nhi:purpose tag/],
  ])("rejects %s with a field-level message", (_name, overrides, pattern) => {
    let error: unknown;
    try {
      parseSpec(validSpec(overrides as never), { clock });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as Error).message).toMatch(pattern);
  });

  it("uses the config's default boundary when the spec names none", () => {
    const s = parseSpec(validSpec({ permissionsBoundary: undefined }), { clock, config: resolveConfig({ defaultPermissionsBoundary: "arn:aws:iam::123456789012:policy/default" }) });
    expect(s.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/default");
    expect(() => parseSpec(validSpec({ permissionsBoundary: undefined }), { clock })).toThrow(/permissionsBoundary: got nothing; expected a permissions boundary ARN/);
  });

  it("round-trips the lifecycle part through tags", () => {
    for (const input of specsOfEveryKind()) {
      const s = parseSpec(input, { clock });
      const back = lifecycleFromTags(lifecycleTagsOf(s));
      expect(back).toEqual({
        owner: s.owner,
        purpose: s.purpose,
        environment: s.environment,
        systemOfRecord: s.systemOfRecord,
        retirement: s.retirement,
        workload: s.workload,
        recertifyBy: s.recertifyBy,
        credential: { kind: s.credential.kind, ttl: s.credential.kind === "static-key" ? s.credential.ttl : (s.credential as { maxSessionDuration: string }).maxSessionDuration, ...("rotation" in s.credential ? { rotation: s.credential.rotation } : {}) },
      });
    }
  });
});

describe("provenance and integrity", () => {
  const run = (resources: Parameters<typeof evaluate>[0]["resources"]) => evaluate({ resources }, { clock });

  it("finds nothing on what the renderer produces, for every kind", () => {
    for (const input of specsOfEveryKind()) {
      const rendered = renderIdentity(parseSpec(input, { clock }));
      const report = run(renderedResources(rendered));
      expect(report.findings.filter((f) => ["NHI-GOV-001", "NHI-GOV-002", "NHI-GOV-003"].includes(f.ruleId))).toEqual([]);
      expect(report.resources.every((r) => r.governed === "governed")).toBe(true);
    }
  });

  it("flags a hand-written role", () => {
    const report = run([resource("aws_iam_role", "aws_iam_role.raw", { name: "raw", assume_role_policy: "{}", tags: {} })]);
    expect(ids(report)).toContain("NHI-GOV-001 @ aws_iam_role.raw");
    // What, where, what is expected, how to fix: each said once.
    expect(report.findings.find((f) => f.ruleId === "NHI-GOV-001")?.message).toBe(
      "IAM role aws_iam_role.raw is created outside a governed construct. Lifecycle tags (NHI-GOV-003): no nhi:owner, nhi:purpose, nhi:environment, nhi:system-of-record, nhi:retirement, nhi:workload, nhi:recertify-by, nhi:credential tags. Expected: GovernedIdentity, an approved construct or an approved module. Fix: declare it as a GovernedIdentity with an owner, purpose, credential and recertification date, or exempt it with a ticket while it is migrated",
    );
    // Its missing lifecycle tags are part of that finding, not eight findings of their own.
    expect(ids(report)).toEqual(["NHI-GOV-001 @ aws_iam_role.raw", "NHI-GOV-008[Boundary::missing] @ aws_iam_role.raw", "NHI-GOV-009[Unparsable::assume_role_policy] @ aws_iam_role.raw", "NHI-GOV-010[Unparsable::assume_role_policy] @ aws_iam_role.raw", "NHI-GOV-015[Unparsable::assume_role_policy] @ aws_iam_role.raw"]);
    expect(report.findings[0].parts).toEqual(["credential", "environment", "owner", "purpose", "recertify-by", "retirement", "system-of-record", "workload"].map((t) => `NHI-GOV-003[Tag::nhi:${t}]`));
  });

  it("does not pass governed tags copied onto a hand-written role", () => {
    const rendered = renderIdentity(spec());
    const copy = resource("aws_iam_role", "aws_iam_role.copy", {
      name: "payments-deployer",
      path: "/nhi/",
      tags: rendered.principal.tags,
      permissions_boundary: rendered.principal.permissionsBoundary,
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] }),
      max_session_duration: 3600,
    });
    const report = run([copy]);
    expect(ids(report)).toContain("NHI-GOV-002[Seal::mismatch] @ aws_iam_role.copy");
    expect(report.resources[0].governed).toBe("ungoverned");
  });

  it("flags a policy attachment and an inline policy added beside a governed role", () => {
    const rs = renderedResources(renderIdentity(spec()));
    rs.push(resource("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachment.admin", { role: "payments-deployer", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    rs.push(resource("aws_iam_role_policy", "aws_iam_role_policy.extra", { name: "extra", role: "payments-deployer", policy: "{}" }));
    const report = run(rs);
    expect(ids(report)).toEqual(
      expect.arrayContaining([
        "NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.admin] @ aws_iam_role_policy_attachment.admin",
        "NHI-GOV-002[Attachment::aws_iam_role_policy.extra] @ aws_iam_role_policy.extra",
      ]),
    );
  });

  it("flags an access key on a role-only identity's user and a key on an ungoverned user", () => {
    const rendered = renderIdentity(spec({ name: "legacy", credential: { kind: "ephemeral" }, trust: { kind: "aws-service", service: "lambda.amazonaws.com" } }));
    const rs = renderedResources(rendered);
    rs.push(resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "someone" }));
    const report = run(rs);
    expect(ids(report)).toContain("NHI-GOV-002[External::user] @ aws_iam_access_key.k");
  });

  it("reports an unknown trust policy on a sealed role as cannot-verify, never a pass", () => {
    const rs = renderedResources(renderIdentity(spec()));
    rs[0] = { ...rs[0], unknownPaths: ["assume_role_policy"] };
    const report = run(rs);
    expect(ids(report)).toContain("NHI-GOV-002[Unknown::assume_role_policy] @ aws_iam_role.gov");
    expect(report.resources.find((r) => r.address === "aws_iam_role.gov")?.governed).toBe("unverifiable");
  });

  it("is deterministic: the same input gives a byte-identical report", () => {
    const rs = renderedResources(renderIdentity(spec()));
    rs.push(resource("aws_iam_role", "aws_iam_role.raw", { name: "raw", tags: {} }));
    expect(JSON.stringify(run(rs))).toBe(JSON.stringify(run([...rs].reverse())));
  });

  it("lifecycle tags: missing and invalid ones are named, in one finding", () => {
    const PARTS = ["credential", "environment", "purpose", "recertify-by", "retirement", "system-of-record", "workload"].map((t) => `NHI-GOV-003[Tag::nhi:${t}]`);
    // From an approved module, so not reported as created outside a governed construct.
    const r = resource("aws_iam_role", "module.m.aws_iam_role.raw", { name: "raw", tags: { [TAG.owner]: "@a/b", [TAG.environment]: "qa" } }, { origin: { source: "terraform-plan", module: { address: "module.m", source: "acme/identity" } } });
    const report = evaluate({ resources: [r] }, { clock, config: { approvedModuleSources: ["acme/identity"] } });
    const tags = report.findings.filter((f) => f.ruleId === "NHI-GOV-003");
    expect(tags.map((f) => [f.findingId, f.field, f.parts])).toEqual([["NHI-GOV-003", "tags", PARTS]]);
    expect(tags[0].message).toBe(
      'module.m.aws_iam_role.raw has missing or invalid lifecycle tags: no nhi:purpose, nhi:system-of-record, nhi:retirement, nhi:workload, nhi:recertify-by, nhi:credential tags; nhi:environment = "qa" (expected one of prod, staging, dev, test, sandbox). Expected: every lifecycle tag, with a valid value, on every non-human identity. Fix: set them through GovernedIdentity\'s spec',
    );
    // The granular findings, unfolded, are the same problems.
    const granular = evaluate({ resources: [r] }, { clock, config: { approvedModuleSources: ["acme/identity"] }, fold: false });
    expect(granular.findings.filter((f) => f.ruleId === "NHI-GOV-003").map((f) => f.findingId)).toEqual(PARTS);
    // One wrong tag stays its granular finding.
    const one = evaluate({ resources: [{ ...r, props: { ...r.props, tags: { ...(r.props.tags as object), ...Object.fromEntries(PARTS.map((p) => [p.slice(17, -1), "x"])), [TAG.environment]: "prod", [TAG.purpose]: "Runs the nightly export", [TAG.recertifyBy]: "2026-07-01", [TAG.credential]: "federated" } } }] }, { clock, config: { approvedModuleSources: ["acme/identity"] } });
    expect(one.findings.filter((f) => f.ruleId === "NHI-GOV-003")).toEqual([]);
  });
});
