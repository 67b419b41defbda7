import fc from "fast-check";
import { AnyChangeSchema, isAnyChange, isResourceChange, mapActions, planToInput, ResourceChangeSchema } from "../../src/adapters/terraform-plan";
import { InputError } from "../../src/adapters/input";
import { evaluate } from "../../src/engine/evaluate";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { TAG } from "../../src/spec/tags";
import { change, configResource, governedChanges, lit, plan, ref } from "../fixtures/plans/builder";
import { clock, spec, specsOfEveryKind } from "../helpers";

const ROLE_AFTER = { name: "app", path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }), max_session_duration: 3600, tags: null };
const model = (p: unknown) => planToInput(p, "plan.json");
const one = (p: unknown) => {
  const { resources } = model(p);
  expect(resources).toHaveLength(1);
  return resources[0];
};

describe("action sets", () => {
  it.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], "no-op"],
    [["read"], "read"],
    [["forget"], "delete"],
  ])("%j is %s", (actions, expected) => {
    expect(mapActions(actions as string[], false, "x")).toBe(expected);
  });

  it("an import with no other change is judged as a create; an import with changes stays an update", () => {
    expect(one(plan([change({ address: "aws_iam_role.imported", type: "aws_iam_role", actions: ["no-op"], after: ROLE_AFTER, importing: { id: "app" } })])).action).toBe("create");
    expect(one(plan([change({ address: "aws_iam_role.imported", type: "aws_iam_role", actions: ["update"], after: ROLE_AFTER, importing: { id: "app" } })])).action).toBe("update");
  });

  it("rejects an unknown action set with the file and resource named", () => {
    expect(() => model(plan([change({ address: "aws_iam_role.x", type: "aws_iam_role", actions: ["delete", "update"] })]))).toThrow(new InputError('plan.json: aws_iam_role.x: unsupported action set ["delete","update"]'));
  });

  it("a delete carries the before values as props; no unknowns", () => {
    const r = one(plan([change({ address: "aws_iam_role.old", type: "aws_iam_role", actions: ["delete"], before: ROLE_AFTER, after: null, afterUnknown: {} })]));
    expect(r).toMatchObject({ action: "delete", props: ROLE_AFTER, before: ROLE_AFTER, unknownPaths: [] });
  });

  it("forget is modelled as a delete with the last known values", () => {
    const r = one(plan([change({ address: "aws_iam_user.kept", type: "aws_iam_user", actions: ["forget"], before: { name: "kept" }, after: null })]));
    expect(r).toMatchObject({ action: "delete", props: { name: "kept" } });
  });

  it("a replace (either order) carries after values and before", () => {
    for (const actions of [["delete", "create"], ["create", "delete"]]) {
      const r = one(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", actions, before: { ...ROLE_AFTER, name: "old" }, after: ROLE_AFTER })]));
      expect(r).toMatchObject({ action: "replace", props: ROLE_AFTER, before: { name: "old" } });
    }
  });

  it("a deposed object keeps a distinct address", () => {
    const { resources } = model(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: ROLE_AFTER }), change({ address: "aws_iam_role.r", type: "aws_iam_role", actions: ["delete"], before: ROLE_AFTER, deposed: "00aa11bb" })]));
    expect(resources.map((r) => r.address)).toEqual(["aws_iam_role.r", "aws_iam_role.r (deposed 00aa11bb)"]);
  });
});

