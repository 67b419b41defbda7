#!/usr/bin/env node
"use strict";
// terraform-provider-nhi: the nhi-governance Terraform provider, the executable Terraform (or
// OpenTofu) launches. The built provider (dist/, from `npm run build` / prepare), or the
// TypeScript sources when dist/ is missing or older than them (development checkout). Nothing
// but the go-plugin handshake line may reach stdout.
const fs = require("node:fs");
const path = require("node:path");

function fatal(e) {
  const msg = e && e.message ? String(e.message) : String(e);
  process.stderr.write(`[ERROR] nhi-governance provider: ${msg.split("\n")[0].slice(0, 500)}\n`);
  process.exit(1);
}
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

const { useBuilt } = require("./newest-source");

try {
  const root = path.join(__dirname, "..");
  const built = path.join(root, "dist", "terraform-provider", "main.js");
  if (useBuilt(built, [path.join(root, "src"), path.join(root, "terraform-provider")])) require(built);
  else {
    require(path.join(root, "scripts", "register-ts.js"));
    require(path.join(root, "terraform-provider", "main.ts"));
  }
} catch (e) {
  fatal(e);
}
