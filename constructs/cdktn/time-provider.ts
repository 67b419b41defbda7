/**
 * The time provider classes GovernedIdentity uses for static-key rotation (`time_rotating`),
 * written over cdktn's generic base classes: CDK Terrain publishes no prebuilt time provider
 * (there is no @cdktn/provider-time). Same class names and the attributes the construct sets as
 * @cdktf/provider-time's `TimeProvider` and `Rotating`; hand-written, not generated.
 */
import { Construct } from "constructs";
import { numberToTerraform, stringToTerraform, TerraformMetaArguments, TerraformProvider, TerraformResource } from "cdktn";

const GENERATOR = { providerName: "time", providerVersion: "0.13.1", providerVersionConstraint: "~> 0.7" };

export interface TimeProviderConfig {
  readonly alias?: string;
}

/** The `time` provider (hashicorp/time). */
export class TimeProvider extends TerraformProvider {
  static readonly tfResourceType = "time";

  constructor(scope: Construct, id: string, config: TimeProviderConfig = {}) {
    super(scope, id, { terraformResourceType: "time", terraformGeneratorMetadata: GENERATOR, terraformProviderSource: "hashicorp/time" });
    this.alias = config.alias;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { alias: stringToTerraform(this.alias) };
  }
}

export interface RotatingConfig extends TerraformMetaArguments {
  /** Days between rotations (`rotation_days`). */
  readonly rotationDays: number;
}

/** `time_rotating`: a timestamp replaced every `rotationDays` (what the access key's `replace_triggered_by` follows). */
export class Rotating extends TerraformResource {
  static readonly tfResourceType = "time_rotating";
  private readonly rotationDaysValue: number;

  constructor(scope: Construct, id: string, config: RotatingConfig) {
    super(scope, id, {
      terraformResourceType: "time_rotating",
      terraformGeneratorMetadata: GENERATOR,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
      connection: config.connection,
      provisioners: config.provisioners,
    });
    this.rotationDaysValue = config.rotationDays;
  }

  get rotationDays(): number {
    return this.getNumberAttribute("rotation_days");
  }

  get rotationRfc3339(): string {
    return this.getStringAttribute("rotation_rfc3339");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { rotation_days: numberToTerraform(this.rotationDaysValue) };
  }
}
