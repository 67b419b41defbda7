/**
 * `nhi-governance/testing`: the offline check of Pulumi programs (`checkPulumiProgram`,
 * `recordPulumiProgram`), and helpers for tests and tools that build engine inputs by hand
 * (`resource`, `renderedResources`, `fixedClock`). Compiled with the package (dist/testing);
 * `@pulumi/pulumi` is loaded only when a program runs.
 */
export { resource, renderedResources } from "./resources";
export { fixedClock, systemClock } from "../src/engine/clock";
export type { Clock } from "../src/engine/clock";
export { checkPulumiProgram, recordPulumiProgram, recordPulumiProgramDetailed, PulumiProgramError } from "./pulumi";
export type { CheckPulumiProgramOptions, RecordPulumiProgramOptions, KitMocks, MockCallArgs, MockResourceArgs, UnevaluatedRegistration } from "./pulumi";