describe("what enters the model", () => {
  it("skips data sources and types outside the catalog; keeps no-op identities for linking", () => {
    const { resources, scope } = model(
      plan([
        change({ address: "data.aws_iam_role.existing", type: "aws_iam_role", mode: "data", actions: ["read"], after: ROLE_AFTER }),
        change({ address: "aws_s3_bucket.b", type: "aws_s3_bucket", after: { bucket: "b" } }),
        change({ address: "aws_iam_role.same", type: "aws_iam_role", actions: ["no-op"], before: ROLE_AFTER, after: ROLE_AFTER }),
      ]),
    );
    expect(resources.map((r) => [r.address, r.action])).toEqual([["aws_iam_role.same", "no-op"]]);
    expect(scope).toBe("changes");
  });

  it("after_unknown becomes dot paths, nested objects and lists included", () => {
    const r = one(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: ROLE_AFTER, afterUnknown: { arn: true, tags: { "nhi:owner": true }, inline_policy: [{ policy: true, name: false }], managed_policy_arns: [] } })]));
    expect(r.unknownPaths.sort()).toEqual(["arn", "inline_policy.0.policy", "tags.nhi:owner"]);
  });

  it("an unknown trust policy is an unknown path, and the gate does not pass it", () => {
    const r = one(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: { ...ROLE_AFTER, assume_role_policy: undefined }, afterUnknown: { assume_role_policy: true } })]));
    expect(r.unknownPaths).toContain("assume_role_policy");
    const report = evaluate(model(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: { name: "r", path: "/" }, afterUnknown: { assume_role_policy: true } })])), { clock });
    expect(report.passed).toBe(false);
    expect(report.findings.some((f) => f.field === "assume_role_policy" || f.findingId.includes("Unknown::assume_role_policy"))).toBe(true);
  });

  it("before_sensitive and after_sensitive become sensitive paths, plus the catalog's secret attributes", () => {
    const r = one(plan([change({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", after: { user: "u", secret: "s3cr3t-value" }, beforeSensitive: { tags: { token: true } }, afterSensitive: { secret: true, nested: [{ deep: true }] } })]));
    expect(r.sensitivePaths.sort()).toEqual(["encrypted_secret", "encrypted_ses_smtp_password_v4", "nested.0.deep", "secret", "ses_smtp_password_v4", "tags.token"]);
  });

  it("reads prior_state identities the plan does not list, as context", () => {
    const p = plan([change({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", after: { user: "legacy" } })], {}, "0.1", {
      prior_state: { format_version: "0.1", values: { root_module: { resources: [{ address: "aws_iam_user.legacy", mode: "managed", type: "aws_iam_user", name: "legacy", values: { name: "legacy" } }] } } },
    });
    const { resources } = model(p);
    expect(resources.map((r) => [r.address, r.action])).toEqual([
      ["aws_iam_access_key.k", "create"],
      ["aws_iam_user.legacy", "no-op"],
    ]);
  });

  it("keeps __proto__ and constructor keys as data", () => {
    const text = `{"format_version":"1.2","resource_changes":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","change":{"actions":["create"],"before":null,"after":{"name":"r","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}},"after_unknown":{"__proto__":{"a":true}}}}],"configuration":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","expressions":{"__proto__":{"references":["aws_iam_user.u"]}}}]}}}`;
    const r = one(JSON.parse(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.props)).toBe(Object.prototype);
    expect(r.unknownPaths).toEqual(["__proto__.a"]);
    expect(Object.getOwnPropertyNames(r.propRefs)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(r.propRefs)).toBe(Object.prototype);
  });
});

describe("format versions", () => {
  it.each(["0.1", "0.2", "1.0", "1.1", "1.2", "1.3"])("reads format_version %s", (v) => {
    expect(model(plan([change({ address: "aws_iam_role.r", type: "aws_iam_role", after: ROLE_AFTER })], {}, v)).resources).toHaveLength(1);
  });

  it.each([
    ["2.0", "plan.json: unsupported format_version 2.0"],
    ["10.1", "plan.json: unsupported format_version 10.1"],
    ["one", 'plan.json: format_version "one" is not MAJOR.MINOR'],
  ])("refuses format_version %s", (v, message) => {
    expect(() => model(plan([], {}, v))).toThrow(message);
  });

  it("names the file and field of a wrong shape", () => {
    expect(() => model({ format_version: "1.2", resource_changes: [{ address: "aws_iam_role.r", mode: "managed", type: "aws_iam_role", change: { actions: "create" } }] })).toThrow(
      "plan.json: not a Terraform plan: resource_changes.0: change.actions: Invalid input: expected array, received string",
    );
    expect(() => model({ format_version: "1.2" })).toThrow("plan.json: not a Terraform plan: neither resource_changes nor planned_values is present");
    expect(() => model([])).toThrow("plan.json: not a Terraform plan (terraform show -json): (top level): Invalid input: expected object, received array");
    expect(() => model({ format_version: "1.2", values: { root_module: {} } })).toThrow("this is a Terraform state, not a plan; use nhi-gate state");
    expect(() => model({ terraform: {}, resource: { aws_iam_role: {} } })).toThrow("plan.json: this looks like CDKTF synthesized JSON (cdk.tf.json), not a plan; use nhi-gate synth");
  });
});

describe("planned_values and resource_changes agree", () => {
  // Terraform lists every planned resource in resource_changes (unchanged ones as no-op).
  const planned = (resources: Record<string, unknown>[], childModules: Record<string, unknown>[] = []) => ({ root_module: { resources, ...(childModules.length ? { child_modules: childModules } : {}) } });
  const roleValues = { address: "aws_iam_role.app", mode: "managed", type: "aws_iam_role", name: "app", provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values: ROLE_AFTER, sensitive_values: {} };
  const roleChange = change({ address: "aws_iam_role.app", type: "aws_iam_role", after: ROLE_AFTER });
  const notListed = (field: string, address: string, type: string) =>
    `plan.json: ${field}: ${address} (${type}) is planned, but resource_changes does not list it; Terraform lists every planned resource there (unchanged ones as no-op), so the file is corrupt or edited: regenerate it with terraform show -json`;

  it("a planned identity that resource_changes lists is read as usual", () => {
    expect(one(plan([roleChange], {}, "1.2", { planned_values: planned([roleValues]) })).address).toBe("aws_iam_role.app");
  });

  it("a planned identity missing from resource_changes is an input error naming the field", () => {
    expect(() => model(plan([], {}, "1.2", { planned_values: planned([roleValues]) }))).toThrow(new InputError(notListed("planned_values.root_module.resources.0", "aws_iam_role.app", "aws_iam_role")));
    const inModule = { ...roleValues, address: "module.m.aws_iam_role.app" };
    expect(() => model(plan([roleChange], {}, "1.2", { planned_values: planned([roleValues], [{ address: "module.m", resources: [inModule] }]) }))).toThrow(
      new InputError(notListed("planned_values.root_module.child_modules.0.resources.0", "module.m.aws_iam_role.app", "aws_iam_role")),
    );
  });

  it("a mangled resource_changes key or type does not hide the identity (byte flips found by the fuzz test)", () => {
    const good = plan([roleChange], {}, "1.2", { planned_values: planned([roleValues]) });
    const { resource_changes, ...rest } = good;
    expect(() => model({ ...rest, "\uFFFDesource_changes": resource_changes })).toThrow(notListed("planned_values.root_module.resources.0", "aws_iam_role.app", "aws_iam_role"));
    const mangledType = change({ address: "aws_iam_role.app", type: "aws_iam_rolf", after: ROLE_AFTER });
    expect(() => model({ ...good, resource_changes: [mangledType] })).toThrow(notListed("planned_values.root_module.resources.0", "aws_iam_role.app", "aws_iam_role"));
  });

  it("planned resources outside the catalog and data sources need no entry; a null planned_values has nothing to compare", () => {
    const bucket = { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", values: {} };
    const policyDoc = { address: "data.aws_iam_role.r", mode: "data", type: "aws_iam_role", name: "r", values: {} };
    expect(model(plan([roleChange], {}, "1.2", { planned_values: planned([roleValues, bucket, policyDoc]) })).resources).toHaveLength(1);
    expect(model(plan([roleChange], {}, "1.2", { planned_values: null })).resources).toHaveLength(1);
  });

  it("a planned_values that is not an object, or a planned resource with no address, is an input error", () => {
    expect(() => model(plan([roleChange], {}, "1.2", { planned_values: [] }))).toThrow(new InputError("plan.json: planned_values: expected an object"));
    const { address: _address, ...noAddress } = roleValues;
    expect(() => model(plan([roleChange], {}, "1.2", { planned_values: planned([noAddress]) }))).toThrow(new InputError("plan.json: planned_values.root_module.resources.0.address: expected the resource address, a string"));
  });
});

describe("configuration references and modules", () => {
  it("qualifies references inside (nested) modules and keeps the outermost source with the chain", () => {
    const p = plan(
      [
        change({ address: 'module.app.module.id["a"].aws_iam_role.r', moduleAddress: 'module.app.module.id["a"]', type: "aws_iam_role", after: ROLE_AFTER }),
        change({ address: 'module.app.module.id["a"].aws_iam_role_policy.p', moduleAddress: 'module.app.module.id["a"]', type: "aws_iam_role_policy", after: { name: "p", policy: "{}" }, afterUnknown: { role: true } }),
      ],
      {
        module_calls: {
          app: {
            source: "app.terraform.io/acme/governed-identity/aws",
            module: {
              module_calls: {
                id: {
                  source: "./inner",
                  module: { resources: [configResource({ address: "aws_iam_role_policy.p", type: "aws_iam_role_policy", expressions: { role: ref("aws_iam_role.r.id", "aws_iam_role.r"), name: lit("p") } })] },
                },
              },
            },
          },
        },
      },
    );
    const [role, policy] = model(p).resources;
    expect(role.origin.module).toEqual({
      address: 'module.app.module.id["a"]',
      source: "app.terraform.io/acme/governed-identity/aws",
      chain: [
        { address: "module.app", source: "app.terraform.io/acme/governed-identity/aws" },
        { address: 'module.app.module.id["a"]', source: "./inner" },
      ],
    });
    expect(policy.propRefs).toEqual({ role: ['module.app.module.id["a"].aws_iam_role.r.id', 'module.app.module.id["a"].aws_iam_role.r'] });
  });

  it("an approved module source governs its identities; the same resources outside it do not", () => {
    const changes = [change({ address: "module.id.aws_iam_role.r", moduleAddress: "module.id", type: "aws_iam_role", after: ROLE_AFTER })];
    const withSource = (source: string) => plan(changes, { module_calls: { id: { source, module: { resources: [] } } } });
    const config = { approvedModuleSources: ["app.terraform.io/acme/governed-identity/aws"] };
    const approved = evaluate(model(withSource("app.terraform.io/acme/governed-identity/aws")), { clock, config });
    expect(approved.resources.map((r) => [r.address, r.governed, r.via])).toEqual([["module.id.aws_iam_role.r", "governed", "module"]]);
    const local = evaluate(model(withSource("./modules/role")), { clock, config });
    expect(local.resources.map((r) => r.governed)).toEqual(["ungoverned"]);
    expect(local.findings.map((f) => f.ruleId)).toContain("NHI-GOV-001");
  });

  it("resolves count references to the instance with the same index, or to every instance", () => {
    const p = plan(
      [
        change({ address: "aws_iam_user.u[0]", type: "aws_iam_user", name: "u", index: 0, after: { name: "u0" } }),
        change({ address: "aws_iam_user.u[1]", type: "aws_iam_user", name: "u", index: 1, after: { name: "u1" } }),
        change({ address: "aws_iam_access_key.k[1]", type: "aws_iam_access_key", name: "k", index: 1, after: {}, afterUnknown: { user: true } }),
        change({ address: "aws_iam_user_policy.all", type: "aws_iam_user_policy", after: { name: "p", policy: "{}" }, afterUnknown: { user: true } }),
      ],
      {
        resources: [
          configResource({ address: "aws_iam_access_key.k", type: "aws_iam_access_key", expressions: { user: ref("aws_iam_user.u", "count.index") }, count: true }),
          configResource({ address: "aws_iam_user_policy.all", type: "aws_iam_user_policy", expressions: { user: ref("aws_iam_user.u.name") } }),
        ],
      },
    );
    const byAddress = new Map(model(p).resources.map((r) => [r.address, r]));
    expect(byAddress.get("aws_iam_access_key.k[1]")?.propRefs).toEqual({ user: ["aws_iam_user.u[1]"] });
    expect(byAddress.get("aws_iam_user_policy.all")?.propRefs).toEqual({ user: ["aws_iam_user.u[0].name", "aws_iam_user.u[1].name"] });
  });
});

describe("governed identities from our constructs", () => {
  it.each(specsOfEveryKind().map((s) => [s.name, s]))("%s: the seal verifies on the plan's after values and nothing is found", (_, input) => {
    const rendered = renderIdentity(spec(input), resolveConfig({}));
    const g = governedChanges(rendered);
    const report = evaluate(model(plan(g.changes, { resources: g.config })), { clock });
    expect(report.resources.map((r) => [r.address, r.governed, r.via])).toEqual([
      [`aws_iam_${rendered.principal.type}.gov`, "governed", "seal"],
      [`aws_iam_${rendered.principal.type}_policy.gov`, "governed", "principal"],
    ]);
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it("the same plan with one tag edited after rendering is an integrity finding", () => {
    const rendered = renderIdentity(spec(), resolveConfig({}));
    const g = governedChanges(rendered);
    ((g.changes[0].change as { after: { tags: Record<string, string> } }).after.tags)[TAG.owner] = "@someone-else";
    const report = evaluate(model(plan(g.changes, { resources: g.config })), { clock });
    expect(report.passed).toBe(false);
    expect(report.findings.map((f) => f.findingId)).toContain("NHI-GOV-002[Seal::mismatch]");
  });

  it("a managed policy attached beside a governed identity is an integrity finding", () => {
    const rendered = renderIdentity(spec(), resolveConfig({}));
    const g = governedChanges(rendered);
    g.changes.push(change({ address: "aws_iam_role_policy_attachment.extra", type: "aws_iam_role_policy_attachment", after: { policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }, afterUnknown: { role: true } }));
    g.config.push(configResource({ address: "aws_iam_role_policy_attachment.extra", type: "aws_iam_role_policy_attachment", expressions: { role: ref("aws_iam_role.gov.name", "aws_iam_role.gov") } }));
    const report = evaluate(model(plan(g.changes, { resources: g.config })), { clock });
    expect(report.findings.filter((f) => f.address === "aws_iam_role_policy_attachment.extra").map((f) => f.findingId)).toContain("NHI-GOV-002[Attachment::aws_iam_role_policy_attachment.extra]");
  });
});

describe("other providers", () => {
  it.each([
    ["google_service_account.sa", "google_service_account", { account_id: "ci-deployer", display_name: "CI" }],
    ["google_service_account_key.k", "google_service_account_key", { service_account_id: "ci-deployer" }],
    ["azurerm_user_assigned_identity.id", "azurerm_user_assigned_identity", { name: "app", location: "westeurope", resource_group_name: "rg" }],
    ["azuread_application_password.p", "azuread_application_password", { application_id: "/applications/x" }],
    ["kubernetes_service_account_v1.sa", "kubernetes_service_account_v1", { metadata: [{ name: "app", namespace: "default" }] }],
  ])("%s enters the model with its catalog entry and is judged", (address, type, after) => {
    const r = one(plan([change({ address, type, after })]));
    expect(r.entry.terraform).toBe(type);
    const report = evaluate(model(plan([change({ address, type, after })])), { clock });
    expect(report.resources.map((x) => [x.address, x.judged])).toEqual([[address, true]]);
    expect(report.passed).toBe(false);
  });

  it("private keys of service account keys are sensitive whatever the plan says", () => {
    expect(one(plan([change({ address: "google_service_account_key.k", type: "google_service_account_key", after: { private_key: "LS0tLS1CRUdJTi" } })])).sensitivePaths).toContain("private_key");
  });
});

describe("the hand check of a resource change", () => {
  // isResourceChange is the fast path for ResourceChangeSchema: it must accept exactly what zod accepts.
  const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]), fc.dictionary(fc.string(), fc.jsonValue()));
  const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: value });
  const actions = fc.oneof(fc.array(fc.constantFrom("create", "update", "delete", "no-op", "read", "forget", "import", ""), { maxLength: 3 }), fc.array(fc.oneof(fc.constant("create"), fc.integer(), fc.constant(null)), { maxLength: 2 }), value);
  const change = fc.record(
    {
      actions,
      before: field(fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.jsonValue()))),
      after: field(fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.jsonValue()))),
      importing: field(fc.oneof(fc.constant(null), fc.record({ id: field(fc.string()) }, { requiredKeys: [] }))),
    },
    { requiredKeys: [] },
  );
  const entry = fc.record(
    {
      address: field(fc.string()),
      module_address: field(fc.string()),
      mode: field(fc.constantFrom("managed", "data", "other")),
      type: field(fc.string()),
      name: field(fc.string()),
      deposed: field(fc.string()),
      change: field(change),
    },
    { requiredKeys: [] },
  );
  it("accepts exactly what ResourceChangeSchema accepts", () => {
    fc.assert(
      fc.property(fc.oneof(entry, value), (raw) => {
        expect(isResourceChange(raw)).toBe(ResourceChangeSchema.safeParse(raw).success);
      }),
      { seed: 20261123, numRuns: 3000 },
    );
  });
  it("the light check accepts exactly what AnyChangeSchema accepts (the adapter and the streaming pruner use it)", () => {
    fc.assert(
      fc.property(fc.oneof(entry, value), (raw) => {
        expect(isAnyChange(raw)).toBe(AnyChangeSchema.safeParse(raw).success);
      }),
      { seed: 20261123, numRuns: 3000 },
    );
  });

  it("accepts a real entry and rejects a bad action", () => {
    const ok = { address: "aws_iam_role.a", mode: "managed", type: "aws_iam_role", change: { actions: ["create"], before: null, after: {} } };
    expect(isResourceChange(ok)).toBe(true);
    expect(isResourceChange({ ...ok, change: { actions: ["import"] } })).toBe(false);
  });
});

