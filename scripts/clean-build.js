#!/usr/bin/env node
"use strict";
/**
 * `npm pack` / `npm publish` (prepack): remove the build outputs, so that `prepare` rebuilds them
 * from the sources and the tarball holds no file of a source that no longer exists.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
for (const dir of ["dist", "policy-packs/nhi-governance/dist", "policy-packs/nhi-governance/data"]) fs.rmSync(path.join(root, dir), { recursive: true, force: true });
