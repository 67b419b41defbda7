import * as pulumi from "@pulumi/pulumi";
import { clock, validSpec } from "../helpers";
import { pulumiComponent, recorder } from "../pulumi-component/build";
import { CONFIG } from "../pulumi-component/fixtures";
import { construct, overTheWire } from "./construct";
import { issueText } from "../../src/spec/identity";

type Args = Record<string, unknown>;
const valid = (): Args => ({ ...validSpec(), config: CONFIG });
const without = (a: Args, key: string): Args => Object.fromEntries(Object.entries(a).filter(([k]) => k !== key));

/** The TypeScript component's validation error for these args (nothing registered). */
async function tsError(args: Args): Promise<InstanceType<typeof pulumiComponent.SpecValidationError>> {
  recorder.reset();
  let error: unknown;
  try {
    new pulumiComponent.GovernedIdentity("payments", args as never, { clock });
  } catch (e) {
    error = e;
  }
  await recorder.settle();
  expect(recorder.resources).toEqual([]);
  if (!(error instanceof pulumiComponent.SpecValidationError)) throw new Error(`expected a SpecValidationError from the TypeScript component, got ${String(error)}`);
  return error;
}

/** The provider's error for these inputs (nothing registered). */
async function providerError(inputs: pulumi.Inputs): Promise<pulumi.InputPropertiesError> {
  let error: unknown;
  try {
    await construct("payments", inputs);
  } catch (e) {
    error = e;
  }
  expect(recorder.resources).toEqual([]);
  if (!pulumi.InputPropertiesError.isInstance(error)) throw new Error(`expected an InputPropertiesError from the provider, got ${String(error)}`);
  return error;
}

describe("invalid inputs from another language get the TypeScript component's field-level error", () => {
  // Each row: label, inputs, and (for null) the TypeScript args it is equivalent to. Rows are
  // mapped to objects: jest would take a missing third array element for a done callback.
  test.each(
    (
      [
    ["a wrong type (number for a string)", { ...valid(), name: 42 }],
    ["a wrong type (string for a list)", { ...valid(), access: "s3:GetObject" }],
    ["a missing required field", without(valid(), "owner")],
    ["an unknown credential kind", { ...valid(), credential: { kind: "password" } }],
    ["an unknown trust kind", { ...valid(), trust: { kind: "saml", roleArn: "arn:aws:iam::123456789012:role/x" } }],
    ["an unknown statement effect", { ...valid(), access: [{ effect: "Maybe", actions: ["s3:GetObject"], resources: ["*"] }] }],
    ["a field of another trust kind", { ...valid(), trust: { kind: "aws-service", service: "lambda.amazonaws.com", repository: "acme/app" } }],
    ["an unknown field", { ...valid(), labels: { team: "x" } }],
    ["several bad fields at once", { ...valid(), owner: "", purpose: "short", credential: { kind: "ephemeral", maxSessionDuration: "1 hour" } }],
    ["a bad gate config", { ...valid(), config: { accessGracePeriodDays: -1, failOn: "severe" } }],
    // Pulumi's null means "not set": the same error as the field left out.
    ["a required field sent as null", { ...valid(), owner: null }, without(valid(), "owner")],
    ["a nested required field sent as null", { ...valid(), credential: { kind: null } }, { ...valid(), credential: {} }],
      ] as [string, Args, Args?][]
    ).map(([label, inputs, tsEquivalent]) => ({ label, inputs, tsEquivalent })),
  )("$label", async ({ inputs, tsEquivalent }) => {
    const expected = await tsError(tsEquivalent ?? inputs);
    const error = await providerError(overTheWire(inputs));
    expect(error.message).toBe(expected.message);
    expect(error.message.split("\n")[0]).toBe("payments: invalid governed identity spec");
    // One detail per field: the field line of the message without the field (`got ...; expected ...; fix: ...`).
    expect(error.errors).toEqual(expected.issues.map((i) => ({ propertyPath: i.path, reason: issueText(i) })));
    expect(error.errors.map((e) => `  - ${e.propertyPath}: ${e.reason}`)).toEqual(error.message.split("\n").slice(1));
  });

  test("a spec field that is an output of another resource (a value with dependencies) is rejected as in TypeScript", async () => {
    const expected = await tsError({ ...valid(), owner: pulumi.output("@acme/payments") });
    const error = await providerError({ ...overTheWire(valid()), owner: pulumi.output("@acme/payments") });
    expect(error.message).toBe(expected.message);
    expect(error.errors.map((e) => e.propertyPath)).toEqual(["owner"]);
  });

  test("optional fields sent as null or undefined are accepted as absent", async () => {
    const args = { ...valid(), emergency: null, path: undefined, recertificationReminder: null, trust: { kind: "aws-service", service: "lambda.amazonaws.com", sourceAccount: null, repository: undefined }, credential: { kind: "ephemeral", ttl: null } };
    const c = await construct("payments", args);
    expect(c.resources.map((r) => r.type).sort()).toEqual(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "nhi-governance:aws:GovernedIdentity"]);
  });

  test("an error that is not a validation error passes through unchanged", async () => {
    await expect(construct("payments", overTheWire(valid()), "nhi-governance:aws:Other")).rejects.toThrow(/^unknown resource type nhi-governance:aws:Other/);
  });
});
