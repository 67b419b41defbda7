import { Command } from "commander";
import type { Io } from "./run";
import type { GuardrailOptions } from "./guardrail-run";

// The definition of `nhi-gate guardrail`; its implementation (./guardrail-run) loads when it runs.

/** Register `guardrail` on the nhi-gate program; `run` receives the pending result. */
export function registerGuardrail(cmd: Command, io: Io, run: (pending: Promise<number>) => void): void {
  cmd
    .command("guardrail")
    .description("print the cloud-side guardrail from the gate config's guardrail block: an SCP (split into a list when it must be) or a permissions boundary, ready for aws organizations create-policy / aws iam create-policy")
    .option("-c, --config <file>", "gate config (nhi-governance.config.json or .yaml) with a guardrail block")
    .option("-f, --format <format>", "scp or boundary", "scp")
    .option("-o, --output <file>", "write the JSON to this file instead of stdout")
    .option("--output-dir <dir>", "write one file per policy, <name>.json (for create-policy --content file://...)")
    .option("--pretty", "indent the JSON for reading (an SCP's whitespace counts against its size: deploy the compact form)")
    .option("--max-input-size <bytes>", "largest config file read (default 1G); accepts K, M, G")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .action((opts: GuardrailOptions) => run((require("./guardrail-run") as typeof import("./guardrail-run")).runGuardrail(opts, io)));
}
