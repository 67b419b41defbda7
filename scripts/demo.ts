/**
 * npm run demo: the product on the bundled examples, as a new user meets it.
 *  1. synthesizes the CDKTF examples (the governed one enforces the synth-time aspect);
 *  2. runs the synth-time aspect on the ungoverned stack and shows synth failing;
 *  3. runs the Pulumi examples through the offline test kit (the CrossGuard pack's checks);
 *  4. runs `nhi-gate` on the synthesized JSON and on a bundled example plan.
 * Prints what passed and what failed, with the findings; exits 0 when every result is as expected.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = (s: string) => paint("32", s);
const red = (s: string) => paint("31", s);
const bold = (s: string) => paint("1", s);
const dim = (s: string) => paint("2", s);

interface Outcome {
  step: string;
  expected: "pass" | "fail";
  actual: "pass" | "fail";
  detail: string[];
}
const outcomes: Outcome[] = [];

function record(step: string, expected: "pass" | "fail", actual: "pass" | "fail", detail: string[]) {
  outcomes.push({ step, expected, actual, detail });
  const ok = expected === actual;
  console.log(`${ok ? green("✔") : red("✘")} ${bold(step)}: ${actual === "pass" ? "passed" : "failed"} ${dim(`(expected to ${expected})`)}`);
  for (const line of detail.slice(0, 12)) console.log(`    ${line}`);
  if (detail.length > 12) console.log(dim(`    ... ${detail.length - 12} more`));
}

function gate(args: string[]): { code: number; out: string } {
  const res = spawnSync(process.execPath, [path.join(root, "bin/nhi-gate.js"), ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: res.status ?? 2, out: `${res.stdout}${res.stderr}` };
}

function gateLines(out: string): string[] {
  return out
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
}

function main() {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-demo-"));
  console.log(bold("nhi-governance demo") + dim(`  (work dir ${tmp})\n`));

  // 1. CDKTF: synthesize both examples.
  console.log(bold("CDK for Terraform (and CDK Terrain)"));
  const governedOut = path.join(tmp, "cdktf-governed");
  const cdktnOut = path.join(tmp, "cdktn-governed");
  const ungovernedOut = path.join(tmp, "cdktf-ungoverned");
  for (const [name, out, passed] of [
    ["cdktf-governed", governedOut, "3 GovernedIdentity constructs synthesized; the aspect found nothing"],
    ["cdktn-governed", cdktnOut, "CDK Terrain: the same 3 identities through nhi-governance/cdktn; the aspect found nothing"],
  ]) {
    const title = `${name}: synth with NhiGovernance.enforce()`;
    try {
      require(path.join(root, `examples/${name}/main.ts`)).synth(out);
      record(title, "pass", "pass", [passed]);
    } catch (e) {
      record(title, "pass", "fail", String((e as Error).message).split("\n"));
    }
  }
  require(path.join(root, "examples/cdktf-ungoverned/main.ts")).synth(ungovernedOut);
  try {
    const { App } = require("cdktf");
    const { NhiGovernance } = require(path.join(root, "constructs/cdktf"));
    const { RawPaymentsIdentities } = require(path.join(root, "examples/cdktf-ungoverned/main.ts"));
    const app = new App({ outdir: path.join(tmp, "cdktf-ungoverned-enforced") });
    NhiGovernance.of(new RawPaymentsIdentities(app, "payments-raw")).enforce();
    app.synth();
    record("cdktf-ungoverned: synth with NhiGovernance.enforce()", "fail", "pass", ["synth succeeded"]);
  } catch (e) {
    const lines = String((e as Error).message)
      .split("\n")
      .filter((l) => /NHI-GOV/.test(l));
    record("cdktf-ungoverned: synth with NhiGovernance.enforce()", "fail", "fail", lines.length ? lines : [String((e as Error).message).split("\n")[0]]);
  }

  // 2. nhi-gate on the synthesized JSON.
  console.log(bold("\nnhi-gate synth (CDKTF output)"));
  for (const [name, dir, expected] of [
    ["cdktf-governed", governedOut, "pass"],
    ["cdktn-governed", cdktnOut, "pass"],
    ["cdktf-ungoverned", ungovernedOut, "fail"],
  ] as const) {
    const { code, out } = gate(["synth", dir, "--format", "text"]);
    record(`nhi-gate synth ${name}`, expected, code === 0 ? "pass" : "fail", code === 2 ? gateLines(out) : gateLines(out).filter((l) => /NHI-GOV|passed|failed|finding/i.test(l)));
  }

  // 3. Pulumi through the offline test kit (the policy pack's checks, no CLI, no cloud).
  console.log(bold("\nPulumi (offline test kit)"));
  const { checkPulumiProgram } = require(path.join(root, "testing"));
  const pulumiRuns: [string, string, "pass" | "fail"][] = [
    ["pulumi-governed", "examples/pulumi-governed/index.ts", "pass"],
    ["pulumi-ungoverned", "examples/pulumi-ungoverned/index.ts", "fail"],
  ];
  return (async () => {
    for (const [name, file, expected] of pulumiRuns) {
      const { program } = require(path.join(root, file));
      const report = await checkPulumiProgram(() => program(), { project: name, stack: "demo" });
      const active = report.findings.filter((f: { exemptedBy?: unknown }) => !f.exemptedBy);
      record(
        `checkPulumiProgram ${name}`,
        expected,
        report.passed ? "pass" : "fail",
        active.length ? active.map((f: { findingId: string; address: string; severity: string }) => `${f.severity.padEnd(8)} ${f.findingId}  ${f.address}`) : [`${report.summary.governed} identities, all governed`],
      );
    }

    // 4. nhi-gate on a bundled Terraform plan.
    console.log(bold("\nnhi-gate plan (terraform show -json)"));
    const { code, out } = gate(["plan", path.join(root, "examples/plans/iam-policies.tfplan.json")]);
    record("nhi-gate plan examples/plans/iam-policies.tfplan.json", "fail", code === 0 ? "pass" : "fail", gateLines(out).filter((l) => /NHI-GOV|passed|failed|finding/i.test(l)));

    const unexpected = outcomes.filter((o) => o.expected !== o.actual);
    console.log(
      `\n${unexpected.length ? red(`${unexpected.length} result(s) not as expected`) : green("every result as expected")}: ${outcomes.length} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exitCode = unexpected.length ? 1 : 0;
  })();
}

main()?.catch((e: unknown) => {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