describe("read-back attributes (aws_iam_role inline_policy, managed_policy_arns)", () => {
  const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = change({ address: "aws_iam_role.app", type: "aws_iam_role", after: { name: "app", path: "/", assume_role_policy: TRUST, tags: null }, afterUnknown: { arn: true, id: true, inline_policy: true, managed_policy_arns: true } });
  const unknownIds = (p: unknown) => evaluate(planToInput(p, "plan.json"), { clock }).findings.filter((f) => f.findingId.includes("Unknown::")).map((f) => f.findingId).sort();

  it("left unset in the configuration, their plan-time unknown is not a gap: what attaches is judged on its own resource", () => {
    const r = one(plan([role], { resources: [configResource({ address: "aws_iam_role.app", type: "aws_iam_role", expressions: { name: lit("app"), assume_role_policy: lit(TRUST) } })] }));
    expect(r.unknownPaths).toEqual(["arn", "id"]);
    expect(unknownIds(plan([role], { resources: [configResource({ address: "aws_iam_role.app", type: "aws_iam_role", expressions: { name: lit("app") } })] }))).toEqual([]);
  });

  it("set in the configuration to a value unknown until apply, they stay unknown (fail closed)", () => {
    const config = [configResource({ address: "aws_iam_role.app", type: "aws_iam_role", expressions: { name: lit("app"), managed_policy_arns: ref("aws_iam_policy.x.arn", "aws_iam_policy.x") } })];
    expect(one(plan([role], { resources: config })).unknownPaths).toEqual(["arn", "id", "managed_policy_arns"]);
    expect(unknownIds(plan([role], { resources: config }))).toEqual(["NHI-GOV-007[Unknown::managed_policy_arns]"]);
  });

  it("unknowns inside a planned list stay (a dynamic block the configuration JSON does not show)", () => {
    const dynamicRole = change({ address: "aws_iam_role.app", type: "aws_iam_role", after: { name: "app", assume_role_policy: TRUST, inline_policy: [{ name: "x" }] }, afterUnknown: { arn: true, inline_policy: [{ policy: true }], managed_policy_arns: true } });
    const r = one(plan([dynamicRole], { resources: [configResource({ address: "aws_iam_role.app", type: "aws_iam_role", expressions: { name: lit("app") } })] }));
    expect(r.unknownPaths).toEqual(["arn", "inline_policy.0.policy"]);
  });

  it("without the configuration, nothing says they are unset: they stay unknown", () => {
    expect(unknownIds(plan([role]))).toEqual(["NHI-GOV-005[Unknown::inline_policy]", "NHI-GOV-006[Unknown::inline_policy]", "NHI-GOV-007[Unknown::managed_policy_arns]", "NHI-GOV-020[Unknown::inline_policy]"]);
  });

  it("reads the configuration of the module the role is in", () => {
    const inModule = change({ address: "module.id.aws_iam_role.app", moduleAddress: "module.id", type: "aws_iam_role", after: { name: "app", assume_role_policy: TRUST }, afterUnknown: { arn: true, inline_policy: true, managed_policy_arns: true } });
    const moduleConfig = (expressions: Record<string, unknown>) => ({ module_calls: { id: { source: "app.terraform.io/acme/governed-identity/aws", module: { resources: [configResource({ address: "aws_iam_role.app", type: "aws_iam_role", expressions })] } } } });
    expect(one(plan([inModule], moduleConfig({ name: lit("app") }))).unknownPaths).toEqual(["arn"]);
    expect(one(plan([inModule], moduleConfig({ name: lit("app"), inline_policy: [{ policy: ref("data.aws_iam_policy_document.p.json") }] }))).unknownPaths).toEqual(["arn", "inline_policy"]);
  });

  it("applies to awscc roles and users too (Cloud Control marks unset optional attributes computed)", () => {
    const awscc = change({ address: "awscc_iam_role.app", type: "awscc_iam_role", after: { role_name: "app", assume_role_policy_document: TRUST }, afterUnknown: { arn: true, policies: true, managed_policy_arns: true } });
    const r = one(plan([awscc], { resources: [configResource({ address: "awscc_iam_role.app", type: "awscc_iam_role", expressions: { role_name: lit("app") } })] }));
    expect(r.unknownPaths).toEqual(["arn"]);
  });

  it("a governed role planned by the AWS provider (both unknown) passes the gate", () => {
    const g = governedChanges(renderIdentity(spec()));
    const report = evaluate(planToInput(plan(g.changes, { resources: g.config }), "plan.json"), { clock });
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
  });
});
