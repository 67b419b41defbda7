"use strict";
// Jest global setup: the policy pack tests drive the compiled pack; rebuild it first when an edit
// since `npm ci` left it stale (scripts/ensure-pack.js).
const path = require("node:path");
const { ensurePack } = require("../scripts/ensure-pack");

module.exports = async () => {
  ensurePack(path.resolve(__dirname, ".."));
};
