// Bundled in place of unicode-name (LAMBDA_BUNDLE's alias). Its table of every character's name is
// 2.2 MB of source, which doubled the render bundle that each cold start reads and compiles; the
// names only make the message of a refused letter friendlier. Deployed, such a message gives the
// code point and the character (functions/fonts/coverage.ts); `npm run generate` gives the name too.
exports.unicodeName = function unicodeName() {
  return undefined;
};
