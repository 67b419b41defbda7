"use strict";
/**
 * The generated plans the benchmarks measure (scripts/bench.js, bench/legacy-plan.ts), in one
 * place so both print figures on the same files.
 *
 *   node scripts/bench-plans.js <governed|legacy|mixed> <resources> <out.json>   (bench/out/ must be built for governed)
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const defaultDist = path.join(root, "bench", "out", "src");

function rc(address, type, after, afterUnknown = {}) {
  const name = address.split(".").pop();
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: {} } };
}

/**
 * The governed mix: n resources, a third of them identity resources in groups (role, its policy,
 * an instance profile) rendered by renderIdentity with the seal, 1% of the groups hand-written
 * roles that produce findings; the rest S3 buckets. Needs the compiled engine (dist).
 */
function governedPlan(n, file, dist = defaultDist) {
  const { renderIdentity, parseSpec, fixedClock, resolveConfig } = require(path.join(dist, "index.js"));
  const clock = fixedClock("2026-06-01T00:00:00Z");
  const config = resolveConfig({});
  const changes = [];
  const configResources = [];
  const identities = Math.floor(n / 3);
  const groups = Math.floor(identities / 3);
  const handWritten = Math.max(1, Math.floor(groups / 100));
  for (let g = 0; g < groups; g++) {
    const name = `svc-${g}`;
    if (g < handWritten) {
      changes.push(rc(`aws_iam_role.${name.replace(/-/g, "_")}`, "aws_iam_role", { name, path: "/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: {} }));
      changes.push(rc(`aws_iam_role_policy.${name.replace(/-/g, "_")}`, "aws_iam_role_policy", { name: `${name}-access`, role: name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) }));
      changes.push(rc(`aws_iam_instance_profile.${name.replace(/-/g, "_")}`, "aws_iam_instance_profile", { name, role: name }));
      continue;
    }
    const spec = parseSpec(
      {
        name,
        owner: "@acme/platform",
        purpose: "Runs the generated benchmark workload",
        environment: "prod",
        systemOfRecord: "https://cmdb.example.com/ci/BENCH",
        retirement: "when the benchmark is removed",
        workload: `bench service ${g}`,
        access: [{ actions: ["s3:GetObject"], resources: [`arn:aws:s3:::bench-${g}/*`] }],
        permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary",
        trust: { kind: "aws-service", service: "ec2.amazonaws.com" },
        credential: { kind: "ephemeral", maxSessionDuration: "PT1H" },
        recertifyBy: "2026-08-01",
      },
      { clock, config },
    );
    const r = renderIdentity(spec, config);
    const id = name.replace(/-/g, "_");
    const p = r.principal;
    changes.push(rc(`aws_iam_role.${id}`, "aws_iam_role", { name: p.name, path: p.path, tags: p.tags, tags_all: p.tags, assume_role_policy: JSON.stringify(p.assumeRolePolicy), permissions_boundary: p.permissionsBoundary, max_session_duration: p.maxSessionDuration, description: null }, { arn: true, id: true, unique_id: true }));
    changes.push(rc(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: r.policy.name, policy: JSON.stringify(r.policy.document), role: p.name }, { id: true }));
    changes.push(rc(`aws_iam_instance_profile.${id}`, "aws_iam_instance_profile", { name: p.name, role: p.name, tags: null }, { arn: true, id: true }));
    configResources.push({ address: `aws_iam_role_policy.${id}`, mode: "managed", type: "aws_iam_role_policy", name: id, expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] } } });
    configResources.push({ address: `aws_iam_instance_profile.${id}`, mode: "managed", type: "aws_iam_instance_profile", name: id, expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] } } });
  }
  for (let i = changes.length; i < n; i++) {
    changes.push(rc(`aws_s3_bucket.b${i}`, "aws_s3_bucket", { bucket: `bench-${i}`, force_destroy: false, tags: { team: "bench", cost_center: "1234" }, object_lock_enabled: false }, { arn: true, id: true, region: true, bucket_domain_name: true }));
  }
  const planJson = { format_version: "1.2", terraform_version: "1.9.5", planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: { resources: configResources } } };
  fs.writeFileSync(file, JSON.stringify(planJson));
  return { identities: groups * 3, handWritten };
}

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/**
 * The all-legacy plan: n resources, a third of them legacy identities as hand-written Terraform
 * has them (a role without lifecycle tags or boundary, its inline policy and its instance
 * profile, linked by configuration references), the rest S3 buckets.
 */
