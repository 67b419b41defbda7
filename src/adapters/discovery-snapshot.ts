import * as z from "zod";
import { catalogByTerraformType } from "../catalog";
import { EvaluationInput, IdentityResource, InputGap } from "../engine/model";
import { VERSION } from "../version";
import { checkDepth } from "./common";
import { InputError, isRecord, setOwn, validate } from "./input";

/**
 * The discovery snapshot (`nhi-gate discover aws --save <file>`): what discovery read, already
 * normalized into the engine's model, so it can be judged again without credentials
 * (`nhi-gate discover aws --from <file>`, `nhi-gate inventory <file>`), diffed (deterministic
 * JSON: resources by address, keys sorted, one per line) and shared (no secret in it: IAM never
 * returns one to these calls, and the catalog's secret attributes are dropped on write).
 * `readDiscoverySnapshot` is the reader other tools build on (it returns the engine's
 * EvaluationInput). Format: docs/discovery.md.
 */
export const SNAPSHOT_FORMAT = "nhi-governance/discovery-snapshot";
export const SNAPSHOT_VERSION = 1;

export interface SnapshotAccount {
  account: string;
  principal?: string;
  roleArn?: string;
  calls?: Record<string, number>;
  attempts?: number;
  counts?: Record<string, number>;
  skipped?: Record<string, number>;
  credentialReport?: { generatedAt?: string };
  durationMs?: number;
}

export interface SnapshotResource {
  address: string;
  /** Terraform type name (the catalog id). */
  type: string;
  account?: string;
  props: Record<string, unknown>;
  /** Attribute -> addresses of the resources it names (a policy's `role` -> the role). */
  propRefs?: Record<string, string[]>;
  /** Attributes discovery could not read, with why (a denied permission). */
  unreadable?: Record<string, string>;
}

export interface DiscoverySnapshot {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  tool: { name: string; version: string };
  provider: "aws";
  discoveredAt: string;
  accounts: SnapshotAccount[];
  resources: SnapshotResource[];
  gaps: InputGap[];
}

const GapSchema = z.looseObject({
  address: z.string().min(1),
  type: z.string().min(1),
  key: z.string().min(1),
  message: z.string(),
  severity: z.enum(["info", "low", "medium", "high", "critical"]).optional(),
});

const ResourceSchema = z.looseObject({
  address: z.string().min(1),
  type: z.string().min(1),
  account: z.string().regex(/^\d{12}$/, { message: "expected a 12-digit account id" }).optional(),
  props: z.record(z.string(), z.unknown()),
  propRefs: z.record(z.string(), z.array(z.string())).optional(),
  unreadable: z.record(z.string(), z.string()).optional(),
});

const SnapshotSchema = z.looseObject({
  format: z.literal(SNAPSHOT_FORMAT),
  formatVersion: z.number().int().positive(),
  provider: z.literal("aws"),
  discoveredAt: z.string(),
  accounts: z.array(z.looseObject({ account: z.string().regex(/^\d{12}$/, { message: "expected a 12-digit account id" }) })),
  resources: z.array(z.unknown()),
  gaps: z.array(GapSchema).default([]),
});

/** Whether a parsed JSON value is a discovery snapshot (by its format marker). */
export function isDiscoverySnapshot(value: unknown): boolean {
  return isRecord(value) && value.format === SNAPSHOT_FORMAT;
}

/** The snapshot of discovered resources and gaps (what `--save` writes). Secret attributes never go in. */
export function toSnapshot(d: { discoveredAt: string; accounts: SnapshotAccount[]; resources: IdentityResource[]; gaps: InputGap[] }): DiscoverySnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_VERSION,
    tool: { name: "nhi-governance", version: VERSION },
    provider: "aws",
    discoveredAt: d.discoveredAt,
    accounts: [...d.accounts].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)),
    resources: d.resources
      .map((r) => {
        const props: Record<string, unknown> = {};
        const secret = new Set(r.entry.secretAttributes ?? []);
        for (const [k, v] of Object.entries(r.props)) if (!secret.has(k) && v !== undefined) setOwn(props, k, v);
        const out: SnapshotResource = { address: r.address, type: r.entry.id, ...(r.origin.discovered?.account ? { account: r.origin.discovered.account } : {}), props };
        if (r.propRefs) out.propRefs = r.propRefs;
        if (r.origin.discovered?.unreadable) out.unreadable = r.origin.discovered.unreadable;
        return out;
      })
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
    gaps: [...d.gaps].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/** Deterministic JSON (object keys sorted, two-space indent, trailing newline): snapshots diff line by line. */
export function snapshotText(s: DiscoverySnapshot): string {
  return `${JSON.stringify(sortKeys(s), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object).sort()) {
    const child = sortKeys((v as Record<string, unknown>)[k]);
    if (k === "__proto__") Object.defineProperty(out, k, { value: child, enumerable: true, writable: true, configurable: true });
    else out[k] = child;
  }
  return out;
}

/**
 * A snapshot (parsed JSON) to the engine's input: every resource judged (scope "all"), the gaps
 * as cannot-evaluate findings. Bad shapes are an InputError naming the file and field.
 */
export function readDiscoverySnapshot(value: unknown, name: string): EvaluationInput & { accounts: SnapshotAccount[]; discoveredAt: string } {
  if (isRecord(value) && value.format === SNAPSHOT_FORMAT && typeof value.formatVersion === "number" && value.formatVersion > SNAPSHOT_VERSION) {
    throw new InputError(`${name}: discovery snapshot format version ${value.formatVersion} is newer than this nhi-gate reads (${SNAPSHOT_VERSION}); upgrade nhi-governance`);
  }
  const snap = validate(SnapshotSchema, value, name, `a discovery snapshot (${SNAPSHOT_FORMAT})`);
  const seen = new Set<string>();
  const resources: IdentityResource[] = snap.resources.map((raw, i) => {
    const where = `resources.${i}`;
    const r = validate(ResourceSchema, raw, name, `a snapshot resource (${where})`);
    const entry = catalogByTerraformType(r.type);
    if (!entry) throw new InputError(`${name}: ${where}.type: ${JSON.stringify(r.type.slice(0, 80))} is not an identity resource type nhi-gate knows`);
    if (seen.has(r.address)) throw new InputError(`${name}: ${where}.address: ${r.address.slice(0, 200)} appears twice`);
    seen.add(r.address);
    checkDepth(r.props, `${name}: ${r.address}`);
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.props)) if (!(entry.secretAttributes ?? []).includes(k)) setOwn(props, k, v);
    const res: IdentityResource = {
      address: r.address,
      nativeType: r.type,
      entry,
      action: "no-op",
      props,
      unknownPaths: Object.keys(r.unreadable ?? {}),
      sensitivePaths: [...(entry.secretAttributes ?? [])],
      origin: { source: "aws-discovery", file: name, discovered: { ...(r.account ? { account: r.account } : {}), ...(r.unreadable ? { unreadable: r.unreadable } : {}) } },
    };
    if (r.propRefs) res.propRefs = r.propRefs;
    return res;
  });
  return { resources, gaps: snap.gaps as InputGap[], scope: "all", sources: [name], accounts: snap.accounts as SnapshotAccount[], discoveredAt: snap.discoveredAt };
}
