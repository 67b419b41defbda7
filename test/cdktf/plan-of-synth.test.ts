/**
 * The pipeline path end to end, without a Terraform binary: what `terraform plan` + `terraform
 * show -json` would make of a synthesized GovernedIdentity stack, then `nhi-gate plan` on it.
 *
 * planOfSynth() turns cdk.tf.json into plan JSON the way Terraform does for a first apply: every
 * resource is a create; literal attributes are `after` values; attributes holding a reference
 * (`${aws_iam_user.x.name}`) are unknown, with the reference in `configuration`; and the
 * attributes the AWS provider (v5) computes are unknown too, including the Optional+Computed
 * ones the construct leaves unset (a role's inline_policy and managed_policy_arns, a secret's
 * policy and replica), as real plans show them.
 */
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GovernedIdentity } from "../../constructs/cdktf";
import { planToInput } from "../../src/adapters/terraform-plan";
import { stateToInput } from "../../src/adapters/terraform-state";
import { evaluate } from "../../src/engine/evaluate";
import { clock, inDays, specsOfEveryKind } from "../helpers";
import { newStack, synthJson } from "./helpers";

/** Attributes the providers compute, per type (unknown on create whatever the configuration says). */
const COMPUTED: Record<string, string[]> = {
  aws_iam_role: ["arn", "create_date", "id", "unique_id", "tags_all", "inline_policy", "managed_policy_arns", "name_prefix"],
  aws_iam_user: ["arn", "id", "unique_id", "tags_all"],
  aws_iam_role_policy: ["id", "name_prefix"],
  aws_iam_user_policy: ["id", "name_prefix"],
  aws_iam_access_key: ["id", "create_date", "secret", "ses_smtp_password_v4", "encrypted_secret", "encrypted_ses_smtp_password_v4", "key_fingerprint", "status"],
  aws_secretsmanager_secret: ["arn", "id", "tags_all", "policy", "replica", "name_prefix", "kms_key_id"],
  aws_secretsmanager_secret_version: ["arn", "id", "version_id", "version_stages", "has_secret_string_wo"],
  aws_secretsmanager_secret_rotation: ["id", "rotation_enabled"],
  time_rotating: ["id", "rfc3339", "rotation_rfc3339", "day", "hour", "minute", "month", "second", "unix", "year"],
};
/** Attributes the providers mark sensitive. */
const SENSITIVE: Record<string, string[]> = { aws_iam_access_key: ["secret", "ses_smtp_password_v4"], aws_secretsmanager_secret_version: ["secret_string"] };
const META = new Set(["//", "lifecycle", "provider", "depends_on", "count", "for_each", "connection", "provisioner"]);

const TOKEN = /\$\{([^}]*)\}/g;
const refsIn = (s: string): string[] => {
  const out: string[] = [];
  for (const m of s.matchAll(TOKEN)) {
    for (const r of m[1].matchAll(/\b([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)((?:\.[a-z0-9_]+)*)/g)) out.push(r[1] + r[2], r[1]);
  }
  return [...new Set(out)];
};
const hasToken = (v: unknown): boolean => (typeof v === "string" ? v.includes("${") : Array.isArray(v) ? v.some(hasToken) : v !== null && typeof v === "object" ? Object.values(v).some(hasToken) : false);

function planOfSynth(tf: { resource: Record<string, Record<string, Record<string, unknown>>> }) {
  const changes: Record<string, unknown>[] = [];
  const config: Record<string, unknown>[] = [];
  for (const [type, byName] of Object.entries(tf.resource)) {
    for (const [name, block] of Object.entries(byName)) {
      const after: Record<string, unknown> = {};
      const afterUnknown: Record<string, unknown> = {};
      const expressions: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(block)) {
        if (META.has(k)) continue;
        if (hasToken(v)) {
          afterUnknown[k] = true;
          expressions[k] = { references: typeof v === "string" ? refsIn(v) : refsIn(JSON.stringify(v)) };
        } else {
          after[k] = v;
          expressions[k] = { constant_value: v };
        }
      }
      for (const k of COMPUTED[type] ?? []) if (!(k in after)) afterUnknown[k] = true;
      const afterSensitive = Object.fromEntries((SENSITIVE[type] ?? []).map((k) => [k, true]));
      const address = `${type}.${name}`;
      changes.push({ address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: afterSensitive } });
      config.push({ address, mode: "managed", type, name, provider_config_key: "aws", expressions, schema_version: 0 });
    }
  }
  return { format_version: "1.2", terraform_version: "1.9.8", planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: { resources: config } } };
}

