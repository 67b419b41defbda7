import { evaluate } from "../../src/engine/evaluate";
import { EvaluationInput } from "../../src/engine/model";
import { Report } from "../../src/engine/report";
import { main } from "../../src/cli/main";
import { GateConfigInput } from "../../src/spec/config";
import { Exemption } from "../../src/spec/exemptions";
import { clock, NOW } from "../helpers";

/** `findingId @ address`, sorted. */
export const ids = (r: Report): string[] => r.findings.filter((f) => !f.exemptedBy).map((f) => `${f.findingId} @ ${f.address}`).sort();

/**
 * The findings of these rules only, sorted: exact expectations that stay true when other rules
 * (other issues' work) add findings of their own to the same fixtures.
 */
export const of = (r: Report, ...rules: string[]): string[] => ids(r).filter((f) => rules.some((id) => f.startsWith(`${id}[`) || f.startsWith(`${id} `)));

export const judge = (input: EvaluationInput, config: GateConfigInput = {}, exemptions: Exemption[] = []): Report => evaluate(input, { clock, config, exemptions });

/** `nhi-gate <args>` in process: exit code, stdout, stderr. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) }, env };
  const code = await main([...args, "--now", NOW.toISOString()], io as never);
  return { code, stdout, stderr };
}
