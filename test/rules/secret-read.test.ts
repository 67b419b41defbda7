import { evaluate } from "../../src/engine/evaluate";
import { resource } from "../../testing/resources";
import { clock } from "../helpers";

const policy = (Action: unknown, Resource: unknown = "*") => resource("aws_iam_role_policy", "aws_iam_role_policy.p", { role: "r", name: "p", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource }] }) });
const ids = (r: ReturnType<typeof policy>, rule: string) => evaluate({ resources: [r] }, { clock }).findings.filter((f) => f.ruleId === rule).map((f) => f.findingId);

describe("NHI-GOV-020 and the wildcard rules: one finding per problem", () => {
  it("reports secret reads that look like reads (explicit or read wildcards) on every secret", () => {
    expect(ids(policy(["secretsmanager:GetSecretValue", "ssm:GetParameter*", "kms:Decrypt"]), "NHI-GOV-020")).toEqual(["NHI-GOV-020[SecretRead::kms]", "NHI-GOV-020[SecretRead::secretsmanager]", "NHI-GOV-020[SecretRead::ssm]"]);
  });

  it("leaves * and <service>:* to NHI-GOV-005, which reports them as the wildcards they are", () => {
    for (const action of ["*", "*:*", "secretsmanager:*", "ssm:*", ["kms:*", "s3:GetObject"]]) {
      expect(ids(policy(action), "NHI-GOV-020")).toEqual([]);
      expect(ids(policy(action), "NHI-GOV-005").length).toBeGreaterThan(0);
    }
  });
});
