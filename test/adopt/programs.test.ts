/**
 * The generated programs as programs: they type-check against nhi-governance's types (tsc,
 * strict), their compiled JavaScript runs with node and synthesizes to ./cdktf.out (CDKTF and
 * CDK Terrain, reading the gate config by its relative path), and the Pulumi program, run under
 * mocks, registers every child with its `import` id, which the engine finds governed. The Pulumi
 * input is a stack export of a hand-written program (a role with an admin attachment, a user with
 * a key), recorded as `pulumi stack export` shows it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { User } from "@pulumi/aws/iam/user";
import { AccessKey } from "@pulumi/aws/iam/accessKey";
import { fromPulumiResources } from "../../src/adapters/pulumi";
import { fromStackExport } from "../../src/adapters/pulumi-export";
import { synthToResources } from "../../src/adapters/cdktf-synth";
import { stateToInput } from "../../src/adapters/terraform-state";
import { readJson } from "../../src/adapters/input";
import { adopt } from "../../src/adopt";
import { evaluate } from "../../src/engine/evaluate";
import { resolveConfig } from "../../src/spec/config";
import { clock, NOW } from "../helpers";
import { recorder } from "../pulumi-component/build";
import { fillPlaceholders, programDir, ROOT, runNode, stateOfPlan } from "./fixtures";
import { GOVERNANCE_RULES } from "./compare";

jest.setTimeout(240_000);
const RUNNER_PLAN = "/work/shared/corpus/terraform-plans/bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-adopt-programs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const gateConfig = { defaultPermissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary" };
const config = resolveConfig(gateConfig);
const SOURCES: Record<string, string> = {
  "nhi-governance": "src/index.ts",
  "nhi-governance/cdktf": "constructs/cdktf/index.ts",
  "nhi-governance/cdktn": "constructs/cdktn/index.ts",
  "nhi-governance/pulumi": "constructs/pulumi/index.ts",
};

/** The programs of one input, filled in, each in its own directory beside the gate config. */
function writePrograms(): Record<"cdktf" | "cdktn" | "pulumi", string> {
  fs.writeFileSync(path.join(tmp, "nhi-governance.config.json"), JSON.stringify(gateConfig));
  const state = stateOfPlan(readJson(fs.existsSync(RUNNER_PLAN) ? RUNNER_PLAN : path.join(ROOT, "examples/plans/iam-policies.tfplan.json")).value);
  const input = stateToInput(state, "state.json");
  const out = {} as Record<"cdktf" | "cdktn" | "pulumi", string>;
  for (const format of ["cdktf", "cdktn", "pulumi"] as const) {
    const dir = programDir(path.join(tmp, format));
    const { files } = adopt(input, format, { config, clock, region: "eu-west-1", stack: "adopted-identities", configPath: "../nhi-governance.config.json" });
    const file = path.join(dir, format === "pulumi" ? "index.ts" : "main.ts");
    fs.writeFileSync(file, fillPlaceholders(files[path.basename(file)]));
    out[format] = file;
  }
  return out;
}

describe("the generated programs", () => {
  const programs = writePrograms();

  test("type-check (tsc --strict) against nhi-governance's types", () => {
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
        typeRoots: [path.join(ROOT, "node_modules/@types")],
        baseUrl: ROOT,
        paths: Object.fromEntries(Object.entries(SOURCES).map(([k, v]) => [k, [v]])),
      },
      files: Object.values(programs),
    };
    fs.writeFileSync(path.join(tmp, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(tmp, "tsconfig.json")], { encoding: "utf8", cwd: tmp });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  test.each(["cdktf", "cdktn"] as const)("%s: node runs the compiled main.js, which synthesizes to ./cdktf.out; the gates find it governed", async (format) => {
    const file = programs[format];
    const js = ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    fs.writeFileSync(file.replace(/\.ts$/, ".js"), js);
    const run = await runNode(["main.js"], path.dirname(file));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(path.dirname(file), "cdktf.out/stacks/adopted-identities/cdk.tf.json"), "utf8"));
    expect(tf.import.length).toBeGreaterThanOrEqual(4);
    const report = evaluate({ resources: synthToResources(tf, "cdk.tf.json"), scope: "all" }, { config, clock });
    expect(report.resources.filter((r) => r.governed !== "governed").map((r) => r.address)).toEqual([]);
    expect(report.findings.filter((f) => GOVERNANCE_RULES.includes(f.ruleId))).toEqual([]);
    // The config's default boundary was used: the roles had none, and the spec names none.
    expect(Object.values(tf.resource.aws_iam_role as Record<string, { permissions_boundary: string }>).map((r) => r.permissions_boundary)).toEqual(expect.arrayContaining([gateConfig.defaultPermissionsBoundary]));
  });
});

