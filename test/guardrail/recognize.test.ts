/**
 * The gates and the guardrail's boundary: a customer managed policy whose document is exactly
 * the boundary the gate config's guardrail renders is recognized (governed via "guardrail") and
 * not judged as a grant; a policy that differs in any statement is judged as before, and what
 * attaches the boundary as a grant is judged itself.
 */
import { planToInput } from "../../src/adapters/terraform-plan";
import { evaluate } from "../../src/engine/evaluate";
import { boundaryPolicy } from "../../src/guardrail/policy";
import { GateConfigInput, resolveConfig } from "../../src/spec/config";
import { clock } from "../helpers";
import { change, plan } from "../fixtures/plans/builder";

const CONFIG: GateConfigInput = { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"] } };
const doc = boundaryPolicy(resolveConfig(CONFIG)).document;
const policy = (address: string, document: unknown) => change({ address, type: "aws_iam_policy", after: { name: address.split(".")[1], path: "/", policy: typeof document === "string" ? document : JSON.stringify(document) } });
const gate = (changes: Record<string, unknown>[], config: GateConfigInput = CONFIG) => evaluate(planToInput(plan(changes), "plan.json"), { config, clock });

describe("the guardrail boundary in a plan", () => {
  it("is recognized by its document (pretty-printed or compact) and not judged", () => {
    const r = gate([policy("aws_iam_policy.boundary", JSON.stringify(doc, null, 2))]);
    expect(r.findings).toEqual([]);
    expect(r.resources[0]).toMatchObject({ address: "aws_iam_policy.boundary", governed: "governed", via: "guardrail", judged: false });
  });

  it("is judged as any policy when one statement differs, or when the gate config has no guardrail", () => {
    const widened = { ...doc, Statement: doc.Statement.filter((s) => s.Sid !== "NhiPipelineOnly") };
    expect(gate([policy("aws_iam_policy.boundary", widened)]).passed).toBe(false);
    expect(gate([policy("aws_iam_policy.boundary", doc)], {}).passed).toBe(false);
    expect(gate([policy("aws_iam_policy.boundary", doc)], { guardrail: { deploymentRoles: ["arn:aws:iam::*:role/other/*"] } }).passed).toBe(false);
  });

  it("attached as a grant, the attachment and the role are judged", () => {
    const r = gate([
      policy("aws_iam_policy.boundary", doc),
      change({ address: "aws_iam_role.hand", type: "aws_iam_role", after: { name: "hand", path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) } }),
      change({ address: "aws_iam_role_policy_attachment.grant", type: "aws_iam_role_policy_attachment", after: { role: "hand", policy_arn: "arn:aws:iam::111111111111:policy/nhi-guardrail" } }),
    ]);
    expect(r.passed).toBe(false);
    // The attachment is judged: ungoverned, and a part of the hand-written role's NHI-GOV-001
    // (one finding per problem, src/engine/fold.ts), not passed as the boundary.
    expect(new Set(r.findings.map((f) => f.address))).toEqual(new Set(["aws_iam_role.hand"]));
    expect(r.resources.find((s) => s.address === "aws_iam_role_policy_attachment.grant")).toMatchObject({ governed: "ungoverned", judged: true });
    expect(r.findings.find((f) => f.ruleId === "NHI-GOV-001")?.parts?.some((p) => p.includes("aws_iam_role_policy_attachment.grant"))).toBe(true);
  });
});
