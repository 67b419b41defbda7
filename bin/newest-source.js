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

/**
 * Whether a bin runs its build (`built`, a compiled entry point): it exists and is not older
 * than the TypeScript sources under any of `sources`. An installed package ships no sources, so
 * only a development checkout pays for the check (a few ms): there, dist/ is built by `npm ci`
 * and goes stale on the next edit or `git pull`, and a stale build would silently run old code.
 * NHI_GATE_FROM_SOURCE=1 always runs the sources. bin/nhi-gate.js and bin/terraform-provider-nhi.js.
 */
function useBuilt(built, sources) {
  return firstBuilt([built], sources) === built;
}

/**
 * The first of `builds` (compiled entry points, in order of preference) that useBuilt would run,
 * or undefined: the sources are walked once, whatever the number of builds.
 */
function firstBuilt(builds, sources) {
  if (process.env.NHI_GATE_FROM_SOURCE === "1") return undefined;
  let newest;
  for (const built of builds) {
    let builtAt;
    try {
      builtAt = fs.statSync(built).mtimeMs;
    } catch {
      continue;
    }
    if (newest === undefined) newest = Math.max(0, ...sources.filter((src) => fs.existsSync(src)).map((src) => newestSource(src)));
    if (newest <= builtAt) return built;
  }
  return undefined;
}

module.exports = { newestSource, useBuilt, firstBuilt };
