import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { governedChanges, plan } from "../fixtures/plans/builder";
import { spec } from "../helpers";

const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "bin/nhi-gate.js");
const CORPUS = path.resolve(root, "../shared/corpus/terraform-plans");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bin-"));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

/** The real bin, as a pipeline runs it. */
function gate(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1", CI: "true", NHI_GATE_FROM_SOURCE: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, exactly one line on stderr, naming the file, no stack trace, nothing on stdout. */
function expectOneLineError(r: ReturnType<typeof gate>, expected: string) {
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: `nhi-gate: ${expected}\n`, stdout: "" });
}

const g = governedChanges(renderIdentity(spec(), resolveConfig({})));
const governedPlan = write("governed.json", JSON.stringify(plan(g.changes, { resources: g.config })));

describe("nhi-gate bin: bad input exits 2 with one line", () => {
  it.each([
    ["malformed JSON", "malformed.json", '{"format_version": "1.2", "resource_changes": [}', "malformed.json: invalid JSON syntax at byte offset 47"],
    ["an empty file", "empty.json", "", "empty.json: empty file, expected JSON"],
    ["a truncated file", "truncated.json", JSON.stringify(plan(g.changes)).slice(0, 200), "truncated.json: unexpected end of JSON (truncated file?) at byte offset 200"],
    ["a wrong shape", "shape.json", JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "aws_iam_role.r", type: "aws_iam_role", mode: "managed" }] }), "shape.json: not a Terraform plan: resource_changes.0: change: Invalid input: expected object, received undefined"],
    ["a future format", "future.json", JSON.stringify({ format_version: "2.0", resource_changes: [] }), "future.json: unsupported format_version 2.0: this gate reads Terraform JSON formats 0.x and 1.x; a new major may change meanings, so it is refused rather than read best-effort (upgrade nhi-governance)"],
  ])("%s", (_, name, content, expected) => {
    write(name, content);
    expectOneLineError(gate(["plan", name]), expected);
  });

  it("a directory instead of a file", () => {
    fs.mkdirSync(path.join(dir, "adir"), { recursive: true });
    expectOneLineError(gate(["plan", "adir"]), "adir: is a directory, expected a file");
  });

  it("a missing file", () => {
    expectOneLineError(gate(["plan", "nope.json"]), "nope.json: no such file");
  });

  it("usage errors: unknown option, bad --fail-on, bad --now, bad config field", () => {
    expectOneLineError(gate(["plan", "governed.json", "--bogus"]), "unknown option '--bogus' (see nhi-gate --help)");
    expectOneLineError(gate(["plan", "governed.json", "--fail-on", "severe"]), "--fail-on severe: expected one of info, low, medium, high, critical");
    expectOneLineError(gate(["plan", "governed.json", "--now", "yesterday"]), "--now yesterday: expected a date YYYY-MM-DD or an ISO 8601 time");
    write("bad-config.yaml", "failOn: severe\nmaxCredentialTtl: P90D\n");
    expectOneLineError(gate(["plan", "governed.json", "--config", "bad-config.yaml"]), 'bad-config.yaml: not a valid nhi-gate config: failOn: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical"');
  });
});

describe("nhi-gate bin: results", () => {
  it("exits 0 on a plan of governed identities, 1 on the corpus plan with findings", () => {
    const pass = gate(["plan", "governed.json", "--now", "2026-06-01"]);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/^nhi-gate PASS: 0 findings on 2 identity resources \(2 governed, 0 ungoverned, 0 unverifiable\); fails on high and above; evaluated at 2026-06-01T00:00:00.000Z\n$/);
    const fail = gate(["plan", path.join(CORPUS, "bridgecrewio__checkov__tests__terraform__runner__resources__plan_with_utf_16_encoding__tfplan.json"), "--format", "json"]);
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.stdout).resources.map((r: { address: string }) => r.address)).toEqual(["aws_iam_role_policy.fail_1"]);
  });

  it("reads stdin with -, and writes several formats to their files", () => {
    const r = gate(["plan", "-", "--now", "2026-06-01", "--output", "report.sarif", "--format", "sarif", "--format", "json", "--output", "report.json"], fs.readFileSync(governedPlan, "utf8"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^nhi-gate PASS: /);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "report.sarif"), "utf8")).version).toBe("2.1.0");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")).sources).toEqual(["stdin"]);
  });

  it("refuses to write through a symbolic link", () => {
    const target = write("target.txt", "keep");
    fs.symlinkSync(target, path.join(dir, "link.json"));
    expectOneLineError(gate(["plan", "governed.json", "--output", "link.json"]), "--output link.json: is a symbolic link; refusing to write through it (name the real file, or remove the link)");
    expect(fs.readFileSync(target, "utf8")).toBe("keep");
  });
});