describe("adopt on a Pulumi stack export, and the Pulumi program it writes", () => {
  const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

  /** A hand-written Pulumi program's resources as `pulumi stack export` writes them (inputs, and the provider's outputs). */
  async function handWrittenExport() {
    recorder.reset();
    const role = new Role("deployer", { name: "deployer", assumeRolePolicy: TRUST, tags: { Team: "payments" } });
    new RolePolicyAttachment("deployer-admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const user = new User("ci", { name: "ci" });
    new AccessKey("ci-key", { user: user.name });
    await recorder.settle();
    const outputs = (r: (typeof recorder.resources)[number]) => {
      const base: Record<string, unknown> = { ...r.props, id: r.type.endsWith("AccessKey") ? "AKIAIOSFODNN7EXAMPLE" : r.props.name ?? `${r.name}-id` };
      if (r.type === "aws:iam/role:Role") Object.assign(base, { arn: "arn:aws:iam::123456789012:role/deployer", path: "/", maxSessionDuration: 3600, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] });
      if (r.type === "aws:iam/user:User") Object.assign(base, { arn: "arn:aws:iam::123456789012:user/ci", path: "/" });
      if (r.type.endsWith("RolePolicyAttachment")) base.role = "deployer";
      if (r.type.endsWith("AccessKey")) base.user = "ci";
      return base;
    };
    return {
      version: 3,
      deployment: {
        resources: [
          { urn: "urn:pulumi:stack::project::pulumi:pulumi:Stack::project-stack", type: "pulumi:pulumi:Stack", custom: false },
          ...recorder.resources.map((r) => ({ urn: r.urn, type: r.type, custom: true, inputs: r.props, outputs: outputs(r), ...(r.parent ? { parent: r.parent } : {}) })),
        ],
      },
    };
  }

  test("the program imports the role and the user's key, keeps the role's tags, and the engine finds every child governed", async () => {
    const exported = await handWrittenExport();
    const input = fromStackExport(exported, { file: "stack.json" });
    const { files, adoption } = adopt(input, "pulumi", { config, clock, region: "eu-west-1", stack: "s", configPath: "nhi-governance.config.json" });
    expect(adoption.identities.map((i) => [i.id, i.adopt])).toEqual([
      ["ci", { principal: "ci", accessKey: "AKIAIOSFODNN7EXAMPLE" }],
      ["deployer", { principal: "deployer" }],
    ]);
    expect(files["forget-pulumi.sh"].split("\n").filter((l) => l.startsWith("pulumi state delete")).map((l) => l.split("::").pop())).toEqual(["ci-key'", "deployer'", "deployer-admin'", "ci'"]);
    // What AdministratorAccess grants becomes the role's access: the wide grant stays visible.
    expect(adoption.identities[1].spec.access).toEqual([{ actions: ["*"], resources: ["*"] }]);
    // The program, its imports pointed at this checkout's sources, run under the recording mocks.
    let program = fillPlaceholders(files["index.ts"]);
    for (const [spec, file] of Object.entries(SOURCES)) program = program.replaceAll(`from "${spec}"`, `from ${JSON.stringify(path.join(ROOT, file))}`);
    const js = path.join(tmp, "pulumi-program.js");
    fs.writeFileSync(js, ts.transpileModule(program, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    recorder.reset();
    // The component checks dates against the system clock, as users run it: here, the tests' clock.
    jest.useFakeTimers({ now: NOW, doNotFake: ["hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame", "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    try {
      require(js);
    } finally {
      jest.useRealTimers();
    }
    await recorder.settle();
    const imports = recorder.resources.filter((r) => r.importId).map((r) => `${r.type} ${r.importId}`);
    expect(imports.sort()).toEqual(["aws:iam/accessKey:AccessKey AKIAIOSFODNN7EXAMPLE", "aws:iam/role:Role deployer", "aws:iam/user:User ci"]);
    expect(recorder.resources.find((r) => r.type === "aws:iam/role:Role")?.props).toMatchObject({ name: "deployer", path: "/", tags: { Team: "payments" } });
    const rows = recorder.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies }));
    const report = evaluate({ ...fromPulumiResources(rows, { action: "create" }), scope: "all" }, { config, clock });
    expect(report.resources.filter((r) => r.governed !== "governed").map((r) => r.address)).toEqual([]);
    expect(report.findings.filter((f) => GOVERNANCE_RULES.includes(f.ruleId))).toEqual([]);
    // The substance the role had (every action) is still reported, on the governed policy.
    expect(report.findings.some((f) => f.ruleId === "NHI-GOV-005" && f.address.includes("rolePolicy:RolePolicy"))).toBe(true);
  });
});
