"use strict";
const fs = require("node:fs");

module.exports = async () => {
  const work = process.env.NHI_CONSUMER_WORK;
  if (!work) return;
  if (process.env.NHI_KEEP_CONSUMER === "1") process.stderr.write(`consumer suite: kept ${work}\n`);
  else fs.rmSync(work, { recursive: true, force: true });
};
