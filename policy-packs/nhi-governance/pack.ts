import { isAbsolute, resolve } from "path";
import { z } from "zod";
import type { PolicyPackArgs, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, Severity as PulumiSeverity } from "@pulumi/policy";
import { loadExemptions } from "../../src/adapters/gate-files";
import { fromPulumiResources, judgeableAlone, parseUrn, PulumiResourceInput } from "../../src/adapters/pulumi";
import { catalogByPulumiType } from "../../src/catalog";
import { evaluatePulumiResources, isDiscoveredRow, markDiscovered, ownerUrn } from "../../src/adapters/pulumi-discovered";
import { Clock, fixedClock, systemClock } from "../../src/engine/clock";
import { evaluate, parsedConfig } from "../../src/engine/evaluate";
import { Finding, Report } from "../../src/engine/report";
import { GateConfig, GateConfigSchema, Severity, severityRank } from "../../src/spec/config";
import { Exemption, ExemptionsFileSchema } from "../../src/spec/exemptions";
import { RULES } from "../../src/rules/registry";
import { ENGINE_FINDINGS } from "../../src/rules/engine-findings";
import { OWASP_NHI } from "../../src/rules/rule";
import { VERSION } from "../../src/version";

/**
 * The CrossGuard pack, as data: one declared policy per engine rule (name = rule id, its
 * description, severity, remediation and framework), and one policy, `nhi-governance`, that
 * holds the gate config and runs the engine: per resource when the resource can be judged alone
 * (Analyze), over the whole stack otherwise (AnalyzeStack). It reports each finding under its
 * rule's policy name, mandatory at or above `failOn`, advisory below.
 */

export const PACK_NAME = "nhi-governance";
export const ENGINE_POLICY = "nhi-governance";
export const DOCS_URL = "https://github.com/nhi-governance/nhi-governance/blob/main/docs/rules.md";

const PackConfigExtras = z.strictObject({
  /** Path to the shared exemptions file (YAML or JSON), relative to the policy pack directory. */
  exemptionsFile: z.string().min(1).optional(),
  /** Exemptions inline, in the shared file's format. */
  exemptions: z.array(z.unknown()).optional(),
});

/** The pack's config: the gate config plus where exemptions come from. */
export const PackConfigSchema = GateConfigSchema.extend(PackConfigExtras.shape);

export function configSchema(): { properties: Record<string, object> } {
  const json = z.toJSONSchema(PackConfigSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, object> };
  return { properties: json.properties };
}

export class PackConfigError extends Error {}

export interface ResolvedPackConfig {
  config: GateConfig;
  exemptions: Exemption[];
}

const issueLine = (where: string, e: z.ZodError) => {
  const i = e.issues[0];
  return `${where}: ${i.path.join(".") || "(root)"}: ${i.message}`;
};

/** Parse the pack's config (from `--policy-pack-config` or Pulumi Cloud), once, at the edge. */
export function resolvePackConfig(raw: Record<string, unknown>, baseDir = process.cwd()): ResolvedPackConfig {
  const { enforcementLevel: _level, ...rest } = raw ?? {};
  const parsed = PackConfigSchema.safeParse(rest);
  if (!parsed.success) throw new PackConfigError(issueLine(`policy pack config of ${ENGINE_POLICY}`, parsed.error));
  const { exemptionsFile, exemptions: inline, ...config } = parsed.data;
  const exemptions: Exemption[] = [];
  if (exemptionsFile) {
    const path = isAbsolute(exemptionsFile) ? exemptionsFile : resolve(baseDir, exemptionsFile);
    try {
      exemptions.push(...loadExemptions(path));
    } catch (e) {
      throw new PackConfigError(`exemptionsFile: ${(e as Error).message}`);
    }
  }
  if (inline) {
    const list = z.array(ExemptionsFileSchema.options[0].element).safeParse(inline);
    if (!list.success) throw new PackConfigError(issueLine("policy pack config exemptions", list.error));
    exemptions.push(...list.data);
  }
  return { config: parsedConfig(config), exemptions };
}

const pulumiSeverity = (s: Severity): PulumiSeverity => (s === "info" ? "low" : s);
const enforcement = (s: Severity, config: GateConfig) => (severityRank(s) >= severityRank(config.failOn) ? "mandatory" : "advisory");

/** The policy's raw properties: the SDK wraps them in a proxy that throws on unknowns; the adapter reports unknowns by field. */
function raw(props: Record<string, unknown>): Record<string, unknown> {
  const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
  return (target ?? props) as Record<string, unknown>;
}

function message(f: Finding): string {
  const exempt = f.exemptedBy ? ` [exempted by ${f.exemptedBy.ticket} (owner ${f.exemptedBy.owner}) until ${f.exemptedBy.expires}]` : "";
  return `${f.findingId}: ${f.message}${f.field ? ` (field: ${f.field})` : ""}${exempt}`;
}

