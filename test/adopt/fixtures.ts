/**
 * Fixtures for the adoption tests, built from real plans:
 *
 * - `stateOfPlan`: what `terraform show -json` of the state shows after the plan was applied:
 *   the planned values, with what AWS assigns filled in as the provider records it (ARNs, ids,
 *   unique ids, a role's read-back `inline_policy` and `managed_policy_arns`, references resolved
 *   to the values they point at). Values the plan cannot know (a trust policy from a data source
 *   read at apply) stay out, as they would be missing from what adopt is given.
 * - `accountOfState`: the same identities as the local IAM server serves them.
 * - `fillPlaceholders`: what a person does with the `TODO:` values.
 * - `withNodeModules` / `runNode`: run a generated program against this checkout's sources.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { planToInput } from "../../src/adapters/terraform-plan";
import { IdentityResource } from "../../src/engine/model";
import { FakeAccount } from "../aws/fake-aws";
import { BOUNDARY, NOW } from "../helpers";

export const ACCOUNT = "123456789012";
export const ROOT = path.resolve(__dirname, "../..");

const hash = (s: string, n: number) => crypto.createHash("sha256").update(s).digest("hex").toUpperCase().slice(0, n);
const stripAttr = (ref: string, byAddress: Map<string, IdentityResource>): [IdentityResource, string] | undefined => {
  const parts = ref.split(".");
  for (let n = parts.length; n >= 2; n--) {
    const hit = byAddress.get(parts.slice(0, n).join("."));
    if (hit) return [hit, parts.slice(n).join(".")];
  }
  return undefined;
};

/** The state after `plan` is applied, as `terraform show -json` prints it. */
export function stateOfPlan(plan: unknown, name = "plan.json"): { format_version: string; terraform_version: string; values: { root_module: Record<string, unknown> } } {
  const input = planToInput(plan, name);
  const resources = input.resources.filter((r) => r.action !== "delete");
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const values = new Map<string, Record<string, unknown>>();
  const unknown = (r: IdentityResource, attr: string) => r.unknownPaths.some((p) => p === attr || p.startsWith(`${attr}.`));
  // First what each resource sets itself, then references (which may point at assigned values).
  for (const r of resources) {
    const v: Record<string, unknown> = JSON.parse(JSON.stringify(r.props));
    for (const attr of Object.keys(v)) if (unknown(r, attr) && v[attr] === null) delete v[attr];
    if ((r.entry.id === "aws_iam_role" || r.entry.id === "aws_iam_user" || r.entry.id === "aws_iam_policy") && (typeof v.name !== "string" || v.name === "")) v.name = `terraform-${hash(r.address, 20).toLowerCase()}`;
    v.path ??= "/";
    const kind = r.entry.id === "aws_iam_role" ? "role" : r.entry.id === "aws_iam_user" ? "user" : r.entry.id === "aws_iam_policy" ? "policy" : undefined;
    if (kind) {
      v.arn = `arn:aws:iam::${ACCOUNT}:${kind}${v.path}${v.name}`;
      v.id = kind === "policy" ? v.arn : v.name;
      if (kind !== "policy") v.unique_id = `${kind === "role" ? "AROA" : "AIDA"}${hash(r.address, 17)}`;
      else v.policy_id = `ANPA${hash(r.address, 17)}`;
      v.tags_all = v.tags ?? {};
      v.create_date = "2024-03-01T10:00:00Z";
    }
    if (r.entry.id === "aws_iam_access_key") {
      v.id = `AKIA${hash(r.address, 16)}`;
      v.status = "Active";
      v.create_date = "2026-05-01T10:00:00Z";
    }
    values.set(r.address, v);
  }
  for (const r of resources) {
    const v = values.get(r.address) as Record<string, unknown>;
    for (const [attr, refs] of Object.entries(r.propRefs ?? {})) {
      if (attr.includes(".") || !unknown(r, attr)) continue;
      for (const ref of refs) {
        const hit = stripAttr(ref, byAddress);
        if (!hit || hit[0] === r) continue;
        const target = values.get(hit[0].address) as Record<string, unknown>;
        const wanted = target[hit[1] || "id"];
        if (wanted !== undefined) {
          v[attr] = wanted;
          break;
        }
      }
    }
    if (r.entry.id === "aws_iam_role_policy" || r.entry.id === "aws_iam_user_policy") v.id = `${String(v.role ?? v.user)}:${String(v.name)}`;
    if (r.entry.id.endsWith("_policy_attachment")) v.id = `${String(v.role ?? v.user)}-${hash(r.address, 8)}`;
  }
  // A role reads back its inline policies and managed policy attachments.
  for (const r of resources.filter((x) => x.entry.id === "aws_iam_role")) {
    const v = values.get(r.address) as Record<string, unknown>;
    const own = resources.filter((x) => x.entry.id === "aws_iam_role_policy" && values.get(x.address)?.role === v.name).map((x) => values.get(x.address) as Record<string, unknown>);
    const embedded = Array.isArray(v.inline_policy) ? (v.inline_policy as Record<string, unknown>[]).filter((p) => p && p.name) : [];
    v.inline_policy = [...embedded, ...own.map((p) => ({ name: p.name, policy: p.policy }))];
    const arns = resources.filter((x) => x.entry.id === "aws_iam_role_policy_attachment" && values.get(x.address)?.role === v.name).map((x) => values.get(x.address)?.policy_arn);
    v.managed_policy_arns = [...new Set([...((v.managed_policy_arns as string[] | undefined) ?? []), ...arns])].filter((a) => typeof a === "string").sort();
  }
  // Group by module address, as state JSON does.
  type Mod = { address?: string; resources: Record<string, unknown>[]; child_modules: Mod[] };
  const root: Mod = { resources: [], child_modules: [] };
  const modules = new Map<string, Mod>([["", root]]);
  const moduleOf = (address: string): Mod => {
    if (modules.has(address)) return modules.get(address) as Mod;
    const parentAddress = address.includes(".module.") ? address.slice(0, address.lastIndexOf(".module.")) : "";
    const m: Mod = { address, resources: [], child_modules: [] };
    moduleOf(parentAddress).child_modules.push(m);
    modules.set(address, m);
    return m;
  };
  for (const r of resources) {
    const m = r.origin.module?.address ?? "";
    const local = m ? r.address.slice(m.length + 1) : r.address;
    const [, type, rest] = /^([a-z0-9_]+)\.(.+)$/.exec(local) as RegExpExecArray;
    const [, rname, index] = /^([A-Za-z0-9_-]+)(?:\[(.+)\])?$/.exec(rest) as RegExpExecArray;
    moduleOf(m).resources.push({
      address: r.address,
      mode: "managed",
      type,
      name: rname,
      ...(index !== undefined ? { index: JSON.parse(index) } : {}),
      provider_name: "registry.terraform.io/hashicorp/aws",
      schema_version: 0,
      values: values.get(r.address),
      sensitive_values: {},
    });
  }
  const strip = (m: Mod): Record<string, unknown> => ({ ...(m.address ? { address: m.address } : {}), resources: m.resources, ...(m.child_modules.length ? { child_modules: m.child_modules.map(strip) } : {}) });
  return { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: strip(root) } };
}

