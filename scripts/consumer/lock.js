"use strict";
/**
 * A package-lock.json for a consumer project, cut from the repository's own lock: the project's
 * dependencies at the versions the root lock pins, with exactly the packages they need (Node's
 * resolution walked over the lock's paths). `npm ci --offline` then installs it from the npm
 * cache that the root `npm ci` filled: no registry metadata is needed, only tarballs by integrity.
 */
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");

/** The lock entry path a package at `from` resolves `name` to, walking up as Node does. */
function resolveIn(packages, from, name) {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

/**
 * @param rootLock the repository's package-lock.json (parsed)
 * @param deps { name: version } the consumer's registry dependencies (versions as pinned in rootLock)
 * @param local { file, tarball, manifest } the packed package, installed from a file (or null)
 */
function consumerLock(rootLock, deps, local) {
  const src = rootLock.packages;
  const out = {};
  const queue = [];
  const want = (from, name, optional) => {
    const at = resolveIn(src, from, name);
    if (!at) {
      if (optional) return;
      throw new Error(`consumer lock: ${name} (needed by ${from || "the project"}) is not in the root package-lock.json`);
    }
    if (!out[at]) {
      const { dev, devOptional, peer, ...entry } = src[at];
      void dev, void devOptional, void peer;
      out[at] = entry;
      queue.push(at);
    }
  };
  for (const name of Object.keys(deps)) want("", name, false);
  if (local) {
    const m = local.manifest;
    const integrity = `sha512-${crypto.createHash("sha512").update(fs.readFileSync(local.tarball)).digest("base64")}`;
    const localAt = `node_modules/${m.name}`;
    out[localAt] = {
      version: m.version,
      resolved: local.file,
      integrity,
      license: m.license,
      dependencies: m.dependencies,
      bin: m.bin,
      engines: m.engines,
      peerDependencies: m.peerDependencies,
      peerDependenciesMeta: m.peerDependenciesMeta,
    };
    for (const name of Object.keys(m.dependencies ?? {})) want(localAt, name, false);
  }
  while (queue.length) {
    const at = queue.shift();
    const e = src[at];
    const bundled = new Set(e.bundleDependencies ?? []);
    for (const name of Object.keys(e.dependencies ?? {})) if (!bundled.has(name)) want(at, name, false);
    for (const name of Object.keys(e.optionalDependencies ?? {})) want(at, name, true);
    for (const name of Object.keys(e.peerDependencies ?? {})) want(at, name, true);
  }
  // Bundled dependencies ship inside their parent's tarball: keep their entries as the root lock has them.
  for (const at of Object.keys(src)) {
    if (!at) continue;
    const parent = Object.keys(out).find((p) => at.startsWith(`${p}/node_modules/`) && (src[p].bundleDependencies ?? []).length);
    if (parent && src[at].inBundle && !out[at]) {
      const { dev, devOptional, peer, ...entry } = src[at];
      void dev, void devOptional, void peer;
      out[at] = entry;
    }
  }
  const sorted = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k];
  const rootDeps = local ? { [local.manifest.name]: local.file, ...deps } : { ...deps };
  return {
    manifest: { name: "nhi-governance-consumer", version: "0.0.0", private: true, dependencies: rootDeps },
    lock: { name: "nhi-governance-consumer", version: "0.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "nhi-governance-consumer", version: "0.0.0", dependencies: rootDeps }, ...sorted } },
  };
}

module.exports = { consumerLock, resolveIn };
