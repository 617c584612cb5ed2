/** Jest runs TypeScript through swc: typescript@7 has no JavaScript API for ts-jest. Type checking is `npm run typecheck`. */
// The AWS SDK warns that it will need Node 22 from 2027 once per module registry, that is once per
// test file; say it once for the run, and keep the workers (forked after this file runs) quiet.
if (Number(process.versions.node.split(".")[0]) < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED !== "true") {
  process.stderr.write(`Note: Node ${process.version}: AWS SDK v3 releases from January 2027 require Node 22 (the Lambda functions run nodejs22.x).\n`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  // Some dependencies ship ES modules only; let swc turn them into CommonJS for Jest.
  transformIgnorePatterns: [
    "/node_modules/(?!(bidi-js|get-east-asian-width|unicode-name|pdfjs-dist|unpdf|intl-messageformat|@formatjs|parse5|entities|css-select|css-what|domhandler|domutils|domelementtype|nth-check|boolbase|dom-serializer)/)",
  ],
  testTimeout: 60000,
  // Two workers on the 2-core machine: Jest's default (cores - 1) ran one, in band, and left the
  // second core to the tests' child processes only. Measured on six heavy files (S3, Chromium,
  // poppler; 104 tests) run side by side with each setting beside the other builders' load (load
  // average 15-26): one worker 577 s, two 448 s, both green. \`npx jest -w 1\` still runs in band.
  maxWorkers: 2,
  // A local state folder (.local/) per worker and run: see test/support/local-dir-per-worker.js.
  globalSetup: "<rootDir>/test/support/local-dir-setup.js",
  setupFiles: ["<rootDir>/test/support/local-dir-per-worker.js"],
  globalTeardown: "<rootDir>/test/support/local-dir-teardown.js",
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
