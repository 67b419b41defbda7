/**
 * nhi-governance/cdktf: GovernedIdentity (a governed AWS non-human identity from one spec) and
 * NhiGovernance (the synth-time gate, a cdktf aspect). Works with cdktf >= 0.21 and
 * @cdktf/provider-aws >= 21; see docs/cdktf.md for CDK Terrain (cdktn).
 */
export { GovernedIdentity } from "./governed-identity";
export type { GovernedIdentityProps, GovernedIdentityOptions } from "./governed-identity";
export { NhiGovernance, collect } from "./governance";
export type { EnforceOptions } from "./governance";
export { MAPPED_TYPES } from "./provider";
export type { IdentityResources } from "./provider";
export { synthToResources } from "../../src/adapters/cdktf-synth";
export { SpecValidationError } from "../../src/spec/identity";
export type { GovernedIdentitySpecInput, StatementInput } from "../../src/spec/identity";
export type { GateConfigInput } from "../../src/spec/config";
