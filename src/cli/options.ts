import { Command, Option } from "commander";

/** A repeatable option's parser: each use appends its value. */
export const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * The options of every command that judges identities and reports findings (plan, state, synth,
 * discover aws): report formats and files, gate config, exemptions, clock and fail threshold.
 */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("-f, --format <format>", "text, json, sarif, junit, markdown; repeat or comma-separate for several").argParser(collect).default([]))
    .addOption(new Option("-o, --output <file>", "write the n-th --format to this file (repeatable); without --format the extension picks it").argParser(collect).default([]))
    .option("-c, --config <file>", "gate config (nhi-governance.config.json or .yaml)")
    .option("-e, --exemptions <file>", "exemptions file (json or yaml)")
    .option("--now <date>", "evaluate at this date (YYYY-MM-DD or ISO time) instead of the system clock; recorded in the report")
    .option("--fail-on <severity>", "fail on findings at or above: info, low, medium, high, critical (overrides the config)");
}
