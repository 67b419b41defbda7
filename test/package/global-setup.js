"use strict";
// The consumer suite's project: pack this checkout (or NHI_PACKAGE_DIR, another checkout of the
// package, to show what a given revision gives users) and install the tarball with its peers
// into a new project, offline (scripts/consumer/project.js).
const fs = require("node:fs");
const path = require("node:path");
const { createConsumerProject } = require("../../scripts/consumer/project");

module.exports = async () => {
  // NHI_CONSUMER_PROJECT=<dir> reuses a project kept with NHI_KEEP_CONSUMER=1 (while editing tests).
  const reuse = process.env.NHI_CONSUMER_PROJECT;
  if (reuse && fs.existsSync(path.join(reuse, "node_modules", "nhi-governance"))) {
    for (const f of fs.readdirSync(path.join(__dirname, "runners"))) fs.copyFileSync(path.join(__dirname, "runners", f), path.join(reuse, f));
    process.stderr.write(`consumer suite: reusing ${reuse}\n`);
    return;
  }
  const packageDir = path.resolve(process.env.NHI_PACKAGE_DIR || path.join(__dirname, "..", ".."));
  const started = Date.now();
  const r = createConsumerProject({ packageDir, log: (l) => process.stderr.write(`consumer suite: ${l}\n`) });
  for (const f of fs.readdirSync(path.join(__dirname, "runners"))) fs.copyFileSync(path.join(__dirname, "runners", f), path.join(r.project, f));
  process.stderr.write(`consumer suite: project ready in ${((Date.now() - started) / 1000).toFixed(0)} s (pack ${(r.timings.pack / 1000).toFixed(0)} s, install ${(r.timings.install / 1000).toFixed(0)} s)\n`);
  process.env.NHI_CONSUMER_WORK = r.workDir;
  process.env.NHI_CONSUMER_PROJECT = r.project;
  process.env.NHI_PACKAGE_SOURCE = packageDir;
};
