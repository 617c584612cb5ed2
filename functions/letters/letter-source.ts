import { type DataIssue, formatDataIssue } from "../core/errors";
import type { LetterContext } from "../core/letter/letter-context";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { listLetters, loadLetter, skippedInLetterFolder } from "./load-letters";
import type { LetterListing } from "./reader-rules";

/**
 * Where letter data comes from: a folder on disk locally, the bucket's data prefix on AWS. Both read
 * by the rules of reader-rules.ts, and both name every entry they skip.
 */
export interface LetterSource {
  /** The letters there are, and a warning for each entry skipped; `INVALID_DATA` when there is none. */
  listLetters(): Promise<LetterListing>;
  /**
   * Reads and validates one letter; `UNKNOWN_LETTER` when there is none by that id. With a context,
   * the letter is checked against the deployment's templates and fonts too.
   */
  loadLetter(letterId: string, context?: LetterContext): Promise<ParsedLetter>;
}

export class DirectoryLetterSource implements LetterSource {
  constructor(readonly dataDir: string) {}

  listLetters(): Promise<LetterListing> {
    return listLetters(this.dataDir);
  }

  loadLetter(letterId: string, context?: LetterContext): Promise<ParsedLetter> {
    return loadLetter(this.dataDir, letterId, context);
  }

  /** What the reader skips in one letter's folder, as `listLetters` names it, without reading a file (none when the folder is gone). */
  skippedIn(letterId: string): Promise<DataIssue[]> {
    return skippedInLetterFolder(this.dataDir, letterId);
  }
}

/**
 * The source, reading each letter (and the listing) once: for the checks a command makes before it
 * runs (the paper, the languages asked, a mail merge's copies), which all read the same data. A read
 * with a context (the render's, against the templates and fonts) is not kept: it is another reading.
 */
export function readingOnce(source: LetterSource): LetterSource {
  const letters = new Map<string, Promise<ParsedLetter>>();
  let listing: Promise<LetterListing> | undefined;
  return {
    listLetters: () => (listing ??= source.listLetters()),
    loadLetter: (letterId, context) => {
      if (context) return source.loadLetter(letterId, context);
      let letter = letters.get(letterId);
      if (!letter) letters.set(letterId, (letter = source.loadLetter(letterId)));
      return letter;
    },
  };
}

/**
 * Every warning about the data as one list, in the words both `generate` and `serve` print: each
 * entry the reader skipped, at the top of the data and inside each letter folder, once each. With
 * `letterIds`, only those letters' warnings. Taken from the listing alone, which names every entry
 * by the rules `loadLetter` reads by (reader-rules.ts): no letter is parsed for its warnings, so a run
 * parses each letter only where it renders it. A recipient whose language's file is skipped is no
 * warning: its letter is refused, and the run reports that with the skipped file named.
 */
export function dataWarnings(listing: LetterListing, letterIds?: readonly string[]): DataIssue[] {
  const ofAsked = (warning: DataIssue) => letterIds === undefined || letterIds.some((letterId) => warning.file.startsWith(`${letterId}/`));
  const said = new Map<string, DataIssue>();
  for (const warning of listing.warnings.filter(ofAsked)) said.set(formatDataIssue(warning), warning);
  return [...said.values()];
}
