/**
 * `nhi-governance/pulumi`: the governed identity as a Pulumi component.
 *
 *   import { GovernedIdentity } from "nhi-governance/pulumi";
 *   new GovernedIdentity("deployer", { name: "payments-deployer", owner: "@acme/payments", ... });
 */
export { GovernedIdentity } from "./governed-identity";
export { GovernancePerimeter, GOVERNANCE_PERIMETER_TYPE } from "./governance-perimeter";
export type { GovernancePerimeterArgs } from "./governance-perimeter";
export type { GovernedIdentityOptions, GovernedIdentityInputs, RoleCredentialKind, SecretCredentialKind, AttributeFor } from "./governed-identity";
export type {
  GovernedIdentityArgs,
  GovernedIdentitySpecArgs,
  StatementArgs,
  TrustArgs,
  CredentialArgs,
  EmergencyArgs,
  RecertificationReminderArgs,
  GateConfigArgs,
  GuardrailArgs,
  ApprovedConstructArgs,
} from "./args";
// Each is a type (the union of its values) and an `as const` object of its values.
export { TrustKind, CredentialKind, Effect, Severity } from "./args";
export { KEY_ROTATION_ANCHOR, keyRotation } from "./key-rotation";
export type { KeyRotation } from "./key-rotation";
export { GOVERNED_IDENTITY_TYPE } from "../../src/render/aws";
export { SpecValidationError } from "../../src/spec/identity";
export { fixedClock, systemClock } from "../../src/engine/clock";
export type { Clock } from "../../src/engine/clock";
