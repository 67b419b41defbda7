/**
 * nhi-governance: the governance engine. Imports no IaC SDK (cdktf, constructs, Pulumi), so
 * the CLI starts fast and runs anywhere.
 */
export * from "./spec/config";
export * from "./spec/duration";
export * from "./spec/identity";
export * from "./spec/tags";
export * from "./spec/exemptions";
export * from "./catalog";
export * from "./iam/policy";
export * from "./render/seal";
export * from "./render/aws";
export * from "./engine/clock";
export * from "./engine/model";
export * from "./engine/graph";
export * from "./engine/provenance";
export * from "./engine/report";
export * from "./engine/evaluate";
export * from "./engine/props";
export * from "./engine/inventory";
export * from "./engine/ledger";
export { expandResources } from "./engine/expand";
export * from "./rules/rule";
export { RULES } from "./rules/registry";
export { ENGINE_FINDINGS } from "./rules/engine-findings";
export { VERSION } from "./version";
/** Read the gate config or exemptions file (JSON or YAML) the gates read: one file for the constructs, nhi-gate and the pack. */
export { loadConfig as loadGateConfig, loadExemptions } from "./adapters/gate-files";
export { readDiscoverySnapshot, isDiscoverySnapshot, toSnapshot, snapshotText, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./adapters/discovery-snapshot";
// ---- adoption (issue #20): what `nhi-gate adopt` generates, and the config loader its programs use ----
export { adopt, deriveAdoptions, mapTrust, ADOPT_FORMATS } from "./adopt";
export type { Adoption, AdoptedIdentity, AdoptFormat } from "./adopt";
export type { AdoptSpec } from "./render/adopt";
