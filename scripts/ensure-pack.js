"use strict";
/**
 * The policy pack runs as compiled JavaScript (policy-packs/nhi-governance/dist/), because the
 * Pulumi engine starts it with plain node. `npm ci` builds it (prepare); after an edit to the
 * engine or the pack, that build is stale, and the pack tests would drive the old rules without
 * saying so. The jest global setup calls ensurePack(): it rebuilds the pack when its build is
 * missing or older than any TypeScript source it is compiled from (src/ and the pack's own
 * files), and does nothing otherwise.
 *
 *   node scripts/ensure-pack.js   # the same, by hand
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { newestSource } = require("../bin/newest-source");

/** Why the pack build under root needs rebuilding, or undefined when it is up to date. */
function packStaleness(root) {
  const packDir = path.join(root, "policy-packs", "nhi-governance");
  const main = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")).main;
  let builtAt;
  try {
    builtAt = fs.statSync(path.join(packDir, main)).mtimeMs;
  } catch {
    return `no build at policy-packs/nhi-governance/${main}`;
  }
  const newest = Math.max(newestSource(path.join(root, "src")), newestSource(packDir, false));
  return newest > builtAt ? "the build is older than its TypeScript sources" : undefined;
}

/** Rebuild the pack when it is stale; throws with tsc's output when the build fails. Returns whether it built. */
function ensurePack(root, log = (line) => process.stderr.write(`${line}\n`)) {
  const why = packStaleness(root);
  if (!why) return false;
  log(`policy pack: ${why}; rebuilding (npm run build:pack)`);
  const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [root] }), "-p", path.join(root, "policy-packs", "nhi-governance", "tsconfig.json")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`policy pack build failed:\n${r.stdout}${r.stderr}`);
  return true;
}

module.exports = { packStaleness, ensurePack };

if (require.main === module) ensurePack(path.resolve(__dirname, ".."));