type Spec = ReturnType<typeof specsOfEveryKind>[number];

/** The synthesized JSON of a stack with a GovernedIdentity of every kind (each spec changed by `edit`). */
function governedStackJson(edit: (s: Spec) => Spec = (s) => s) {
  const { stack } = newStack("governed");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (const s of specsOfEveryKind()) new GovernedIdentity(stack as TerraformStack, s.name, { ...edit(s), clock });
  return synthJson(stack);
}

const governedStackPlan = () => planOfSynth(governedStackJson());

describe("nhi-gate plan on the plan of a synthesized governed stack", () => {
  it("passes every credential and trust kind, with the unknowns a first apply has", () => {
    const input = planToInput(governedStackPlan(), "plan.json");
    const report = evaluate(input, { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}: ${f.message}`)).toEqual([]);
    expect(report.summary.ungoverned + report.summary.unverifiable).toBe(0);
    expect(report.summary.governed).toBe(report.summary.resources);
    expect(report.summary.resources).toBe(18);
    expect(report.passed).toBe(true);
  });

  it("and fails closed when the same role's managed_policy_arns is set to a value unknown until apply", () => {
    const { stack } = newStack("governed");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const s = specsOfEveryKind()[0];
    const id = new GovernedIdentity(stack as TerraformStack, s.name, { ...s, clock });
    (id.resources.principal as unknown as { managedPolicyArns: string[] }).managedPolicyArns = ["${aws_iam_policy.extra.arn}"];
    const report = evaluate(planToInput(planOfSynth(synthJson(stack)), "plan.json"), { clock });
    expect(report.findings.map((f) => f.findingId)).toContain("NHI-GOV-007[Unknown::managed_policy_arns]");
    expect(report.passed).toBe(false);
  });

  it("passes the scheduled rotation: time_rotating and the access key replaced, the old key's values before", () => {
    const p = governedStackPlan();
    const changes = p.resource_changes as { type: string; change: Record<string, unknown> }[];
    const oldKey = { user: "legacy-sftp-sync", id: "AKIAOLDKEY0000000000", status: "Active", create_date: "2026-04-01T00:00:00Z", secret: "old-secret-value" };
    for (const c of changes) {
      if (c.type === "aws_iam_access_key") Object.assign(c.change, { actions: ["delete", "create"], before: oldKey, before_sensitive: { secret: true, ses_smtp_password_v4: true } });
      if (c.type === "time_rotating") Object.assign(c.change, { actions: ["delete", "create"], before: { rotation_days: 30, rfc3339: "2026-04-01T00:00:00Z", rotation_rfc3339: "2026-05-01T00:00:00Z" } });
    }
    const report = evaluate(planToInput(p, "plan.json"), { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}: ${f.message}`)).toEqual([]);
    expect(JSON.stringify(report)).not.toContain("old-secret-value");
  });
});

/**
 * What `terraform show -json` of the state after applying that plan holds: every value known,
 * references resolved to the referenced values, and the role's read-back attributes filled from
 * what is attached to it (its one inline policy, no managed policies).
 */
