import { buildInventory } from "../../src/engine/inventory";
import { ciContext, ledgerEvents } from "../../src/engine/ledger";
import { compareGrants, iamDataExpander } from "../../src/iam/grants";
import { renderIdentity } from "../../src/render/aws";
import { renderedResources, resource } from "../../testing/resources";
import { TAG } from "../../src/spec/tags";
import { clock, inDays, spec, NOW } from "../helpers";
import { addDays } from "../../src/engine/clock";

// A tiny expander for the tests: real runs pass the IAM-data expansion.
const expand = (p: string) => (p.endsWith("*") ? ["s3:getobject", "s3:putobject", "s3:deleteobject"].filter((a) => a.startsWith(p.slice(0, -1).toLowerCase())) : [p.toLowerCase()]);
const doc = (actions: string[], resource = "arn:aws:s3:::b/*") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: resource }] });

describe("inventory", () => {
  it("lists governed and ungoverned identities with their lifecycle data, and the sections", () => {
    const governed = renderedResources(renderIdentity(spec({ name: "legacy", credential: { kind: "static-key", ttl: "P90D", rotation: "P30D" }, trust: undefined })));
    const overdueTags = { ...renderIdentity(spec()).principal.tags, [TAG.recertifyBy]: "2026-01-01" };
    const inventory = buildInventory(
      [
        {
          resources: [
            ...governed,
            resource("aws_iam_role", "aws_iam_role.overdue", { name: "old", tags: overdueTags }, { action: "no-op" }),
            resource("aws_iam_role", "aws_iam_role.nobody", { name: "nobody", tags: {} }, { action: "no-op" }),
            resource("aws_iam_access_key", "aws_iam_access_key.old", { user: "ghost", create_date: addDays(NOW, -200).toISOString() }, { action: "no-op" }),
          ],
        },
      ],
      { clock },
    );
    const user = inventory.identities.find((i) => i.address === "aws_iam_user.gov");
    expect(user).toMatchObject({ owner: "@acme/payments", credential: "static-key", ttl: "P90D", rotation: "P30D", governed: "governed", recertifyBy: inDays(90) });
    const key = inventory.identities.find((i) => i.address === "aws_iam_access_key.gov");
    expect(key).toMatchObject({ principal: "aws_iam_user.gov", owner: "@acme/payments", governed: "governed" });
    expect(inventory.overdueRecertifications.map((i) => i.address)).toEqual(["aws_iam_role.overdue"]);
    expect(inventory.withoutOwner.map((i) => i.address)).toEqual(["aws_iam_role.nobody"]);
    expect(inventory.credentialsPastTtl.map((i) => i.address)).toEqual(["aws_iam_access_key.old"]);
    expect(inventory.orphanedCredentials.map((i) => i.address)).toEqual(["aws_iam_access_key.old"]);
  });

  it("reports a credential whose principal is being deleted as orphaned", () => {
    const inventory = buildInventory(
      [{ resources: [resource("aws_iam_user", "aws_iam_user.u", { name: "u" }, { action: "delete" }), resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "u" }, { action: "no-op" })] }],
      { clock },
    );
    expect(inventory.orphanedCredentials.map((i) => i.address)).toEqual(["aws_iam_access_key.k"]);
  });
});

describe("ledger", () => {
  it("compares policies by what they grant, not by string", () => {
    expect(compareGrants(doc(["s3:GetObject"]), doc(["s3:Get*"]), expand)).toEqual({ widened: [], narrowed: [] });
    expect(compareGrants(doc(["s3:GetObject"]), doc(["s3:*"]), expand)).toEqual({ widened: ["s3:deleteobject on arn:aws:s3:::b/*", "s3:putobject on arn:aws:s3:::b/*"], narrowed: [] });
    expect(compareGrants(doc(["s3:*"]), doc(["s3:GetObject"]), expand).narrowed).toHaveLength(2);
    expect(compareGrants(doc(["s3:GetObject"], "arn:aws:s3:::b/*"), doc(["s3:GetObject"], "arn:aws:s3:::b/x"), expand)).toEqual({ widened: [], narrowed: ["s3:getobject on arn:aws:s3:::b/*"] });
  });

  it("records issued, rotated, widened, recertified and offboarded events with CI context", () => {
    const events = ledgerEvents(
      {
        resources: [
          resource("aws_iam_role", "aws_iam_role.new", { name: "new" }),
          resource("aws_iam_access_key", "aws_iam_access_key.k", { user: "u" }, { action: "replace" }),
          resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r", policy: doc(["s3:*"]) }, { action: "update", before: { policy: doc(["s3:GetObject"]) } }),
          resource("aws_iam_role", "aws_iam_role.r", { name: "r", tags: { [TAG.recertifyBy]: inDays(90) } }, { action: "update", before: { tags: { [TAG.recertifyBy]: inDays(3) } } }),
          resource("aws_iam_user", "aws_iam_user.gone", { name: "gone" }, { action: "delete" }),
        ],
      },
      { clock, source: "plan.json", env: { GITHUB_SHA: "abc123", GITHUB_RUN_ID: "42", GITHUB_REPOSITORY: "acme/infra" }, expand },
    );
    expect(events.map((e) => `${e.event} ${e.address}`)).toEqual([
      "rotated aws_iam_access_key.k",
      "issued aws_iam_role.new",
      "recertified aws_iam_role.r",
      "scope-widened aws_iam_role_policy.p",
      "offboarded aws_iam_user.gone",
    ]);
    expect(events[0]).toMatchObject({ time: NOW.toISOString(), source: "plan.json", commit: "abc123", runId: "42", repository: "acme/infra" });
    expect(events.find((e) => e.event === "scope-widened")?.principal).toBe("aws_iam_role.r");
  });

  it("reads GitLab's variables too", () => {
    expect(ciContext({ CI_COMMIT_SHA: "def", CI_PIPELINE_ID: "7", CI_PROJECT_PATH: "g/p" })).toEqual({ commit: "def", runId: "7", repository: "g/p" });
  });
});

