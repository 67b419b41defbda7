"use strict";
// Runs a compiled Pulumi program (a docs block) as its unit test would: under the offline kit
// from nhi-governance/testing. Exit 0 when it registers only governed identities, 1 otherwise.
const path = require("node:path");
const { checkPulumiProgram } = require("nhi-governance/testing");
const file = path.resolve(process.argv[2]);
const expectFindings = process.argv.includes("--expect-findings");
checkPulumiProgram(() => require(file), { project: "docs", stack: "dev" }).then(
  (report) => {
    for (const f of report.findings) console.log(`${f.findingId} ${f.address}: ${f.message}`);
    console.log(`${report.resources.length} identities, ${report.findings.length} findings`);
    process.exitCode = report.findings.length > 0 === expectFindings && report.resources.length > 0 ? 0 : 1;
  },
  (e) => {
    console.error(e && e.message ? e.message : String(e));
    process.exitCode = 1;
  },
);
