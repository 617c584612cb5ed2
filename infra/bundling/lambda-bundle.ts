import { join } from "node:path";
import { BUILD_TIME_FINGERPRINT, fingerprintFromRepository } from "../../functions/render/renderer-fingerprint";

/**
 * How a Lambda function is bundled with esbuild: one minified CommonJS file for the Node.js 22
 * runtime, packages' ES builds preferred (`module` before `main`), no package left external (only the
 * hyphen package's package.json, looked up when run from the sources: see `external`).
 * LetterFunction hands these to NodejsFunction; the bench and the supply-chain test build with
 * the same, so what they measure and inspect is what deploys.
 */
export const LAMBDA_BUNDLE = {
  platform: "node",
  target: "node22",
  format: "cjs",
  mainFields: ["module", "main"],
  minify: true,
  // fontkit requires brotli's decoder for WOFF2 font files only; ours are TrueType (see the stub's comment).
  // pdfkit requires AES only to encrypt, which PDF/A forbids (see that stub's comment).
  // unicode-name's 2.2 MB table names characters in the message of a refused letter only (see that stub's comment).
  // unicode-trie's tries are inflated on first lookup, not at load: fontkit's shapers' are never read (see that module's comment).
  alias: {
    brotli: join(__dirname, "without-brotli"),
    "@noble/ciphers": join(__dirname, "without-encryption"),
    "unicode-name": join(__dirname, "without-unicode-names"),
    "unicode-trie": join(__dirname, "lazy-unicode-trie"),
  },
  // The one lookup of an installed package left to run time: hyphenationDir() finds the hyphen package's
  // patterns under node_modules when run from the sources; a bundle is always given its own copy of them
  // (HYPHENATION_BUNDLE_FOLDER beside index.js, render-environment.ts), so the bundle never makes the lookup,
  // and bundling the package.json would give require.resolve nothing to resolve (esbuild warned of exactly that).
  external: ["hyphen/package.json"] as string[],
  // The renderer's code and font fingerprint, computed now from the sources the bundle is made of:
  // part of every revision, and the sources are not in the bundle (functions/render/renderer-fingerprint.ts).
  define: { [BUILD_TIME_FINGERPRINT]: JSON.stringify(fingerprintFromRepository()) },
} as const;
