import { join } from "node:path";
import { HYPHENATION_BUNDLE_FOLDER } from "../../functions/hyphenation/hyphenation-files";

/** The hyphenation patterns a bench bundle carries beside its code, as the render function's bundle does (bench/bundle.ts copies them). */
export function bundledHyphenation(): string {
  return join(__dirname, HYPHENATION_BUNDLE_FOLDER);
}
