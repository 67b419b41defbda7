/** A Pulumi program with GovernancePerimeter passes the gate the policy pack runs (the boundary is recognized, not judged as a grant). */
import { checkPulumiProgram } from "../../testing";
import { clock } from "../helpers";

const CONFIG = { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"] } };

describe("GovernancePerimeter under the Pulumi gate", () => {
  it("the boundary and the SCP pass; the same allow-all policy written by hand does not", async () => {
    const { GovernancePerimeter } = require("../../constructs/pulumi") as typeof import("../../constructs/pulumi");
    const perimeter = await checkPulumiProgram(
      () => {
        new GovernancePerimeter("boundary", { config: CONFIG, format: "boundary" });
        new GovernancePerimeter("scp", { config: CONFIG, targetIds: ["ou-abcd-12345678"] });
      },
      { clock, config: CONFIG },
    );
    expect(perimeter.findings).toEqual([]);
    expect(perimeter.resources.filter((r) => r.via === "guardrail")).toHaveLength(1);

    const { Policy } = require("@pulumi/aws/iam/policy") as typeof import("@pulumi/aws/iam/policy");
    const hand = await checkPulumiProgram(() => new Policy("admin", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }), { clock, config: CONFIG });
    expect(hand.passed).toBe(false);
  });
});
