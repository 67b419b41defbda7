import { catalogByTerraformType } from "../catalog";
import { Clock } from "../engine/clock";
import { evaluate, parsedConfig } from "../engine/evaluate";
import { EvaluationInput, IdentityResource } from "../engine/model";
import { Report } from "../engine/report";
import { GateConfig, GateConfigInput } from "../spec/config";
import { Exemption } from "../spec/exemptions";
import { fromPulumiResources, judgeableAlone, PulumiResourceInput } from "./pulumi";

/**
 * Resources that Pulumi Insights Discovery finds in a connected account, as a policy pack in an
 * audit policy group sees them: no parent chain (nothing made them through a component), and the
 * properties the provider read from the cloud (outputs such as `arn` and `uniqueId`, and for a
 * role its `inlinePolicies` and `managedPolicyArns` read back). Such a resource is governed only
 * by its seal, as a Terraform resource is. A role carries its own policy in the read-back
 * `inlinePolicies`, so its seal is verified from the role alone: the read-back lists are split
 * into the policy and attachment resources the engine judges (unless the same ones were
 * discovered as resources of their own), and the role is judged per resource.
 */

const STACK = "::pulumi:pulumi:Stack::";
const PRINCIPAL_TYPES = ["aws:iam/role:Role", "aws:iam/user:User"];
export const INLINE_MARK = "#inline_policy/";
export const MANAGED_MARK = "#managed_policy_arns/";

/** Whether a row is a discovered (provider-read) principal: no parent but the stack, and outputs only a read returns. */
export function isDiscoveredRow(row: PulumiResourceInput): boolean {
  if (!PRINCIPAL_TYPES.includes(row.type ?? "")) return false;
  if (row.parent && !row.parent.includes(STACK)) return false;
  const p = row.props ?? {};
  return typeof p.uniqueId === "string" && p.uniqueId !== "" && typeof p.arn === "string";
}

/** The URN a finding on a split-out policy or attachment belongs to (the role's); the address itself otherwise. */
export function ownerUrn(address: string): string {
  for (const mark of [INLINE_MARK, MANAGED_MARK]) {
    const i = address.lastIndexOf(mark);
    if (i > 0) return address.slice(0, i);
  }
  return address;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Mark the discovered principals and split a discovered role's read-back policies into resources. */
export function markDiscovered(input: Pick<EvaluationInput, "resources">, rows: readonly PulumiResourceInput[]): void {
  const discovered = new Set(rows.filter(isDiscoveredRow).map((r) => r.urn));
  if (!discovered.size) return;
  const extra: IdentityResource[] = [];
  const others = input.resources.filter((r) => !discovered.has(r.address));
  for (const r of input.resources) {
    if (!discovered.has(r.address)) continue;
    r.origin = { ...r.origin, discovered: {} };
    if (r.entry.id !== "aws_iam_role") continue;
    const names = [r.props.name, r.props.arn, r.props.id, r.props.unique_id].filter((v): v is string => typeof v === "string" && v !== "");
    const ownedBy = (o: IdentityResource, type: string) => o.entry.id === type && (names.includes(String(o.props.role)) || Object.values(o.propRefs ?? {}).some((l) => l.includes(r.address)));
    const role = typeof r.props.arn === "string" ? r.props.arn : r.props.name;
    const inline = Array.isArray(r.props.inline_policy) ? r.props.inline_policy : [];
    const managed = Array.isArray(r.props.managed_policy_arns) ? r.props.managed_policy_arns : [];
    delete r.props.inline_policy;
    delete r.props.managed_policy_arns;
    const policyEntry = catalogByTerraformType("aws_iam_role_policy");
    const attachmentEntry = catalogByTerraformType("aws_iam_role_policy_attachment");
    if (!policyEntry || !attachmentEntry) continue;
    const child = (address: string, type: string, props: Record<string, unknown>): IdentityResource => ({
      address,
      nativeType: type,
      entry: type === "aws_iam_role_policy" ? policyEntry : attachmentEntry,
      action: r.action,
      props,
      unknownPaths: [],
      sensitivePaths: [],
      propRefs: { role: [r.address] },
      origin: { source: r.origin.source, parents: [], discovered: {} },
    });
    for (const item of inline) {
      if (!isRecord(item) || typeof item.name !== "string" || item.name === "") continue;
      if (others.some((o) => ownedBy(o, "aws_iam_role_policy") && o.props.name === item.name)) continue; // discovered on its own too
      extra.push(child(`${r.address}${INLINE_MARK}${item.name}`, "aws_iam_role_policy", { name: item.name, role, policy: item.policy }));
    }
    for (const arn of managed) {
      if (typeof arn !== "string" || arn === "") continue;
      if (others.some((o) => ownedBy(o, "aws_iam_role_policy_attachment") && o.props.policy_arn === arn)) continue;
      extra.push(child(`${r.address}${MANAGED_MARK}${arn}`, "aws_iam_role_policy_attachment", { role, policy_arn: arn }));
    }
  }
  input.resources.push(...extra);
}

export interface PulumiAuditOptions {
  config?: GateConfig | GateConfigInput;
  clock: Clock;
  exemptions?: Exemption[];
  sources?: string[];
}

/** evaluatePulumi, for resources that may be discovered ones (a pack in preview or in an audit policy group). */
export function evaluatePulumiResources(rows: readonly PulumiResourceInput[], options: PulumiAuditOptions): Report {
  const config = parsedConfig(options.config);
  const input = fromPulumiResources(rows, { approvedTypes: config.approvedConstructs.map((a) => a.type) });
  markDiscovered(input, rows);
  return evaluate({ ...input, scope: "changes", sources: options.sources ?? [] }, { config, clock: options.clock, exemptions: options.exemptions });
}

/** Whether a row can be judged alone with the same result as in a whole stack (discovered roles can: they carry their own policy). */
export function rowJudgeableAlone(row: PulumiResourceInput, approvedTypes: readonly string[] = []): boolean {
  const { resources } = fromPulumiResources([row], { approvedTypes });
  if (resources.length !== 1) return false;
  if (isDiscoveredRow(row) && resources[0].entry.id === "aws_iam_role") return true;
  return judgeableAlone(resources[0], approvedTypes);
}
