import { isDiscoverySnapshot, readDiscoverySnapshot, snapshotText, toSnapshot } from "../adapters/discovery-snapshot";
import { InputError, readJson } from "../adapters/input";
import { discoveryPolicy } from "../adapters/aws/permissions";
import { EvaluationInput } from "../engine/model";
import { UsageError } from "./errors";
import { writeOutput } from "./outputs";
import { GateOptions, Io, runGate } from "./run";

export interface DiscoverOptions extends GateOptions {
  roleArn: string[];
  profile?: string;
  region?: string;
  externalId?: string;
  save?: string;
  from?: string;
  includeAwsManaged?: boolean;
  printPolicy?: boolean;
}

const accountSource = (account: string | undefined) => `aws-account/${account ?? "unknown"}`;

export async function runDiscover(opts: DiscoverOptions, io: Io): Promise<number> {
  if (opts.printPolicy) {
    io.stdout.write(`${JSON.stringify(discoveryPolicy(), null, 2)}\n`);
    return 0;
  }
  if (opts.from && (opts.roleArn.length || opts.profile || opts.externalId)) {
    throw new UsageError("--from judges a saved snapshot without calling AWS; it takes no --role-arn, --profile or --external-id");
  }
  for (const arn of opts.roleArn) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new UsageError(`--role-arn ${arn.slice(0, 120)}: expected an IAM role ARN such as arn:aws:iam::123456789012:role/nhi-audit`);
  }
  const target = opts.from ?? (opts.roleArn.length ? `AWS accounts of ${opts.roleArn.join(", ")}` : "the AWS account of the current credentials");
  const load = async (readOptions: { maxBytes?: number }): Promise<EvaluationInput> => {
    if (opts.from) {
      const { value, input } = readJson(opts.from, readOptions);
      if (!isDiscoverySnapshot(value)) throw new InputError(`${input.name}: not a discovery snapshot (written by nhi-gate discover aws --save)`);
      const snap = readDiscoverySnapshot(value, input.name);
      if (opts.save) writeOutput(opts.save, snapshotText(toSnapshot({ ...snap, gaps: snap.gaps ?? [] })));
      return snap;
    }
    // Loaded here, not at the top: the SDK costs more to load than every other command takes to run.
    // Its notice that releases from 2027 need Node 22 is in the README; it is not repeated on every run.
    io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    if (io.env !== process.env) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const { discoverAws } = await import("../adapters/aws/discover");
    const tty = Boolean(io.stderr.isTTY) && !io.env.CI;
    let result: Awaited<ReturnType<typeof discoverAws>> | undefined = await discoverAws({
      roleArns: opts.roleArn,
      profile: opts.profile,
      region: opts.region,
      externalId: opts.externalId,
      includeAwsManaged: opts.includeAwsManaged,
      env: io.env,
      onProgress: tty ? (m) => io.stderr.write(`nhi-gate discover: ${m}\n`) : undefined,
    });
    for (const a of result.accounts) {
      const calls = Object.values(a.calls).reduce((x, y) => x + y, 0);
      const skipped = Object.entries(a.skipped)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
      const found = Object.values(a.counts).reduce((x, y) => x + y, 0);
      io.stderr.write(`nhi-gate discover: account ${a.account}: ${found} identity resources in ${calls} calls (${a.attempts} HTTP attempts), ${(a.durationMs / 1000).toFixed(1)} s${skipped ? `; not judged: ${skipped} (--include-aws-managed)` : ""}\n`);
    }
    const accounts = result.accounts.map((a) => a.account);
    let text: string | undefined = snapshotText(toSnapshot(result));
    result = undefined; // big accounts: one copy of the data at a time
    if (opts.save) writeOutput(opts.save, text);
    // Judge exactly what a saved snapshot gives back: a live run and `--from` agree by construction.
    const parsed = JSON.parse(text);
    text = undefined;
    const input = readDiscoverySnapshot(parsed, opts.save ?? "aws-discovery");
    if (!opts.save) {
      // No file: each resource's source is its account (SARIF needs a location).
      for (const r of input.resources) r.origin.file = accountSource(r.origin.discovered?.account);
      input.sources = accounts.map(accountSource);
    }
    return input;
  };
  return runGate("discover", target, opts, io, load);
}
