"use strict";
// Runs a compiled test block (`it(...)` with `expect`) with jest's own `expect` and a minimal
// it/test/describe: every test must pass and at least one must run.
const path = require("node:path");
const { expect } = require("expect");
const tests = [];
globalThis.expect = expect;
globalThis.it = globalThis.test = (name, fn) => tests.push([name, fn]);
globalThis.describe = (_name, fn) => fn();
require(path.resolve(process.argv[2]));
(async () => {
  if (!tests.length) throw new Error("the block defines no test");
  for (const [name, fn] of tests) {
    await fn();
    console.log(`ok: ${name}`);
  }
})().catch((e) => {
  console.error(e && e.message ? e.message : String(e));
  process.exitCode = 1;
});