/**
 * The URN a finding is reported on. An identity inside a resource (a CloudFormation stack's role,
 * `<urn>/Resources/Admin`) is reported on that resource; a discovered role's read-back policies,
 * judged as resources of their own, on the role. `urns` are the resources of the call.
 */
function reportedUrn(address: string, urns: ReadonlySet<string>): string | undefined {
  if (!urns.has(address)) {
    // The longest resource of the call whose URN, followed by `/`, starts the address. URNs contain `/` themselves
    // (`aws:iam/role:Role`), so every `/` is a candidate end, longest first.
    for (let i = address.lastIndexOf("/"); i > 0; i = address.lastIndexOf("/", i - 1)) if (urns.has(address.slice(0, i))) return address.slice(0, i);
  }
  return address.startsWith("urn:pulumi:") ? ownerUrn(address) : undefined;
}

/** Report one finding under its rule's policy name (the SDK's object form of reportViolation). */
function report(reportViolation: ReportViolation, f: Finding, config: GateConfig, urns: ReadonlySet<string>) {
  const violation = {
    name: f.ruleId,
    message: message(f),
    description: f.title,
    urn: reportedUrn(f.address, urns),
    enforcementLevel: f.exemptedBy ? "advisory" : enforcement(f.severity, config),
    severity: pulumiSeverity(f.severity),
  };
  (reportViolation as unknown as (v: typeof violation) => void)(violation);
}

export interface PackOptions {
  clock?: Clock;
  /** Directory relative exemption file paths are resolved against (the pack's working directory). */
  baseDir?: string;
}

/** The clock: real time, unless NHI_GOVERNANCE_NOW pins it (reproducible runs and tests). */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.NHI_GOVERNANCE_NOW;
  return pinned ? fixedClock(pinned) : systemClock;
}

/**
 * The resolved config, by content: the SDK's getConfig() builds a new object on every call (the
 * policy's config minus enforcementLevel), so an identity cache never hits; the config is the
 * same for every call of a preview, so it is parsed (and the exemptions file read) once per
 * distinct config, not once per resource.
 */
let lastResolved: { key: string; resolved: ResolvedPackConfig } | undefined;
function resolveFor(args: { getConfig<T extends object>(): T }, baseDir: string | undefined): ResolvedPackConfig {
  const raw = args.getConfig<Record<string, unknown>>();
  const key = `${baseDir ?? ""}\u0000${JSON.stringify(raw ?? null)}`;
  if (lastResolved?.key === key) return lastResolved.resolved;
  const resolved = resolvePackConfig(raw, baseDir);
  lastResolved = { key, resolved };
  return resolved;
}

/** The approved component types of a resolved config (asked on every call). */
const approvedTypesOf = (() => {
  const cache = new WeakMap<ResolvedPackConfig, string[]>();
  return (resolved: ResolvedPackConfig) => {
    let hit = cache.get(resolved);
    if (!hit) cache.set(resolved, (hit = resolved.config.approvedConstructs.map((a) => a.type)));
    return hit;
  };
})();

/**
 * Whether a resource of this type can be judged on its own at all: only catalog types can (the
 * engine judges nothing else alone; components and the rest matter only with the whole stack).
 * Most resources of a stack are not identities: Analyze returns for them before any conversion.
 */
const judgedPerResource = (type: string) => catalogByPulumiType(type) !== undefined;

/**
 * One resource's evaluation, when it can be judged alone; undefined otherwise. A resource Pulumi
 * Insights Discovery found (no parent, provider-read properties) is judged alone by its seal:
 * an audit policy group runs resource policies on each discovered resource.
 */
export function evaluateAlone(row: PulumiResourceInput, resolved: ResolvedPackConfig, clock: Clock): Report | undefined {
  if (!judgedPerResource(row.type ?? parseUrn(row.urn).type)) return undefined;
  const approved = approvedTypesOf(resolved);
  // Converted once (what rowJudgeableAlone and evaluatePulumiResources each do): a discovered role
  // carries its own policies and is judged alone by its seal; other rows when judgeableAlone says so.
  const input = fromPulumiResources([row], { approvedTypes: approved });
  if (input.resources.length !== 1) return undefined;
  if (!(isDiscoveredRow(row) && input.resources[0].entry.id === "aws_iam_role") && !judgeableAlone(input.resources[0], approved)) return undefined;
  markDiscovered(input, [row]);
  return evaluate({ ...input, scope: "changes", sources: [] }, { config: resolved.config, clock, exemptions: resolved.exemptions });
}

const NOTHING: ReadonlySet<string> = new Set();
const findingKey = (f: Finding) => `${f.address}|${f.findingId}|${f.message}`;
const aloneKeys = (rep: Report | undefined): ReadonlySet<string> => {
  const findings = (rep?.findings ?? []).filter((f) => f.address.startsWith("urn:pulumi:"));
  return findings.length ? new Set(findings.map(findingKey)) : NOTHING;
};

