import { normalizePolicy } from "./policy";
import { expandAction } from "./actions";
import { globMatch } from "../util/glob";

/*
 * What a policy grants, as (action, resource) pairs with actions expanded against AWS's action
 * list, so that `s3:Get*` and `s3:GetObject, s3:GetObjectAcl, ...` compare equal and `s3:*`
 * is seen to be wider than `s3:GetObject`.
 */

/** Expands an action pattern to concrete lowercase action names. */
export type ActionExpander = (pattern: string) => string[];

function grants(doc: unknown, expand: ActionExpander): { action: string; resource: string }[] {
  const out: { action: string; resource: string }[] = [];
  for (const st of normalizePolicy(doc).Statement) {
    if (st.Effect !== "Allow" || !st.Action) continue;
    for (const pattern of st.Action) for (const action of expand(pattern)) for (const resource of st.Resource ?? ["*"]) out.push({ action, resource });
  }
  return out;
}

type Grant = { action: string; resource: string };

function byAction(grants: Grant[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const g of grants) {
    const list = m.get(g.action);
    if (list) list.push(g.resource);
    else m.set(g.action, [g.resource]);
  }
  return m;
}

const covered = (g: Grant, by: Map<string, string[]>) => (by.get(g.action) ?? []).some((res) => res === g.resource || globMatch(res, g.resource));

/** Compare two policy documents by what they grant: widened, narrowed, both, or neither. */
export function compareGrants(before: unknown, after: unknown, expand: ActionExpander): { widened: string[]; narrowed: string[] } {
  const b = before === undefined || before === null ? [] : grants(before, expand);
  const a = after === undefined || after === null ? [] : grants(after, expand);
  const label = (g: Grant) => `${g.action} on ${g.resource}`;
  const aIndex = byAction(a);
  const bIndex = byAction(b);
  return {
    widened: [...new Set(a.filter((g) => !covered(g, bIndex)).map(label))].sort(),
    narrowed: [...new Set(b.filter((g) => !covered(g, aIndex)).map(label))].sort(),
  };
}


/** The IAM-data expansion; a pattern of an unknown service stands for itself. */
export const iamDataExpander: ActionExpander = (pattern) => {
  const e = expandAction(pattern);
  return e.actions.length ? e.actions.map((a) => a.action.toLowerCase()) : [pattern.toLowerCase()];
};
