#!/usr/bin/env node
"use strict";
/**
 * The nhi-gate bundle: src/cli/main.ts and everything it imports, bundled by esbuild into one
 * CommonJS file, dist/bin/nhi-gate.js, which bin/nhi-gate.js runs (through a V8 code cache,
 * bin/code-cache.js). One file read and compiled instead of ~200 modules resolved, read and
 * compiled one by one: most of a cold start. Part of `npm run build` and `prepare`, after tsc.
 *
 *   node scripts/build-cli.js [--outdir <dir>] [--no-minify]   (default dist/bin; --no-minify to read a profile)
 *
 * Inside: our sources and the packages the CLI's commands run on (BUNDLED). Every other
 * package stays an ordinary require from node_modules, loaded only by the command that needs
 * it (the AWS SDK for a live discover, the gRPC and zip code for the Terraform provider, the
 * IAM action data; cdktf and Pulumi never): a new dependency is external unless listed here.
 * dist/src (tsc) stays as it is: the library's entry points, the CrossGuard pack and the
 * Terraform provider bundle use it. Writes nhi-gate.js and THIRD-PARTY-LICENSES.txt (the
 * licences of the packages inside; they are also installed as dependencies).
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
/** The packages inlined in the bundle: what `plan`, `state`, `synth`, config and exemption files (YAML too) run on. */
const BUNDLED = ["commander", "zod", "yaml", "safe-regex2", "ret", "tinyduration"];

/** Build the bundle into outdir; returns { file, bytes, inputs } (inputs: the files, relative to the checkout, whose code is in it). */
async function buildCli(outdir = path.join(root, "dist", "bin"), { minify = true } = {}) {
  const esbuild = require("esbuild");
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const known = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const external = [...known].filter((name) => !BUNDLED.includes(name)).flatMap((name) => [name, `${name}/*`]);
  const file = path.join(outdir, "nhi-gate.js");
  fs.mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(root, "src", "cli", "main.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // The ES module builds of packages that have one: esbuild drops what is not used (zod's locales).
    mainFields: ["module", "main"],
    minify,
    charset: "ascii",
    legalComments: "none",
    external,
    metafile: true,
    logLevel: "warning",
    banner: { js: `/* nhi-gate ${pkg.version}: bundled by scripts/build-cli.js from src/cli/main.ts; sources in the package's repository, licences in THIRD-PARTY-LICENSES.txt */` },
  });
  // What is in the bundle: the inputs esbuild kept code of (it reads more, and drops what nothing uses).
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([name]) => name);
  const text = fs.readFileSync(file, "utf8");
  // bin/code-cache.js compiles the bundle as a script: an import() left in it would need the ES module loader.
  if (/\bimport\(/.test(text)) throw new Error(`${file}: the bundle contains import(): make that import a require() or bundle its target`);
  fs.writeFileSync(path.join(outdir, "THIRD-PARTY-LICENSES.txt"), licences(inputs));
  return { file, bytes: Buffer.byteLength(text), inputs };
}

/** The packages in the bundle, with version, licence and licence text. */
function licences(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(path.resolve(root, m[1]));
  }
  const parts = ["Packages bundled into dist/bin/nhi-gate.js, with their licences.\n"];
  for (const dir of [...dirs].sort()) {
    const p = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const licenceFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    parts.push(`\n${"=".repeat(78)}\n${p.name} ${p.version} (${p.license ?? "see below"})\n${"=".repeat(78)}\n`);
    parts.push(licenceFile ? fs.readFileSync(path.join(dir, licenceFile), "utf8").trim() + "\n" : `(no licence file in the package; package.json says ${p.license})\n`);
  }
  return parts.join("");
}

module.exports = { buildCli, BUNDLED };

if (require.main === module) {
  const i = process.argv.indexOf("--outdir");
  buildCli(i >= 0 ? path.resolve(process.argv[i + 1]) : undefined, { minify: !process.argv.includes("--no-minify") }).then(
    (r) => process.stdout.write(`built ${path.relative(process.cwd(), r.file) || r.file} (${(r.bytes / 1024).toFixed(0)} KB, ${r.inputs.length} modules)\n`),
    (e) => {
      process.stderr.write(`build-cli: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
