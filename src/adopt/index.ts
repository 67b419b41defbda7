import { EvaluationInput } from "../engine/model";
import { Adoption, AdoptOptions, deriveAdoptions } from "./derive";
import { AdoptFormat, EmitOptions, emitPulumiForget, emitPulumiProgram, emitRemovedBlocks, emitSpecFile, emitTerraformProgram, OUTPUT_FILE } from "./emit";

export { deriveAdoptions, INLINE_POLICY_LIMIT, renderedPolicySize } from "./derive";
export type { Adoption, AdoptedIdentity, AdoptOptions, Skipped } from "./derive";
export { mapTrust } from "./trust";
export type { TrustMapping, TrustInput } from "./trust";
export { ADOPT_FORMATS, OUTPUT_FILE } from "./emit";
export type { AdoptFormat, EmitOptions } from "./emit";

/**
 * `nhi-gate adopt` as a function: the engine's model in, the files to write out (name to text),
 * and the adoption they were written from. Pure: the clock and the config are inputs.
 */
export function adopt(input: EvaluationInput, format: AdoptFormat, options: AdoptOptions & Omit<EmitOptions, "date" | "sources"> & { sources?: string[] }): { files: Record<string, string>; adoption: Adoption } {
  const adoption = deriveAdoptions(input, options);
  const emit: EmitOptions = { ...options, sources: options.sources ?? adoption.sources, date: options.clock.now().toISOString().slice(0, 10) };
  const files: Record<string, string> = {};
  files[OUTPUT_FILE[format]] =
    format === "cdktf" || format === "cdktn" ? emitTerraformProgram(adoption, format, emit) : format === "pulumi" ? emitPulumiProgram(adoption, emit) : emitSpecFile(adoption, emit);
  const removed = emitRemovedBlocks(adoption, emit);
  if (removed) files["removed.tf"] = removed;
  const forget = emitPulumiForget(adoption, emit);
  if (forget) files["forget-pulumi.sh"] = forget;
  return { files, adoption };
}