/** Every resource of a state JSON, flat. */
export function stateResources(state: { values: { root_module: Record<string, unknown> } }): { address: string; type: string; values: Record<string, unknown> }[] {
  const out: { address: string; type: string; values: Record<string, unknown> }[] = [];
  const walk = (m: Record<string, unknown>) => {
    for (const r of (m.resources as { address: string; type: string; values: Record<string, unknown> }[] | undefined) ?? []) out.push(r);
    for (const c of (m.child_modules as Record<string, unknown>[] | undefined) ?? []) walk(c);
  };
  walk(state.values.root_module);
  return out;
}

const doc = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p));

/** What the IAM API returns for the identities of a state. */
export function accountOfState(state: { values: { root_module: Record<string, unknown> } }): FakeAccount {
  const all = stateResources(state);
  const of = (type: string) => all.filter((r) => r.type === type).map((r) => r.values);
  const policyName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);
  return {
    id: ACCOUNT,
    roles: of("aws_iam_role")
      .filter((v) => v.assume_role_policy !== undefined)
      .map((v) => ({
        RoleName: String(v.name),
        Path: String(v.path ?? "/"),
        CreateDate: String(v.create_date),
        AssumeRolePolicyDocument: doc(v.assume_role_policy),
        MaxSessionDuration: Number(v.max_session_duration ?? 3600),
        ...(v.description ? { Description: String(v.description) } : {}),
        ...(v.permissions_boundary ? { PermissionsBoundaryArn: String(v.permissions_boundary) } : {}),
        ...(v.tags ? { Tags: v.tags as Record<string, string> } : {}),
        RolePolicies: ((v.inline_policy as { name: string; policy: unknown }[]) ?? []).map((p) => ({ PolicyName: p.name, PolicyDocument: doc(p.policy) })),
        AttachedManagedPolicies: ((v.managed_policy_arns as string[]) ?? []).map((a) => ({ PolicyName: policyName(a), PolicyArn: a })),
      })),
    users: of("aws_iam_user").map((v) => ({
      UserName: String(v.name),
      Path: String(v.path ?? "/"),
      CreateDate: String(v.create_date),
      ...(v.permissions_boundary ? { PermissionsBoundaryArn: String(v.permissions_boundary) } : {}),
      ...(v.tags ? { Tags: v.tags as Record<string, string> } : {}),
      UserPolicies: of("aws_iam_user_policy")
        .filter((p) => p.user === v.name)
        .map((p) => ({ PolicyName: String(p.name), PolicyDocument: doc(p.policy) })),
      AttachedManagedPolicies: of("aws_iam_user_policy_attachment")
        .filter((p) => p.user === v.name)
        .map((p) => ({ PolicyName: policyName(String(p.policy_arn)), PolicyArn: String(p.policy_arn) })),
      Keys: of("aws_iam_access_key")
        .filter((k) => k.user === v.name)
        .map((k) => ({ AccessKeyId: String(k.id), Status: "Active" as const, CreateDate: String(k.create_date) })),
    })),
    policies: of("aws_iam_policy").map((v) => ({ PolicyName: String(v.name), Path: String(v.path ?? "/"), CreateDate: String(v.create_date), Document: doc(v.policy), AttachmentCount: 1 })),
  };
}

