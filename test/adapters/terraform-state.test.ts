import { stateToInput } from "../../src/adapters/terraform-state";
import { evaluate } from "../../src/engine/evaluate";
import { clock } from "../helpers";

const state = (rootModule: Record<string, unknown>, formatVersion = "1.0") => ({ format_version: formatVersion, terraform_version: "1.9.5", values: { root_module: rootModule } });

describe("terraform show -json of a state", () => {
  it("reads root and child modules recursively, skips data sources, judges everything (scope all)", () => {
    const input = stateToInput(
      state({
        resources: [
          { address: "aws_iam_user.ci", mode: "managed", type: "aws_iam_user", name: "ci", values: { name: "ci", tags: {} }, sensitive_values: { tags: {} } },
          { address: "data.aws_iam_role.r", mode: "data", type: "aws_iam_role", name: "r", values: { name: "r" } },
          { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", values: {} },
        ],
        child_modules: [
          {
            address: "module.keys",
            resources: [{ address: "module.keys.aws_iam_access_key.k", mode: "managed", type: "aws_iam_access_key", name: "k", values: { user: "ci", secret: "wJalrXUtnFEMI/K7MDENG" }, sensitive_values: { secret: true } }],
            child_modules: [{ address: "module.keys.module.deeper", resources: [{ address: "module.keys.module.deeper.aws_iam_role.r", mode: "managed", type: "aws_iam_role", name: "r", values: { name: "r" } }] }],
          },
        ],
      }),
      "state.json",
    );
    expect(input.scope).toBe("all");
    expect(input.resources.map((r) => [r.address, r.action, r.origin.module?.address])).toEqual([
      ["aws_iam_user.ci", "no-op", undefined],
      ["module.keys.aws_iam_access_key.k", "no-op", "module.keys"],
      ["module.keys.module.deeper.aws_iam_role.r", "no-op", "module.keys.module.deeper"],
    ]);
    expect(input.resources[1].sensitivePaths).toContain("secret");
    const report = evaluate(input, { clock });
    expect(report.resources.every((r) => r.judged)).toBe(true);
    expect(report.passed).toBe(false);
  });

  it("refuses a plan, an unknown major and a wrong shape with one line", () => {
    expect(() => stateToInput({ format_version: "1.2", resource_changes: [] }, "s.json")).toThrow("s.json: this is a Terraform plan, not a state; use nhi-gate state".replace("use nhi-gate state", "use nhi-gate plan"));
    expect(() => stateToInput(state({}, "2.0"), "s.json")).toThrow("s.json: unsupported format_version 2.0");
    expect(() => stateToInput(state({ resources: [{ address: "aws_iam_role.r", mode: "managed", type: "aws_iam_role", values: "nope" }] }), "s.json")).toThrow(
      "s.json: not a Terraform resource in values.root_module.resources.0: values: Invalid input",
    );
    expect(() => stateToInput(state({ resources: "x" }), "s.json")).toThrow("s.json: not a Terraform state (terraform show -json): values.root_module.resources: Invalid input: expected array, received string");
  });
});
