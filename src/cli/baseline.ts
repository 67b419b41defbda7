import { Command } from "commander";
import type { Io } from "./run";
import type { BaselineCliOptions } from "./baseline-run";

// The definition of `nhi-gate baseline`; its implementation (./baseline-run) loads when it runs.

/** Register `nhi-gate baseline` on the program; `run` receives the pending result. */
export function registerBaseline(cmd: Command, io: Io, run: (pending: Promise<number>) => void): void {
  cmd
    .command("baseline")
    .description("write today's findings as a baseline: one exemption per finding, all with this owner, ticket and expiry (at most maxExemptionDays), so the gate can be switched on now and the list burned down; a new identity or finding still fails")
    .argument("<input>", "what the gate reads: a plan or state (terraform show -json), a Pulumi stack export, or a cdktf.out directory (- reads stdin)")
    .option("--owner <owner>", "who answers for the baseline (an owner as the gate config accepts it)")
    .option("--ticket <ticket>", "the ticket the burn-down is tracked in")
    .option("--expires <date>", "YYYY-MM-DD, at most maxExemptionDays ahead")
    .option("-o, --output <file>", "the exemptions file to write (.yaml, .yml or .json)")
    .option("-c, --config <file>", "gate config (nhi-governance.config.json or .yaml)")
    .option("-e, --exemptions <file>", "existing exemptions: honoured, and kept in front of the baseline in --output (which may be the same file)")
    .option("--min-severity <severity>", "cover findings at or above this severity (default: the config's failOn)")
    .option("--reason <text>", "the reason written on every entry")
    .option("--now <date>", "evaluate at this date (YYYY-MM-DD or ISO time) instead of the system clock")
    .option("--force", "replace --output when it exists")
    .option("--max-input-size <bytes>", "largest input file read (default 1G); accepts K, M, G")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .action((target: string, opts: BaselineCliOptions) => run((require("./baseline-run") as typeof import("./baseline-run")).runBaseline(target, opts, io)));
}
