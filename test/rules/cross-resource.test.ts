import { environmentIsolation } from "../../src/rules/environment-isolation";
import { identityReuse } from "../../src/rules/identity-reuse";
import { privilegeRatchet } from "../../src/rules/privilege-ratchet";
import { TAG } from "../../src/spec/tags";
import { resource } from "../../testing/resources";
import { OIDC } from "../helpers";
import { allow, doc, findings, LIFECYCLE, role, severities } from "./fixtures";

const PROD = "111111111111";
const DEV = "222222222222";
const accounts = { environmentAccounts: { prod: [PROD], dev: [DEV] } };
const trustRole = (arn: string) => doc({ Effect: "Allow", Principal: { AWS: arn }, Action: "sts:AssumeRole" });

describe("NHI-GOV-017 environment isolation (NHI8)", () => {
  it("passes trust from the same environment, by tag and by account", () => {
    const caller = role({ arn: `arn:aws:iam::${PROD}:role/caller` }, {}, "aws_iam_role.caller");
    const target = role({ arn: `arn:aws:iam::${PROD}:role/target`, assume_role_policy: trustRole(`arn:aws:iam::${PROD}:role/caller`) }, {}, "aws_iam_role.target");
    expect(findings(environmentIsolation, [caller, target], accounts)).toEqual([]);
  });
  it("fails a prod role trusted by a dev-tagged role", () => {
    const caller = role({ arn: `arn:aws:iam::${PROD}:role/caller`, tags: { ...LIFECYCLE, [TAG.environment]: "dev" } }, {}, "aws_iam_role.caller");
    const target = role({ assume_role_policy: trustRole(`arn:aws:iam::${PROD}:role/caller`) }, {}, "aws_iam_role.target");
    expect(findings(environmentIsolation, [caller, target])).toEqual([`NHI-GOV-017[Principal::arn:aws:iam::${PROD}:role/caller] @ aws_iam_role.target`]);
  });
  it("fails trust from another environment's account, and an identity living in another environment's account", () => {
    const fromDev = role({ assume_role_policy: trustRole(`arn:aws:iam::${DEV}:role/ci`) }, {}, "aws_iam_role.from_dev");
    const inDev = role({ arn: `arn:aws:iam::${DEV}:role/lives-in-dev` }, {}, "aws_iam_role.in_dev");
    expect(findings(environmentIsolation, [fromDev, inDev], accounts)).toEqual([
      `NHI-GOV-017[Account::${DEV}] @ aws_iam_role.in_dev`,
      `NHI-GOV-017[Principal::arn:aws:iam::${DEV}:role/ci] @ aws_iam_role.from_dev`,
    ]);
    // Without the account map the gate cannot tell, and says nothing.
    expect(findings(environmentIsolation, [fromDev, inDev])).toEqual([]);
  });
  it("is not applicable without an environment tag", () => {
    expect(findings(environmentIsolation, [role({ tags: {}, assume_role_policy: trustRole(`arn:aws:iam::${DEV}:role/ci`) })], accounts)).toEqual([]);
  });
});

describe("NHI-GOV-018 identity reuse (NHI9)", () => {
  it("passes one workload", () => {
    expect(findings(identityReuse, [role()])).toEqual([]);
  });
  it("fails a role trusted by two services, or by two repositories", () => {
    const services = role({ assume_role_policy: doc({ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"] }, Action: "sts:AssumeRole" }) }, {}, "aws_iam_role.services");
    const repos = role(
      {
        assume_role_policy: doc({
          Effect: "Allow",
          Principal: { Federated: OIDC },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:acme/a:ref:refs/heads/main", "repo:acme/b:ref:refs/heads/main"] } },
        }),
      },
      {},
      "aws_iam_role.repos",
    );
    expect(findings(identityReuse, [services, repos])).toEqual(["NHI-GOV-018[Trust::workloads] @ aws_iam_role.repos", "NHI-GOV-018[Trust::workloads] @ aws_iam_role.services"]);
    expect(severities(identityReuse, [services])).toEqual({ "NHI-GOV-018[Trust::workloads]": "medium" });
  });
  it("fails a role associated with two Kubernetes service accounts", () => {
    const r = role({}, {}, "aws_iam_role.pods");
    const assoc = (n: string, sa: string) =>
      resource("aws_eks_pod_identity_association", `aws_eks_pod_identity_association.${sa}`, { cluster_name: "prod", namespace: n, service_account: sa, role_arn: "x" }, { propRefs: { role_arn: ["aws_iam_role.pods.arn"] } });
    expect(findings(identityReuse, [r, assoc("cart", "cart-api")])).toEqual([]);
    expect(findings(identityReuse, [r, assoc("cart", "cart-api"), assoc("billing", "billing-api")])).toEqual(["NHI-GOV-018[PodIdentity::service-accounts] @ aws_iam_role.pods"]);
  });
});

describe("NHI-GOV-019 privilege ratchet", () => {
  const policy = (before: string, after: string) =>
    resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r", policy: after }, { action: "update", before: { name: "p", role: "r", policy: before } });
  it("passes a narrowing and an equivalent rewrite (s3:Get* vs its expansion is compared by grant, not string)", () => {
    expect(findings(privilegeRatchet, [policy(doc(allow("s3:*")), doc(allow("s3:GetObject")))])).toEqual([]);
    expect(findings(privilegeRatchet, [policy(doc(allow("iam:Pass*")), doc(allow("iam:PassRole")))])).toEqual([]);
    expect(findings(privilegeRatchet, [policy(doc(allow("s3:GetObject")), doc(allow(["s3:GetObject"])))])).toEqual([]);
  });
  it("flags a widening as a change needing approval", () => {
    expect(findings(privilegeRatchet, [policy(doc(allow("s3:GetObject")), doc(allow("s3:Get*")))])).toEqual(["NHI-GOV-019[Widened::policy] @ aws_iam_role_policy.p"]);
    expect(findings(privilegeRatchet, [policy(doc(allow("s3:GetObject", "arn:aws:s3:::bucket/a/*")), doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*")))])).toEqual([
      "NHI-GOV-019[Widened::policy] @ aws_iam_role_policy.p",
    ]);
  });
  it("cannot compare an unknown document, and says so", () => {
    const r = policy(doc(allow("s3:GetObject")), "");
    expect(findings(privilegeRatchet, [{ ...r, unknownPaths: ["policy"] }])).toEqual(["NHI-GOV-019[Unknown::policy] @ aws_iam_role_policy.p"]);
  });
  it("does not apply to creations (nothing to compare with)", () => {
    expect(findings(privilegeRatchet, [resource("aws_iam_role_policy", "aws_iam_role_policy.p", { name: "p", role: "r", policy: doc(allow("s3:*")) })])).toEqual([]);
  });
});