function legacyPlan(n, file) {
  const changes = [];
  const config = [];
  const identities = Math.floor(n / 3 / 3);
  for (let i = 0; i < identities; i++) {
    const name = `legacy-${i}`;
    const id = `legacy_${i}`;
    changes.push(rc(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: TRUST, tags: null, max_session_duration: 3600, description: null }, { arn: true, id: true, unique_id: true, tags_all: true }));
    changes.push(rc(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-access`, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::reports-${i}/*` }] }) }, { id: true, role: true }));
    changes.push(rc(`aws_iam_instance_profile.${id}`, "aws_iam_instance_profile", { name, path: "/", tags: null }, { arn: true, id: true, role: true }));
    config.push({ address: `aws_iam_role.${id}`, mode: "managed", type: "aws_iam_role", name: id, expressions: { name: { constant_value: name }, assume_role_policy: {} } });
    config.push({ address: `aws_iam_role_policy.${id}`, mode: "managed", type: "aws_iam_role_policy", name: id, expressions: { role: { references: [`aws_iam_role.${id}.id`, `aws_iam_role.${id}`] } } });
    config.push({ address: `aws_iam_instance_profile.${id}`, mode: "managed", type: "aws_iam_instance_profile", name: id, expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] } } });
  }
  for (let i = changes.length; i < n; i++) changes.push(rc(`aws_s3_bucket.b${i}`, "aws_s3_bucket", { bucket: `bench-${i}`, force_destroy: false, tags: { team: "bench" } }, { arn: true, id: true }));
  fs.writeFileSync(file, JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: { resources: config } } }));
  return { identities };
}

/**
 * A varied plan for comparing reports (scripts/compare-reports.js), not for timing: hand-written
 * identities in many shapes that reach most rules: wildcard and NotAction policies, admin and
 * read-only AWS managed policies, escalation paths split over policies, users with keys, login
 * profiles and groups, open, cross-account and GitHub OIDC trust, secret reads, counted
 * instances, modules, unknown values, updates that widen access, deletes with dependents, a
 * CloudFormation stack with a role inside, and sealed roles with drift.
 */
