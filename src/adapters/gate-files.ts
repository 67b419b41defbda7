import * as z from "zod";
import { GateConfig, GateConfigSchema } from "../spec/config";
import { Exemption, ExemptionSchema } from "../spec/exemptions";
import { readData, ReadOptions, validate } from "./input";

/**
 * The two files every gate reads (the CLI, the CDKTF aspect, the CrossGuard pack), read the same
 * way: JSON or YAML by extension, size-limited, validated with zod; a problem is an InputError
 * naming the file and the field.
 */
export function loadConfig(file: string | undefined, readOptions: ReadOptions = {}): GateConfig {
  if (!file) return GateConfigSchema.parse({});
  const data = readData(file, readOptions);
  return validate(GateConfigSchema, data ?? {}, file, "a valid nhi-gate config");
}

/** `nhi-exemptions.yaml` / `.json`: a list, or `{ exemptions: [...] }`. */
export function loadExemptions(file: string | undefined, readOptions: ReadOptions = {}): Exemption[] {
  if (!file) return [];
  const data = readData(file, readOptions);
  if (Array.isArray(data)) return validate(z.array(ExemptionSchema), data, file, "a valid exemptions list");
  return validate(z.strictObject({ exemptions: z.array(ExemptionSchema) }), data, file, "a valid exemptions file ({ exemptions: [...] } or a list)").exemptions;
}
