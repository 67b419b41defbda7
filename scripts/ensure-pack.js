"use strict";
/**
 * The policy pack runs as compiled JavaScript (policy-packs/nhi-governance/dist/), because the
 * Pulumi engine starts it with plain node. `npm ci` builds it (prepare); after an edit to the
 * engine or the pack, that build is stale, and the pack tests would drive the old rules without
 * saying so. The jest global setup calls ensurePack(): it rebuilds the pack when its build is
 * missing or older than any TypeScript source it is compiled from (src/ and the pack's own
 * files), or its copy of the engine's data is missing or older, and does nothing otherwise.
 *
 *   node scripts/ensure-pack.js   # the same, by hand
 */
const fs = require("node:fs");
const path = require("node:path");
const { newestSource } = require("../bin/newest-source");
const { buildPack, DATA_FILES } = require("./build-pack");

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
  if (newest > builtAt) return "the build is older than its TypeScript sources";
  for (const f of DATA_FILES) {
    const copy = path.join(packDir, "data", f);
    if (!fs.existsSync(copy)) return `no copy of data/${f} in policy-packs/nhi-governance/data`;
    const from = path.join(root, "data", f);
    if (fs.existsSync(from) && fs.statSync(from).mtimeMs > fs.statSync(copy).mtimeMs) return `its copy of data/${f} is older than the original`;
  }
  return undefined;
}

/** Rebuild the pack when it is stale; throws with tsc's output when the build fails. Returns whether it built. */
function ensurePack(root, log = (line) => process.stderr.write(`${line}\n`)) {
  const why = packStaleness(root);
  if (!why) return false;
  log(`policy pack: ${why}; rebuilding (npm run build:pack)`);
  buildPack(root);
  return true;
}

module.exports = { packStaleness, ensurePack };

if (require.main === module) ensurePack(path.resolve(__dirname, ".."));
