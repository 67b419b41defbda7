import { CatalogEntry } from "../catalog/types";

export type ChangeAction = "create" | "update" | "delete" | "replace" | "no-op" | "read";

/** Where a resource was seen, and what its tool says about where it came from. */
export interface Origin {
  source: "terraform-plan" | "terraform-state" | "cdktf-synth" | "cdktf-aspect" | "pulumi" | "pulumi-export" | "aws-discovery";
  file?: string;
  /**
   * Read from the deployed cloud, not from IaC (`nhi-gate discover`, Pulumi Insights Discovery in
   * audit mode): no construct, no parent chain, no plan. Provenance and integrity come from the
   * seal alone; a seal that does not match has drifted after deploy.
   */
  discovered?: DiscoveredOrigin;
  /** Terraform module the resource is in, with the module's source when the plan's configuration has it. */
  module?: {
    address: string;
    source?: string;
    /** Nested module calls, outermost first, when the resource is more than one module deep. */
    chain?: { address: string; source?: string }[];
  };
  /** CDKTF construct path (from `//` metadata, or the live tree in the aspect). */
  constructPath?: string;
  /**
   * Ancestors, nearest first: Pulumi components (URN + type token) or CDKTF constructs
   * (path + class name, known to the aspect).
   */
  parents?: { id: string; type: string }[];
}

/** Where a discovered resource was read, and what discovery could not read about it. */
export interface DiscoveredOrigin {
  /** 12-digit AWS account id. */
  account?: string;
  /** Dot paths that could not be read (they are also in `unknownPaths`), with the permission that was denied or the reason. */
  unreadable?: Record<string, string>;
}

/**
 * What an adapter could not read at all (an account whose API denied a listing): each is a
 * "cannot evaluate" finding (NHI-GOV-043) at `address`, never a silent pass.
 */
export interface InputGap {
  /** Where it belongs: an account (`123456789012/aws_account`), a principal, a credential. */
  address: string;
  /** The resource type for reports (`aws_account`, `aws_iam_user`). */
  type: string;
  /** Granular key: `Denied::iam:ListAccessKeys`. */
  key: string;
  message: string;
  /** Defaults to the finding's own severity (high); a gap discovery worked around is lower. */
  severity?: "info" | "low" | "medium" | "high" | "critical";
}

/**
 * The normalized model: one identity-relevant resource, whatever the tool. Property names are
 * Terraform's (snake_case); Pulumi adapters convert bridged-provider inputs to them.
 */
export interface IdentityResource {
  /** Terraform address, CDKTF logical address, or Pulumi URN. Unique within one evaluation. */
  address: string;
  /** The type as the tool names it (Terraform type or Pulumi token). */
  nativeType: string;
  entry: CatalogEntry;
  action: ChangeAction;
  /** Planned values (after), or current values for state, or the last values for a delete. */
  props: Record<string, unknown>;
  /** Values before the change, when the tool knows them (plans). */
  before?: Record<string, unknown> | null;
  /** Dot paths (`tags.nhi:owner`, `assume_role_policy`) whose value is unknown until apply. */
  unknownPaths: string[];
  /** Dot paths the tool marks sensitive; never printed. */
  sensitivePaths: string[];
  /** For each attribute, the addresses its configuration expression references (Terraform, CDKTF). */
  propRefs?: Record<string, string[]>;
  /** The plan imports it (`change.importing`): an identity that exists already, brought under this configuration. */
  imported?: boolean;
  /**
   * What outside the identity model reads this resource's secret attributes, from the
   * configuration (Terraform plans, CDKTF): resources of any type, data sources, module inputs
   * and root outputs whose expression references `<address>.<secret attribute>`. Present only
   * when there is such a consumer (the identity resources' own references are `propRefs`).
   */
  secretConsumers?: SecretConsumer[];
  origin: Origin;
  /**
   * An identity declared inside another resource (a CloudFormation template's IAM resource, a GCP
   * IAM policy's binding; src/engine/expand.ts): that resource, and where in it.
   */
  containedIn?: { address: string; nativeType: string; path: string };
  /**
   * What the gate cannot read of this resource and that may create or widen an identity (a
   * template only reachable by URL, a Transform, a `dynamic` block over values unknown until
   * apply): each is an NHI-GOV-030 finding, never a pass.
   */
  opaque?: OpaquePart[];
}

/** One part of a resource the gate cannot evaluate. `key` makes the finding id granular (`TemplateUrl::template_url`). */
export interface OpaquePart {
  key: string;
  field?: string;
  message: string;
}

/** One place a secret attribute flows to. */
export interface SecretConsumer {
  /** The consumer: a resource or data source address, `module.<name>` (an input), or `output.<name>` (a root output). */
  address: string;
  /** Its resource type, or `module` / `output`. */
  type: string;
  /** The consumer's attribute, input or output that holds it. */
  field: string;
  /** The secret attribute it holds (`secret`), or `*` for the whole resource object. */
  attribute: string;
}

/** A Pulumi component (or CDKTF construct) instance with its declared inputs. */
export interface ComponentRecord {
  /** URN or construct path. */
  id: string;
  type: string;
  inputs: Record<string, unknown>;
  unknownPaths?: string[];
  parents?: { id: string; type: string }[];
}

export interface EvaluationInput {
  resources: IdentityResource[];
  components?: ComponentRecord[];
  /** Which resources the gate judges: only changes (plans), or everything (state, preview). */
  scope?: "changes" | "all";
  /** Human-readable names of the inputs (files), for the report. */
  sources?: string[];
  /** What the adapter could not read (discovery): reported as cannot-evaluate findings. */
  gaps?: InputGap[];
}

export const isUnknownAt = (r: IdentityResource, path: string): boolean => {
  // Without building `${path}.` strings: this is asked for every field of every resource.
  for (const p of r.unknownPaths) if (p === path || within(p, path) || within(path, p)) return true;
  return false;
};

/** Whether dot path `p` is below `parent` (`parent.` is a prefix of it). */
const within = (p: string, parent: string) => p.length > parent.length && p.charCodeAt(parent.length) === 46 && p.startsWith(parent);

/** Why a value is unknown: what discovery could not read (naming the denied permission), else "unknown until apply". */
export function unknownReason(r: IdentityResource, path: string): string {
  const unreadable = r.origin.discovered?.unreadable ?? {};
  const hit = Object.keys(unreadable).find((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
  return hit ? unreadable[hit] : "unknown until apply";
}
