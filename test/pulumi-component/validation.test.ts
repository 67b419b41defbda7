import * as pulumi from "@pulumi/pulumi";
import type { GovernedIdentityArgs } from "../../constructs/pulumi";
import { clock, inDays, validSpec } from "../helpers";
import { pulumiComponent, recorder } from "./build";
import { CONFIG, SNS_TOPIC } from "./fixtures";

const { GovernedIdentity, SpecValidationError } = pulumiComponent;
const valid = (): GovernedIdentityArgs => ({ ...(validSpec() as GovernedIdentityArgs), config: CONFIG });

/** Construct and return the validation error (and check nothing was registered). */
async function rejection(args: unknown): Promise<{ subject: string; issues: { path: string; message: string; received?: string }[]; message: string }> {
  recorder.reset();
  let error: unknown;
  try {
    new GovernedIdentity("payments", args as GovernedIdentityArgs, { clock });
  } catch (e) {
    error = e;
  }
  await recorder.settle();
  expect(recorder.resources).toEqual([]);
  if (!(error instanceof SpecValidationError)) throw new Error(`expected a SpecValidationError, got ${String(error)}`);
  return { subject: error.subject, issues: error.issues, message: error.message };
}

describe("GovernedIdentity validates its args at construction", () => {
  test("the happy path constructs", async () => {
    recorder.reset();
    new GovernedIdentity("payments", valid(), { clock });
    await recorder.settle();
    expect(recorder.resources.length).toBe(3);
  });

  test.each<[string, (a: GovernedIdentityArgs) => unknown, { path: string; message: string; received?: string }[]]>([
    ["a bad name", (a) => ({ ...a, name: "payments deployer!" }), [{ path: "name", message: "expected 1-64 characters from letters, digits and +=,.@_-; fix: shorten it or remove the other characters", received: '"payments deployer!"' }]],
    [
      "an environment outside the gate config",
      (a) => ({ ...a, environment: "qa" }),
      [{ path: "environment", message: 'expected one of prod, staging, dev, test, sandbox; fix: use one of these, or add it to "environments" in the gate config', received: '"qa"' }],
    ],
    [
      "a trust field of another kind",
      (a) => ({ ...a, trust: { ...a.trust, service: "lambda.amazonaws.com" } }),
      [{ path: "trust", message: "unknown field(s) service; fix: remove them or check their spelling" }],
    ],
    [
      "trust on a static-key identity",
      (a) => ({ ...a, credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" } }),
      [{ path: "trust", message: "expected no trust for a static-key identity (an IAM user is not assumed); fix: remove trust, or use a role with an ephemeral credential", received: expect.any(String) }],
    ],
    [
      "a recertification date in the past",
      (a) => ({ ...a, recertifyBy: inDays(-1) }),
      [{ path: "recertifyBy", message: "expected a date in the future (today is 2026-06-01); fix: recertify the identity and set a new date", received: `"${inDays(-1)}"` }],
    ],
    ["an unknown field", (a) => ({ ...a, labels: { team: "x" } }), [{ path: "(spec)", message: "unknown field(s) labels; fix: remove them or check their spelling" }]],
    [
      "a Pulumi Output in a spec field",
      (a) => ({ ...a, owner: pulumi.output("@acme/payments") }),
      [{ path: "owner", message: "expected a plain value, not a Pulumi Output: spec fields are sealed and checked at preview, so they must be known before apply; fix: pass a literal (build ARNs from known names)" }],
    ],
    [
      "a reminder without the scheduler role",
      (a) => ({ ...a, recertificationReminder: { snsTopicArn: SNS_TOPIC } }),
      [{ path: "reminderRoleArn", message: "expected the ARN of the role EventBridge Scheduler assumes to publish the reminder (sns:Publish on the topic); fix: set reminderRoleArn, or remove recertificationReminder", received: "nothing" }],
    ],
    ["a bad gate config", (a) => ({ ...a, config: { accessGracePeriodDays: -1 } }), [{ path: "config.accessGracePeriodDays", message: expect.stringContaining(">=0"), received: "-1" }]],
  ])("rejects %s, naming the field", async (_label, change, issues) => {
    const r = await rejection(change(valid()));
    expect(r.subject).toBe("payments");
    expect(r.issues).toEqual(issues);
    expect(r.message.split("\n")[0]).toBe("payments: invalid governed identity spec");
  });

  test("names every bad field at once", async () => {
    const r = await rejection({ ...valid(), owner: "", purpose: "short", credential: { kind: "ephemeral", maxSessionDuration: "1 hour" } });
    expect(r.issues.map((i) => i.path).sort()).toEqual(["credential.maxSessionDuration", "owner", "purpose"]);
  });

  test("absent optionals sent as undefined (as another language's SDK does) are accepted", async () => {
    recorder.reset();
    const args = { ...valid(), emergency: undefined, path: undefined, trust: { kind: "aws-service", service: "lambda.amazonaws.com", sourceAccount: undefined, repository: undefined }, credential: { kind: "ephemeral", ttl: undefined } };
    new GovernedIdentity("payments", args as GovernedIdentityArgs, { clock });
    await recorder.settle();
    expect(recorder.resources.map((r) => r.type).sort()).toEqual(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "nhi-governance:aws:GovernedIdentity"]);
  });
});