/**
 * Replace every `"TODO: ..."` string of a generated program or spec file with what a person
 * would write there, by the key it belongs to (the nearest `key:` before it).
 */
export function fillPlaceholders(text: string): string {
  const values: Record<string, string> = {
    owner: "@acme/platform",
    purpose: "Adopted by the nhi-gate adopt test suite",
    environment: "prod",
    systemOfRecord: "https://cmdb.example.com/ci/ADOPT-1",
    retirement: "when the adoption tests are retired",
    workload: "the adoption test workload",
    permissionsBoundary: BOUNDARY,
    service: "lambda.amazonaws.com",
    roleArn: `arn:aws:iam::${ACCOUNT}:role/adopt-caller`,
    repository: "acme/adopt",
    ref: "refs/heads/main",
    clusterName: "adopt-eks",
    namespace: "adopt",
    serviceAccount: "adopt-sa",
    maxSessionDuration: "PT1H",
    actions: "s3:GetObject",
    resources: "arn:aws:s3:::adopt-test/*",
  };
  return text.replace(/(["'])TODO:(?:\\.|(?!\1).)*\1/g, (match, quote: string, offset: number) => {
    const before = text.slice(0, offset);
    const line = before.slice(before.lastIndexOf("\n") + 1).trimStart();
    if (line.startsWith("//") || line.startsWith("#")) return match; // a comment that names the placeholders
    const keys = [...before.matchAll(/(?:^|[\s{,])"?([A-Za-z]+)"?:\s*(?:\[|\n|$|\s)/gm)];
    const key = keys.length ? keys[keys.length - 1][1] : "";
    const value = values[key];
    if (value === undefined) throw new Error(`no fill-in value for a placeholder under "${key}": ${match.slice(0, 80)}`);
    return JSON.stringify(value);
  });
}

/** A directory whose node_modules resolves what generated programs import: this checkout's dependencies, and `nhi-governance` as this checkout (through its sources). */
export function programDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, "node_modules");
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, "node_modules"), link, "dir");
  return dir;
}

/** Node with the TypeScript loader and `nhi-governance/*` mapped to this checkout's sources (as the package's exports map to dist/). */
export const NODE_ARGS = ["-r", path.join(ROOT, "scripts/register-ts.js"), "-r", path.join(__dirname, "alias-hook.js"), "-r", path.join(__dirname, "fixed-now.js")];

export function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd, env: { ...process.env, NHI_TEST_NOW: NOW.toISOString(), ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