export function stackRows(resources: PolicyResource[]): PulumiResourceInput[] {
  return resources.map((r) => {
    const deps: Record<string, string[]> = {};
    for (const [k, list] of Object.entries(r.propertyDependencies ?? {})) deps[k] = list.map((d) => d.urn);
    // PolicyResource.parent is set only when the parent is in the list: fall back to the options, then the URN.
    return { urn: r.urn, type: r.type, name: r.name, props: raw(r.props), parent: r.parent?.urn ?? r.opts?.parent, propertyDependencies: deps };
  });
}

export function packArgs(options: PackOptions = {}): PolicyPackArgs {
  const clock = options.clock ?? clockFromEnv();
  /*
   * What Analyze reported for each resource of a catalog type, by URN, with what it was judged on
   * (nothing, when it could not be judged alone): the engine sends AnalyzeStack the same resources
   * after their Analyze calls, so the stack policy reuses these instead of judging every resource
   * alone a second time.
   */
  const alone = new Map<string, { fingerprint: string; config: ResolvedPackConfig; keys: ReadonlySet<string> }>();
  const fingerprint = (row: PulumiResourceInput) => JSON.stringify([row.type, row.parent ?? null, row.props]);
  const aloneKeysOf = (row: PulumiResourceInput, resolved: ResolvedPackConfig) => {
    if (!judgedPerResource(row.type as string)) return NOTHING;
    const hit = alone.get(row.urn);
    if (hit && hit.config === resolved && hit.fingerprint === fingerprint(row)) return hit.keys;
    return aloneKeys(evaluateAlone(row, resolved, clock));
  };
  const failOn = GateConfigSchema.parse({}).failOn;
  const framework = (owasp: string[], nist: string[]) => ({
    name: "OWASP Non-Human Identities Top 10",
    version: "2025",
    reference: owasp.map((o) => `${o} ${OWASP_NHI[o as keyof typeof OWASP_NHI]}`).join("; "),
    specification: `NIST CSF 2.0: ${nist.join(", ")}`,
  });
  const declared: ResourceValidationPolicy[] = [...RULES, ...ENGINE_FINDINGS].map((rule) => ({
    name: rule.id,
    description: `${rule.title}. ${rule.rationale}`,
    displayName: rule.title,
    enforcementLevel: enforcement(rule.severity, GateConfigSchema.parse({ failOn })),
    severity: pulumiSeverity(rule.severity),
    remediationSteps: rule.remediation,
    url: `${DOCS_URL}#${rule.id.toLowerCase()}`,
    framework: framework(rule.controls.owasp, rule.controls.nistCsf),
    tags: [...rule.controls.owasp, ...rule.controls.nistCsf],
    // Evaluated by the engine policy below, which reports under this name.
    validateResource: [],
  }));
  const engine: ResourceValidationPolicy & StackValidationPolicy = {
    name: ENGINE_POLICY,
    description:
      "Runs the nhi-governance engine: every non-human identity must come from GovernedIdentity or an approved component, and match what its declared spec renders. Findings are reported under their rule's policy name. Config: the gate config, plus exemptionsFile or exemptions.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchema(),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      // The config first: a bad one fails the first call, whatever the resource.
      const resolved = resolveFor(args, options.baseDir);
      if (!judgedPerResource(args.type)) return;
      const row: PulumiResourceInput = { urn: args.urn, type: args.type, name: args.name, props: raw(args.props), parent: args.opts?.parent };
      const rep = evaluateAlone(row, resolved, clock);
      alone.set(row.urn, { fingerprint: fingerprint(row), config: resolved, keys: aloneKeys(rep) });
      for (const f of rep?.findings ?? []) if (f.address.startsWith("urn:pulumi:")) report(reportViolation, f, resolved.config, new Set([args.urn]));
    },
    validateStack: (args, reportViolation) => {
      const resolved = resolveFor(args, options.baseDir);
      const rows = stackRows(args.resources);
      const rep = evaluatePulumiResources(rows, { config: resolved.config, clock, exemptions: resolved.exemptions });
      // What Analyze reported for a resource judged alone is not reported twice.
      const already = new Set<string>();
      for (const row of rows) for (const k of aloneKeysOf(row, resolved)) already.add(k);
      const urns = new Set(rows.map((r) => r.urn));
      for (const f of rep.findings) if (!already.has(findingKey(f))) report(reportViolation, f, resolved.config, urns);
    },
  };
  return {
    description: "nhi-governance: non-human identities created only through governed constructs, with owners, expiry and least privilege (OWASP NHI Top 10, NIST CSF 2.0)",
    displayName: "NHI governance",
    enforcementLevel: "mandatory",
    tags: ["nhi", "iam", "governance"],
    policies: [engine, ...declared],
  };
}

export const PACK_VERSION = VERSION;
