/** `nhi-governance/testing`: test helpers, and the offline check of Pulumi programs. */
export * from "../src/testing";
export { checkPulumiProgram, recordPulumiProgram } from "./pulumi";
export type { CheckPulumiProgramOptions } from "./pulumi";
