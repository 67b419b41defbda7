import { GateConfig, DEFAULT_CONFIG } from "../spec/config";
import { durationDays, durationSeconds } from "../spec/duration";
import { GovernedIdentitySpec, lifecycleTagsOf, StatementSpec, TrustSpec } from "../spec/identity";
import { TAG } from "../spec/tags";
import { addDays, isoDate, parseDate } from "../engine/clock";
import { computeSeal } from "./seal";
import { chooseGithubOidcProvider, GithubOidcConfig } from "./github-oidc";

/**
 * The one renderer: a validated spec (plus gate config) to the AWS shape of a governed
 * identity. The CDKTF construct and the Pulumi component only map this onto their resource
 * classes; the gates use it to check integrity. Everything sealed is known at plan time.
 */

export const GOVERNED_IDENTITY_TYPE = "nhi-governance:aws:GovernedIdentity";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
}

export interface RenderedPrincipal {
  type: "role" | "user";
  name: string;
  path: string;
  tags: Record<string, string>;
  /** Role trust policy; undefined for users. */
  assumeRolePolicy?: PolicyDocument;
  /** The trust policy as the JSON text the role carries and the seal covers; undefined for users. */
  assumeRolePolicyJson?: string;
  permissionsBoundary: string;
  /** Seconds; roles only. */
  maxSessionDuration?: number;
}

export type RenderedCredential =
  | { type: "none" }
  | { type: "session"; maxSessionDuration: number }
  | { type: "managed-secret"; secretName: string; rotationDays: number; rotationLambdaArn: string }
  | { type: "access-key"; secretName: string; rotationDays: number; ttlDays: number };

export interface RenderedIdentity {
  governedBy: string;
  principal: RenderedPrincipal;
  /**
   * The principal's one inline policy: the spec's access, each statement time-bound. `json` is
   * the text the policy resource carries and the seal covers: front ends write it as is, so what
   * they deploy is byte for byte what was sealed.
   */
  policy: { name: string; document: PolicyDocument; json: string };
  credential: RenderedCredential;
  /** One-time EventBridge Scheduler reminder before the recertification date. */
  reminder?: { name: string; at: string; snsTopicArn: string; message: string };
  /** The instant at which the policy's time-bound condition stops allowing access. */
  accessExpiresAt: string;
}

export function policyName(spec: Pick<GovernedIdentitySpec, "name">): string {
  return `${spec.name}-access`.slice(0, 128);
}

export function secretName(spec: Pick<GovernedIdentitySpec, "name">): string {
  return `nhi/${spec.name}`;
}

/**
 * The trust policy of a trust spec. A github-oidc trust names its OIDC provider, or the gate
 * config supplies it (`chooseGithubOidcProvider`: the role's account's entry, else the default);
 * either way the ARN is a literal in the policy, so the seal is verifiable at plan time.
 */
export function renderTrust(trust: TrustSpec, config: GithubOidcConfig = DEFAULT_CONFIG, environment?: string): PolicyDocument {
  switch (trust.kind) {
    case "github-oidc": {
      const sub = trust.ref ? `repo:${trust.repository}:ref:${trust.ref}` : `repo:${trust.repository}:environment:${trust.environment}`;
      const choice = chooseGithubOidcProvider({ oidcProviderArn: trust.oidcProviderArn, account: trust.account, environment }, config);
      // parseSpec accepts a github-oidc spec only when this choice succeeds.
      if (choice.arn === undefined) throw new Error(`cannot render the github-oidc trust of ${trust.repository}: trust.${choice.field}: ${choice.message}`);
      return doc([
        {
          Sid: "GitHubOidc",
          Effect: "Allow",
          Principal: { Federated: choice.arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: sub } },
        },
      ]);
    }
    case "aws-service":
      return doc([
        {
          Sid: "AwsService",
          Effect: "Allow",
          Principal: { Service: trust.service },
          Action: "sts:AssumeRole",
          ...(trust.sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": trust.sourceAccount } } } : {}),
        },
      ]);
    case "aws-role":
      return doc([
        {
          Sid: "AwsRole",
          Effect: "Allow",
          Principal: { AWS: trust.roleArn },
          Action: "sts:AssumeRole",
          ...(trust.externalId ? { Condition: { StringEquals: { "sts:ExternalId": trust.externalId } } } : {}),
        },
      ]);
    case "eks-pod-identity":
      return doc([
        {
          Sid: "EksPodIdentity",
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:RequestTag/eks-cluster-name": trust.clusterName,
              "aws:RequestTag/kubernetes-namespace": trust.namespace,
              "aws:RequestTag/kubernetes-service-account": trust.serviceAccount,
            },
          },
        },
      ]);
  }
}

