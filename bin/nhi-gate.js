#!/usr/bin/env node
"use strict";
// nhi-gate: the bundled CLI (dist/bin/nhi-gate.js, from `npm run build` / prepare, run through a
// V8 code cache: bin/code-cache.js), else the compiled modules (dist/src), or the TypeScript
// sources when dist/ is missing or older than them (development checkout). Any error becomes
// exit 2 with one line.
const path = require("node:path");

function fatal(e) {
  const msg = e && e.message ? String(e.message) : String(e);
  process.stderr.write(`nhi-gate: internal error: ${msg.split("\n")[0].slice(0, 500)}; the gate fails closed\n`);
  process.exitCode = 2;
}
process.on("uncaughtException", (e) => {
  fatal(e);
  process.exit(2);
});
process.on("unhandledRejection", (e) => {
  fatal(e);
  process.exit(2);
});
// A closed pipe (`nhi-gate plan x | head`) is not an error of the gate.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") return;
  fatal(e);
});

const { firstBuilt } = require("./newest-source");

try {
  const root = path.join(__dirname, "..");
  const bundle = path.join(root, "dist", "bin", "nhi-gate.js");
  const built = firstBuilt([bundle, path.join(root, "dist", "src", "cli", "main.js")], [path.join(root, "src")]);
  let cli;
  if (built === bundle) {
    const { cacheDir, requireCached } = require("./code-cache");
    cli = requireCached(bundle, cacheDir(root));
  } else if (built) cli = require(built);
  else {
    require(path.join(root, "scripts", "register-ts.js"));
    cli = require(path.join(root, "src", "cli", "main.ts"));
  }
  cli.main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => fatal(e),
  );
} catch (e) {
  fatal(e);
}
