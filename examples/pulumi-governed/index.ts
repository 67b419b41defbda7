import { GovernedIdentity } from "../../constructs/pulumi";
import { exampleIdentities } from "../shared/identities";

/** The payments identities as Pulumi components: the same specs as the CDKTF example. */
export function program(now: Date = new Date()) {
  const ids = exampleIdentities(now);
  const ci = new GovernedIdentity("ci-deployer", ids.ciDeployer);
  const lambda = new GovernedIdentity("lambda-role", ids.lambdaRole);
  const legacy = new GovernedIdentity("legacy-sftp", ids.legacyIntegration);
  return { ciDeployer: ci.roleArn, lambdaRole: lambda.roleArn, legacyUser: legacy.userArn, legacySecret: legacy.secretArn };
}

