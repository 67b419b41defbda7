import { Command, Option } from "commander";
import { ADOPT_FORMATS } from "../adopt/formats";
import type { Io } from "./run";
import type { AdoptCliOptions } from "./adopt-run";

// The definition of `nhi-gate adopt`; its implementation (./adopt-run, the generators, yaml) loads when it runs.

/** Register `nhi-gate adopt` on the program; `run` receives the pending result. */
export function registerAdopt(cmd: Command, io: Io, run: (pending: Promise<number>) => void): void {
  cmd
    .command("adopt")
    .description("write governed declarations (GovernedIdentity) that take over the ungoverned AWS roles and users of a plan, state or Pulumi stack export without recreating them: their name, path, trust, access, boundary and session kept, import wiring included, TODO: placeholders for what only a person can say")
    .argument("<file>", "terraform show -json of a plan or state, or pulumi stack export (- reads stdin)")
    .addOption(new Option("-f, --format <format>", `what to write: ${ADOPT_FORMATS.join(", ")}`).default("cdktf"))
    .option("-o, --out <dir>", "directory the files are written to (main.ts, index.ts or identities.yaml, and removed.tf)")
    .option("-c, --config <file>", "gate config (nhi-governance.config.json or .yaml): default boundary, OIDC providers, limits; the generated program reads it")
    .option("--now <date>", "the adoption date (YYYY-MM-DD or ISO time) instead of the system clock: recertification dates count from it")
    .option("--region <region>", "AWS region of the generated program's provider", "us-east-1")
    .option("--stack <name>", "name of the generated Terraform stack", "adopted-identities")
    .option("--force", "overwrite files that exist in --out")
    .option("--max-input-size <bytes>", "largest input file read (default 1G); accepts K, M, G")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .action((target: string, opts: AdoptCliOptions) => run((require("./adopt-run") as typeof import("./adopt-run")).runAdopt(target, opts, io)));
}
