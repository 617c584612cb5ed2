import { dirname } from "node:path";

/**
 * Where the hyphenation patterns are: the hyphen package (Knuth-Liang hyphenation with the TeX
 * hyph-utf8 patterns, the source of the patterns browsers ship too), one folder per BCP 47 language
 * with its `index.js` (`de`, `de-ch-1901`, `en-gb`, `ru`, `sr-cyrl`...). A bundle carries the whole
 * package in this folder beside index.js; infra reads this module, so it imports nothing heavy.
 */
export const HYPHENATION_BUNDLE_FOLDER = "hyphen";

/** The hyphen package's folder: `dir` (a bundle's copy) when given, else the npm package under node_modules. */
export function hyphenationDir(dir?: string): string {
  return dir ?? dirname(require.resolve("hyphen/package.json"));
}
