#!/usr/bin/env node
/**
 * constructs/cdktn/ (nhi-governance/cdktn, for CDK Terrain) is generated from constructs/cdktf/:
 * the same code with its import specifiers moved to the fork (`cdktf` to `cdktn`,
 * `@cdktf/provider-aws/...` to `@cdktn/provider-aws/...`) and the time provider classes taken
 * from constructs/cdktn/time-provider.ts (hand-written: there is no @cdktn/provider-time).
 *
 *   node scripts/gen-cdktn.js           write constructs/cdktn/*.ts
 *   node scripts/gen-cdktn.js --check   exit 1 when they differ from what would be written
 *
 * test/cdktn/cdktn.test.ts runs the check, so a change to constructs/cdktf/ that is not
 * regenerated fails the tests.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const from = path.join(root, "constructs", "cdktf");
const to = path.join(root, "constructs", "cdktn");

/** [pattern, replacement] applied to import specifiers only. */
const SPECIFIERS = [
  [/^cdktf$/, "cdktn"],
  [/^cdktf\/lib\//, "cdktn/lib/"],
  [/^@cdktf\/provider-aws\//, "@cdktn/provider-aws/"],
  [/^@cdktf\/provider-time\/lib\/(provider|rotating)$/, "./time-provider"],
];

function convert(source, file) {
  const out = source.replace(/(from\s+|import\s*\(\s*|require\(\s*)"([^"]+)"/g, (whole, lead, spec) => {
    for (const [re, rep] of SPECIFIERS) if (re.test(spec)) return `${lead}"${spec.replace(re, rep)}"`;
    if (/^(cdktf|@cdktf\/)/.test(spec)) throw new Error(`${file}: no cdktn mapping for import "${spec}"`);
    return whole;
  });
  return `// Generated from constructs/cdktf/${file} by scripts/gen-cdktn.js (npm run gen:cdktn): do not edit.\n${out}`;
}

function expected() {
  const files = {};
  for (const f of fs.readdirSync(from).sort()) {
    if (!f.endsWith(".ts")) continue;
    files[f] = convert(fs.readFileSync(path.join(from, f), "utf8"), f);
  }
  // cdktn users have no prebuilt time provider package: export ours, so a stack can create the
  // TimeProvider itself (GovernedIdentity reuses it).
  files["index.ts"] += '\n// CDK Terrain only: the time provider binding (constructs/cdktn/time-provider.ts).\nexport { Rotating, TimeProvider } from "./time-provider";\nexport type { RotatingConfig, TimeProviderConfig } from "./time-provider";\n';
  return files;
}

const check = process.argv.includes("--check");
const want = expected();
const stale = [];
for (const [f, text] of Object.entries(want)) {
  const p = path.join(to, f);
  const have = fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
  if (have !== text) {
    stale.push(f);
    if (!check) fs.writeFileSync(p, text);
  }
}
if (check && stale.length) {
  console.error(`constructs/cdktn is out of date (${stale.join(", ")}): run npm run gen:cdktn`);
  process.exit(1);
}
if (!check) console.log(stale.length ? `wrote constructs/cdktn/${stale.join(", ")}` : "constructs/cdktn is up to date");
module.exports = { convert, expected };