describe("nhi-gate bin: which CLI it runs", () => {
  // A layout like the package's, with stand-ins that say which one ran.
  const pkg = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-bin-layout-"));
  const put = (rel: string, text: string) => {
    const p = path.join(pkg, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
  const layoutBin = put("bin/nhi-gate.js", fs.readFileSync(bin, "utf8"));
  put("bin/newest-source.js", fs.readFileSync(path.join(root, "bin/newest-source.js"), "utf8"));
  put("bin/code-cache.js", fs.readFileSync(path.join(root, "bin/code-cache.js"), "utf8"));
  const built = put("dist/src/cli/main.js", 'exports.main = async () => { process.stdout.write("built\\n"); return 0; };\n');
  const source = put("src/cli/main.ts", 'exports.main = async () => { process.stdout.write("source\\n"); return 0; };\n');
  put("scripts/register-ts.js", 'require.extensions[".ts"] = (m, f) => m._compile(require("fs").readFileSync(f, "utf8"), f);\n');
  const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);
  const run = (env: Record<string, string> = {}) => {
    const e: Record<string, string | undefined> = { ...process.env, ...env };
    if (!("NHI_GATE_FROM_SOURCE" in env)) delete e.NHI_GATE_FROM_SOURCE;
    return spawnSync(process.execPath, [layoutBin], { encoding: "utf8", env: e }).stdout.trim();
  };

  it("runs dist/ when it is at least as new as every source", () => {
    at(source, 1_000_000);
    at(built, 2_000_000);
    expect(run()).toBe("built");
  });

  it("runs the sources when one of them is newer than dist/ (an edit or a pull after the last build)", () => {
    at(built, 2_000_000);
    at(source, 3_000_000);
    expect(run()).toBe("source");
  });

  it("runs the sources when there is no dist/, or when NHI_GATE_FROM_SOURCE=1", () => {
    at(source, 1_000_000);
    at(built, 2_000_000);
    expect(run({ NHI_GATE_FROM_SOURCE: "1" })).toBe("source");
    fs.renameSync(built, `${built}.off`);
    try {
      expect(run()).toBe("source");
    } finally {
      fs.renameSync(`${built}.off`, built);
    }
  });

  describe("with the bundle (dist/bin/nhi-gate.js)", () => {
    const bundle = path.join(pkg, "dist/bin/nhi-gate.js");
    beforeAll(() => put("dist/bin/nhi-gate.js", 'exports.main = async () => { process.stdout.write("bundle\\n"); return 0; };\n'));
    afterAll(() => fs.rmSync(path.join(pkg, "dist/bin"), { recursive: true, force: true }));

    it("runs the bundle first when it is at least as new as every source, through the code cache", () => {
      at(source, 1_000_000);
      at(built, 2_000_000);
      at(bundle, 2_000_000);
      expect(run({ NHI_GATE_CODE_CACHE: path.join(pkg, "cache") })).toBe("bundle");
      expect(fs.readdirSync(path.join(pkg, "cache")).filter((f) => f.endsWith(".v8cache"))).toHaveLength(1);
      expect(run({ NHI_GATE_CODE_CACHE: "off" })).toBe("bundle");
    });

    it("a bundle older than a source is not run: dist/src when it is fresh, else the sources", () => {
      at(bundle, 2_000_000);
      at(source, 3_000_000);
      at(built, 4_000_000);
      expect(run()).toBe("built");
      at(built, 2_000_000);
      expect(run()).toBe("source");
      expect(run({ NHI_GATE_FROM_SOURCE: "1" })).toBe("source");
    });

    it("runs the bundle in an installed package, which ships no sources", () => {
      at(bundle, 1);
      fs.renameSync(path.join(pkg, "src"), path.join(pkg, "src.off"));
      try {
        expect(run()).toBe("bundle");
      } finally {
        fs.renameSync(path.join(pkg, "src.off"), path.join(pkg, "src"));
      }
    });
  });

  it("runs dist/ in an installed package, which ships no sources", () => {
    at(built, 2_000_000);
    fs.renameSync(path.join(pkg, "src"), path.join(pkg, "src.off"));
    try {
      expect(run()).toBe("built");
    } finally {
      fs.renameSync(path.join(pkg, "src.off"), path.join(pkg, "src"));
    }
  });
});
