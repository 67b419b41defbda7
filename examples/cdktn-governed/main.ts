import { App, TerraformStack } from "cdktn";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider";
import { GovernedIdentity, NhiGovernance, TimeProvider } from "../../constructs/cdktn";
import { exampleIdentities } from "../shared/identities";

/**
 * The governed payments stack of examples/cdktf-governed on CDK Terrain (cdktn): the same
 * identities from the same spec file; only the imports differ (`cdktn`, `@cdktn/provider-aws`,
 * and nhi-governance/cdktn, which also provides the time provider binding).
 */
export class PaymentsIdentities extends TerraformStack {
  constructor(scope: Construct, id: string, now: Date = new Date()) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new TimeProvider(this, "time");
    const ids = exampleIdentities(now);
    new GovernedIdentity(this, "ci-deployer", ids.ciDeployer);
    new GovernedIdentity(this, "lambda-role", ids.lambdaRole);
    new GovernedIdentity(this, "legacy-sftp", ids.legacyIntegration);
    NhiGovernance.of(this).enforce();
  }
}

export function synth(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new PaymentsIdentities(app, "payments-identities");
  app.synth();
  return app;
}

if (require.main === module) synth();
