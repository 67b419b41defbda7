import * as pulumi from "@pulumi/pulumi";
import { Role } from "@pulumi/aws/iam/role";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { parseSpec } from "../../src/spec/identity";
import { TAG } from "../../src/spec/tags";
import { BOUNDARY, clock, inDays, OIDC } from "../helpers";
import { build, byType, one, recorder } from "./build";
import { CONFIG, configurations, SCHEDULER_ROLE, SNS_TOPIC } from "./fixtures";

const T = {
  role: "aws:iam/role:Role",
  user: "aws:iam/user:User",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  accessKey: "aws:iam/accessKey:AccessKey",
  secret: "aws:secretsmanager/secret:Secret",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  schedule: "aws:scheduler/schedule:Schedule",
};
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const config = resolveConfig(CONFIG);
const renderedOf = (args: object) => {
  const spec = parseSpec(Object.fromEntries(Object.entries(args).filter(([k]) => k !== "config" && k !== "reminderRoleArn")), { clock, config });
  return { spec, rendered: renderIdentity(spec, config) };
};

describe("GovernedIdentity (Pulumi) for every configuration", () => {
  describe.each(configurations())("$label", ({ args }) => {
    const { spec, rendered } = renderedOf(args);
    const p = rendered.principal;
    const cred = rendered.credential.type;

    test("creates exactly the children its spec renders, each with { parent: this }", async () => {
      const b = await build("gi", args);
      const expected = p.type === "role" ? [T.role, T.rolePolicy] : [T.user, T.userPolicy];
      if (cred === "managed-secret") expected.push(T.secret, T.rotation);
      if (cred === "access-key") expected.push(T.secret, T.accessKey, T.secretVersion);
      if (rendered.reminder) expected.push(T.schedule);
      expect(b.children.map((r) => r.type).sort()).toEqual(expected.sort());
      expect(b.self.parent).toBeUndefined();
      for (const child of b.children) expect({ child: child.name, parent: child.parent }).toEqual({ child: child.name, parent: b.self.urn });
    });

    test("registers its validated spec, seal and governance settings as its inputs", async () => {
      const b = await build("gi", args);
      expect(b.self.props).toEqual({ spec: JSON.parse(JSON.stringify(spec)), seal: p.tags[TAG.seal], governance: { accessGracePeriodDays: 7 } });
      expect((b.self.props.spec as { permissionsBoundary: string }).permissionsBoundary).toBe(BOUNDARY);
      expect(b.component.seal).toMatch(/^v1:[\w-]{43}$/);
    });

    test("the principal carries exactly the rendered name, path, tags, boundary and trust", async () => {
      const b = await build("gi", args);
      if (p.type === "role") {
        expect(one(b, T.role).props).toEqual({
          name: spec.name,
          path: "/nhi/",
          assumeRolePolicy: JSON.stringify(p.assumeRolePolicy),
          permissionsBoundary: BOUNDARY,
          maxSessionDuration: 3600,
          tags: p.tags,
        });
      } else {
        expect(one(b, T.user).props).toEqual({ name: spec.name, path: "/nhi/", permissionsBoundary: BOUNDARY, tags: p.tags });
      }
      expect(p.tags[TAG.owner]).toBe("@acme/payments");
      expect(p.tags[TAG.credential]).toBe(spec.credential.kind);
    });

    test("the inline policy is the rendered, time-bound document on the principal's name", async () => {
      const b = await build("gi", args);
      const policy = one(b, p.type === "role" ? T.rolePolicy : T.userPolicy);
      expect(policy.props).toEqual({ name: `${spec.name}-access`, [p.type]: spec.name, policy: rendered.policy.json });
      const doc = JSON.parse(policy.props.policy as string);
      const expiry = spec.emergency ? `${spec.emergency.expires}T00:00:00Z` : `${inDays(97)}T00:00:00Z`;
      for (const s of doc.Statement) expect(s.Condition.DateLessThan["aws:CurrentTime"]).toBe(expiry);
    });

    test("registers its outputs", async () => {
      const b = await build("gi", args);
      const outputs: Record<string, unknown> = { principalName: spec.name };
      outputs[p.type === "role" ? "roleArn" : "userArn"] = `arn:aws:iam::123456789012:${p.type}/nhi/${spec.name}`;
      if (cred === "managed-secret" || cred === "access-key") outputs.secretArn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:nhi/${spec.name}-AbCdEf`;
      expect(b.outputs).toEqual(outputs);
    });
  });
});

describe("recorded inputs per trust kind", () => {
  const trustOf = async (label: string) => {
    const c = configurations().find((x) => x.label === label);
    if (!c) throw new Error(`no configuration ${label}`);
    const b = await build("gi", c.args);
    return JSON.parse(one(b, T.role).props.assumeRolePolicy as string).Statement;
  };
  test("github-oidc (ref): the exact OIDC subject of the branch", async () => {
    expect(await trustOf("federated/github-oidc")).toEqual([
      {
        Sid: "GitHubOidc",
        Effect: "Allow",
        Principal: { Federated: OIDC },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:acme/payments-api:ref:refs/heads/main" } },
      },
    ]);
  });
  test("github-oidc (environment): the exact OIDC subject of the environment", async () => {
    const [s] = await trustOf("federated/github-oidc (environment)");
    expect(s.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:acme/infra:environment:production");
  });
  test("aws-service with a source account", async () => {
    expect(await trustOf("ephemeral/aws-service")).toEqual([
      { Sid: "AwsService", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } },
    ]);
  });
  test("aws-role with an external id", async () => {
    expect(await trustOf("ephemeral/aws-role")).toEqual([
      { Sid: "AwsRole", Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:role/reporting" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "acme-reporting-7731" } } },
    ]);
  });
  test("eks-pod-identity: cluster, namespace and service account", async () => {
    expect(await trustOf("federated/eks-pod-identity")).toEqual([
      {
        Sid: "EksPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": "prod-eks", "aws:RequestTag/kubernetes-namespace": "cart", "aws:RequestTag/kubernetes-service-account": "cart-api" } },
      },
    ]);
  });
});

describe("recorded inputs per credential kind", () => {
  const argsOf = (label: string) => (configurations().find((x) => x.label === label) as { args: Parameters<typeof build>[1] }).args;

  test("managed-secret: a tagged secret with rotation by the spec's Lambda every rotation period", async () => {
    const b = await build("db", argsOf("managed-secret/aws-service"));
    const secret = one(b, T.secret);
    expect(secret.props.name).toBe("nhi/db-rotator");
    expect((secret.props.tags as Record<string, string>)[TAG.seal]).toBe(b.component.seal);
    expect(one(b, T.rotation).props).toEqual({ secretId: "db-secret-id", rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate-db", rotationRules: { automaticallyAfterDays: 30 } });
    expect(byType(b, T.accessKey)).toEqual([]);
    const policy = JSON.parse(one(b, T.rolePolicy).props.policy as string);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["Access0", "ReadManagedSecret"]);
  });

  test("static-key: an IAM user whose key is named by its rotation epoch, stored only as a secret", async () => {
    const b = await build("sync", argsOf("static-key/no trust"));
    // 2026-06-01T12:00Z is 882.5 days after the 2024-01-01 anchor: epoch floor(882.5 / 30) = 29.
    const key = one(b, T.accessKey);
    expect({ name: key.name, props: key.props }).toEqual({ name: "sync-key-29", props: { user: "legacy-sftp-sync" } });
    expect(b.component.keyRotation).toEqual({ epoch: 29, since: "2026-05-20T00:00:00Z", nextRotation: "2026-06-19T00:00:00Z" });
    const version = one(b, T.secretVersion);
    expect(version.props.secretId).toBe("sync-secret-id");
    // On the wire the value is a Pulumi secret, never plain text.
    expect(version.props.secretString).toEqual({ ...SECRET_SIG, value: JSON.stringify({ accessKeyId: "sync-key-29-id", secretAccessKey: "mock-secret-of-sync-key-29" }) });
    expect(JSON.stringify(b.outputs)).not.toContain("mock-secret-of");
    expect(byType(b, T.role)).toEqual([]);
  });

  test("static-key: the same epoch keeps the key; the next epoch is a new key", async () => {
    const args = argsOf("static-key/no trust");
    const names = async (at: string) => (await build("sync", args, { clock: { now: () => new Date(at) } })).children.filter((r) => r.type === T.accessKey).map((r) => r.name);
    expect(await names("2026-05-20T00:00:00Z")).toEqual(["sync-key-29"]);
    expect(await names("2026-06-18T23:59:59Z")).toEqual(["sync-key-29"]);
    expect(await names("2026-06-19T00:00:00Z")).toEqual(["sync-key-30"]);
  });

  test.each([
    ["federated/github-oidc", [T.role, T.rolePolicy]],
    ["ephemeral/aws-service", [T.role, T.rolePolicy]],
  ])("%s: no stored credential at all", async (label, types) => {
    const b = await build("gi", argsOf(label));
    expect(b.children.map((r) => r.type).sort()).toEqual([...types].sort());
  });

  test("recertification reminder: a one-time schedule days before the date, to the SNS topic", async () => {
    const b = await build("gi", argsOf("federated + reminder"));
    const schedule = one(b, T.schedule);
    expect(schedule.props).toEqual({
      name: "reminded-deployer-recertify",
      description: "One-time recertification reminder for reminded-deployer",
      scheduleExpression: `at(${inDays(80)}T09:00:00)`,
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: SNS_TOPIC,
        roleArn: SCHEDULER_ROLE,
        input: JSON.stringify({ subject: "Recertify reminded-deployer", message: `Recertify non-human identity reminded-deployer (owner @acme/payments) by ${inDays(90)}: https://cmdb.example.com/ci/PAY-42` }),
      },
    });
  });

  test("the reminder's scheduler role may be an output of another resource", async () => {
    const b = await build("gi", { ...argsOf("federated + reminder"), reminderRoleArn: pulumi.output(SCHEDULER_ROLE) });
    expect((one(b, T.schedule).props.target as { roleArn: string }).roleArn).toBe(SCHEDULER_ROLE);
  });
});

describe("the recorder", () => {
  test("sees a resource created without a parent (what a missing { parent: this } looks like)", async () => {
    recorder.reset();
    new Role("orphan", { assumeRolePolicy: "{}" });
    await recorder.settle();
    expect(recorder.resources.map((r) => ({ type: r.type, parent: r.parent }))).toEqual([{ type: T.role, parent: undefined }]);
  });
});

