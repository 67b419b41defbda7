import { GateConfig, GateConfigInput, GateConfigSchema } from "../spec/config";
import { durationSeconds, isDuration } from "../spec/duration";
import { TAG } from "../spec/tags";
import { Clock, daysBetween, parseDate } from "./clock";
import { ResourceGraph } from "./graph";
import { EvaluationInput, IdentityResource } from "./model";
import { ProvenanceStatus, resolveProvenance } from "./provenance";
import { tagsOf } from "./props";
import { expandResources } from "./expand";

/** One identity in the inventory: who owns it, how it authenticates, when it ends. */
export interface InventoryRecord {
  address: string;
  type: string;
  kind: string;
  action: string;
  owner?: string;
  purpose?: string;
  environment?: string;
  credential?: string;
  ttl?: string;
  rotation?: string;
  recertifyBy?: string;
  /** The principal a credential or grant belongs to. */
  principal?: string;
  createdAt?: string;
  governed: ProvenanceStatus;
  source?: string;
}

export interface Inventory {
  evaluatedAt: string;
  identities: InventoryRecord[];
  overdueRecertifications: InventoryRecord[];
  credentialsPastTtl: InventoryRecord[];
  withoutOwner: InventoryRecord[];
  orphanedCredentials: InventoryRecord[];
}

const CREATED_AT_ATTRIBUTES = ["create_date", "created_date", "creation_date", "valid_after", "start_date"];

/**
 * Build the inventory of identities from one or more evaluation inputs (plans, states, stack
 * exports): the lifecycle record auditors ask for. Credentials inherit lifecycle data from the
 * principal they belong to.
 */
export function buildInventory(inputs: EvaluationInput[], options: { config?: GateConfig | GateConfigInput; clock: Clock }): Inventory {
  const config = GateConfigSchema.parse(options.config ?? {});
  const now = options.clock.now();
  const identities: InventoryRecord[] = [];
  const orphaned: InventoryRecord[] = [];
  for (const input of inputs) {
    // Containers are listed by what they contain (a stack's roles), not as identities themselves.
    const resources = expandResources(input.resources).filter((r) => r.action !== "read" && r.entry.kind !== "container");
    const graph = new ResourceGraph(resources);
    const provenance = resolveProvenance(graph, input.components ?? [], config);
    for (const r of resources) {
      const links = graph.links(r);
      const owners = links.flatMap((l) => l.targets);
      const principal = owners.find((o) => o.entry.kind === "principal");
      // Untaggable resources take the lifecycle tags of what they belong to: their principal, or
      // a tagged owner such as the secret a secret version belongs to (GovernedIdentity copies the tags there).
      const tagged = principal ?? owners.find((o) => tagsOf(o) !== undefined);
      const tags = tagsOf(r) ?? (tagged ? tagsOf(tagged) : undefined) ?? {};
      const record: InventoryRecord = {
        address: r.address,
        type: r.nativeType,
        kind: r.entry.kind,
        action: r.action,
        owner: tags[TAG.owner],
        purpose: tags[TAG.purpose],
        environment: tags[TAG.environment],
        credential: tags[TAG.credential] ?? (r.entry.staticCredential ? "static-key" : undefined),
        ttl: tags[TAG.ttl],
        rotation: tags[TAG.rotation],
        recertifyBy: tags[TAG.recertifyBy],
        principal: principal?.address,
        createdAt: createdAt(r),
        governed: provenance.get(r.address)?.status ?? "ungoverned",
        source: r.origin.file,
      };
      for (const k of Object.keys(record) as (keyof InventoryRecord)[]) if (record[k] === undefined) delete record[k];
      identities.push(record);
      const ownerGone = owners.length > 0 && owners.every((o) => o.action === "delete") && r.action !== "delete";
      const ownerMissing = (r.entry.principalProps?.length ?? 0) > 0 && links.some((l) => l.external.length > 0) && !owners.length;
      if ((r.entry.kind === "credential" || r.entry.kind === "grant") && (ownerGone || ownerMissing)) orphaned.push(record);
    }
  }
  const cmp = (a: InventoryRecord, b: InventoryRecord) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
  identities.sort(cmp);
  const overdue = identities.filter((i) => {
    const d = i.recertifyBy ? parseDate(i.recertifyBy) : undefined;
    return i.kind === "principal" && d !== undefined && daysBetween(now, d) < 0;
  });
  const pastTtl = identities.filter((i) => {
    if (i.kind !== "credential" || !i.createdAt) return false;
    const created = parseDate(i.createdAt);
    const ttl = i.ttl && isDuration(i.ttl) ? i.ttl : config.maxCredentialTtl;
    return created !== undefined && (now.getTime() - created.getTime()) / 1000 > durationSeconds(ttl);
  });
  return {
    evaluatedAt: now.toISOString(),
    identities,
    overdueRecertifications: overdue,
    credentialsPastTtl: pastTtl,
    withoutOwner: identities.filter((i) => i.kind === "principal" && !i.owner),
    orphanedCredentials: orphaned.sort(cmp),
  };
}

function createdAt(r: IdentityResource): string | undefined {
  for (const a of CREATED_AT_ATTRIBUTES) {
    const v = r.props[a];
    if (typeof v === "string" && parseDate(v)) return v;
  }
  return undefined;
}
