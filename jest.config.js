/** Jest runs TypeScript through swc: typescript@7 has no JavaScript API for ts-jest. Type checking is `npm run typecheck`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  // Some dependencies ship ES modules only; let swc turn them into CommonJS for Jest.
  transformIgnorePatterns: ["/node_modules/(?!(bidi-js|pdfjs-dist|unpdf|intl-messageformat|@formatjs|parse5|entities|css-select|css-what|domhandler|domutils|domelementtype|nth-check|boolbase|dom-serializer)/)"],
  testTimeout: 60000,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
