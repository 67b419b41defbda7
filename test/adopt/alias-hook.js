// Resolve `nhi-governance` and its subpaths to this checkout's TypeScript sources, the way the
// package's exports map them to dist/ once built: generated programs (nhi-gate adopt) run in
// tests against the code under test, not a stale build. Load after scripts/register-ts.js.
const Module = require("node:module");
const path = require("node:path");
const root = path.resolve(__dirname, "../..");
const targets = {
  "nhi-governance": "src/index.ts",
  "nhi-governance/cdktf": "constructs/cdktf/index.ts",
  "nhi-governance/cdktn": "constructs/cdktn/index.ts",
  "nhi-governance/pulumi": "constructs/pulumi/index.ts",
  "nhi-governance/testing": "testing/index.ts",
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (Object.prototype.hasOwnProperty.call(targets, request)) return path.join(root, targets[request]);
  return resolve.call(this, request, ...rest);
};
