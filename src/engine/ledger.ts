import { TAG } from "../spec/tags";
import { ActionExpander, iamDataExpander } from "../iam/grants";
import { policyChanges } from "../rules/support";
import { Clock, parseDate } from "./clock";
import { EvaluationInput, IdentityResource } from "./model";
import { ResourceGraph } from "./graph";

export type LedgerEventKind = "issued" | "adopted" | "rotated" | "scope-widened" | "scope-narrowed" | "recertified" | "offboarded";

/** One line of the lifecycle ledger (JSON Lines): an identity change seen in a plan. */
export interface LedgerEvent {
  time: string;
  event: LedgerEventKind;
  address: string;
  type: string;
  principal?: string;
  detail: string;
  source?: string;
  commit?: string;
  runId?: string;
  repository?: string;
}

/** Commit, run id and repository from the usual CI environment variables. */
export function ciContext(env: NodeJS.ProcessEnv): Pick<LedgerEvent, "commit" | "runId" | "repository"> {
  const out: Pick<LedgerEvent, "commit" | "runId" | "repository"> = {};
  const commit = env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? env.BUILD_SOURCEVERSION ?? env.CIRCLE_SHA1 ?? env.BITBUCKET_COMMIT ?? env.GIT_COMMIT;
  const runId = env.GITHUB_RUN_ID ?? env.CI_PIPELINE_ID ?? env.BUILD_BUILDID ?? env.CIRCLE_BUILD_NUM ?? env.BITBUCKET_BUILD_NUMBER ?? env.BUILD_ID;
  const repository = env.GITHUB_REPOSITORY ?? env.CI_PROJECT_PATH ?? env.BUILD_REPOSITORY_NAME ?? env.BITBUCKET_REPO_FULL_NAME;
  if (commit) out.commit = commit;
  if (runId) out.runId = runId;
  if (repository) out.repository = repository;
  return out;
}


/**
 * Events for every identity change in a plan: issued, adopted (imported), rotated, scope widened
 * or narrowed, recertified, offboarded. Deterministic given the clock and environment.
 */
export function ledgerEvents(input: EvaluationInput, options: { clock: Clock; source?: string; env?: NodeJS.ProcessEnv; expand?: ActionExpander }): LedgerEvent[] {
  const time = options.clock.now().toISOString();
  const ci = ciContext(options.env ?? {});
  const graph = new ResourceGraph(input.resources);
  const events: LedgerEvent[] = [];
  const push = (r: IdentityResource, event: LedgerEventKind, detail: string) => {
    const principal = graph.links(r).flatMap((l) => l.targets).find((t) => t.entry.kind === "principal");
    events.push({ time, event, address: r.address, type: r.nativeType, ...(principal ? { principal: principal.address } : {}), detail, ...(options.source ? { source: options.source } : {}), ...ci });
  };
  for (const r of input.resources) {
    const before = r.before ?? undefined;
    switch (r.action) {
      case "create":
        // An import brings an identity that exists already under this configuration (nhi-gate adopt): nothing is issued.
        if (r.imported) push(r, "adopted", `existing ${r.entry.description} imported into this configuration`);
        else push(r, "issued", `${r.entry.description} created`);
        break;
      case "replace":
        push(r, r.entry.kind === "credential" ? "rotated" : "issued", r.entry.kind === "credential" ? `${r.entry.description} replaced (new secret material)` : `${r.entry.description} replaced`);
        break;
      case "delete":
        push(r, "offboarded", `${r.entry.description} deleted`);
        break;
      case "update": {
        if (r.imported) push(r, "adopted", `existing ${r.entry.description} imported into this configuration, and updated`);
        const oldDate = before && typeof before.tags === "object" && before.tags ? (before.tags as Record<string, string>)[TAG.recertifyBy] : undefined;
        const newDate = typeof r.props.tags === "object" && r.props.tags ? (r.props.tags as Record<string, string>)[TAG.recertifyBy] : undefined;
        const o = oldDate ? parseDate(oldDate) : undefined;
        const n = newDate ? parseDate(newDate) : undefined;
        if (o && n && n.getTime() > o.getTime()) push(r, "recertified", `${TAG.recertifyBy} moved from ${oldDate} to ${newDate}`);
        break;
      }
    }
    if (r.action === "update" || r.action === "replace") {
      for (const change of policyChanges(r, options.expand ?? iamDataExpander)) {
        if ("unknown" in change) continue;
        if ("error" in change) {
          push(r, "scope-widened", `${change.field} could not be parsed; recorded as a possible widening`);
          continue;
        }
        const { widened, narrowed } = change;
        if (widened.length) push(r, "scope-widened", `grants ${widened.length} more: ${widened.slice(0, 10).join(", ")}${widened.length > 10 ? ", ..." : ""}`);
        if (narrowed.length) push(r, "scope-narrowed", `grants ${narrowed.length} fewer: ${narrowed.slice(0, 10).join(", ")}${narrowed.length > 10 ? ", ..." : ""}`);
      }
    }
  }
  return events.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.event < b.event ? -1 : a.event > b.event ? 1 : 0));
}
