"use strict";
const fs = require("node:fs");
const path = require("node:path");

/**
 * The newest modification time of the TypeScript sources under dir (recursively unless
 * `recursive` is false; node_modules/ and dist/ are not sources), or 0 when there are none or
 * dir does not exist. bin/nhi-gate.js uses it to tell a stale dist/ in a checkout;
 * scripts/ensure-pack.js to tell a stale policy-pack build.
 */
function newestSource(dir, recursive = true) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let newest = 0;
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive && e.name !== "node_modules" && e.name !== "dist") newest = Math.max(newest, newestSource(p));
    } else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

module.exports = { newestSource };
