#!/usr/bin/env node
"use strict";
/**
 * Build the CrossGuard pack (policy-packs/nhi-governance) so that the folder works on its own:
 * the engine compiled into its dist/, and the data the engine reads at run time copied into its
 * data/ (src/iam/managed-policies.ts finds data/aws-managed-policies.json by walking up from its
 * own directory). `pulumi policy publish` packs that folder alone (npm pack), so it must not
 * depend on anything outside it but its package.json dependencies.
 *
 *   node scripts/build-pack.js     # what npm run build:pack and prepare run
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const DATA_FILES = ["aws-managed-policies.json"];

function buildPack(root) {
  const packDir = path.join(root, "policy-packs", "nhi-governance");
  const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [root] }), "-p", path.join(packDir, "tsconfig.json")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`policy pack build failed:\n${r.stdout}${r.stderr}`);
  fs.mkdirSync(path.join(packDir, "data"), { recursive: true });
  for (const f of DATA_FILES) {
    const from = path.join(root, "data", f);
    if (!fs.existsSync(from)) throw new Error(`policy pack build: ${path.relative(root, from)} is missing; run node scripts/gen-managed-policies.js (npm ci does)`);
    fs.copyFileSync(from, path.join(packDir, "data", f));
  }
}

module.exports = { buildPack, DATA_FILES };

if (require.main === module) {
  try {
    buildPack(path.resolve(__dirname, ".."));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
