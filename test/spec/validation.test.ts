import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { FieldIssue, GovernedIdentitySpecInput, parseSpec, SpecValidationError } from "../../src/spec/identity";
import { resolveConfig } from "../../src/spec/config";
import { clock, inDays, NOW, validSpec } from "../helpers";

const root = path.resolve(__dirname, "../..");

/** The error a spec gives (fails the test when it is valid). */
function rejection(input: unknown, config = {}): SpecValidationError {
  try {
    parseSpec(input, { clock, config: resolveConfig(config) });
  } catch (e) {
    if (e instanceof SpecValidationError) return e;
    throw e;
  }
  throw new Error("expected the spec to be rejected");
}
const without = (key: string): Record<string, unknown> => Object.fromEntries(Object.entries(validSpec()).filter(([k]) => k !== key));

/** What a newcomer writes first: a GitHub deployer with most things missing or off. */
const newcomer = {
  name: "payments-deployer",
  owner: "Payments Team",
  purpose: "deploys",
  environment: "production",
  credential: { kind: "federated" },
  trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main" },
  access: [{ resources: ["arn:aws:s3:::acme-artifacts/*"] }],
  recertifyBy: inDays(400),
};
const NEWCOMER_LINES = [
  'purpose: got "deploys"; expected at least 10 characters: what the identity is for, in words; fix: say what the identity does and for whom',
  'environment: got "production"; expected one of prod, staging, dev, test, sandbox; fix: use one of these, or add it to "environments" in the gate config',
  "systemOfRecord: got nothing; expected where the identity is recorded: a ticket, CMDB id or URL (at least 3 characters); fix: set systemOfRecord",
  "retirement: got nothing; expected when the identity is retired: a condition or a date (at least 3 characters); fix: set retirement",
  "workload: got nothing; expected what runs as this identity: a service, pipeline or job (at least 2 characters); fix: set workload",
  'access.0.actions: got nothing; expected actions: a list of IAM actions such as ["s3:GetObject"]; fix: list the actions the statement allows',
  "permissionsBoundary: got nothing; expected a permissions boundary ARN; fix: set permissionsBoundary, or defaultPermissionsBoundary in the gate config",
  "trust.oidcProviderArn: got nothing; expected the ARN of the account's GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com); fix: set trust.oidcProviderArn, or defaultGithubOidcProviderArn / githubOidcProviderArns in the gate config",
  `recertifyBy: got "${inDays(400)}"; expected a date within 180 days (the recertification window); fix: choose an earlier date`,
];

