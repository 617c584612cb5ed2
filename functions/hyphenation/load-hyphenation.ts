import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { LetterpressError } from "../core/errors";
import type { HyphenationPatterns, WordHyphenator } from "../core/text/hyphenate";
import { hyphenationDir } from "./hyphenation-files";

/*
 * Hyphenation by a well-kept package, not patterns or an algorithm of our own: the hyphen package
 * carries the TeX patterns of 80 languages with their exception lists, and nothing to maintain here.
 */

interface PatternModule {
  hyphenateSync: WordHyphenator;
}

/**
 * Hyphenation patterns by language, found by their files: which languages have patterns is the
 * package's folders, read once; a language's patterns (up to 1 MB of JavaScript) are loaded the
 * first time a document in it asks, so a cold start pays for nothing it does not hyphenate.
 * A tag finds the patterns of its longest prefix (RFC 4647 lookup): `de-AT` takes `de`, `en-GB`
 * `en-gb`, `pt-BR` `pt`.
 *
 * @param dir a folder laid out as the hyphen package (a bundle's copy); by default the npm package
 */
export function loadHyphenation(dir?: string): HyphenationPatterns {
  const root = hyphenationDir(dir);
  let languages: Set<string> | null = null;
  const hyphenators = new Map<string, WordHyphenator | null>();
  const languagesWithPatterns = (): Set<string> => {
    if (!languages) {
      try {
        languages = new Set(
          readdirSync(root, { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "index.js")))
            .map((entry) => entry.name),
        );
      } catch (error) {
        throw new LetterpressError("CONFIG_ERROR", `hyphenation patterns folder ${root} cannot be read (${(error as Error).message})`, { cause: error });
      }
    }
    return languages;
  };
  return {
    hyphenatorFor(lang: string): WordHyphenator | null {
      const tag = lang.toLowerCase();
      const known = hyphenators.get(tag);
      if (known !== undefined) return known;
      const available = languagesWithPatterns();
      const subtags = tag.split("-");
      let match: string | null = null;
      for (let n = subtags.length; n > 0 && !match; n--) {
        const candidate = subtags.slice(0, n).join("-");
        if (candidate !== "" && available.has(candidate)) match = candidate;
      }
      // A computed path: the patterns are files beside the bundle, never bundled code.
      const hyphenator = match ? (require(join(root, match, "index.js")) as PatternModule).hyphenateSync : null;
      hyphenators.set(tag, hyphenator);
      return hyphenator;
    },
  };
}
