import * as fs from "node:fs";
import * as path from "node:path";
import { stateToInput } from "../../src/adapters/terraform-state";
import { evaluate } from "../../src/engine/evaluate";
import { LEGACY_STATE_HCL } from "../fixtures/states/legacy-hcl";
import { rawStateFromPlan } from "../fixtures/states/raw-state";
import { clock } from "../helpers";
import { awsProviderHcl, describeWithTerraform, terraformDir, terraformPlan } from "./real-terraform";

const FIXTURE = path.join(__dirname, "../fixtures/states/legacy.tfstate");
const ids = (value: unknown, name: string) => evaluate(stateToInput(value, name), { clock }).findings.map((f) => `${f.findingId} @ ${f.address}`);

describeWithTerraform("the raw state fixture, checked with the real Terraform", () => {
  it("is what raw-state.ts makes of a fresh plan of its configuration", () => {
    const { plan } = terraformPlan({ "main.tf": LEGACY_STATE_HCL });
    expect(rawStateFromPlan(plan)).toEqual(JSON.parse(fs.readFileSync(FIXTURE, "utf8")));
  });

  it("Terraform reads it (terraform show -json), and the gate finds the same on both forms", () => {
    const tf = terraformDir({ "main.tf": awsProviderHcl(), "terraform.tfstate": fs.readFileSync(FIXTURE, "utf8") });
    tf.run(["init", "-input=false", "-no-color", "-backend=false"]);
    const shown = JSON.parse(tf.run(["show", "-json", "-no-color", "terraform.tfstate"]).stdout);
    expect(shown.format_version).toMatch(/^1\./);
    // Terraform marks what the state marks sensitive.
    expect(shown.values.root_module.resources.find((r: { address: string }) => r.address === "aws_iam_access_key.ci").sensitive_values).toEqual({ secret: true, ses_smtp_password_v4: true });
    expect(ids(shown, "shown.json")).toEqual(ids(JSON.parse(fs.readFileSync(FIXTURE, "utf8")), "legacy.tfstate"));
  });
});
