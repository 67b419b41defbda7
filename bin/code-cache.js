"use strict";
/*
 * Load a CommonJS file (the nhi-gate bundle, dist/bin/nhi-gate.js) through V8's code cache, so a
 * run does not compile the bundle again: most of the start of a cold `nhi-gate plan` is compiling.
 *
 * - Node >= 22.1: Node's own compile cache (module.enableCompileCache) in the directory below.
 * - Node 20: V8 cached data, made after the first run (so it holds the functions that run used)
 *   and read on the next ones. A cache is used only for the file it was made from: its name
 *   carries the file's length and CRC-32. V8 itself checks only the length (it runs the old
 *   code of another file of the same length from its cache) and rejects data of another V8
 *   version or other flags (`cachedDataRejected`: then the cache is made again). It is
 *   written to a temporary file and renamed (readers never see half a file), and any failure to
 *   read or write it (a read-only or missing directory, a full disk) leaves the run as it is:
 *   without a cache, never an error, never a different result.
 *
 * Where the cache lives (cacheDir): NHI_GATE_CODE_CACHE=<dir> names it, NHI_GATE_CODE_CACHE=off
 * turns it off; otherwise node_modules/.cache/nhi-governance of the project the package is
 * installed in (or of the checkout: whoever can write there can change the package's code as
 * well), and when there is none, a directory of the user's own in os.tmpdir()
 * (nhi-governance-<uid>, mode 0700). A named or temporary directory is used only when it is the
 * user's and not writable by others: cached code runs as the user.
 */
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const PREFIX = "nhi-gate-";
const SUFFIX = ".v8cache";

/** The cache directory for the package at `root`, or undefined when the cache is off. */
function cacheDir(root, env = process.env) {
  const named = env.NHI_GATE_CODE_CACHE;
  if (named === "off" || named === "0" || named === "false") return undefined;
  // A directory named here is trusted as the tmp one is: only when it is the user's and others cannot write to it.
  if (named) return safeOwnDir(path.resolve(named), uid(), true) ? path.resolve(named) : undefined;
  const parent = path.dirname(root);
  if (path.basename(parent) === "node_modules") return path.join(parent, ".cache", "nhi-governance");
  if (fs.existsSync(path.join(root, "node_modules"))) return path.join(root, "node_modules", ".cache", "nhi-governance");
  return userTmpDir();
}

const uid = () => (typeof process.getuid === "function" ? process.getuid() : undefined);

/** os.tmpdir()/nhi-governance-<uid>: created 0700; used only when it is this user's directory and nobody else may write to it. */
function userTmpDir() {
  const os = require("node:os");
  const dir = path.join(os.tmpdir(), `nhi-governance-${uid() ?? os.userInfo().username}`);
  return safeOwnDir(dir, uid()) ? dir : undefined;
}

/**
 * Whether `dir` may hold the cache: made (0700) when missing, then it must be a directory (not a
 * link), owned by `uid`, and not writable by group or others (who could plant code in it).
 * Without uids (Windows) only the first holds.
 */
function safeOwnDir(dir, uid, parents = false) {
  try {
    fs.mkdirSync(dir, { mode: 0o700, recursive: parents });
  } catch {
    // exists (checked below) or cannot be made
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return false; // a symbolic link or a file someone put there
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return false;
    return true;
  } catch {
    return false;
  }
}

/** CRC-32 of the bytes (zlib.crc32 from Node 20.15; crc32Js before). */
function crc32(buf) {
  const zlib = require("node:zlib");
  return typeof zlib.crc32 === "function" ? zlib.crc32(buf) >>> 0 : crc32Js(buf);
}

let table;
function crc32Js(buf) {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < buf.length; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** The cache file for `buf` in `dir`: Node version, architecture, the file's length and CRC-32. */
function cacheFile(dir, buf) {
  return path.join(dir, `${PREFIX}${process.version}-${process.arch}-${buf.length.toString(36)}-${crc32(buf).toString(16).padStart(8, "0")}${SUFFIX}`);
}

/**
 * require(file), through the code cache in `dir` (undefined: none). Returns the module's exports.
 * `stats`, when given, receives what happened (for tests): { cache: "off" | "node" | "hit" | "miss" | "rejected" }.
 */
function requireCached(file, dir, stats = {}) {
  if (!dir) {
    stats.cache = "off";
    return require(file);
  }
  if (typeof Module.enableCompileCache === "function") {
    // Node >= 22.1 keys its cache by the file's contents itself.
    try {
      Module.enableCompileCache(dir);
      stats.cache = "node";
    } catch {
      stats.cache = "off";
    }
    return require(file);
  }
  const vm = require("node:vm");
  const buf = fs.readFileSync(file);
  const cachePath = cacheFile(dir, buf);
  let cached;
  try {
    cached = fs.readFileSync(cachePath);
  } catch {
    cached = undefined;
  }
  const options = { filename: file };
  if (cached) options.cachedData = cached;
  // A dynamic import() in the bundle resolves as it would in a module Node loaded (Node >= 20.18).
  if (vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) options.importModuleDynamically = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  // esbuild writes the bundle in ASCII (charset: "ascii"): then latin1 is the same text, decoded faster.
  const text = require("node:buffer").isAscii?.(buf) ? buf.toString("latin1") : buf.toString("utf8");
  const script = new vm.Script(Module.wrap(text), options);
  stats.cache = !cached ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  try {
    script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  } catch (e) {
    delete Module._cache[file];
    throw e;
  }
  mod.loaded = true;
  // Made at exit, after the run: the cache then holds the functions the run compiled, not only the top level.
  if (stats.cache !== "hit") process.once("exit", () => writeCache(script, dir, cachePath));
  return mod.exports;
}

/** Write the cached data atomically; remove the caches of other builds of the bundle (same Node). Never throws. */
function writeCache(script, dir, cachePath) {
  const tmp = `${cachePath}.${process.pid}.tmp`;
  let fd;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(tmp, "wx", 0o600); // fails fast where the directory is not writable, before any work
    fs.writeFileSync(fd, script.createCachedData());
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, cachePath);
    const own = `${PREFIX}${process.version}-${process.arch}-`;
    for (const f of fs.readdirSync(dir)) {
      if (f.startsWith(own) && f.endsWith(SUFFIX) && path.join(dir, f) !== cachePath) fs.rmSync(path.join(dir, f), { force: true });
    }
  } catch {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing more to do: the run goes on without a cache
    }
  }
}

module.exports = { cacheDir, cacheFile, crc32, crc32Js, requireCached, safeOwnDir };
