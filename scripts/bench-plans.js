"use strict";
/**
 * The generated plans the benchmarks measure (scripts/bench.js, bench/legacy-plan.ts), in one
 * place so both print figures on the same files.
 *
 *   node scripts/bench-plans.js <governed|legacy> <resources> <out.json>   (bench/out/ must be built for governed)
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

module.exports = { governedPlan, legacyPlan, rc };

if (require.main === module) {
  const [kind, n, file] = process.argv.slice(2);
  const made = kind === "legacy" ? legacyPlan(Number(n), file) : kind === "governed" ? governedPlan(Number(n), file) : null;
  if (!made) {
    process.stderr.write("usage: node scripts/bench-plans.js <governed|legacy> <resources> <out.json>\n");
    process.exitCode = 2;
  } else process.stdout.write(`${file}: ${JSON.stringify(made)}\n`);
}
