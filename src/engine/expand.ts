import { catalogByCloudFormationType, catalogById } from "../catalog";
import { CatalogEntry } from "../catalog/types";
import { cfnSnake, convertProperties, NO_VALUE, parseTemplate, Resolver, Template, TemplateError, TemplateResource } from "../adapters/cloudformation";
import { sensitivePathsOf } from "../adapters/common";
import { isRecord, setOwn } from "../adapters/input";
import { ChangeAction, IdentityResource, isUnknownAt, OpaquePart } from "./model";

/**
 * The expansion step: a container resource (a CloudFormation stack or stack set, a Cloud Control
 * resource, an authoritative GCP IAM policy) becomes the identity resources it declares, so that
 * every rule and every front end (plan, state, synth, the CDKTF aspect, the Pulumi pack and kit)
 * judges them like the native resources they are. Each is addressed inside its container
 * (`aws_cloudformation_stack.x/Resources/MyRole`, `google_project_iam_policy.p/bindings/roles/owner`)
 * so substance rules, findings and exemptions name it; a Cloud Control resource of an IAM type is
 * the identity itself and keeps its address. What cannot be read is recorded on the container
 * (`opaque`, reported by NHI-GOV-030).
 *
 * Idempotent: expanding an already expanded list changes nothing.
 */
export function expandResources(resources: IdentityResource[]): IdentityResource[] {
  let out: IdentityResource[] | undefined;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    if (r.entry.kind !== "container" || !r.entry.contains || expanded.has(r)) {
      out?.push(r);
      continue;
    }
    out ??= resources.slice(0, i);
    const { identities, replaced } = expandOne(r);
    if (!replaced) {
      expanded.add(r);
      out.push(r);
    }
    for (const c of identities) out.push(c);
  }
  return out ?? resources;
}

const expanded = new WeakSet<IdentityResource>();

interface Expansion {
  identities: IdentityResource[];
  /** The container became its one identity (Cloud Control): it is not kept. */
  replaced?: boolean;
}

