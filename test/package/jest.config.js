/**
 * The consumer suite (npm run test:package): the package as users install it. Packs the package,
 * installs the tarball with its peers into a new project (offline), and runs what the README and
 * docs tell users to run there, importing only package names. See test/package/README.md.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: "../..",
  testEnvironment: "node",
  roots: ["<rootDir>/test/package"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }] },
  globalSetup: "<rootDir>/test/package/global-setup.js",
  globalTeardown: "<rootDir>/test/package/global-teardown.js",
  testTimeout: 300000,
  maxWorkers: 2,
};
