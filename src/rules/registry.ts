import { Rule } from "./rule";
import { ungovernedIdentity } from "./ungoverned-identity";
import { integrity } from "./integrity";
import { lifecycleTags } from "./lifecycle-tags";
import { recertification } from "./recertification";
import { wildcardActions } from "./wildcard-actions";
import { resourceWildcard } from "./resource-wildcard";
import { adminPolicies } from "./admin-policies";
import { permissionsBoundary } from "./permissions-boundary";
import { openTrust } from "./open-trust";
import { githubOidcTrust } from "./github-oidc-trust";
import { sessionDuration } from "./session-duration";
import { staticCredentialTtl } from "./static-credential-ttl";
import { consoleAccess } from "./console-access";
import { secretExposure } from "./secret-exposure";
import { crossAccountTrust } from "./cross-account-trust";
import { orphanedDependents } from "./orphaned-dependents";
import { environmentIsolation } from "./environment-isolation";
import { identityReuse } from "./identity-reuse";
import { privilegeRatchet } from "./privilege-ratchet";
import { secretReadEverywhere } from "./secret-read-everywhere";
import { privilegeEscalation } from "./privilege-escalation";
import { timeBoundAccess } from "./time-bound-access";
import { credentialResourcePolicy } from "./credential-resource-policy";
import { opaqueContents } from "./opaque-contents";
import { adminRoleGrants } from "./admin-role-grants";
import { unseenModule } from "./unseen-module";
import { accessKeyAge } from "./access-key-age";
import { unusedIdentity } from "./unused-identity";
import { consoleAndKeys } from "./console-and-keys";

/** Every rule, once. Adding a rule: one file in src/rules/ and one line here. */
export const RULES: readonly Rule[] = [
  ungovernedIdentity,
  integrity,
  lifecycleTags,
  recertification,
  wildcardActions,
  resourceWildcard,
  adminPolicies,
  permissionsBoundary,
  openTrust,
  githubOidcTrust,
  sessionDuration,
  staticCredentialTtl,
  consoleAccess,
  secretExposure,
  crossAccountTrust,
  orphanedDependents,
  environmentIsolation,
  identityReuse,
  privilegeRatchet,
  secretReadEverywhere,
  privilegeEscalation,
  timeBoundAccess,
  credentialResourcePolicy,
  opaqueContents,
  adminRoleGrants,
  unseenModule,
  accessKeyAge,
  unusedIdentity,
  consoleAndKeys,
];
