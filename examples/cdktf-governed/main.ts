import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { GovernedIdentity, NhiGovernance } from "../../constructs/cdktf";
import { exampleIdentities } from "../shared/identities";

/** A payments stack whose three non-human identities are all governed. */
export class PaymentsIdentities extends TerraformStack {
  constructor(scope: Construct, id: string, now: Date = new Date()) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new TimeProvider(this, "time");
    const ids = exampleIdentities(now);
    new GovernedIdentity(this, "ci-deployer", ids.ciDeployer);
    new GovernedIdentity(this, "lambda-role", ids.lambdaRole);
    new GovernedIdentity(this, "legacy-sftp", ids.legacyIntegration);
    // The synth-time gate: synth fails if anything in this stack creates an ungoverned identity.
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
