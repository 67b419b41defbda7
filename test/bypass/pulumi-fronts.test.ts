/**
 * Issue 22, root causes 1 and 4 in the Pulumi front ends: the offline kit (checkPulumiProgram)
 * and the CrossGuard pack driven over the analyzer protocol as `pulumi preview` drives it.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { checkPulumiProgram, recordPulumiProgram } from "../../testing";
import { PulumiResourceInput } from "../../src/adapters/pulumi";
import { Report } from "../../src/engine/report";
import { clock, NOW } from "../helpers";
import { Diagnostic, Harness, PACK_DIR, startPack } from "../policy-pack/harness";
import { expectBypass } from "./catalogue";
import * as P from "./programs";

const config = { approvedConstructs: [{ type: P.APPROVED_TYPE }] };
const CASES: [string, () => void][] = [
  ["RC1-08", P.transformed],
  ["RC1-09", P.forgedGovernedIdentity],
  ["RC4-07", P.forgedApproved],
  ["RC4-08", P.nativeInApproved],
];

describe("the offline kit", () => {
  it.each(CASES)("%s", async (id, program) => {
    expectBypass(id, await checkPulumiProgram(program, { clock, config }));
  });
});

describe("the policy pack", () => {
  let h: Harness;
  beforeAll(async () => {
    execFileSync(process.execPath, [join(__dirname, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(PACK_DIR, "tsconfig.json")], { stdio: "inherit" });
    h = await startPack({ env: { NHI_GOVERNANCE_NOW: NOW.toISOString() } });
    await h.configure({ "nhi-governance": config });
  }, 120_000);
  afterAll(async () => h?.close());

  const toHarness = (r: PulumiResourceInput) => ({ type: r.type as string, urn: r.urn, name: r.name ?? "", props: r.props, parent: r.parent, propertyDependencies: r.propertyDependencies });
  /** What a preview reports (Analyze per resource, then AnalyzeStack), read back as findings. */
  async function preview(rows: PulumiResourceInput[]): Promise<Pick<Report, "findings" | "passed">> {
    const diags: Diagnostic[] = [];
    for (const r of rows) diags.push(...(await h.analyze(toHarness(r))));
    diags.push(...(await h.analyzeStack(rows.map(toHarness))));
    const findings = diags.map((d) => ({ ruleId: d.policyName, findingId: d.message.slice(0, d.message.indexOf(": ")), address: d.urn ?? "", message: d.message })) as unknown as Report["findings"];
    return { findings, passed: !diags.some((d) => d.enforcementLevel === "mandatory") };
  }

  it.each(CASES)("%s: mandatory violations, the same as the kit's", async (id, program) => {
    const rows = await recordPulumiProgram(program);
    expectBypass(id, await preview(rows));
  });
});
