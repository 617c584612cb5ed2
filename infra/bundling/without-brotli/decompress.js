// Bundled in place of brotli's decoder (LAMBDA_BUNDLE's alias). fontkit requires it only to read
// WOFF2 font files; the render function's faces are TrueType files (functions/fonts/font-files.ts),
// and the real decoder's 122,784-byte dictionary, an array literal, was parsed and built at every cold start.
module.exports = function decompress() {
  throw new Error("letterpress bundles no Brotli decoder: fonts must be TrueType or OpenType files, not WOFF2");
};