function stateOfSynth(tf: { resource: Record<string, Record<string, Record<string, unknown>>> }) {
  const values = new Map<string, Record<string, unknown>>();
  let n = 0;
  for (const [type, byName] of Object.entries(tf.resource)) {
    for (const [name, block] of Object.entries(byName)) {
      const v: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(block)) if (!META.has(k)) v[k] = x;
      const id = type === "aws_iam_access_key" ? `AKIA${String(++n).padStart(16, "0")}` : `${type}-${++n}`;
      Object.assign(v, { id, arn: `arn:aws:iam::123456789012:${type}/${String(v.name ?? id)}`, tags_all: v.tags ?? {}, create_date: "2026-05-20T10:00:00Z" });
      if (type === "aws_iam_access_key") Object.assign(v, { secret: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${n}EXAMPLEKEY`, status: "Active" });
      values.set(`${type}.${name}`, v);
    }
  }
  // Resolve "${type.name.attr}" references (whole-string ones, as the construct writes them).
  const resolve = (x: unknown): unknown => {
    if (typeof x === "string") {
      const m = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(x);
      if (m) return values.get(m[1])?.[m[2]] ?? x;
      // The construct's ${jsonencode({"access_key_id" = <key>.id, "secret_access_key" = <key>.secret})}.
      const j = /^\$\{jsonencode\(\{"access_key_id" = ([^ ]+)\.id, "secret_access_key" = ([^ ]+)\.secret\}\)\}$/.exec(x);
      if (j) return JSON.stringify({ access_key_id: values.get(j[1])?.id, secret_access_key: values.get(j[2])?.secret });
      return x.includes("${") ? "(computed)" : x;
    }
    if (Array.isArray(x)) return x.map(resolve);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, resolve(y)]));
    return x;
  };
  for (const [address, v] of values) values.set(address, resolve(v) as Record<string, unknown>);
  for (const [address, v] of values) {
    if (!address.startsWith("aws_iam_role.")) continue;
    const own = [...values.entries()].filter(([a, p]) => a.startsWith("aws_iam_role_policy.") && p.role === v.name).map(([, p]) => ({ name: p.name, policy: p.policy }));
    Object.assign(v, { inline_policy: own, managed_policy_arns: [] });
  }
  const resources = [...values.entries()].map(([address, v]) => {
    const [type, name] = address.split(".");
    return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values: v, sensitive_values: {} };
  });
  return { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { resources } } };
}

describe("nhi-gate state on the state of an applied governed stack", () => {
  it("finds every identity governed, read-back inline policies included, and nothing to report", () => {
    const input = stateToInput(stateOfSynth(governedStackJson()), "state.json");
    const role = input.resources.find((r) => r.nativeType === "aws_iam_role");
    expect((role?.props.inline_policy as unknown[]).length).toBe(1);
    const report = evaluate(input, { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}: ${f.message}`)).toEqual([]);
    expect(report.summary.governed).toBe(report.summary.resources);
    const secrets = input.resources.filter((r) => r.nativeType === "aws_iam_access_key").map((r) => String(r.props.secret));
    expect(secrets).toHaveLength(1);
    expect(JSON.stringify(report)).not.toContain(secrets[0]);
  });

  it("still reports a static key whose secret is in no secret store (plain text in state)", () => {
    const state = stateOfSynth(governedStackJson()) as { values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } } };
    for (const r of state.values.root_module.resources) if (r.type === "aws_secretsmanager_secret_version") r.values.secret_string = JSON.stringify({ note: "something else" });
    const report = evaluate(stateToInput(state, "state.json"), { clock });
    expect(report.findings.map((f) => f.findingId)).toContain("NHI-GOV-014[Secret::plaintext-state]");
  });
});

describe("nhi-gate plan on a recertification (the spec's date moved, everything re-rendered)", () => {
  it("passes: tags, seal and the policies' expiry change in place, nothing is widened", () => {
    const before = planOfSynth(governedStackJson());
    const after = planOfSynth(governedStackJson((s) => (s.emergency ? s : { ...s, recertifyBy: inDays(170) })));
    const beforeByAddress = new Map((before.resource_changes as { address: string; change: { after: unknown } }[]).map((c) => [c.address, c.change.after]));
    let updated = 0;
    for (const c of after.resource_changes as { address: string; change: Record<string, unknown> }[]) {
      const old = beforeByAddress.get(c.address);
      expect(old).toBeDefined();
      const same = JSON.stringify(old) === JSON.stringify(c.change.after);
      if (!same) updated++;
      // An update keeps the computed attributes it already has: only what the configuration changes is planned.
      Object.assign(c.change, { actions: [same ? "no-op" : "update"], before: old, after_unknown: {} });
    }
    expect(updated).toBeGreaterThan(6);
    const report = evaluate(planToInput(after, "plan.json"), { clock });
    expect(report.findings.map((f) => `${f.findingId} @ ${f.address}: ${f.message}`)).toEqual([]);
    expect(report.summary.governed).toBe(report.summary.resources);
  });
});
