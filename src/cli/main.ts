import { Command, CommanderError } from "commander";
import { redactString } from "../report/redact";
import { VERSION } from "../version";
import { EXIT, seenSecrets, UsageError } from "./errors";
import type { GateOptions, Io } from "./run";
import type { InventoryOptions } from "./inventory-run";
import { registerGuardrail } from "./guardrail";
import { registerTerraformProvider } from "./terraform-provider";
import { registerDiscover } from "./discover";
import { registerAdopt } from "./adopt";
import { registerBaseline } from "./baseline";
import { addReportOptions, collect } from "./options";

/*
 * The program: every command's definition (its options and help) is registered here or by its
 * register function, and each command's implementation is loaded in its action. So
 * `nhi-gate --version` and `--help` load only commander, and `nhi-gate plan` loads the gate and
 * nothing of adopt, baseline, discover, guardrail, inventory or the Terraform provider layout
 * (test/cli/main.test.ts and bundle.test.ts check what each loads; `npm run bench` times the cold start).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadGate = () => require("./run") as typeof import("./run");
const loadInventory = () => require("./inventory-run") as typeof import("./inventory-run");
/** InputError (bad input, exit 2) without loading the input readers for errors that came from elsewhere. */
const isInputError = (e: unknown): e is Error => e instanceof Error && e.name === "InputError" && e instanceof (require("../adapters/input") as typeof import("../adapters/input")).InputError;
/* eslint-enable @typescript-eslint/no-require-imports */


/** One line, no stack, no secrets, no control characters. */
export function oneLine(message: string): string {
  return redactString(message, seenSecrets)
    .replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, " ")
    .trim()
    .slice(0, 2000);
}

function program(io: Io, run: (kind: "plan" | "state" | "synth", target: string, opts: GateOptions) => void, inventory: (targets: string[], opts: InventoryOptions) => void): Command {
  const cmd = new Command("nhi-gate")
    .description("Fail a pipeline when a plan creates or changes a non-human identity outside the governed constructs, or one that breaks the controls.\nExit codes: 0 pass, 1 findings at or above --fail-on, 2 usage or input error.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .showSuggestionAfterError(true);
  const gateCommand = (name: "plan" | "state" | "synth", arg: string, description: string) =>
    addReportOptions(cmd.command(name).description(description).argument(arg))
      .option("--max-input-size <bytes>", "largest input file read (default 1G); accepts K, M, G")
      .option("--no-color", "no colour in text output (also: NO_COLOR)")
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
      .action((target: string, opts: GateOptions) => run(name, target, opts));
  gateCommand("plan", "<file>", "gate `terraform show -json <planfile>` output (`-` reads stdin): judges the changes").option(
    "--ledger <file>",
    "append one lifecycle event per identity change (issued, rotated, scope widened or narrowed, recertified, offboarded) to this JSON Lines file",
  );
  gateCommand("state", "<file>", "gate `terraform show -json` of a state: judges every identity in it");
  gateCommand("synth", "<path>", "gate CDKTF output: a cdktf.out directory (stacks/*/cdk.tf.json), one cdk.tf.json, or - for one cdk.tf.json on stdin");
  cmd
    .command("inventory")
    .description("list every identity in Terraform plans or states or Pulumi stack exports, with owner, credential, TTL, rotation and recertification, and the overdue lists")
    .argument("<files...>")
    .option("-f, --format <format>", "table, json, csv, markdown", "table")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("-c, --config <file>", "gate config (nhi-governance.config.json or .yaml)")
    .option("--now <date>", "judge dates at this day (YYYY-MM-DD or ISO time) instead of the system clock")
    .option("--max-input-size <bytes>", "largest input file read (default 1G); accepts K, M, G")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .action((targets: string[], opts: InventoryOptions) => inventory(targets, opts));
  return cmd;
}

/** The CLI: arguments in, exit code out. Never throws; never prints a stack trace. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  try {
    let pending: Promise<number> | undefined;
    const cmd = program(
      io,
      (kind, target, opts) => {
        pending = loadGate().runGate(kind, target, opts, io);
      },
      (targets, opts) => {
        pending = loadInventory().runInventory(targets, opts, io);
      },
    );
    registerGuardrail(cmd, io, (p) => (pending = p));
    registerTerraformProvider(cmd, io, (p) => (pending = p));
    registerDiscover(cmd, io, (p) => (pending = p));
    registerAdopt(cmd, io, (p) => (pending = p));
    registerBaseline(cmd, io, (p) => (pending = p));
    try {
      await cmd.parseAsync(argv, { from: "user" });
    } catch (e) {
      if (e instanceof CommanderError) {
        if (e.exitCode === 0) return EXIT.pass; // --help, --version
        if (e.code === "commander.help") return EXIT.error; // no command: help was printed to stderr
        io.stderr.write(`nhi-gate: ${oneLine(e.message.replace(/^error: /, ""))} (see nhi-gate --help)\n`);
        return EXIT.error;
      }
      throw e;
    }
    if (!pending) {
      io.stderr.write("nhi-gate: missing command: plan <file>, state <file>, synth <path>, inventory <files...>, discover aws, adopt <file>, baseline <input>, guardrail --config <file> or terraform-provider mirror|release|config (see nhi-gate --help)\n");
      return EXIT.error;
    }
    return await pending;
  } catch (e) {
    if (e instanceof UsageError || isInputError(e)) {
      io.stderr.write(`nhi-gate: ${oneLine(e.message)}\n`);
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      io.stderr.write(`nhi-gate: internal error (${err.name}): ${oneLine(err.message)}; no result, the gate fails closed\n`);
    }
    return EXIT.error;
  }
}
