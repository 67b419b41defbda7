import * as z from "zod";
import { parseDate } from "../engine/clock";
import { DEFAULT_OWNER_EXPECTATION, ownerProblem } from "./owner";

/**
 * Exemptions as code (`nhi-exemptions.yaml` / `.json`): time-boxed, owned, ticketed.
 * `rule` is a rule id (`NHI-GOV-005`) or a granular finding id (`NHI-GOV-005[Action::iam:*]`);
 * `resource` is an address, URN, or a glob (`*` any run of characters, `?` one character).
 */
export const ExemptionSchema = z.strictObject({
  rule: z.string().regex(/^[A-Z][A-Z0-9-]+(\[.+\])?$/, { message: "expected a rule id such as NHI-GOV-005 or a finding id such as NHI-GOV-005[Action::iam:*]" }),
  resource: z.string().min(1).max(1024),
  reason: z.string().trim().min(10, { message: "expected a reason of at least 10 characters" }),
  /** Who answers for the exemption: the same rule as an identity's owner (the gate config's ownerPattern is applied when it is evaluated). */
  owner: z
    .string()
    .trim()
    .refine((v) => ownerProblem(v) === undefined, { message: `expected ${DEFAULT_OWNER_EXPECTATION}` }),
  ticket: z.string().trim().min(2),
  expires: z.string().refine((v) => parseDate(v) !== undefined, { message: "expected expires as a date YYYY-MM-DD" }),
  approvedBy: z.string().trim().min(2).optional(),
  /** Written by `nhi-gate baseline`: a finding that existed when the gate was switched on (reports count these apart, to burn them down). */
  baseline: z.boolean().optional(),
});
export type Exemption = z.output<typeof ExemptionSchema>;

export const ExemptionsFileSchema = z.union([
  z.array(ExemptionSchema),
  z.strictObject({ exemptions: z.array(ExemptionSchema) }).transform((f) => f.exemptions),
]);
