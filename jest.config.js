/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The consumer suite (the packed package in a new project) runs apart: npm run test:package.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/package/"],
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }],
  },
  setupFiles: ["<rootDir>/test/setup.ts"],
  // Rebuilds the policy pack when its compiled JS is older than the sources (scripts/ensure-pack.js).
  globalSetup: "<rootDir>/test/global-setup.js",
  testTimeout: 60000,
  maxWorkers: 2,
};
