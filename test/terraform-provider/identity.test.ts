import { addDays, isoDate } from "../../src/engine/clock";
import { computeSeal } from "../../src/render/seal";
import { governedIdentity, IdentityArgumentError, rotationWindow } from "../../terraform-provider/identity";
import { NOW, inDays, validSpec } from "../helpers";
import { hclSpec } from "./harness";

const now = NOW.toISOString();

describe("provider::nhi::identity: the function behind the HCL module", () => {
  test("pure: with `now` given, the result does not depend on the system clock", () => {
    const spec = hclSpec(validSpec({ name: "legacy-sftp-sync", credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }));
    const a = governedIdentity(spec as never, { now }).result;
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 400 * 86_400_000;
      expect(governedIdentity(spec as never, { now }).result).toEqual(a);
    } finally {
      Date.now = realNow;
    }
  });

  test("the spec's dates are judged at `now`: the same spec is valid at one instant and not at another", () => {
    const spec = hclSpec(validSpec({ recertifyBy: inDays(90) }));
    expect(() => governedIdentity(spec as never, { now })).not.toThrow();
    expect(() => governedIdentity(spec as never, { now: addDays(NOW, 91).toISOString() })).toThrow(/recertify_by: expected a date in the future/);
  });

  test("errors name fields as the user wrote them (snake_case, camelCase, list positions)", () => {
    const spec = { ...hclSpec(validSpec()), access: [{ actions: ["s3:Get Object"], resources: ["arn:aws:s3:::x/*"] }], trust: { kind: "github-oidc", repository: "acme/x", ref: "refs/heads/*", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" } };
    let err: IdentityArgumentError | undefined;
    try {
      governedIdentity(spec as never, { now });
    } catch (e) {
      err = e as IdentityArgumentError;
    }
    expect(err).toBeInstanceOf(IdentityArgumentError);
    expect(err?.issues.map((i) => i.path).sort()).toEqual(["access.0.actions.0", "trust.ref"]);
    expect(err?.message).toContain('access.0.actions.0: expected an IAM action such as s3:GetObject (service:Action); fix: write it as service:Action (got "s3:Get Object")');
  });

  test("a field given twice (snake and camel) is an error, not a silent pick", () => {
    expect(() => governedIdentity({ ...hclSpec(validSpec()), recertifyBy: inDays(30) } as never, { now })).toThrow(/recertifyBy: given twice, as recertify_by and recertifyBy/);
  });

  test("the gate config comes in options.config (snake_case or camelCase); the provider block cannot reach a function", () => {
    const spec = { ...hclSpec(validSpec({ environment: "qa" })), permissions_boundary: null };
    expect(() => governedIdentity(spec as never, { now })).toThrow(/environment: expected one of prod, staging, dev, test, sandbox/);
    const withConfig = governedIdentity(spec as never, { now, config: { environments: ["qa"], default_permissions_boundary: "arn:aws:iam::123456789012:policy/b", accessGracePeriodDays: 3 } });
    expect(withConfig.spec.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/b");
    expect(withConfig.rendered.accessExpiresAt).toBe(`${inDays(93)}T00:00:00Z`);
  });

  test("recertification_reminder needs options.reminder_role_arn, as the construct needs reminderRoleArn", () => {
    const spec = hclSpec(validSpec({ recertificationReminder: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:t", daysBefore: 10 } }));
    expect(() => governedIdentity(spec as never, { now })).toThrow(/options.reminder_role_arn: expected the ARN of a role EventBridge Scheduler may assume/);
    const r = governedIdentity(spec as never, { now, reminder_role_arn: "arn:aws:iam::123456789012:role/scheduler" }).result as any;
    expect(r.reminder).toEqual({
      name: "payments-deployer-recertify",
      at: `${inDays(80)}T09:00:00`,
      schedule_expression: `at(${inDays(80)}T09:00:00)`,
      sns_topic_arn: "arn:aws:sns:eu-west-1:123456789012:t",
      message: expect.stringContaining("Recertify non-human identity payments-deployer"),
      role_arn: "arn:aws:iam::123456789012:role/scheduler",
    });
  });

  test("a condition value as a one-element list or as a string: the same seal (HCL module variables take lists)", () => {
    const base = validSpec({ access: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::x/*"], conditions: { StringEquals: { "aws:PrincipalTag/team": "payments" } } }] });
    const listed = validSpec({ access: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::x/*"], conditions: { StringEquals: { "aws:PrincipalTag/team": ["payments"] } } }] });
    const a = governedIdentity(hclSpec(base) as never, { now }).rendered;
    const b = governedIdentity(hclSpec(listed) as never, { now }).rendered;
    expect(a.policy.json).not.toBe(b.policy.json);
    expect(a.principal.tags["nhi:seal"]).toBe(b.principal.tags["nhi:seal"]);
    // and the seal a gate recomputes from b's documents is a's
    const p = b.principal;
    expect(computeSeal({ principalType: p.type, name: p.name, path: p.path, tags: p.tags, trustPolicy: p.assumeRolePolicyJson, permissionsBoundary: p.permissionsBoundary, maxSessionDuration: p.maxSessionDuration ?? null, policies: [a.policy.json] })).toBe(p.tags["nhi:seal"]);
  });
});

describe("rotationWindow: static-key rotation without a time provider", () => {
  test("constant within a window, moves on after `rotation_days`, never longer than that", () => {
    const windows = new Set<string>();
    let changes = 0;
    let prev = rotationWindow("legacy-sftp-sync", 30, NOW);
    for (let d = 1; d <= 120; d++) {
      const w = rotationWindow("legacy-sftp-sync", 30, addDays(NOW, d));
      if (w !== prev) changes++;
      prev = w;
      windows.add(w);
    }
    expect(changes).toBe(4);
    const starts = [...windows].sort().map((w) => new Date(`${w}T00:00:00Z`).getTime());
    for (let i = 1; i < starts.length; i++) expect((starts[i] - starts[i - 1]) / 86_400_000).toBe(30);
    // The window contains `now`.
    const w = new Date(`${rotationWindow("legacy-sftp-sync", 30, NOW)}T00:00:00Z`).getTime();
    expect(NOW.getTime() - w).toBeGreaterThanOrEqual(0);
    expect(NOW.getTime() - w).toBeLessThan(30 * 86_400_000);
  });

  test("staggered by identity name", () => {
    const starts = new Set(["a", "b", "c", "d", "e", "f", "g", "h"].map((n) => rotationWindow(`svc-${n}`, 30, NOW)));
    expect(starts.size).toBeGreaterThan(1);
  });

  test("only in the result of a static-key identity, and only with `now`", () => {
    const spec = hclSpec(validSpec({ name: "k", credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined }));
    expect((governedIdentity(spec as never, { now }).result as any).credential.rotation_window).toBe(rotationWindow("k", 30, NOW));
    // Without `now` the system clock judges the dates (so this spec's date is relative to it), and no window is given.
    const onSystemClock = { ...spec, recertify_by: isoDate(addDays(new Date(), 30)) };
    expect((governedIdentity(onSystemClock as never, {}).result as any).credential.rotation_window).toBeNull();
    expect((governedIdentity(hclSpec(validSpec()) as never, { now }).result as any).credential.rotation_window).toBeNull();
  });
});
