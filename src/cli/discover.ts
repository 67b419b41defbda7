import { Command, Option } from "commander";
import type { Io } from "./run";
import type { DiscoverOptions } from "./discover-run";
import { addReportOptions, collect } from "./options";


/**
 * `nhi-gate discover aws`: the identities in the AWS account itself, judged by the same engine.
 * The implementation (./discover-run) loads when the command runs, and the AWS SDK only for a
 * live run, so no other command (and no `--from` run) pays for it.
 */
export function registerDiscover(program: Command, io: Io, start: (run: Promise<number>) => void): void {
  const out = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(s), outputError: () => undefined };
  const discover = program
    .command("discover")
    .description("read the identities in a cloud account through its API and judge them with the same rules (created outside governed IaC, drifted after deploy, old and unused keys)")
    .exitOverride()
    .configureOutput(out);
  const aws = discover
    .command("aws")
    .description(
      "discover IAM roles, users, keys and their policies in AWS accounts (AWS SDK credential chain: environment, profiles, SSO, web identity) and gate them; --save keeps the normalized snapshot, --from judges one again without credentials",
    )
    .addOption(new Option("--role-arn <arn>", "assume this read-only audit role (repeat for several accounts; one role per account)").argParser(collect).default([]))
    .option("--profile <name>", "shared config profile for the base credentials (default: AWS_PROFILE, the SDK's chain)")
    .option("--region <region>", "region for signing and STS (IAM is global; default AWS_REGION, else us-east-1)")
    .option("--external-id <id>", "external id for --role-arn")
    .option("--save <file>", "write the normalized snapshot (versioned JSON, no secrets) to this file")
    .option("--from <snapshot>", "judge a saved snapshot instead of calling AWS (no credentials needed)")
    .option("--include-aws-managed", "also judge service-linked roles (/aws-service-role/) and AWS-reserved roles (/aws-reserved/)")
    .option("--print-policy", "print the read-only IAM policy the audit role needs, and exit");
  addReportOptions(aws)
    .option("--max-input-size <bytes>", "largest snapshot read with --from (default 1G); accepts K, M, G")
    .option("--no-color", "no colour in text output (also: NO_COLOR)")
    .exitOverride()
    .configureOutput(out)
    .action((opts: DiscoverOptions) => start((require("./discover-run") as typeof import("./discover-run")).runDiscover(opts, io)));
}
