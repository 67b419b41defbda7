import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { CredentialSchema, GovernedIdentitySpecShape, StatementSchema, TrustSchema } from "../../src/spec/identity";
import { CtyType } from "../../terraform-provider/cty";
import { RESULT_TYPE } from "../../terraform-provider/identity";
import { PROVIDER_ADDRESS } from "../../src/cli/terraform-provider-layout";
import { MAPPED_TYPES } from "../../constructs/cdktf/provider";
import { ROOT } from "./harness";

/*
 * The module's HCL, parsed with an HCL parser (@cdktf/hcl2json, the one cdktf ships), checked
 * against the spec schema and the function's result type: a field added to the spec or the
 * result without the module following fails here.
 */

const MODULE = path.join(ROOT, "modules", "governed-identity-aws");
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const OPTIONS = ["gate_config", "now", "reminder_role_arn"];

type Hcl = Record<string, any>;

function tfFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tfFiles(path.join(dir, e.name)) : e.name.endsWith(".tf") ? [path.join(dir, e.name)] : []));
}

const parsed = new Map<string, Hcl>();
beforeAll(() => {
  // hcl2json runs HCL's Go parser as WebAssembly, whose runtime keeps its process alive: parse in
  // a child process that exits, not in the test worker.
  const files = tfFiles(MODULE);
  const script = `const { parse } = require("@cdktf/hcl2json"); const fs = require("fs");
    (async () => { const out = {}; for (const f of ${JSON.stringify(files)}) out[f] = await parse(require("path").basename(f), fs.readFileSync(f, "utf8"));
      process.stdout.write(JSON.stringify(out), () => process.exit(0)); })().catch((e) => { console.error(e.message); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`hcl2json failed: ${r.stderr}`);
  for (const [f, json] of Object.entries(JSON.parse(r.stdout) as Record<string, Hcl>)) parsed.set(path.relative(MODULE, f), json);
}, 60_000);

const hcl = (rel: string) => {
  const v = parsed.get(rel);
  if (!v) throw new Error(`${rel} not parsed`);
  return v;
};
const variables = () => Object.fromEntries(Object.entries(hcl("variables.tf").variable as Record<string, Hcl[]>).map(([k, v]) => [k, v[0]]));
/** The attribute names of an object({...}) type expression. */
const objectFields = (typeExpr: string) => [...typeExpr.matchAll(/^\s*([a-z_]+)\s*=/gm)].map((m) => m[1]).sort();
const zodShapeKeys = (s: unknown) => Object.keys((s as { shape: Record<string, unknown> }).shape);
const optionsOf = (union: unknown) => ((union as { options: unknown[] }).options ?? (union as { _zod: { def: { options: unknown[] } } })._zod.def.options);

describe("modules/governed-identity-aws: registry layout, parsed as HCL", () => {
  test("the registry layout: main.tf, variables.tf, outputs.tf, versions.tf, README.md, an example; every .tf file parses", () => {
    for (const f of ["main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples/complete/main.tf", "examples/complete/README.md"]) expect(fs.existsSync(path.join(MODULE, f))).toBe(true);
    expect([...parsed.keys()].sort()).toEqual(["examples/complete/main.tf", "examples/complete/outputs.tf", "examples/complete/variables.tf", "main.tf", "outputs.tf", "variables.tf", "versions.tf"]);
  });

  test("one variable per spec field (snake_case), required exactly when the spec field is, plus the function's options", () => {
    const vars = variables();
    const specFields = Object.keys(GovernedIdentitySpecShape.shape);
    expect(Object.keys(vars).sort()).toEqual([...specFields.map(snake), ...OPTIONS].sort());
    for (const field of specFields) {
      const optional = GovernedIdentitySpecShape.shape[field as keyof typeof GovernedIdentitySpecShape.shape].safeParse(undefined).success;
      const v = vars[snake(field)];
      expect([field, "default" in v]).toEqual([field, optional]);
      if (optional) expect([field, v.default]).toEqual([field, null]); // the function applies the spec's own defaults
      expect(v.description?.length).toBeGreaterThan(10);
      expect(typeof v.type).toBe("string");
    }
    for (const o of OPTIONS) expect(vars[o].default).toBeNull();
  });

  test("the object variables carry every field of every kind: trust, credential, access statements, emergency, reminder", () => {
    const vars = variables();
    const fieldsOfUnion = (u: unknown) => [...new Set(optionsOf(u).flatMap((o) => zodShapeKeys(o).map(snake)))].sort();
    expect(objectFields(vars.trust.type)).toEqual(fieldsOfUnion(TrustSchema));
    expect(objectFields(vars.credential.type)).toEqual(fieldsOfUnion(CredentialSchema));
    expect(objectFields(vars.access.type)).toEqual(zodShapeKeys(StatementSchema).map(snake).sort());
    const shape = GovernedIdentitySpecShape.shape as Record<string, any>;
    const inner = (k: string) => zodShapeKeys(shape[k]._zod.def.innerType).map(snake).sort();
    expect(objectFields(vars.emergency.type)).toEqual(inner("emergency"));
    expect(objectFields(vars.recertification_reminder.type)).toEqual(inner("recertificationReminder"));
  });

  test("main.tf passes every spec field through as is, and the options, to provider::nhi::identity", () => {
    const locals = Object.assign({}, ...(hcl("main.tf").locals as Hcl[]));
    expect(locals.spec).toEqual(Object.fromEntries(Object.keys(GovernedIdentitySpecShape.shape).map((k) => [snake(k), `\${var.${snake(k)}}`])));
    expect(locals.identity).toMatch(/^\$\{provider::nhi::identity\(local\.spec, \{/);
    for (const o of OPTIONS) expect(locals.identity).toContain(`var.${o}`);
    expect(locals.identity).toContain("plantimestamp()");
  });

  test("every attribute of the function's result the HCL reads exists in its return type", () => {
    const attrs = (t: CtyType) => (Array.isArray(t) && t[0] === "object" ? (t[1] as Record<string, CtyType>) : undefined);
    const root = attrs(RESULT_TYPE) as Record<string, CtyType>;
    const aliases: Record<string, string[]> = { identity: [], principal: ["principal"], credential: ["credential"], reminder: ["reminder"] };
    const text = ["main.tf", "outputs.tf"].map((f) => fs.readFileSync(path.join(MODULE, f), "utf8")).join("\n");
    const refs = [...text.matchAll(/local\.(identity|principal|credential|reminder)((?:\.[a-z_]+)*)/g)];
    expect(refs.length).toBeGreaterThan(25);
    for (const [whole, alias, rest] of refs) {
      let t: CtyType | undefined = ["object", root];
      for (const seg of [...aliases[alias], ...rest.split(".").filter(Boolean)]) {
        const a = attrs(t as CtyType);
        expect([whole, a && seg in a]).toEqual([whole, true]);
        t = a?.[seg];
      }
    }
  });

  test("outputs: each described; the seal, tags, policy and ARNs a caller needs", () => {
    const outputs = hcl("outputs.tf").output as Record<string, Hcl[]>;
    for (const [name, [o]] of Object.entries(outputs)) expect([name, (o.description ?? "").length > 10]).toEqual([name, true]);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(["identity", "seal", "tags", "policy_json", "arn", "role_arn", "user_arn", "secret_arn", "access_expires_at"]));
  });

  test("the resources per credential kind are the CDKTF construct's, with terraform_data in place of time_rotating", () => {
    const resources = Object.keys(hcl("main.tf").resource as Record<string, unknown>).sort();
    // The exclusive-management resources are the construct's for adopted identities (`adopt`, nhi-gate adopt), which the module does not take over.
    const constructTypes = Object.entries(MAPPED_TYPES)
      .filter(([k, t]) => t !== "time_rotating" && !k.endsWith("Exclusive"))
      .map(([, t]) => t);
    expect(resources).toEqual([...constructTypes, "terraform_data"].sort());
    const key = (hcl("main.tf").resource.aws_iam_access_key as Hcl).this[0];
    expect(key.lifecycle[0].replace_triggered_by).toEqual(["${terraform_data.key_rotation[count.index]}"]);
    expect((hcl("main.tf").resource.terraform_data as Hcl).key_rotation[0].triggers_replace).toBe("${local.credential.rotation_window}");
  });

  test("versions: Terraform >= 1.8 (provider functions) and the provider source the mirror is written for, in the module and its example", () => {
    const tf = (hcl("versions.tf").terraform as Hcl[])[0];
    expect(tf.required_version).toBe(">= 1.8.0");
    expect(tf.required_providers[0].nhi.source).toBe(PROVIDER_ADDRESS);
    const example = (hcl("examples/complete/main.tf").terraform as Hcl[])[0];
    expect(example.required_providers[0].nhi.source).toBe(PROVIDER_ADDRESS);
    const modules = hcl("examples/complete/main.tf").module as Record<string, Hcl[]>;
    const kinds = Object.values(modules).map(([m]) => `${m.credential.kind}/${m.trust?.kind ?? "none"}`);
    expect(new Set(kinds.map((k) => k.split("/")[0]))).toEqual(new Set(["federated", "ephemeral", "managed-secret", "static-key"]));
    expect(new Set(kinds.map((k) => k.split("/")[1]))).toEqual(new Set(["github-oidc", "aws-service", "aws-role", "eks-pod-identity", "none"]));
  });
});
