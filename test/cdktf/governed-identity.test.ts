import { TerraformLocal, TerraformStack, Testing } from "cdktf";
import { GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { SpecValidationError } from "../../src/spec/identity";
import { renderIdentity } from "../../src/render/aws";
import { TAG } from "../../src/spec/tags";
import { clock, inDays, spec, specsOfEveryKind, validSpec } from "../helpers";
import { block, blocks, findingIds, gateSynth, newStack, synthJson, Tf } from "./helpers";

const id = (name: string) => `${name}_`; // logical ids start with the construct path, `/` as `_`

describe("GovernedIdentity: what it synthesizes, for every credential and trust kind", () => {
  let stack: TerraformStack;
  let tf: Tf;
  const constructs = new Map<string, GovernedIdentity>();
  beforeAll(() => {
    ({ stack } = newStack());
    for (const s of specsOfEveryKind()) constructs.set(s.name, new GovernedIdentity(stack, s.name, { ...s, clock }));
    tf = synthJson(stack);
  });

  it.each(specsOfEveryKind().map((s) => [s.name, s] as const))("%s: principal and policy are the rendered shape, as literals", (name, input) => {
    const rendered = renderIdentity(spec(input));
    const p = rendered.principal;
    const principal = block(tf, `aws_iam_${p.type}`, id(name));
    expect(principal.name).toBe(name);
    expect(principal.path).toBe("/nhi/");
    expect(principal.permissions_boundary).toBe("arn:aws:iam::123456789012:policy/nhi-boundary");
    expect(principal.tags).toEqual(p.tags);
    expect((principal.tags as Record<string, string>)[TAG.seal]).toMatch(/^v1:[\w-]{43}$/);
    if (p.type === "role") {
      // Byte for byte the text the renderer sealed.
      expect(principal.assume_role_policy).toBe(p.assumeRolePolicyJson);
      expect(JSON.parse(principal.assume_role_policy as string)).toEqual(p.assumeRolePolicy);
      expect(principal.max_session_duration).toBe(3600);
    } else {
      expect(principal.assume_role_policy).toBeUndefined();
    }
    const policy = block(tf, `aws_iam_${p.type}_policy`, id(name));
    const principalId = Object.keys(blocks(tf, `aws_iam_${p.type}`)).find((k) => k.startsWith(id(name)));
    expect(policy[p.type]).toBe(`\${aws_iam_${p.type}.${principalId}.name}`);
    expect(policy.name).toBe(`${name}-access`);
    expect(policy.policy).toBe(rendered.policy.json);
    const doc = JSON.parse(policy.policy as string);
    expect(doc).toEqual(rendered.policy.document);
    for (const st of doc.Statement) expect(st.Condition.DateLessThan["aws:CurrentTime"]).toBe(rendered.accessExpiresAt);
    expect(rendered.accessExpiresAt).toBe(`${inDays(90 + 14)}T00:00:00Z`);
  });

  it("renders each trust kind's exact conditions", () => {
    const trust = (name: string) => JSON.parse(block(tf, "aws_iam_role", id(name)).assume_role_policy as string).Statement[0];
    expect(trust("payments-deployer").Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:acme/payments-api:ref:refs/heads/main",
    });
    expect(trust("gh-env-deployer").Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:acme/infra:environment:production");
    expect(trust("orders-lambda")).toMatchObject({ Principal: { Service: "lambda.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
    expect(trust("reporting-reader")).toMatchObject({ Principal: { AWS: "arn:aws:iam::210987654321:role/reporting" }, Condition: { StringEquals: { "sts:ExternalId": "acme-reporting-7731" } } });
    expect(trust("cart-pods")).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    expect(trust("db-rotator")).toEqual({ Sid: "AwsService", Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
  });

  it("federated and ephemeral identities have no credential resources", () => {
    for (const name of ["payments-deployer", "orders-lambda", "reporting-reader", "cart-pods", "gh-env-deployer"]) {
      for (const type of ["aws_secretsmanager_secret", "aws_iam_access_key", "time_rotating", "aws_secretsmanager_secret_version"]) {
        expect(Object.keys(blocks(tf, type)).filter((k) => k.startsWith(id(name)))).toEqual([]);
      }
    }
    expect(block(tf, "aws_iam_role", id("orders-lambda")).max_session_duration).toBe(3600);
    expect(block(tf, "aws_iam_role", id("orders-lambda")).tags).toMatchObject({ [TAG.credential]: "ephemeral", [TAG.ttl]: "PT1H" });
  });

  it("managed-secret: a Secrets Manager secret with rotation rules", () => {
    const secret = block(tf, "aws_secretsmanager_secret", id("db-rotator"));
    expect(secret.name).toBe("nhi/db-rotator");
    const secretId = Object.keys(blocks(tf, "aws_secretsmanager_secret")).find((k) => k.startsWith(id("db-rotator")));
    expect(block(tf, "aws_secretsmanager_secret_rotation", id("db-rotator"))).toEqual({
      secret_id: `\${aws_secretsmanager_secret.${secretId}.id}`,
      rotation_lambda_arn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate-db",
      rotation_rules: { automatically_after_days: 30 },
    });
    const policy = JSON.parse(block(tf, "aws_iam_role_policy", id("db-rotator")).policy as string);
    expect(policy.Statement.at(-1)).toMatchObject({ Sid: "ReadManagedSecret", Resource: "arn:aws:secretsmanager:*:*:secret:nhi/db-rotator-??????" });
  });

  it("static-key: an IAM user, a key replaced by time_rotating, its secret in Secrets Manager and never in an output", () => {
    const ids = (type: string) => Object.keys(blocks(tf, type)).find((k) => k.startsWith(id("legacy-sftp-sync"))) as string;
    expect(block(tf, "time_rotating", id("legacy-sftp-sync"))).toEqual({ rotation_days: 30 });
    expect(block(tf, "aws_iam_access_key", id("legacy-sftp-sync"))).toEqual({
      user: `\${aws_iam_user.${ids("aws_iam_user")}.name}`,
      lifecycle: { replace_triggered_by: [`time_rotating.${ids("time_rotating")}`] },
    });
    const version = block(tf, "aws_secretsmanager_secret_version", id("legacy-sftp-sync"));
    expect(version.secret_id).toBe(`\${aws_secretsmanager_secret.${ids("aws_secretsmanager_secret")}.id}`);
    const key = `aws_iam_access_key.${ids("aws_iam_access_key")}`;
    expect(version.secret_string).toBe(`\${jsonencode({"access_key_id" = ${key}.id, "secret_access_key" = ${key}.secret})}`);
    expect(block(tf, "aws_secretsmanager_secret", id("legacy-sftp-sync")).name).toBe("nhi/legacy-sftp-sync");
    expect(tf.output).toBeUndefined();
    expect(block(tf, "aws_iam_user", id("legacy-sftp-sync")).tags).toMatchObject({ [TAG.credential]: "static-key", [TAG.ttl]: "P90D", [TAG.rotation]: "P30D" });
  });

  it("exposes the principal's and the secret's attributes as references", () => {
    let n = 0;
    const resolve = (v: unknown) => {
      const name = `probe${n++}`;
      new TerraformLocal(stack, name, v);
      return (JSON.parse(Testing.synth(stack)) as { locals: Record<string, unknown> }).locals[name];
    };
    const deployer = constructs.get("payments-deployer") as GovernedIdentity;
    expect(resolve(deployer.roleArn)).toMatch(/^\$\{aws_iam_role\.payments-deployer_role_[0-9A-F]{8}\.arn\}$/);
    expect(resolve(deployer.roleName)).toMatch(/^\$\{aws_iam_role\.payments-deployer_role_[0-9A-F]{8}\.name\}$/);
    expect(resolve(deployer.principalArn)).toBe(resolve(deployer.roleArn));
    expect(deployer.userArn).toBeUndefined();
    expect(deployer.secretArn).toBeUndefined();
    const sftp = constructs.get("legacy-sftp-sync") as GovernedIdentity;
    expect(sftp.roleArn).toBeUndefined();
    expect(resolve(sftp.userName)).toMatch(/^\$\{aws_iam_user\.legacy-sftp-sync_user_[0-9A-F]{8}\.name\}$/);
    expect(resolve(sftp.secretArn)).toMatch(/^\$\{aws_secretsmanager_secret\.legacy-sftp-sync_secret_[0-9A-F]{8}\.arn\}$/);
    expect(resolve((constructs.get("db-rotator") as GovernedIdentity).secretArn)).toMatch(/^\$\{aws_secretsmanager_secret\.db-rotator_secret/);
  });

  it("passes every engine rule, read back from the synthesized JSON alone (seal verified)", () => {
    const report = gateSynth(tf);
    expect(findingIds(report)).toEqual([]);
    expect(report.resources.map((r) => `${r.address.replace(/_[0-9A-F]{8}$/, "")} ${r.governed} ${r.via}`)).toEqual([
      "aws_iam_access_key.legacy-sftp-sync_access-key governed principal",
      "aws_iam_role.cart-pods_role governed seal",
      "aws_iam_role.db-rotator_role governed seal",
      "aws_iam_role.gh-env-deployer_role governed seal",
      "aws_iam_role.orders-lambda_role governed seal",
      "aws_iam_role.payments-deployer_role governed seal",
      "aws_iam_role.reporting-reader_role governed seal",
      "aws_iam_role_policy.cart-pods_policy governed principal",
      "aws_iam_role_policy.db-rotator_policy governed principal",
      "aws_iam_role_policy.gh-env-deployer_policy governed principal",
      "aws_iam_role_policy.orders-lambda_policy governed principal",
      "aws_iam_role_policy.payments-deployer_policy governed principal",
      "aws_iam_role_policy.reporting-reader_policy governed principal",
      "aws_iam_user.legacy-sftp-sync_user governed seal",
      "aws_iam_user_policy.legacy-sftp-sync_policy governed principal",
      "aws_secretsmanager_secret.db-rotator_secret governed principal",
      "aws_secretsmanager_secret.legacy-sftp-sync_secret governed principal",
      "aws_secretsmanager_secret_version.legacy-sftp-sync_secret-version governed principal",
    ]);
  });
});

describe("GovernedIdentity: recertification reminder", () => {
  const reminder = { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:nhi-owners", daysBefore: 10 };
  const roleArn = "arn:aws:iam::123456789012:role/nhi-reminder-scheduler";

  it("creates a one-time EventBridge Scheduler schedule that publishes to the owner's topic", () => {
    const { stack } = newStack();
    new GovernedIdentity(stack, "deployer", { ...validSpec({ recertificationReminder: reminder }), clock, reminderRoleArn: roleArn });
    const tf = synthJson(stack);
    expect(block(tf, "aws_scheduler_schedule", id("deployer"))).toEqual({
      name: "payments-deployer-recertify",
      schedule_expression: `at(${inDays(80)}T09:00:00)`,
      schedule_expression_timezone: "UTC",
      flexible_time_window: { mode: "OFF" },
      target: {
        arn: reminder.snsTopicArn,
        role_arn: roleArn,
        input: `Recertify non-human identity payments-deployer (owner @acme/payments) by ${inDays(90)}: https://cmdb.example.com/ci/PAY-42`,
      },
    });
    expect(findingIds(gateSynth(tf))).toEqual([]);
  });

  it("requires reminderRoleArn with a reminder, and a role ARN", () => {
    const { stack } = newStack();
    expect(() => new GovernedIdentity(stack, "a", { ...validSpec({ recertificationReminder: reminder }), clock })).toThrow(
      /stack\/a: invalid governed identity spec\n {2}- reminderRoleArn: got nothing; expected the ARN of a role EventBridge Scheduler may assume/,
    );
    expect(() => new GovernedIdentity(stack, "b", { ...validSpec({ recertificationReminder: reminder }), clock, reminderRoleArn: "arn:aws:iam::123456789012:root" })).toThrow(
      /reminderRoleArn: got "arn:aws:iam::123456789012:root"; expected a role ARN/,
    );
  });
});

describe("GovernedIdentity: invalid props throw at construction with field-level messages", () => {
  const { stack } = newStack("invalid");
  const attempt = (name: string, props: object): SpecValidationError => {
    try {
      new GovernedIdentity(stack, name, { ...(props as ReturnType<typeof validSpec>), clock });
    } catch (e) {
      return e as SpecValidationError;
    }
    throw new Error("expected construction to throw");
  };

  it.each([
    ["owner", { owner: "" }, /owner: got ""; expected an owner of 2-256 characters/],
    ["recertifyBy in the past", { recertifyBy: inDays(-1) }, /recertifyBy: got "[-0-9]+"; expected a date in the future/],
    ["static key with trust", { credential: { kind: "static-key", ttl: "P30D", rotation: "P30D" } }, /trust: got .*; expected no trust for a static-key identity/],
    ["static key ttl above the config", { credential: { kind: "static-key", ttl: "P365D", rotation: "P30D" }, trust: undefined }, /credential\.ttl: got "P365D"; expected at most P90D/],
    ["wildcard action", { access: [{ actions: ["s3*"], resources: ["*"] }] }, /access\.0\.actions\.0: got "s3\*"; expected an IAM action/],
    ["unknown field", { colour: "red" }, /\(spec\): unknown field\(s\) colour/],
  ])("%s", (name, overrides, pattern) => {
    const error = attempt(name.replace(/\W+/g, "-"), validSpec(overrides as never));
    expect(error).toBeInstanceOf(SpecValidationError);
    expect(error.subject).toBe(`invalid/${name.replace(/\W+/g, "-")}`);
    expect(error.message).toMatch(pattern);
  });

  it("names every bad field at once", () => {
    const error = attempt("many", validSpec({ owner: "", purpose: "short", environment: "qa" }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["environment", "owner", "purpose"]);
  });

  it("validates against the given gate config", () => {
    expect(() => new GovernedIdentity(stack, "cfg", { ...validSpec({ environment: "qa" }), clock, config: { environments: ["qa"] } })).not.toThrow();
    expect(() => new GovernedIdentity(stack, "cfg2", { ...validSpec({ credential: { kind: "ephemeral", maxSessionDuration: "PT2H" } }), clock })).toThrow(
      /credential\.maxSessionDuration: got "PT2H"; expected at most PT1H/,
    );
  });
});

describe("GovernedIdentity: addToPolicy and grantAssume re-validate and re-render", () => {
  it("adds time-bound statements, updates the seal, and still passes every rule", () => {
    const { stack } = newStack();
    const gi = new GovernedIdentity(stack, "deployer", { ...validSpec(), clock });
    const sealBefore = gi.rendered.principal.tags[TAG.seal];
    gi.addToPolicy({ sid: "ReadConfig", actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:eu-west-1:123456789012:parameter/payments/*"] });
    gi.grantAssume("arn:aws:iam::123456789012:role/payments-publisher");
    const tf = synthJson(stack);
    const role = block(tf, "aws_iam_role", id("deployer"));
    expect((role.tags as Record<string, string>)[TAG.seal]).not.toBe(sealBefore);
    expect(role.tags).toEqual(gi.rendered.principal.tags);
    const doc = JSON.parse(block(tf, "aws_iam_role_policy", id("deployer")).policy as string);
    expect(doc.Statement.map((s: { Sid: string; Action: unknown; Resource: unknown }) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["Access0", ["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::acme-payments-artifacts/*"],
      ["ReadConfig", "ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/payments/*"],
      ["Access2", "sts:AssumeRole", "arn:aws:iam::123456789012:role/payments-publisher"],
    ]);
    for (const s of doc.Statement) expect(s.Condition.DateLessThan["aws:CurrentTime"]).toBe(gi.rendered.accessExpiresAt);
    expect(gi.spec.access).toHaveLength(3);
    expect(findingIds(gateSynth(tf))).toEqual([]);
  });

  it("rejects an invalid statement with a field-level message and leaves the identity unchanged", () => {
    const { stack } = newStack();
    const gi = new GovernedIdentity(stack, "deployer", { ...validSpec(), clock });
    const before = JSON.stringify(gi.rendered);
    expect(() => gi.addToPolicy({ actions: ["not an action"], resources: ["*"] })).toThrow(/stack\/deployer: invalid governed identity spec\n {2}- access\.1\.actions\.0: got "not an action"; expected an IAM action/);
    expect(() => gi.grantAssume("arn:aws:iam::123456789012:root")).toThrow(/grantAssume: got "arn:aws:iam::123456789012:root"; expected a role ARN/);
    expect(JSON.stringify(gi.rendered)).toBe(before);
    expect(findingIds(gateSynth(synthJson(stack)))).toEqual([]);
  });
});

describe("GovernedIdentity: governed by construction, across spec variants", () => {
  const BOUNDARY2 = "arn:aws:iam::123456789012:policy/platform-default";
  const variants: [string, object, object?][] = [
    ["emergency identity", { name: "break-glass", emergency: { expires: inDays(2), ticket: "INC-4711" } }],
    ["custom path and conditions", { name: "pathed", path: "/teams/payments/", access: [{ sid: "Put", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"], conditions: { StringEquals: { "s3:x-amz-acl": "private" } } }] }],
    ["boundary from the config", { name: "defaulted", permissionsBoundary: undefined }, { defaultPermissionsBoundary: BOUNDARY2 }],
    ["a longer grace period in the construct's config", { name: "graceful" }, { accessGracePeriodDays: 30 }],
    ["service trust without source account", { name: "svc", credential: { kind: "ephemeral" }, trust: { kind: "aws-service", service: "ecs-tasks.amazonaws.com" } }],
  ];

  it.each(variants)("%s: every rule passes on the synthesized JSON and under the aspect", (_name, overrides, config = {}) => {
    const { app, stack } = newStack();
    const gi = new GovernedIdentity(stack, "id", { ...validSpec(overrides as never), clock, config });
    const tf = synthJson(stack);
    expect(findingIds(gateSynth(tf, config))).toEqual([]);
    NhiGovernance.of(stack).enforce(config, { clock });
    synthJson(stack);
    expect(NhiGovernance.of(stack).lastReport?.findings).toEqual([]);
    expect(gi.spec.permissionsBoundary).toBe((config as { defaultPermissionsBoundary?: string }).defaultPermissionsBoundary ?? "arn:aws:iam::123456789012:policy/nhi-boundary");
    expect(app).toBeDefined();
  });
});

describe("GovernedIdentity: the construct's grace period is recorded for the gate", () => {
  it("the aspect compares children with the spec rendered at the construct's grace period", () => {
    const { stack } = newStack();
    const gi = new GovernedIdentity(stack, "id", { ...validSpec(), clock, config: { accessGracePeriodDays: 30 } });
    expect(gi.rendered.accessExpiresAt).toBe(`${inDays(120)}T00:00:00Z`);
    NhiGovernance.of(stack).enforce({}, { clock });
    synthJson(stack);
    expect(NhiGovernance.of(stack).lastReport?.findings.map((f) => f.findingId)).toEqual([]);
  });
});
