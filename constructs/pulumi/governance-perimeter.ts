import * as pulumi from "@pulumi/pulumi";
// Deep imports, as in governed-identity.ts: the package root of @pulumi/aws loads every module.
import { Policy as OrganizationsPolicy } from "@pulumi/aws/organizations/policy";
import { PolicyAttachment } from "@pulumi/aws/organizations/policyAttachment";
import { Policy as IamPolicy } from "@pulumi/aws/iam/policy";
import { GateConfigSchema } from "../../src/spec/config";
import { GeneratedPolicy, GuardrailError, GuardrailFormat, guardrailPolicies } from "../../src/guardrail/policy";
import { GateConfigArgs } from "./args";

/** The component's type token. */
export const GOVERNANCE_PERIMETER_TYPE = "nhi-governance:aws:GovernancePerimeter";

/** Arguments of `GovernancePerimeter`. */
export interface GovernancePerimeterArgs {
  /** The gate config with its `guardrail` block (the same config as the policy pack). */
  config: GateConfigArgs;
  /**
   * `scp`: service control policies (deploy from the Organizations management account or a
   * delegated administrator); `boundary`: a permissions boundary policy for human and CI roles.
   * @default "scp"
   */
  format?: GuardrailFormat;
  /**
   * OU ids, account ids or the root id to attach the SCPs to; outputs allowed. Start with a
   * sandbox OU (docs/guardrail.md "Rollout").
   * @default - none: the SCPs are created and not attached
   */
  targetIds?: pulumi.Input<string>[];
  /** IAM path of the boundary policy. @default "/" */
  path?: string;
  /** Tags on the policies. @default - none */
  tags?: Record<string, string>;
}

/** One clear error naming the component and the field (what / got / fix). */
const fail = (name: string, field: string, message: string, got?: unknown): never => {
  throw new Error(`${name}: ${field}: ${message}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ""}`);
};

const TARGET = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

/**
 * The cloud-side guardrail as a Pulumi component: only the governed pipeline (the config's
 * deployment roles) may issue and change IAM identities, and only with the lifecycle tags. Its
 * documents come from the engine (src/guardrail), the same as `nhi-gate guardrail`; every child
 * is created with `{ parent: this }`.
 */
export class GovernancePerimeter extends pulumi.ComponentResource {
  /** The generated documents. */
  readonly generated: GeneratedPolicy[];
  readonly policies: OrganizationsPolicy[] = [];
  readonly attachments: PolicyAttachment[] = [];
  readonly boundary?: IamPolicy;
  readonly policyIds: pulumi.Output<string>[];
  readonly boundaryArn?: pulumi.Output<string>;

  constructor(name: string, args: GovernancePerimeterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const format = args.format ?? "scp";
    if (format !== "scp" && format !== "boundary") fail(name, "format", 'expected "scp" or "boundary"', format);
    const targets = args.targetIds ?? [];
    if (format === "boundary" && targets.length) fail(name, "targetIds", "a boundary is not attached to OUs or accounts; fix: set it as the permissionsBoundary of the roles, or use format scp");
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (typeof t !== "string") return;
      if (!TARGET.test(t)) fail(name, `targetIds[${i}]`, "expected an OU id (ou-abcd-12345678), a 12-digit account id or the root id (r-abcd)", t);
      if (seen.has(t)) fail(name, `targetIds[${i}]`, `${t} is named twice`);
      seen.add(t);
    });
    const parsed = GateConfigSchema.safeParse(args.config ?? {});
    if (!parsed.success) throw new Error(`${name}: invalid gate config: ${parsed.error.issues.map((i) => `config.${i.path.join(".")}: ${i.message}`).join("; ")}`);
    let generated: GeneratedPolicy[];
    try {
      generated = guardrailPolicies(parsed.data, format);
    } catch (e) {
      if (e instanceof GuardrailError) throw new Error(`${name}: ${e.message}`);
      throw e;
    }
    super(GOVERNANCE_PERIMETER_TYPE, name, { format, policies: generated.map((p) => ({ name: p.name, size: p.size })) }, opts);
    this.generated = generated;
    const child = { parent: this };
    const tags = args.tags && { ...args.tags };
    for (const [i, p] of generated.entries()) {
      if (p.format === "boundary") {
        this.boundary = new IamPolicy(`${name}-boundary`, { name: p.name, path: args.path, description: p.description, policy: p.json, tags }, child);
        continue;
      }
      const id = i === 0 ? `${name}-scp` : `${name}-scp-${i + 1}`;
      const policy = new OrganizationsPolicy(id, { name: p.name, description: p.description, type: "SERVICE_CONTROL_POLICY", content: p.json, tags }, child);
      this.policies.push(policy);
      targets.forEach((t, j) => {
        this.attachments.push(new PolicyAttachment(`${id}-${typeof t === "string" ? t : `target-${j + 1}`}`, { policyId: policy.id, targetId: t }, child));
      });
    }
    this.policyIds = this.policies.map((p) => p.id);
    this.boundaryArn = this.boundary?.arn;
    this.registerOutputs({ policyIds: this.policyIds, boundaryArn: this.boundaryArn });
  }
}
