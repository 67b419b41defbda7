import { readFileSync } from "fs";
import { z } from "zod";
import { GateConfigSchema } from "../../src/spec/config";
import { CREDENTIAL_KINDS, CredentialSchema, GovernedIdentitySpecShape, StatementSchema, TRUST_KINDS, TrustSchema } from "../../src/spec/identity";
import { GOVERNED_IDENTITY_TYPE } from "../../src/render/aws";
import { publishedToken } from "../../provider/provider";
import { SCHEMA_FILE, schemaFileText } from "../../provider/generate-schema";

interface Prop {
  type?: string;
  $ref?: string;
  description?: string;
  items?: Prop;
  enum?: { name: string; value: string }[];
}
interface ObjectType {
  type: string;
  properties: Record<string, Prop>;
  required: string[];
  enum?: { name: string; value: string }[];
}
interface Schema {
  name: string;
  resources: Record<string, { isComponent: boolean; description: string; inputProperties: Record<string, Prop>; requiredInputs: string[]; properties: Record<string, Prop>; required: string[] }>;
  types: Record<string, ObjectType>;
}

let text: string;
let schema: Schema;
beforeAll(async () => {
  text = await schemaFileText();
  schema = JSON.parse(text);
});

const type = (name: string): ObjectType => {
  const t = schema.types[`nhi-governance:aws:${name}`];
  if (!t) throw new Error(`schema has no type nhi-governance:aws:${name}; it has ${Object.keys(schema.types).join(", ")}`);
  return t;
};
const keysOfUnion = (u: { options: readonly { shape: Record<string, unknown> }[] }) => [...new Set(u.options.flatMap((o) => Object.keys(o.shape)))].sort();
const requiredOf = (shape: Record<string, z.ZodType>) => Object.entries(shape).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k).sort();

describe("the component provider's schema (inferred from GovernedIdentityArgs)", () => {
  test("publishes the component under the TypeScript component's type token", () => {
    expect(schema.name).toBe("nhi-governance");
    expect(Object.keys(schema.resources)).toEqual([GOVERNED_IDENTITY_TYPE]);
    const r = schema.resources[GOVERNED_IDENTITY_TYPE];
    expect(r.isComponent).toBe(true);
    expect(r.description).toMatch(/^A governed non-human identity on AWS/);
    expect(Object.keys(schema.types).every((t) => t.startsWith("nhi-governance:aws:"))).toBe(true);
    expect(text).not.toContain(":index:");
  });

  test("every spec field is an input with a description; the spec's required fields are required", () => {
    const r = schema.resources[GOVERNED_IDENTITY_TYPE];
    const specFields = Object.keys(GovernedIdentitySpecShape.shape).sort();
    expect(Object.keys(r.inputProperties).sort()).toEqual([...specFields, "adopt", "config", "reminderRoleArn"].sort());
    for (const [name, prop] of Object.entries(r.inputProperties)) expect({ name, description: prop.description }).toEqual({ name, description: expect.stringMatching(/\w{3,}/) });
    expect(r.requiredInputs).toEqual(requiredOf(GovernedIdentitySpecShape.shape as unknown as Record<string, z.ZodType>));
    expect(r.requiredInputs).toEqual(["access", "credential", "environment", "name", "owner", "purpose", "recertifyBy", "retirement", "systemOfRecord", "workload"]);
  });

  test("trust, credential and statements are flat objects with every field of every kind, each described", () => {
    const cases: [string, string[], string[]][] = [
      ["Trust", keysOfUnion(TrustSchema as never), ["kind"]],
      ["Credential", keysOfUnion(CredentialSchema as never), ["kind"]],
      ["Statement", Object.keys(StatementSchema.shape).sort(), ["actions", "resources"]],
      ["GateConfig", Object.keys(GateConfigSchema.shape).sort(), []],
    ];
    for (const [name, fields, required] of cases) {
      const t = type(name);
      expect({ name, fields: Object.keys(t.properties).sort(), required: t.required }).toEqual({ name, fields, required });
      for (const [field, prop] of Object.entries(t.properties)) expect({ field: `${name}.${field}`, description: prop.description }).toEqual({ field: `${name}.${field}`, description: expect.stringMatching(/\w{3,}/) });
    }
    expect(type("Emergency").required).toEqual(["expires", "ticket"]);
    expect(type("RecertificationReminder").required).toEqual(["snsTopicArn"]);
  });

  test("credential and trust kinds, statement effect and severities are enums", () => {
    expect(type("Credential").properties.kind.$ref).toBe("#/types/nhi-governance:aws:CredentialKind");
    expect(type("Trust").properties.kind.$ref).toBe("#/types/nhi-governance:aws:TrustKind");
    expect(type("CredentialKind").enum?.map((m) => m.value)).toEqual([...CREDENTIAL_KINDS]);
    expect(type("TrustKind").enum?.map((m) => m.value)).toEqual([...TRUST_KINDS]);
    expect(type("Effect").enum?.map((m) => m.value)).toEqual(["Allow", "Deny"]);
    expect(type("Severity").enum?.map((m) => m.value)).toEqual(["info", "low", "medium", "high", "critical"]);
    expect(type("GateConfig").properties.failOn.$ref).toBe("#/types/nhi-governance:aws:Severity");
  });

  test("outputs: principal name and seal always, role/user/secret ARNs when the kind has them", () => {
    const r = schema.resources[GOVERNED_IDENTITY_TYPE];
    expect(Object.keys(r.properties).sort()).toEqual(["principalName", "roleArn", "seal", "secretArn", "userArn"]);
    expect(r.required).toEqual(["principalName", "seal"]);
  });

  test("every $ref points at a type the schema defines", () => {
    const refs = [...text.matchAll(/"\$ref": "#\/types\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(Object.keys(schema.types)).toContain(ref);
  });

  test("token mapping: inferred index-module names -> the aws module, without the Args suffix", () => {
    expect(publishedToken("nhi-governance:index:TrustArgs")).toBe("nhi-governance:aws:Trust");
    expect(publishedToken("nhi-governance:index:GovernedIdentity")).toBe("nhi-governance:aws:GovernedIdentity");
    expect(publishedToken("nhi-governance:index:TrustKind")).toBe("nhi-governance:aws:TrustKind");
    expect(publishedToken("aws:iam/role:Role")).toBe("aws:iam/role:Role");
  });

  test("provider/schema.json is the schema the provider infers now", () => {
    const checkedIn = readFileSync(SCHEMA_FILE, "utf8");
    if (checkedIn !== text) {
      throw new Error(
        "provider/schema.json differs from the schema inferred from constructs/pulumi/args.ts and provider/governed-identity.ts.\n" +
          "The schema is the public surface of every generated SDK (Python, Go, C#, ...). If the change is deliberate, update it with\n" +
          "  node -r ./scripts/register-ts.js provider/generate-schema.ts\n" +
          "and review the diff (git diff provider/schema.json).",
      );
    }
  });
});
