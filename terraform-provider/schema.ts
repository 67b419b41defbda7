import { GateConfigSchema } from "../src/spec/config";
import { CtyType, typeJson } from "./cty";
import { RESULT_TYPE } from "./identity";

/*
 * What the provider declares: the provider block (the gate config, one attribute per
 * GateConfigSchema field, derived from the zod schema so a new config field appears here
 * without a change, plus config_file), the data source nhi_identity, and the function identity.
 */

export const PROVIDER_TYPE = "nhi";
export const DATA_SOURCE = "nhi_identity";
export const FUNCTION = "identity";

export const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** One attribute of a block, as this module describes it before it becomes a Schema.Attribute message. */
export interface AttributeSpec {
  name: string;
  type?: CtyType;
  /** Nested attributes (protocol 6 nested_type), nesting LIST. */
  nested?: { attributes: AttributeSpec[] };
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

const CONFIG_DESCRIPTIONS: Record<string, string> = {
  maxCredentialTtl: "Longest allowed life of a static credential, ISO 8601 (default P90D).",
  maxSessionDuration: "Longest allowed max_session_duration of an assumable role, ISO 8601 (default PT1H).",
  recertificationWindowDays: "How far ahead a recertification date may be set, in days (default 180).",
  recertificationWarningDays: "The gate warns when a recertification date is this close, in days (default 14).",
  accessGracePeriodDays: "Days after the recertification date before the time-bound IAM condition cuts access (default 14).",
  environments: "Environments an identity may declare (default prod, staging, dev, test, sandbox).",
  requiredTags: "Lifecycle tags an identity must carry (canonical nhi: keys).",
  defaultPermissionsBoundary: "Permissions boundary ARN applied when a spec names none.",
  approvedConstructs: "Approved construct or component types besides GovernedIdentity.",
  approvedModuleSources: "Approved Terraform module sources (exact, or ending in *).",
  failOn: "The gate fails on findings at or above this severity.",
  severityOverrides: "Per-rule severity overrides, rule id to severity.",
  disabledRules: "Rules switched off entirely (prefer a time-boxed exemption).",
  maxExemptionDays: "Longest an exemption may run, counted from today.",
  environmentAccounts: "AWS account ids per environment, for environment isolation.",
  maxEmergencyDuration: "Longest an emergency (break-glass) identity may live, ISO 8601 (default P3D).",
};

interface ZodDef {
  type: string;
  innerType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  valueType?: { _zod: { def: ZodDef } };
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  options?: { _zod: { def: ZodDef } }[];
}

const defOf = (s: unknown) => (s as { _zod: { def: ZodDef } })._zod.def;

/** The cty type of a zod schema (the shapes the gate config uses); `dynamic` for anything else. */
function ctyOf(def: ZodDef): { type: CtyType; optional: boolean } {
  let optional = false;
  while ((def.type === "default" || def.type === "optional" || def.type === "nullable") && def.innerType) {
    optional = true;
    def = def.innerType._zod.def;
  }
  switch (def.type) {
    case "string":
    case "enum":
    case "literal":
      return { type: "string", optional };
    case "number":
    case "int":
      return { type: "number", optional };
    case "boolean":
      return { type: "bool", optional };
    case "array":
      return { type: ["list", ctyOf(def.element!._zod.def).type], optional };
    case "record":
      return { type: ["map", ctyOf(def.valueType!._zod.def).type], optional };
    case "object": {
      const attrs: Record<string, CtyType> = {};
      for (const [k, v] of Object.entries(def.shape ?? {})) attrs[snake(k)] = ctyOf(defOf(v)).type;
      return { type: ["object", attrs], optional };
    }
    default:
      return { type: "dynamic", optional };
  }
}

/** The provider block's attributes: config_file, then one per gate config field. */
export function providerAttributes(): AttributeSpec[] {
  const out: AttributeSpec[] = [
    {
      name: "config_file",
      type: "string",
      optional: true,
      description: "Path of the gate config file (nhi-governance.config.json or .yaml) the nhi-gate CLI reads; attributes set in this block override its fields.",
    },
  ];
  for (const [key, schema] of Object.entries(GateConfigSchema.shape)) {
    const def = defOf(schema);
    let inner = def;
    while ((inner.type === "default" || inner.type === "optional") && inner.innerType) inner = inner.innerType._zod.def;
    const description = CONFIG_DESCRIPTIONS[key] ?? `The gate config's ${key}.`;
    const elementDef = inner.type === "array" ? inner.element!._zod.def : undefined;
    if (elementDef?.type === "object") {
      // A list of objects with optional fields: a nested attribute, so each field can be optional.
      const attributes = Object.entries(elementDef.shape ?? {}).map(([k, v]) => {
        const c = ctyOf(defOf(v));
        return { name: snake(k), type: c.type, description: `${k}`, required: !c.optional, optional: c.optional };
      });
      out.push({ name: snake(key), nested: { attributes }, optional: true, description });
    } else out.push({ name: snake(key), type: ctyOf(def).type, optional: true, description });
  }
  return out;
}

/** The object type Terraform encodes a block's value with. */
export function impliedType(attrs: AttributeSpec[]): CtyType {
  const out: Record<string, CtyType> = {};
  for (const a of attrs) out[a.name] = a.nested ? ["list", impliedType(a.nested.attributes)] : (a.type as CtyType);
  return ["object", out];
}

export const SPEC_DESCRIPTION =
  "The governed identity spec: an object with the fields of GovernedIdentitySpec (name, owner, purpose, environment, system_of_record, retirement, workload, access, permissions_boundary, trust, credential, recertify_by, emergency, recertification_reminder, path), snake_case or camelCase.";

export function dataSourceAttributes(): AttributeSpec[] {
  return [
    { name: "spec", type: "dynamic", required: true, description: SPEC_DESCRIPTION },
    { name: "now", type: "string", optional: true, description: "The instant dates are judged at (RFC 3339, e.g. plantimestamp()); default: the system clock. Also sets credential.rotation_window." },
    { name: "reminder_role_arn", type: "string", optional: true, description: "Role EventBridge Scheduler assumes to publish the recertification reminder (required with recertification_reminder)." },
    { name: "result", type: RESULT_TYPE, computed: true, description: "The rendered governed identity: the same object provider::nhi::identity returns." },
  ];
}

function attributeMessage(a: AttributeSpec): Record<string, unknown> {
  const base = {
    name: a.name,
    description: a.description,
    description_kind: "PLAIN",
    required: Boolean(a.required),
    optional: Boolean(a.optional),
    computed: Boolean(a.computed),
    sensitive: false,
    deprecated: false,
  };
  if (a.nested) return { ...base, nested_type: { attributes: a.nested.attributes.map(attributeMessage), nesting: "LIST" } };
  return { ...base, type: typeJson(a.type as CtyType) };
}

export function schemaMessage(attrs: AttributeSpec[], description: string): Record<string, unknown> {
  return { version: 0, block: { version: 0, attributes: attrs.map(attributeMessage), block_types: [], description, description_kind: "PLAIN", deprecated: false } };
}

export function functionMessage(): Record<string, unknown> {
  return {
    parameters: [
      {
        name: "spec",
        type: typeJson("dynamic"),
        allow_null_value: false,
        allow_unknown_values: false,
        description: SPEC_DESCRIPTION,
        description_kind: "PLAIN",
      },
    ],
    variadic_parameter: {
      name: "options",
      type: typeJson("dynamic"),
      allow_null_value: true,
      allow_unknown_values: false,
      description:
        "At most one: { config = <gate config object>, now = plantimestamp(), reminder_role_arn = <role ARN> }. Terraform calls functions on an unconfigured provider, so the gate config comes here, not from the provider block.",
      description_kind: "PLAIN",
    },
    return: { type: typeJson(RESULT_TYPE) },
    summary: "A governed non-human identity, rendered by nhi-governance",
    description:
      "Validates the spec against the gate config and returns the governed AWS identity the nhi-governance constructs create for it: principal (role or user) with lifecycle tags and the nhi:seal, trust policy, time-bound policy, boundary, session duration, and the credential resources to create. An invalid spec fails the call with every bad field named.",
    description_kind: "PLAIN",
    deprecation_message: "",
  };
}

export const PROVIDER_DESCRIPTION =
  "nhi-governance: governed non-human identities for plain Terraform. The provider block is the gate config the nhi_identity data source validates against.";