describe("an invalid spec: the message names the identity, then one line per field (got / expected / fix)", () => {
  test("a newcomer's spec: every problem in one pass, shape and gate-config checks together, in spec order", () => {
    const e = rejection(newcomer);
    expect(e.message).toBe(["payments-deployer: invalid governed identity spec", ...NEWCOMER_LINES.map((l) => `  - ${l}`)].join("\n"));
    expect(e.subject).toBe("payments-deployer");
    expect(e.issues.map((i) => i.path)).toEqual(NEWCOMER_LINES.map((l) => l.slice(0, l.indexOf(":"))));
  });

  test("permissionsBoundary and trust are reported beside shape errors, not after them are fixed", () => {
    const e = rejection({ ...without("permissionsBoundary"), trust: undefined, owner: 42, credential: { kind: "ephemeral", maxSessionDuration: "PT12H" } });
    expect(e.issues.map((i) => i.path)).toEqual(["owner", "permissionsBoundary", "trust", "credential.maxSessionDuration"]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "github-oidc without an OIDC provider (and none in the gate config)",
      { trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main" } },
      "trust.oidcProviderArn: got nothing; expected the ARN of the account's GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com); fix: set trust.oidcProviderArn, or defaultGithubOidcProviderArn / githubOidcProviderArns in the gate config",
    ],
    [
      "aws-service without service",
      { trust: { kind: "aws-service" }, credential: { kind: "ephemeral" } },
      "trust.service: got nothing; expected the service principal such as lambda.amazonaws.com; fix: set trust.service",
    ],
    [
      "aws-role without roleArn",
      { trust: { kind: "aws-role" }, credential: { kind: "ephemeral" } },
      "trust.roleArn: got nothing; expected the ARN of the role allowed to assume this one (arn:aws:iam::<account>:role/<name>); fix: set trust.roleArn",
    ],
    [
      "eks-pod-identity without namespace",
      { trust: { kind: "eks-pod-identity", clusterName: "prod-eks", serviceAccount: "cart-api" } },
      "trust.namespace: got nothing; expected the Kubernetes namespace of the service account; fix: set trust.namespace",
    ],
    [
      "managed-secret without rotationLambdaArn",
      { trust: { kind: "aws-service", service: "ecs-tasks.amazonaws.com" }, credential: { kind: "managed-secret", rotation: "P30D" } },
      "credential.rotationLambdaArn: got nothing; expected the ARN of the Lambda function that rotates the secret (arn:aws:lambda:<region>:<account>:function:<name>); fix: set credential.rotationLambdaArn",
    ],
    [
      "a statement without actions",
      { access: [{ resources: ["arn:aws:s3:::acme-artifacts/*"] }] },
      'access.0.actions: got nothing; expected actions: a list of IAM actions such as ["s3:GetObject"]; fix: list the actions the statement allows',
    ],
    [
      "a trust that is not an object",
      { trust: "github" },
      'trust: got "github"; expected trust: { kind, ... } with kind one of github-oidc, aws-service, aws-role, eks-pod-identity; fix: declare who may assume the identity',
    ],
    [
      "an unknown trust kind",
      { trust: { kind: "saml" } },
      'trust.kind: got "saml"; expected trust.kind to be one of github-oidc, aws-service, aws-role, eks-pod-identity; fix: set trust.kind to one of these',
    ],
    [
      "static-key without ttl",
      { trust: undefined, credential: { kind: "static-key", rotation: "P30D" } },
      "credential.ttl: got nothing; expected the longest life of a key, an ISO 8601 duration such as P90D; fix: set credential.ttl",
    ],
  ])("a missing sub-field gets its own message: %s", (_label, change, line) => {
    expect(rejection({ ...validSpec(), ...change }).message).toBe(`payments-deployer: invalid governed identity spec\n  - ${line}`);
  });

  test("a spec that is not an object", () => {
    expect(rejection("hello").message).toBe(
      'GovernedIdentity: invalid governed identity spec\n  - (spec): got "hello"; expected a governed identity spec: an object with name, owner, purpose, environment, ... (see the spec table in the README); fix: pass the spec as an object',
    );
  });

  test("a field with two problems is one line", () => {
    const e = rejection(validSpec({ purpose: "a, b" }));
    expect(e.message).toBe(
      [
        "payments-deployer: invalid governed identity spec",
        '  - purpose: got "a, b"; expected at least 10 characters: what the identity is for, in words; fix: say what the identity does and for whom; also expected only characters AWS accepts in a tag value (letters, digits, spaces and _ . : / = + - @), since it becomes the nhi:purpose tag; fix: remove or replace the others',
      ].join("\n"),
    );
  });

  // Broken specs of many kinds: whatever is wrong, every line says what was expected and how to fix it, in our words.
  const broken: [string, unknown][] = [
    ["empty", {}],
    ["wrong types", { ...validSpec(), name: 42, owner: ["a"], access: "s3:*", credential: "federated", recertifyBy: 20260901, path: 3, emergency: { expires: "soon" } }],
    ["bad statement", { ...validSpec(), access: [{ sid: "a-b", effect: "Maybe", actions: [], resources: [""], conditions: { StringEquals: { k: 1 } } }] }],
    ["bad trusts", { ...validSpec(), trust: { kind: "github-oidc", repository: "acme", ref: "main", environment: "x:y", oidcProviderArn: "arn:aws:iam::1:role/x", account: "12" } }],
    ["bad reminder", { ...validSpec(), recertificationReminder: { snsTopicArn: "topic", daysBefore: 1.5 } }],
    ["bad credential", { ...validSpec(), trust: undefined, credential: { kind: "static-key", ttl: 90, rotation: "monthly" } }],
    ["null fields", { ...validSpec(), owner: null, trust: null, credential: { kind: null } }],
  ];
  test.each(broken)("every line has expected and fix, never zod's raw text: %s", (_label, input) => {
    const e = rejection(input);
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) {
      expect(i.message).toMatch(/^(expected .+; fix: .+|unknown field\(s\) .+; fix: .+)$/);
      expect(i.message).not.toMatch(/Invalid input|received undefined|Too small|Too big/);
    }
    // Each field once.
    expect(new Set(e.issues.map((i) => i.path)).size).toBe(e.issues.length);
    expect(e.message.split("\n").slice(1)).toEqual(e.issues.map((i) => `  - ${i.path}: ${i.received !== undefined ? `got ${i.received}; ` : ""}${i.message}`));
  });
});

