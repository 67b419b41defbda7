"use strict";
/**
 * A consumer project, as a user makes one: `npm pack` of the package (its own prepack and
 * prepare run, so the tarball is what `npm publish` would upload), then a new project that
 * installs the tarball together with the peers it documents, importing only package names.
 *
 * No network: the project's lock is cut from the repository's package-lock.json (the peers at the
 * versions it pins, scripts/consumer/lock.js) and installed with `npm ci --offline` from the npm
 * cache that the repository's own `npm ci` filled.
 *
 *   node scripts/consumer/project.js [--package-dir <checkout>] [--keep]   # prints the project dir
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { consumerLock } = require("./lock");

const root = path.resolve(__dirname, "..", "..");

/** What a user installs beside nhi-governance: the peers (README), a compiler, test types. */
const CONSUMER_DEPENDENCIES = [
  "cdktf",
  "constructs",
  "@cdktf/provider-aws",
  "@cdktf/provider-time",
  "cdktn",
  "@cdktn/provider-aws",
  "@pulumi/pulumi",
  "@pulumi/aws",
  "@pulumi/policy",
  "typescript",
  "@types/node",
  "@types/jest",
  "expect",
];

function run(cmd, args, cwd, what) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${what} failed (${cmd} ${args.join(" ")} in ${cwd}, exit ${r.status}):\n${(r.stderr || "").slice(-4000)}${(r.stdout || "").slice(-2000)}`);
  }
  return { out: r.stdout, ms: Date.now() - started };
}

/** The version the root lock pins for a top-level package. */
function pinned(lock, name) {
  const e = lock.packages[`node_modules/${name}`];
  if (!e) throw new Error(`consumer project: ${name} is not in the root package-lock.json; add it as a devDependency`);
  return e.version;
}

/**
 * Pack `packageDir` and install the tarball into a new project under `workDir`.
 * Returns { project, tarball, manifest, timings }.
 */
function createConsumerProject({ packageDir = root, workDir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-consumer-")), log = () => undefined } = {}) {
  const timings = {};
  const rootLock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  log(`packing ${packageDir}`);
  const packed = run("npm", ["pack", "--json", "--pack-destination", workDir], packageDir, "npm pack");
  timings.pack = packed.ms;
  const info = JSON.parse(packed.out.slice(packed.out.indexOf("[")));
  const tarball = path.join(workDir, info[0].filename);
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"));
  const deps = {};
  for (const name of CONSUMER_DEPENDENCIES) deps[name] = pinned(rootLock, name);
  const project = path.join(workDir, "project");
  fs.mkdirSync(project, { recursive: true });
  const { manifest: projectManifest, lock } = consumerLock(rootLock, deps, { file: `file:../${path.basename(tarball)}`, tarball, manifest });
  fs.writeFileSync(path.join(project, "package.json"), `${JSON.stringify(projectManifest, null, 2)}\n`);
  fs.writeFileSync(path.join(project, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  log(`installing ${path.basename(tarball)} and ${CONSUMER_DEPENDENCIES.length} packages into ${project} (npm ci --offline)`);
  timings.install = run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], project, "npm ci --offline of the consumer project").ms;
  return { workDir, project, tarball, manifest, timings };
}

/** Install the packed policy pack folder as `pulumi policy publish` ships it: npm pack there, unpack, install its own dependencies. */
function publishedPolicyPack({ packDir, workDir, log = () => undefined }) {
  const rootLock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  const out = path.join(workDir, "published-pack");
  fs.mkdirSync(out, { recursive: true });
  log(`npm pack in ${packDir} (what pulumi policy publish uploads)`);
  const packed = run("npm", ["pack", "--json", "--pack-destination", out], packDir, "npm pack of the policy pack folder");
  const info = JSON.parse(packed.out.slice(packed.out.indexOf("[")));
  run("tar", ["-xzf", info[0].filename], out, "unpacking the policy pack tarball");
  const dir = path.join(out, "package");
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  // Pulumi Cloud runs `npm install` in the unpacked folder; offline, at the versions the root lock pins.
  const deps = {};
  for (const name of Object.keys(manifest.dependencies ?? {})) deps[name] = pinned(rootLock, name);
  const { lock } = consumerLock(rootLock, deps, null);
  lock.name = manifest.name;
  lock.packages[""] = { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies };
  fs.writeFileSync(path.join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  log(`installing the pack's dependencies in ${dir}`);
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--omit=dev"], dir, "npm install of the published policy pack");
  return dir;
}

module.exports = { createConsumerProject, publishedPolicyPack, CONSUMER_DEPENDENCIES };

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--package-dir");
  const packageDir = at >= 0 ? path.resolve(args[at + 1]) : root;
  const r = createConsumerProject({ packageDir, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${r.project}\n`);
}