function expandOne(r: IdentityResource): Expansion {
  const opaque: OpaquePart[] = [];
  let result: Expansion;
  switch (r.entry.contains) {
    case "cloudformation-template":
      result = { identities: expandStack(r, opaque) };
      break;
    case "sar-application":
      sarApplication(r, opaque);
      result = { identities: [] };
      break;
    case "cloudcontrol-desired-state":
      result = expandCloudControl(r, opaque);
      break;
    case "gcp-iam-policy":
      result = { identities: expandGcpPolicy(r, opaque) };
      break;
    default:
      result = { identities: [] };
  }
  if (opaque.length) r.opaque = [...(r.opaque ?? []), ...opaque];
  return result;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The action of an identity found in both, one or none of a container's old and new contents. */
function childAction(container: ChangeAction, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, unknown: boolean): ChangeAction {
  if (container !== "update") return container;
  if (!before) return "create";
  if (!after) return "delete";
  return !unknown && JSON.stringify(before) === JSON.stringify(after) ? "no-op" : "update";
}

function child(r: IdentityResource, entry: CatalogEntry, nativeType: string, path: string, props: Record<string, unknown>, extra: Partial<IdentityResource>): IdentityResource {
  return {
    address: `${r.address}/${path}`,
    nativeType,
    entry,
    action: r.action,
    props,
    unknownPaths: [],
    sensitivePaths: sensitivePathsOf(entry, []),
    origin: { ...r.origin },
    containedIn: { address: r.address, nativeType: r.nativeType, path },
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// CloudFormation stacks and stack sets

const MAX_NESTING = 4;

interface TemplateIdentity {
  logicalPath: string;
  type: string;
  entry: CatalogEntry;
  props: Record<string, unknown>;
  unknownPaths: string[];
  /** Converted prop name to the logical paths (`Resources/X`) it references. */
  refs: Record<string, string[]>;
  /** Converted prop name to the parameters it uses. */
  params: Record<string, string[]>;
}

/** The identities of one template (and of stack sets' inline templates inside it), with what cannot be read. */
function templateIdentities(body: string, values: Record<string, string>, unknownParams: Set<string>, stackName: string | undefined, field: string, prefix: string, opaque: OpaquePart[] | undefined, depth: number): TemplateIdentity[] {
  let template: Template;
  try {
    template = parseTemplate(body);
  } catch (e) {
    const why = e instanceof TemplateError ? e.message : String(e);
    opaque?.push({ key: `Unparsable::${field}`, field, message: `cannot evaluate ${field}: ${why}; the identities it creates cannot be seen. Fix: give a valid CloudFormation template (JSON or YAML)` });
    return [];
  }
  for (const t of template.transforms) {
    opaque?.push({
      key: `Transform::${t}`,
      field,
      message: `cannot evaluate ${field}: the template uses Transform ${t}, which rewrites it at deploy time (AWS::Serverless creates a role for every function, macros can add anything), so the identities it creates cannot be seen before deploy. Fix: deploy the processed template (sam package / aws cloudformation get-template --template-stage Processed) as template_body, or create the identities with GovernedIdentity`,
    });
  }
  const resolver = new Resolver({ template, parameterValues: values, unknownParameters: unknownParams, stackName });
  const out: TemplateIdentity[] = [];
  for (const res of template.resources) {
    const logicalPath = `${prefix}Resources/${res.logicalId}`;
    try {
      if (res.condition !== undefined && resolver.condition(res.condition) === false) continue;
      out.push(...resourceIdentities(res, logicalPath, resolver, template, field, opaque, depth));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      opaque?.push({ key: `Unparsable::${logicalPath}`, field, message: `cannot evaluate ${logicalPath} in ${field}: ${e.message}` });
    }
  }
  for (const t of resolver.transforms) opaque?.push({ key: `Transform::${t}`, field, message: `cannot evaluate ${field}: Fn::Transform ${t} rewrites part of the template at deploy time, so what it creates cannot be seen before deploy` });
  return out;
}

function resourceIdentities(res: TemplateResource, logicalPath: string, resolver: Resolver, template: Template, field: string, opaque: OpaquePart[] | undefined, depth: number): TemplateIdentity[] {
  const props = isRecord(res.properties) ? res.properties : {};
  if (res.type === "AWS::CloudFormation::Stack" || (res.type === "AWS::CloudFormation::StackSet" && props.TemplateBody === undefined)) {
    opaque?.push({
      key: `NestedTemplate::${logicalPath}`,
      field,
      message: `cannot evaluate ${logicalPath} (${res.type}): its template comes from TemplateURL, which the gate does not fetch, so the identities it creates cannot be seen. Fix: inline the template (TemplateBody) or create the identities with GovernedIdentity`,
    });
    return [];
  }
  if (res.type === "AWS::CloudFormation::StackSet") {
    const inner = resolver.value(props.TemplateBody);
    resolver.takeRefs();
    if (typeof inner !== "string" || depth >= MAX_NESTING) {
      opaque?.push({ key: `NestedTemplate::${logicalPath}`, field, message: `cannot evaluate ${logicalPath} (AWS::CloudFormation::StackSet): its TemplateBody is ${typeof inner !== "string" ? "not known before deploy" : `nested more than ${MAX_NESTING} levels deep`}` });
      return [];
    }
    // The stack set's own parameters are passed to the inner template by the stack set's instances: not known here.
    return templateIdentities(inner, {}, new Set(), undefined, field, `${logicalPath}/`, opaque, depth + 1);
  }
  if (res.type.endsWith("::MODULE") || res.type.startsWith("AWS::Serverless::")) {
    if (res.type.endsWith("::MODULE") || !template.transforms.length) {
      opaque?.push({ key: `Module::${logicalPath}`, field, message: `cannot evaluate ${logicalPath} (${res.type}): it expands at deploy time into resources the gate cannot see` });
    }
    return [];
  }
  const entry = catalogByCloudFormationType(res.type);
  if (!entry || entry.kind === "container") return [];
  if (Object.keys(props).some((k) => k.startsWith("Fn::"))) {
    // Properties made by a function (Fn::Transform AWS::Include): known only at deploy; the Transform is reported.
    resolver.value(props);
    resolver.takeRefs();
    if (!resolver.transforms.size) opaque?.push({ key: `Unknown::${logicalPath}`, field, message: `cannot evaluate ${logicalPath} (${res.type}): its Properties are computed at deploy time` });
    return [];
  }
  const resolved: Record<string, unknown> = {};
  const refs: Record<string, string[]> = {};
  const params: Record<string, string[]> = {};
  for (const k of Object.keys(props)) {
    const v = resolver.value(props[k]);
    if (v !== NO_VALUE) setOwn(resolved, k, v);
    const { logicalIds, parameters } = resolver.takeRefs();
    const converted = cfnSnake(k);
    if (logicalIds.length) setOwn(refs, converted, logicalIds.filter((id) => template.resources.some((x) => x.logicalId === id)).map((id) => `${logicalPath.slice(0, logicalPath.lastIndexOf("Resources/"))}Resources/${id}`));
    if (parameters.length) setOwn(params, converted, parameters);
  }
  const { props: converted, unknownPaths } = convertProperties(resolved);
  return [{ logicalPath, type: res.type, entry, props: converted, unknownPaths, refs, params }];
}

function parameterValues(r: IdentityResource, props: Record<string, unknown> | null | undefined, withUnknowns: boolean): { values: Record<string, string>; unknown: Set<string> } {
  const values: Record<string, string> = {};
  const unknown = new Set<string>();
  const raw = props?.parameters;
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") setOwn(values, k, String(v));
  if (withUnknowns) {
    for (const p of r.unknownPaths) {
      if (p === "parameters") unknown.add("*");
      else if (p.startsWith("parameters.")) unknown.add(p.slice("parameters.".length).split(".")[0]);
    }
  }
  return { values, unknown };
}

function expandStack(r: IdentityResource, opaque: OpaquePart[]): IdentityResource[] {
  const after = stackContents(r, r.props, true, opaque);
  const before = r.action === "update" && r.before ? stackContents(r, r.before, false, undefined) : undefined;
  if (!after) return [];
  const beforeBy = new Map((before ?? []).map((t) => [t.logicalPath, t]));
  const afterPaths = new Set(after.map((t) => t.logicalPath));
  const out: IdentityResource[] = [];
  const paramRefs = r.propRefs?.parameters ?? [];
  for (const t of after) {
    const old = beforeBy.get(t.logicalPath);
    const propRefs: Record<string, string[]> = {};
    for (const k of new Set([...Object.keys(t.refs), ...Object.keys(t.params)])) {
      const list = [...(t.refs[k] ?? []).map((p) => `${r.address}/${p}`), ...(t.params[k]?.length ? paramRefs : [])];
      if (list.length) setOwn(propRefs, k, [...new Set(list)]);
    }
    const c = child(r, t.entry, t.type, t.logicalPath, t.props, {
      action: childAction(r.action, old?.props, t.props, t.unknownPaths.length > 0),
      unknownPaths: t.unknownPaths,
      ...(before ? { before: old?.props ?? null } : {}),
    });
    if (Object.keys(propRefs).length) c.propRefs = propRefs;
    out.push(c);
  }
  for (const t of before ?? []) {
    if (afterPaths.has(t.logicalPath)) continue;
    out.push(child(r, t.entry, t.type, t.logicalPath, t.props, { action: "delete", before: t.props }));
  }
  return out;
}

/** The identities of a stack's template (after or before values), or undefined when there is no template to read. */
function stackContents(r: IdentityResource, props: Record<string, unknown>, isAfter: boolean, opaque: OpaquePart[] | undefined): TemplateIdentity[] | undefined {
  const unknown = (f: string) => isAfter && isUnknownAt(r, f);
  // With template_url set, the provider reads template_body back from CloudFormation: unknown in a plan, and not the configuration's.
  if (str(props.template_url) || (unknown("template_url") && !str(props.template_body))) {
    opaque?.push({
      key: "TemplateUrl::template_url",
      field: "template_url",
      message: "cannot evaluate template_url: the template is only reachable by URL, which the gate does not fetch, so the identities it creates cannot be seen. Fix: pass the template as template_body (file() or templatefile() in Terraform), or create the identities with GovernedIdentity",
    });
    return undefined;
  }
  if (unknown("template_body")) {
    opaque?.push({ key: "Unknown::template_body", field: "template_body", message: "cannot evaluate template_body: unknown until apply, so the identities the template creates cannot be seen. Fix: give the template as a literal (or from values known at plan time)" });
    return undefined;
  }
  const body = str(props.template_body);
  if (body === undefined) return undefined;
  const { values, unknown: unknownParams } = parameterValues(r, props, isAfter);
  if (unknownParams.has("*")) {
    opaque?.push({ key: "Unknown::parameters", field: "parameters", message: "cannot evaluate parameters: unknown until apply, so what the template creates cannot be resolved" });
    return undefined;
  }
  return templateIdentities(body, values, unknownParams, str(props.name), "template_body", "", opaque, 0);
}

/** Capabilities a CloudFormation stack needs to create IAM resources (or to expand macros that may). */
const IAM_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND", "CAPABILITY_RESOLVE_AUTO_EXPAND"];

/** A Serverless Application Repository application: its template is the publisher's; with IAM capabilities it creates identities the gate cannot see. */
function sarApplication(r: IdentityResource, opaque: OpaquePart[]): void {
  const caps = r.props.capabilities;
  const unknown = isUnknownAt(r, "capabilities");
  const granted = Array.isArray(caps) ? caps.filter((c): c is string => typeof c === "string" && IAM_CAPABILITIES.includes(c)) : [];
  if (!unknown && !granted.length) return;
  opaque.push({
    key: "Application::application_id",
    field: "application_id",
    message: `cannot evaluate the application ${String(r.props.application_id ?? "(unknown)")}: its template comes from the Serverless Application Repository and ${unknown ? "its capabilities are unknown until apply" : `is granted ${granted.join(", ")}`}, so it may create IAM roles and users the gate cannot see. Fix: deploy the application's template as an aws_cloudformation_stack with template_body, or create the identities with GovernedIdentity`,
  });
}

// ---------------------------------------------------------------------------------------------
// Cloud Control

function expandCloudControl(r: IdentityResource, opaque: OpaquePart[]): Expansion {
  if (isUnknownAt(r, "type_name")) {
    opaque.push({ key: "Unknown::type_name", field: "type_name", message: "cannot evaluate type_name: unknown until apply, so the gate cannot tell whether this resource is an identity" });
    return { identities: [] };
  }
  const type = str(r.props.type_name);
  const entry = type ? catalogByCloudFormationType(type) : undefined;
  if (!type || !entry || entry.kind === "container") return { identities: [] };
  if (isUnknownAt(r, "desired_state")) {
    opaque.push({ key: "Unknown::desired_state", field: "desired_state", message: `cannot evaluate desired_state of this ${type}: unknown until apply. Fix: give the desired state from values known at plan time` });
    return { identities: [] };
  }
  const state = (v: unknown): { props?: Record<string, unknown>; error?: string } => {
    if (isRecord(v)) return { props: convertProperties(v).props };
    if (typeof v !== "string") return { error: "missing" };
    try {
      const parsed: unknown = JSON.parse(v);
      return isRecord(parsed) ? { props: convertProperties(parsed).props } : { error: "not a JSON object" };
    } catch (e) {
      return { error: `not JSON (${(e as Error).message})` };
    }
  };
  const after = state(r.props.desired_state);
  if (!after.props) {
    opaque.push({ key: "Unparsable::desired_state", field: "desired_state", message: `cannot evaluate desired_state of this ${type}: ${after.error}. Fix: give the resource's properties as a JSON object` });
    return { identities: [] };
  }
  const refs = r.propRefs?.desired_state;
  const before = r.before ? state(r.before.desired_state).props : undefined;
  const identity: IdentityResource = {
    ...r,
    entry,
    props: after.props,
    unknownPaths: [],
    sensitivePaths: sensitivePathsOf(entry, r.sensitivePaths.some((p) => p === "desired_state" || p === "*") ? Object.keys(after.props) : []),
    ...(r.before !== undefined ? { before: before ?? null } : {}),
  };
  delete identity.propRefs;
  if (refs?.length) identity.propRefs = Object.fromEntries(Object.keys(after.props).map((k) => [k, [...refs]]));
  return { identities: [identity], replaced: true };
}

// ---------------------------------------------------------------------------------------------
// GCP authoritative IAM policies

const GCP_POLICY: Record<string, { binding: string; scope: string }> = {
  google_project_iam_policy: { binding: "google_project_iam_binding", scope: "project" },
  google_folder_iam_policy: { binding: "google_folder_iam_binding", scope: "folder" },
  google_organization_iam_policy: { binding: "google_organization_iam_binding", scope: "org_id" },
};

function policyBindings(v: unknown): { bindings?: { role: string; members: unknown[]; condition?: unknown }[]; error?: string } {
  let doc: unknown = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch (e) {
      return { error: `not JSON (${(e as Error).message})` };
    }
  }
  if (!isRecord(doc)) return { error: "expected a JSON object with bindings" };
  const raw = doc.bindings ?? [];
  if (!Array.isArray(raw)) return { error: "bindings is not a list" };
  const out: { role: string; members: unknown[]; condition?: unknown }[] = [];
  for (const [i, b] of raw.entries()) {
    if (!isRecord(b) || typeof b.role !== "string" || !Array.isArray(b.members)) return { error: `bindings.${i}: expected { role, members }` };
    out.push({ role: b.role, members: b.members, ...(b.condition !== undefined ? { condition: b.condition } : {}) });
  }
  return { bindings: out };
}

function expandGcpPolicy(r: IdentityResource, opaque: OpaquePart[]): IdentityResource[] {
  const kind = GCP_POLICY[r.entry.id];
  const entry = kind ? catalogById(kind.binding) : undefined;
  if (!kind || !entry) return [];
  if (isUnknownAt(r, "policy_data")) {
    opaque.push({ key: "Unknown::policy_data", field: "policy_data", message: "cannot evaluate policy_data: unknown until apply, so the roles it grants and to whom cannot be seen. Fix: build it from values known at plan time (data.google_iam_policy with literal members)" });
    return [];
  }
  const after = policyBindings(r.props.policy_data);
  if (!after.bindings) {
    opaque.push({ key: "Unparsable::policy_data", field: "policy_data", message: `cannot evaluate policy_data: ${after.error}. Fix: give a GCP IAM policy JSON document ({ bindings: [{ role, members }] })` });
    return [];
  }
  const paths = (bs: { role: string }[]) => {
    const seen = new Map<string, number>();
    return bs.map((b) => {
      const n = (seen.get(b.role) ?? 0) + 1;
      seen.set(b.role, n);
      return `bindings/${b.role}${n > 1 ? `#${n}` : ""}`;
    });
  };
  const scopeValue = r.props[kind.scope];
  const propsOf = (b: { role: string; members: unknown[]; condition?: unknown }) => ({ ...(scopeValue !== undefined ? { [kind.scope]: scopeValue } : {}), role: b.role, members: b.members, ...(b.condition !== undefined ? { condition: [b.condition] } : {}) });
  const beforeBindings = r.action === "update" && r.before ? policyBindings(r.before.policy_data).bindings : undefined;
  const beforeBy = new Map<string, Record<string, unknown>>();
  if (beforeBindings) paths(beforeBindings).forEach((p, i) => beforeBy.set(p, propsOf(beforeBindings[i])));
  const out: IdentityResource[] = [];
  const afterPaths = paths(after.bindings);
  after.bindings.forEach((b, i) => {
    const props = propsOf(b);
    const old = beforeBy.get(afterPaths[i]);
    out.push(child(r, entry, entry.id, afterPaths[i], props, { action: childAction(r.action, old, props, false), ...(beforeBindings ? { before: old ?? null } : {}), ...(r.propRefs?.policy_data ? { propRefs: { members: [...r.propRefs.policy_data] } } : {}) }));
  });
  for (const [p, props] of beforeBy) if (!afterPaths.includes(p)) out.push(child(r, entry, entry.id, p, props, { action: "delete", before: props }));
  return out;
}
