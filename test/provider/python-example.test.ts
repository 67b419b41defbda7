import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "python-governed", "__main__.py");
const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
const hasPython = python.status === 0;
if (!hasPython) console.warn("test/provider/python-example.test.ts: python3 not found, skipping the Python example checks (install Python 3 to run them)");
const maybe = hasPython ? describe : describe.skip;

/** Python SDK naming: camelCase property -> snake_case keyword; enum member name -> UPPER_SNAKE. */
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const upperSnake = (s: string) => snake(s).toUpperCase();

interface Schema {
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
  types: Record<string, { properties?: Record<string, unknown>; required?: string[]; enum?: { name: string }[] }>;
}

maybe("examples/python-governed (not run here: no Pulumi CLI)", () => {
  test("compiles with python3 -m py_compile", () => {
    // Keep the bytecode out of the work tree.
    const r = spawnSync("python3", ["-m", "py_compile", EXAMPLE], { encoding: "utf8", env: { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), "pyc-")) } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  });

  test("uses only classes, keyword arguments and enum members the provider's schema generates", () => {
    const schema: Schema = JSON.parse(readFileSync(join(ROOT, "provider", "schema.json"), "utf8"));
    const r = spawnSync("python3", [join(__dirname, "python-sdk-calls.py"), EXAMPLE], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const used: { calls: { path: string[]; keywords: string[]; positional: number; line: number }[]; enums: { path: string[]; line: number }[] } = JSON.parse(r.stdout);
    expect(used.calls.length).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const call of used.calls) {
      const [module, cls] = call.path;
      const where = `line ${call.line}: nhi.${call.path.join(".")}`;
      if (module !== "aws" || call.path.length !== 2) {
        problems.push(`${where}: not a class of the aws module`);
        continue;
      }
      let props: string[];
      let required: string[];
      const resource = schema.resources[`nhi-governance:aws:${cls}`];
      const type = cls.endsWith("Args") ? schema.types[`nhi-governance:aws:${cls.slice(0, -4)}`] : undefined;
      if (resource) {
        props = [...Object.keys(resource.inputProperties), "opts"];
        required = (resource as unknown as { requiredInputs: string[] }).requiredInputs;
        if (call.positional !== 1) problems.push(`${where}: expected the resource name as the one positional argument`);
      } else if (type?.properties) {
        props = Object.keys(type.properties);
        required = type.required ?? [];
      } else {
        problems.push(`${where}: the schema generates no such class`);
        continue;
      }
      const allowed = new Map(props.map((p) => [snake(p), p]));
      for (const k of call.keywords) if (!allowed.has(k)) problems.push(`${where}: no keyword ${k} (has ${[...allowed.keys()].join(", ")})`);
      for (const req of required) if (!call.keywords.includes(snake(req))) problems.push(`${where}: missing required ${snake(req)}`);
    }
    for (const e of used.enums) {
      const [module, name, member] = e.path;
      const t = schema.types[`nhi-governance:${module}:${name}`];
      if (!t?.enum) problems.push(`line ${e.line}: nhi.${e.path.join(".")}: no enum ${name}`);
      else if (!t.enum.some((m) => upperSnake(m.name) === member)) problems.push(`line ${e.line}: ${name} has no member ${member} (has ${t.enum.map((m) => upperSnake(m.name)).join(", ")})`);
    }
    expect(problems).toEqual([]);
    expect(used.enums.length).toBeGreaterThanOrEqual(4);
  });
});