describe("TODO: placeholders (what nhi-gate adopt leaves for a person) are never accepted", () => {
  test("each placeholder is named with its field, and reported instead of that field's other problems", () => {
    const e = rejection(
      validSpec({
        owner: "TODO: owner (tags suggest @acme/payments)",
        purpose: "TODO: what is this for?",
        systemOfRecord: "TODO:",
        trust: { kind: "github-oidc", repository: "acme/payments-api", ref: "refs/heads/main", oidcProviderArn: "TODO: the account's OIDC provider" },
        access: [{ actions: ["s3:GetObject"], resources: ["TODO: bucket ARN"] }],
      }),
    );
    const fix = (field: string) => `expected a real value, not a placeholder; fix: fill in ${field} (a TODO: value is left for a person to complete)`;
    expect(e.issues).toEqual<FieldIssue[]>([
      { path: "owner", received: '"TODO: owner (tags suggest @acme/payments)"', message: fix("owner") },
      { path: "purpose", received: '"TODO: what is this for?"', message: fix("purpose") },
      { path: "systemOfRecord", received: '"TODO:"', message: fix("systemOfRecord") },
      { path: "access.0.resources.0", received: '"TODO: bucket ARN"', message: fix("access.0.resources.0") },
      { path: "trust.oidcProviderArn", received: "\"TODO: the account's OIDC provider\"", message: fix("trust.oidcProviderArn") },
    ]);
    expect(e.message.split("\n")[0]).toBe("payments-deployer: invalid governed identity spec");
  });

  test("a placeholder that would otherwise pass validation is still rejected", () => {
    // "TODO: decommission with the API" is valid text for retirement: only the placeholder rule catches it.
    expect(rejection(validSpec({ retirement: "TODO: decommission with the API" })).message).toBe(
      'payments-deployer: invalid governed identity spec\n  - retirement: got "TODO: decommission with the API"; expected a real value, not a placeholder; fix: fill in retirement (a TODO: value is left for a person to complete)',
    );
    expect(() => parseSpec(validSpec({ retirement: "decommission with the API - TODO: date" }), { clock })).not.toThrow();
  });

  test("a placeholder name is not used as the subject", () => {
    expect(rejection(validSpec({ name: "TODO: name" })).subject).toBe("GovernedIdentity");
  });
});

describe("SpecValidationError prints as its message and stack", () => {
  // test/setup.ts may cut stacks for speed; these tests are about the stack.
  const limit = Error.stackTraceLimit;
  beforeAll(() => (Error.stackTraceLimit = 10));
  afterAll(() => (Error.stackTraceLimit = limit));
  test("subject and issues are for code, not enumerable, so inspect (what Node prints for an uncaught error) is the stack alone", () => {
    const e = rejection(newcomer);
    expect(Object.keys(e)).toEqual([]);
    expect(e.name).toBe("SpecValidationError");
    expect(e.issues).toHaveLength(NEWCOMER_LINES.length);
    expect(inspect(e)).toBe(e.stack);
    expect(e.stack?.startsWith(`SpecValidationError: ${e.message}\n    at `)).toBe(true);
  });

  test("uncaught in a CDKTF program run with node: Node's code frame, the message, the stack; nothing else", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-uncaught-"));
    const main = path.join(dir, "main.js");
    const req = (p: string) => `require(${JSON.stringify(path.join(root, p))})`;
    fs.writeFileSync(
      main,
      [
        `const { App, TerraformStack } = ${req("node_modules/cdktf")};`,
        `const { GovernedIdentity } = ${req("constructs/cdktf")};`,
        `const { fixedClock } = ${req("src/engine/clock.ts")};`,
        `const app = new App({ outdir: ${JSON.stringify(path.join(dir, "out"))} });`,
        `const stack = new TerraformStack(app, "payments");`,
        `new GovernedIdentity(stack, "deployer", { ...${JSON.stringify(newcomer)}, clock: fixedClock(${JSON.stringify(NOW.toISOString())}) });`,
        `app.synth();`,
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, ["-r", path.join(root, "scripts/register-ts.js"), main], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const [frame, body, footer, ...rest] = r.stderr.split("\n\n");
    expect(rest).toEqual([]);
    // Node's own code frame of the throw site (always printed for an uncaught error): where, the line, a caret.
    const frameLines = frame.split("\n");
    expect(frameLines).toHaveLength(3);
    expect(frameLines[0]).toBe(`${path.join(root, "constructs/cdktf/governed-identity.ts")}:${frameLines[0].split(":").pop()}`);
    // (the line as compiled: TypeScript's CommonJS output qualifies the import)
    expect(frameLines[1].trim()).toMatch(/^throw new (identity_1\.)?SpecValidationError\(this\.node\.path, \[\.\.\.issues, \.\.\.options\]\);$/);
    expect(frameLines[2].trim()).toBe("^");
    // The message, exactly, then only stack frames: no dump of issues or subject.
    const lines = body.split("\n");
    const message = ["SpecValidationError: payments/deployer: invalid governed identity spec", ...NEWCOMER_LINES.map((l) => `  - ${l}`)];
    expect(lines.slice(0, message.length)).toEqual(message);
    const stack = lines.slice(message.length);
    expect(stack.length).toBeGreaterThan(0);
    for (const l of stack) expect(l).toMatch(/^ {4}at /);
    expect(stack[0]).toMatch(/^ {4}at new GovernedIdentity \(/);
    expect(footer).toBe(`Node.js ${process.version}\n`);
  });
});

describe("valid specs still pass", () => {
  test("owners teams use, and the happy path of every field", () => {
    for (const owner of ["@acme/payments", "platform@acme.com", "team:payments", "Payments Team", "team-payments", "ab"]) {
      expect(parseSpec(validSpec({ owner }), { clock }).owner).toBe(owner);
    }
    const s: GovernedIdentitySpecInput = validSpec({ owner: "  Payments Team  " });
    expect(parseSpec(s, { clock }).owner).toBe("Payments Team");
  });
});
