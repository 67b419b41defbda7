import * as z from "zod";
import { EvaluationInput } from "../engine/model";
import { fromPulumiResources, PulumiResourceInput } from "./pulumi";

/** `pulumi stack export` JSON: only what the gate reads, parsed once at the edge. */
const ExportedResource = z.looseObject({
  urn: z.string().startsWith("urn:pulumi:"),
  type: z.string().min(1),
  custom: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  parent: z.string().optional(),
  delete: z.boolean().optional(),
  pendingReplacement: z.boolean().optional(),
  propertyDependencies: z.record(z.string(), z.array(z.string()).nullable()).optional(),
});
export const StackExportSchema = z.looseObject({
  version: z.number().int().optional(),
  deployment: z.looseObject({ resources: z.array(ExportedResource).default([]) }),
});

export class StackExportError extends Error {}

/**
 * A stack export to the engine's input: every resource is current state (`no-op`, judged with
 * scope "all"). Inputs are what the program declared; outputs fill attributes the inputs leave
 * out (a provider default such as `path`), never override them.
 */
export function fromStackExport(json: unknown, options: { file?: string; approvedTypes?: readonly string[] } = {}): EvaluationInput {
  const parsed = StackExportSchema.safeParse(json);
  const where = options.file ?? "stack export";
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StackExportError(`${where}: ${issue.path.join(".") || "(root)"}: ${issue.message}; expected the JSON of \`pulumi stack export\``);
  }
  const rows: PulumiResourceInput[] = parsed.data.deployment.resources
    .filter((r) => !r.delete)
    .map((r) => {
      const { __defaults: _d, ...inputs } = (r.inputs ?? {}) as Record<string, unknown>;
      const props: Record<string, unknown> = r.custom === false ? inputs : { ...(r.outputs ?? {}), ...inputs };
      const deps: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) if (v?.length) deps[k] = v;
      return { urn: r.urn, type: r.type, props, parent: r.parent, action: "no-op", propertyDependencies: deps };
    });
  const { resources, components } = fromPulumiResources(rows, { approvedTypes: options.approvedTypes, source: "pulumi-export", action: "no-op" });
  for (const r of resources) if (options.file) r.origin.file = options.file;
  return { resources, components, scope: "all", sources: options.file ? [options.file] : [] };
}