describe("grant comparison with AWS's action list", () => {
  it("sees s3:Get* as the same grant as its expansion, and s3:* as wider than s3:GetObject", () => {
    const get = compareGrants(doc(["s3:GetObject"]), doc(["s3:Get*"]), iamDataExpander);
    expect(get.narrowed).toEqual([]);
    expect(get.widened.length).toBeGreaterThan(10);
    expect(get.widened).toContain("s3:getobjectacl on arn:aws:s3:::b/*");
    expect(compareGrants(doc(["s3:*"]), doc(["s3:GetObject"]), iamDataExpander).widened).toEqual([]);
    expect(compareGrants(doc(["iam:PassRole"]), doc(["iam:Pass*"]), iamDataExpander)).toEqual({ widened: [], narrowed: [] });
  });
});

describe("inventory of identities whose tags are a [{key, value}] list (awscc, aws-native)", () => {
  it("reads the owner and lifecycle tags from the list, as the rules do", () => {
    const tags = [
      { key: TAG.owner, value: "@acme/data" },
      { key: TAG.purpose, value: "Loads the nightly exports" },
      { key: TAG.environment, value: "prod" },
      { key: TAG.recertifyBy, value: inDays(-3) },
      { key: 7, value: "not a tag" },
    ];
    const inventory = buildInventory([{ resources: [resource("awscc_iam_role", "awscc_iam_role.loader", { role_name: "loader", tags }, { action: "no-op" })] }], { clock });
    const rec = inventory.identities.find((i) => i.address === "awscc_iam_role.loader");
    expect(rec).toMatchObject({ owner: "@acme/data", purpose: "Loads the nightly exports", environment: "prod", recertifyBy: inDays(-3) });
    expect(inventory.withoutOwner.map((i) => i.address)).not.toContain("awscc_iam_role.loader");
    expect(inventory.overdueRecertifications.map((i) => i.address)).toContain("awscc_iam_role.loader");
  });
});

describe("inventory of untaggable credentials", () => {
  it("a secret version takes the lifecycle tags of the secret it belongs to", () => {
    const tags = { [TAG.owner]: "@acme/payments", [TAG.credential]: "static-key", [TAG.ttl]: "P90D", [TAG.rotation]: "P30D", [TAG.recertifyBy]: inDays(30) };
    const inventory = buildInventory(
      [
        {
          resources: [
            resource("aws_secretsmanager_secret", "aws_secretsmanager_secret.s", { name: "nhi/app", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nhi/app-AbCdEf", tags }, { action: "no-op" }),
            resource("aws_secretsmanager_secret_version", "aws_secretsmanager_secret_version.v", { secret_id: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nhi/app-AbCdEf" }, { action: "no-op" }),
          ],
        },
      ],
      { clock },
    );
    expect(inventory.identities.find((i) => i.address === "aws_secretsmanager_secret_version.v")).toMatchObject({ owner: "@acme/payments", credential: "static-key", ttl: "P90D", rotation: "P30D", recertifyBy: inDays(30) });
    expect(inventory.withoutOwner.map((i) => i.address)).toEqual([]);
  });
});

describe("the ledger on an import plan (nhi-gate adopt)", () => {
  // Required lazily so the file's other tests keep their imports as they were.
  const { planToInput } = require("../../src/adapters/terraform-plan") as typeof import("../../src/adapters/terraform-plan");
  const { change, plan } = require("../fixtures/plans/builder") as typeof import("../fixtures/plans/builder");

  it("records an imported identity as adopted, not issued: it existed before the plan", () => {
    const role = { name: "legacy", path: "/", assume_role_policy: doc(["sts:AssumeRole"], "*"), tags: { team: "x" } };
    const input = planToInput(
      plan([
        change({ address: "aws_iam_role.kept", type: "aws_iam_role", actions: ["no-op"], before: role, after: role, importing: { id: "legacy" } }),
        change({ address: "aws_iam_role.tagged", type: "aws_iam_role", actions: ["update"], before: role, after: { ...role, name: "tagged", tags: { team: "y" } }, importing: { id: "tagged" } }),
        change({ address: "aws_iam_role.new", type: "aws_iam_role", after: { ...role, name: "new" } }),
      ]),
      "plan.json",
    );
    expect(ledgerEvents(input, { clock }).map((e) => `${e.event} ${e.address}: ${e.detail}`)).toEqual([
      "adopted aws_iam_role.kept: existing IAM role imported into this configuration",
      "issued aws_iam_role.new: IAM role created",
      "adopted aws_iam_role.tagged: existing IAM role imported into this configuration, and updated",
    ]);
  });
});