function mixedPlan(n, file, dist = defaultDist) {
  const changes = [];
  const config = [];
  const J = (v) => JSON.stringify(v);
  const doc = (...Statement) => J({ Version: "2012-10-17", Statement });
  const allow = (Action, Resource = "*", extra = {}) => ({ Effect: "Allow", Action, Resource, ...extra });
  const trust = (Principal, extra = {}) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...extra });
  const ec2 = trust({ Service: "ec2.amazonaws.com" });
  const tags = (i, extra = {}) => ({ "nhi:owner": "@acme/team-" + (i % 7), "nhi:purpose": i % 5 ? "Runs the mixed benchmark workload" : "short", "nhi:environment": ["prod", "dev", "qa"][i % 3], "nhi:system-of-record": "https://cmdb.example.com/ci/" + i, "nhi:retirement": "when retired", "nhi:workload": "w" + i, "nhi:recertify-by": i % 4 ? "2026-07-01" : "2025-01-01", "nhi:credential": ["ephemeral", "static-key", "managed-secret"][i % 3], ...extra });
  const push = (address, type, after, extra = {}) => changes.push({ ...rc(address, type, after, extra.unknown ?? {}), ...(extra.module ? { module_address: extra.module } : {}), ...(extra.index !== undefined ? { index: extra.index } : {}) });
  const withChange = (address, actions, before, after) => {
    const c = changes.find((x) => x.address === address);
    c.change.actions = actions;
    c.change.before = before;
    c.change.after = after;
  };
  const cfg = (address, type, expressions, module) => config.push({ module, r: { address, mode: "managed", type, name: address.split(".").pop().replace(/\[.*$/, ""), expressions } });
  const ref = (...references) => ({ references });
  // Sealed roles rendered by the real renderer, one in ten drifted after rendering.
  const { renderIdentity, parseSpec, fixedClock, resolveConfig } = require(path.join(dist, "index.js"));
  const clock = fixedClock("2026-06-01T00:00:00Z");
  const gconfig = resolveConfig({});
  let i = 0;
  while (changes.length < n) {
    const k = i % 16;
    const id = `m${i}`;
    const name = `mixed-${i}`;
    switch (k) {
      case 0: // wildcard actions and NotAction
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: ec2, tags: tags(i), max_session_duration: 3600 * (1 + (i % 13)) }, { unknown: { arn: true, id: true } });
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-p`, role: name, policy: doc(allow(["s3:*", "iam:Pass*"]), { Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }) });
        break;
      case 1: // AWS managed policies by content
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/svc/", assume_role_policy: ec2, tags: tags(i), permissions_boundary: "arn:aws:iam::123456789012:policy/b" });
        push(`aws_iam_role_policy_attachment.${id}_admin`, "aws_iam_role_policy_attachment", { role: name, policy_arn: i % 32 ? "arn:aws:iam::aws:policy/ReadOnlyAccess" : "arn:aws:iam::aws:policy/AdministratorAccess" });
        push(`aws_iam_role_policy_attachment.${id}_s3`, "aws_iam_role_policy_attachment", { role: name, policy_arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" });
        break;
      case 2: // escalation split over two policies, a customer managed policy by reference
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: ec2, tags: tags(i) });
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-pass`, role: name, policy: doc(allow("iam:PassRole", `arn:aws:iam::123456789012:role/admin-${i}`)) });
        push(`aws_iam_policy.${id}`, "aws_iam_policy", { name: `${name}-lambda`, policy: doc(allow(["lambda:CreateFunction", "lambda:InvokeFunction"])), tags: {} }, { unknown: { arn: true } });
        push(`aws_iam_role_policy_attachment.${id}`, "aws_iam_role_policy_attachment", { role: name }, { unknown: { policy_arn: true } });
        cfg(`aws_iam_role_policy_attachment.${id}`, "aws_iam_role_policy_attachment", { role: ref(`aws_iam_role.${id}.name`, `aws_iam_role.${id}`), policy_arn: ref(`aws_iam_policy.${id}.arn`, `aws_iam_policy.${id}`) });
        break;
      case 3: // a user with keys, a login profile, a group with an admin policy
        push(`aws_iam_user.${id}`, "aws_iam_user", { name, path: "/", tags: tags(i, { "nhi:credential": "static-key", "nhi:ttl": "P400D" }) });
        push(`aws_iam_access_key.${id}`, "aws_iam_access_key", { user: name, status: "Active" }, { unknown: { id: true, secret: true } });
        push(`aws_iam_access_key.${id}_2`, "aws_iam_access_key", { user: name, status: "Active" }, { unknown: { id: true, secret: true } });
        push(`aws_iam_user_login_profile.${id}`, "aws_iam_user_login_profile", { user: name });
        push(`aws_iam_group.${id}`, "aws_iam_group", { name: `${name}-g`, path: "/" });
        push(`aws_iam_group_policy.${id}`, "aws_iam_group_policy", { name: "all", group: `${name}-g`, policy: doc(allow("*")) });
        push(`aws_iam_user_group_membership.${id}`, "aws_iam_user_group_membership", { user: name, groups: [`${name}-g`] });
        break;
      case 4: // open and cross-account trust, long sessions
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: i % 2 ? trust({ AWS: "*" }) : trust({ AWS: "arn:aws:iam::999999999999:root" }), tags: tags(i), max_session_duration: 43200 });
        break;
      case 5: // GitHub OIDC trust without a sub condition, and with one
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", tags: tags(i), assume_role_policy: doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: i % 2 ? { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } : { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*:ref:refs/heads/main" } } }) });
        break;
      case 6: // reads every secret
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: ec2, tags: tags(i) });
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-s`, role: name, policy: doc(allow(["secretsmanager:GetSecretValue", "kms:Decrypt", "ssm:GetParameter*"]), allow("s3:PutObject", "*")) });
        break;
      case 7: { // counted instances linked by configuration references, in a module
        const mod = `module.svc_${i}`;
        for (const n2 of [0, 1]) {
          push(`${mod}.aws_iam_role.r[${n2}]`, "aws_iam_role", { name: `${name}-${n2}`, path: "/", assume_role_policy: ec2, tags: null }, { module: mod, index: n2, unknown: { arn: true, tags_all: true } });
          push(`${mod}.aws_iam_role_policy.p[${n2}]`, "aws_iam_role_policy", { name: `${name}-${n2}-p`, policy: doc(allow("dynamodb:*", `arn:aws:dynamodb:eu-west-1:123456789012:table/t${i}`)) }, { module: mod, index: n2, unknown: { role: true, id: true } });
        }
        cfg("aws_iam_role_policy.p", "aws_iam_role_policy", { role: ref("aws_iam_role.r[count.index].id", "aws_iam_role.r") }, `svc_${i}`);
        break;
      }
      case 8: // unknown policy and trust until apply
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", tags: tags(i) }, { unknown: { assume_role_policy: true, arn: true } });
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-u`, role: name }, { unknown: { policy: true } });
        break;
      case 9: // an update that widens access, and the privilege ratchet
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: `${name}-w`, role: `existing-${i}`, policy: doc(allow(["s3:GetObject", "s3:PutObject", "sqs:*"], `arn:aws:s3:::b${i}/*`)) });
        withChange(`aws_iam_role_policy.${id}`, ["update"], { name: `${name}-w`, role: `existing-${i}`, policy: doc(allow("s3:GetObject", `arn:aws:s3:::b${i}/*`)) }, changes[changes.length - 1].change.after);
        break;
      case 10: // a delete that leaves dependents behind
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: ec2, tags: tags(i) });
        withChange(`aws_iam_role.${id}`, ["delete"], { name, path: "/", assume_role_policy: ec2, tags: tags(i) }, null);
        push(`aws_iam_instance_profile.${id}`, "aws_iam_instance_profile", { name, role: name });
        break;
      case 11: { // sealed roles, some drifted
        const spec = parseSpec({ name, owner: "@acme/platform", purpose: "Runs the mixed benchmark workload", environment: "prod", systemOfRecord: "https://cmdb.example.com/ci/M", retirement: "when removed", workload: "mixed " + i, access: [{ actions: ["s3:GetObject"], resources: [`arn:aws:s3:::m-${i}/*`] }], permissionsBoundary: "arn:aws:iam::123456789012:policy/nhi-boundary", trust: { kind: "aws-service", service: "lambda.amazonaws.com" }, credential: { kind: "ephemeral", maxSessionDuration: "PT1H" }, recertifyBy: "2026-08-01" }, { clock, config: gconfig });
        const r = renderIdentity(spec, gconfig);
        const p = r.principal;
        const drift = i % 10 === 1;
        push(`aws_iam_role.${id}`, "aws_iam_role", { name: p.name, path: p.path, tags: p.tags, tags_all: p.tags, assume_role_policy: J(p.assumeRolePolicy), permissions_boundary: p.permissionsBoundary, max_session_duration: p.maxSessionDuration }, { unknown: { arn: true, id: true, unique_id: true } });
        push(`aws_iam_role_policy.${id}`, "aws_iam_role_policy", { name: r.policy.name, role: p.name, policy: drift ? doc(allow("s3:*")) : J(r.policy.document) });
        if (i % 20 === 11) push(`aws_iam_role_policy_attachment.${id}`, "aws_iam_role_policy_attachment", { role: p.name, policy_arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" });
        break;
      }
      case 12: // a CloudFormation stack with a role inside
        push(`aws_cloudformation_stack.${id}`, "aws_cloudformation_stack", { name, template_body: J({ Resources: { Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }, Policies: [{ PolicyName: "p", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] } }] } } } }), tags: {} });
        break;
      case 13: // role with inline_policy blocks and managed_policy_arns on itself
        push(`aws_iam_role.${id}`, "aws_iam_role", { name, path: "/", assume_role_policy: ec2, tags: tags(i), inline_policy: [{ name: "inl", policy: doc(allow(["ec2:*", "iam:CreateAccessKey"])) }], managed_policy_arns: ["arn:aws:iam::aws:policy/PowerUserAccess"] });
        break;
      case 14: // a secret and its version, an API key
        push(`aws_secretsmanager_secret.${id}`, "aws_secretsmanager_secret", { name: `app/${name}`, policy: i % 2 ? doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) : null, tags: {} });
        push(`aws_secretsmanager_secret_version.${id}`, "aws_secretsmanager_secret_version", { secret_string: `s3cr3t-value-${i}` }, { unknown: { secret_id: true } });
        cfg(`aws_secretsmanager_secret_version.${id}`, "aws_secretsmanager_secret_version", { secret_id: ref(`aws_secretsmanager_secret.${id}.id`, `aws_secretsmanager_secret.${id}`) });
        push(`aws_api_gateway_api_key.${id}`, "aws_api_gateway_api_key", { name, value: `key-value-${i}-abcdef` });
        break;
      default: // buckets
        for (let b = 0; b < 10; b++) push(`aws_s3_bucket.${id}_${b}`, "aws_s3_bucket", { bucket: `${name}-${b}` });
    }
    i++;
  }
  // Configuration: root resources, and module calls with theirs.
  const root = { resources: config.filter((c) => !c.module).map((c) => c.r), module_calls: {} };
  for (const c of config.filter((x) => x.module)) (root.module_calls[c.module] ??= { source: "./modules/svc", module: { resources: [] } }).module.resources.push(c.r);
  fs.writeFileSync(file, JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: root } }));
  return { resources: changes.length };
}

module.exports = { governedPlan, legacyPlan, mixedPlan, rc };

if (require.main === module) {
  const [kind, n, file] = process.argv.slice(2);
  const made = kind === "legacy" ? legacyPlan(Number(n), file) : kind === "governed" ? governedPlan(Number(n), file) : kind === "mixed" ? mixedPlan(Number(n), file) : null;
  if (!made) {
    process.stderr.write("usage: node scripts/bench-plans.js <governed|legacy|mixed> <resources> <out.json>\n");
    process.exitCode = 2;
  } else process.stdout.write(`${file}: ${JSON.stringify(made)}\n`);
}