function doc(statements: Record<string, unknown>[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The instant access lapses: the recertification date plus the grace period, at 00:00 UTC. */
export function accessExpiry(spec: GovernedIdentitySpec, config: Pick<GateConfig, "accessGracePeriodDays">): string {
  const byRecertification = addDays(parseDate(spec.recertifyBy) as Date, config.accessGracePeriodDays);
  const emergencyEnd = spec.emergency ? (parseDate(spec.emergency.expires) as Date) : undefined;
  const end = emergencyEnd && emergencyEnd.getTime() < byRecertification.getTime() ? emergencyEnd : byRecertification;
  return end.toISOString().replace(".000Z", "Z");
}

function renderStatement(s: StatementSpec, expiresAt: string, i: number): Record<string, unknown> {
  const condition: Record<string, Record<string, string | string[]>> = {};
  for (const [op, block] of Object.entries(s.conditions ?? {})) condition[op] = { ...block };
  condition.DateLessThan = { ...(condition.DateLessThan ?? {}), "aws:CurrentTime": expiresAt };
  return {
    Sid: s.sid ?? `Access${i}`,
    Effect: s.effect,
    Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
    Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
    Condition: condition,
  };
}

/** The gate config fields rendering reads (the access grace period; the GitHub OIDC provider choice). */
const RENDER_CONFIG_KEYS = ["accessGracePeriodDays", "environmentAccounts", "githubOidcProviderArns", "defaultGithubOidcProviderArn"] as const;
export type RenderConfig = Pick<GateConfig, (typeof RENDER_CONFIG_KEYS)[number]>;

/*
 * Renders are memoized by their inputs' content: the construct renders its spec, and the gate
 * renders the same spec again from the component's recorded inputs to compare (NhiGovernance in
 * the same process: a second render of every identity per synth). The key is the JSON text of
 * the governed-by type, the config fields rendering reads (RenderConfig: the renderer is given
 * those and nothing else) and the spec. Results are frozen to the bottom, so no caller can change
 * what another is given; the memo is bounded.
 */
const RENDER_MEMO_MAX = 10_000;
const renderMemo = new Map<string, RenderedIdentity>();

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * The AWS shape of a validated spec (see RenderedIdentity). The result is frozen and may be shared
 * with other callers that render the same spec: copy what you change.
 */
export function renderIdentity(spec: GovernedIdentitySpec, config: RenderConfig = DEFAULT_CONFIG, governedBy: string = GOVERNED_IDENTITY_TYPE): RenderedIdentity {
  return renderIdentityOfText(spec, JSON.stringify(spec), config, governedBy);
}

/**
 * renderIdentity for a spec whose JSON text the caller has just made: `specText` must be
 * JSON.stringify(spec), with nothing changing the spec since (the memo key without stringifying
 * the spec again).
 */
export function renderIdentityOfText(spec: GovernedIdentitySpec, specText: string, config: RenderConfig = DEFAULT_CONFIG, governedBy: string = GOVERNED_IDENTITY_TYPE): RenderedIdentity {
  const used: RenderConfig = {
    accessGracePeriodDays: config.accessGracePeriodDays,
    environmentAccounts: config.environmentAccounts,
    githubOidcProviderArns: config.githubOidcProviderArns,
    defaultGithubOidcProviderArn: config.defaultGithubOidcProviderArn,
  };
  // The text of [governedBy, used, spec].
  const key = `[${JSON.stringify(governedBy)},${JSON.stringify(used)},${specText}]`;
  let hit = renderMemo.get(key);
  if (!hit) {
    hit = deepFreeze(renderUncached(spec, used, governedBy));
    if (renderMemo.size >= RENDER_MEMO_MAX) renderMemo.clear();
    renderMemo.set(key, hit);
  }
  return hit;
}

function renderUncached(spec: GovernedIdentitySpec, config: RenderConfig, governedBy: string): RenderedIdentity {
  const expiresAt = accessExpiry(spec, config);
  const statements = spec.access.map((s, i) => renderStatement(s, expiresAt, i));
  const cred = spec.credential;
  let credential: RenderedCredential;
  if (cred.kind === "managed-secret") {
    statements.push({
      Sid: "ReadManagedSecret",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: `arn:aws:secretsmanager:*:*:secret:${secretName(spec)}-??????`,
      Condition: { DateLessThan: { "aws:CurrentTime": expiresAt } },
    });
    credential = { type: "managed-secret", secretName: secretName(spec), rotationDays: durationDays(cred.rotation), rotationLambdaArn: cred.rotationLambdaArn };
  } else if (cred.kind === "static-key") {
    credential = { type: "access-key", secretName: secretName(spec), rotationDays: durationDays(cred.rotation), ttlDays: durationDays(cred.ttl) };
  } else if (cred.kind === "ephemeral") {
    credential = { type: "session", maxSessionDuration: durationSeconds(cred.maxSessionDuration) };
  } else {
    credential = { type: "none" };
  }
  const isUser = cred.kind === "static-key";
  const tags: Record<string, string> = { ...spec.tags, ...lifecycleTagsOf(spec), [TAG.governedBy]: governedBy };
  const principal: RenderedPrincipal = {
    type: isUser ? "user" : "role",
    name: spec.name,
    path: spec.path,
    tags,
    permissionsBoundary: spec.permissionsBoundary,
  };
  if (!isUser) {
    principal.assumeRolePolicy = renderTrust(spec.trust as TrustSpec, config, spec.environment);
    principal.assumeRolePolicyJson = JSON.stringify(principal.assumeRolePolicy);
    principal.maxSessionDuration = durationSeconds((cred as { maxSessionDuration: string }).maxSessionDuration);
  }
  const document = doc(statements);
  const policy = { name: policyName(spec), document, json: JSON.stringify(document) };
  // The documents go to the seal as the JSON text the resources carry: identities sharing a
  // document have it normalized once.
  tags[TAG.seal] = computeSeal({
    principalType: principal.type,
    name: principal.name,
    path: principal.path,
    tags,
    trustPolicy: principal.assumeRolePolicyJson ?? null,
    permissionsBoundary: principal.permissionsBoundary,
    maxSessionDuration: principal.maxSessionDuration ?? null,
    policies: [policy.json],
  });
  const rendered: RenderedIdentity = { governedBy, principal, policy, credential, accessExpiresAt: expiresAt };
  if (spec.recertificationReminder) {
    const at = addDays(parseDate(spec.recertifyBy) as Date, -spec.recertificationReminder.daysBefore);
    rendered.reminder = {
      name: `${spec.name}-recertify`.slice(0, 64),
      at: `${isoDate(at)}T09:00:00`,
      snsTopicArn: spec.recertificationReminder.snsTopicArn,
      message: `Recertify non-human identity ${spec.name} (owner ${spec.owner}) by ${spec.recertifyBy}: ${spec.systemOfRecord}`,
    };
  }
  return rendered;
}
