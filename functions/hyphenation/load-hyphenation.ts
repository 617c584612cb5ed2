import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/** A pattern set of the package: its folder, the language and script it is for, and its other subtags (region, variants). */
interface PatternSet {
  folder: string;
  language: string;
  /** The script of its patterns (ISO 15924, "Latn"), or undefined for a tag Intl cannot read (a private-use folder). */
  readonly script: string | undefined;
  extras: readonly string[];
}

/** A tag as hyphenation matches it: language and script as Intl maximizes them (`sh` is `sr-Latn`, `sr` is `sr-Cyrl`), the rest as written. */
function tagParts(tag: string): { language: string; script: string | undefined; extras: string[] } {
  const subtags = tag.toLowerCase().split("-");
  const extras = subtags.slice(1).filter((subtag, index) => !(index === 0 && /^[a-z]{4}$/.test(subtag)));
  // "und" (undetermined) maximizes to en-Latn-US, which it is not.
  if (subtags[0] === "und") return { language: "", script: undefined, extras };
  try {
    const full = new Intl.Locale(tag).maximize();
    return { language: full.language, script: full.script, extras };
  } catch {
    return { language: subtags[0] ?? "", script: undefined, extras };
  }
}

/** ISO 639-2's code for multiple languages: the hyphen package's `mul-ethi` holds the patterns of every language written in Ethiopic. */
const MULTILINGUAL = "mul";

/**
 * A pattern file's hyphenator, or null when Node cannot read the file: the package's Church Slavonic
 * (`cu`) patterns hold a key (U+2E2F) that Node 20 does not take as an identifier, a SyntaxError
 * that would otherwise fail every document in the language, where it is left unhyphenated.
 */
function loadPatterns(file: string): WordHyphenator | null {
  try {
    return (require(file) as PatternModule).hyphenateSync;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Whether one score is greater than another, compared as words are (first value first). */
function isGreater(score: readonly number[], than: readonly number[]): boolean {
  const index = score.findIndex((value, at) => value !== than[at]);
  return index >= 0 && score[index]! > than[index]!;
}

/** The folder an alias folder's index.js re-exports (`sh` is `require("../sh-cyrl/index.js")`), or the folder itself. */
const ALIAS = /require\(\s*["']\.\.\/([^/"']+)\/index\.js["']\s*\)/;

/**
 * Hyphenation patterns by language and script, found by their files: which languages have patterns is
 * the package's folders, read once; a language's patterns (up to 1 MB of JavaScript) are loaded the
 * first time a document in it asks, so a cold start pays for nothing it does not hyphenate.
 * A tag takes the pattern set of its language in its script, the script written in the tag or the one
 * `Intl.Locale.maximize()` gives it: `sr-Latn` takes `sh-latn` (a plain `sr` is Cyrillic), `sr` and
 * `sr-Cyrl` take `sr`, and `ru-Latn` none, since patterns of another script would never apply.
 * A pattern set's script is that of the folder its index.js points to (`sh` is an alias of `sh-cyrl`).
 * Of those, the one whose region and variants the tag has the most of: `de-CH-1996` takes `de-1996`,
 * `en-GB` `en-gb`, `de-AT` `de`, `pt-BR` `pt`.
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
  const patternSets = new Map<string, PatternSet>();
  const patternSet = (folder: string): PatternSet => {
    let set = patternSets.get(folder);
    if (!set) {
      const { language, extras } = tagParts(folder);
      let script: { of: string | undefined } | undefined;
      set = {
        folder,
        language,
        extras,
        // The script is the patterns' own, which the alias's target says (`sh` points to `sh-cyrl`, `zh` to
        // `zh-latn-pinyin`): read only for a folder of the language asked.
        get script() {
          script ??= { of: tagParts(readFileSync(join(root, folder, "index.js"), "utf8").match(ALIAS)?.[1] ?? folder).script };
          return script.of;
        },
      };
      patternSets.set(folder, set);
    }
    return set;
  };
  return {
    hyphenatorFor(lang: string): WordHyphenator | null {
      const tag = lang.toLowerCase();
      const known = hyphenators.get(tag);
      if (known !== undefined) return known;
      const wanted = tagParts(lang);
      const firstSubtag = tag.split("-")[0];
      let match: { set: PatternSet; score: number[] } | null = null;
      for (const folder of languagesWithPatterns()) {
        const set = patternSet(folder);
        // A multilingual set (`mul-ethi`: ISO 639's "mul") serves every language of its script (am, ti, gez).
        const ownLanguage = set.language === wanted.language;
        if (wanted.language === "" || (!ownLanguage && set.language !== MULTILINGUAL)) continue;
        if (set.script !== wanted.script || !set.extras.every((extra) => wanted.extras.includes(extra))) continue;
        // The language's own patterns before its script's; most of the tag's region and variants, then the
        // tag's own language subtag (`sr` before `sh`), then the shortest name.
        const score = [ownLanguage ? 1 : 0, set.extras.length, folder.split("-")[0] === firstSubtag ? 1 : 0, -folder.length];
        if (!match || isGreater(score, match.score)) match = { set, score };
      }
      // A computed path: the patterns are files beside the bundle, never bundled code.
      const hyphenator = match ? loadPatterns(join(root, match.set.folder, "index.js")) : null;
      hyphenators.set(tag, hyphenator);
      return hyphenator;
    },
  };
}
