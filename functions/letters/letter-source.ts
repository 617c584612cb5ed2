import { type DataIssue, formatDataIssue } from "../core/errors";
import type { LetterContext } from "../core/letter/letter-context";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { listLetters, loadLetter } from "./load-letters";
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
  constructor(private readonly dataDir: string) {}

  listLetters(): Promise<LetterListing> {
    return listLetters(this.dataDir);
  }

  loadLetter(letterId: string, context?: LetterContext): Promise<ParsedLetter> {
    return loadLetter(this.dataDir, letterId, context);
  }
}

/**
 * Every warning about the data as one list, in the words both `generate` and `serve` print: each
 * entry the reader skipped (listLetters) and what reading each letter skipped besides (a recipient
 * whose language's file was skipped), once each. With `letterIds`, only those letters' warnings.
 * A letter that cannot be read adds none: its run reports it.
 */
export async function dataWarnings(letters: LetterSource, listing: LetterListing, letterIds?: readonly string[]): Promise<DataIssue[]> {
  const ofAsked = (warning: DataIssue) => letterIds === undefined || letterIds.some((letterId) => warning.file.startsWith(`${letterId}/`));
  const said = new Map<string, DataIssue>();
  for (const warning of listing.warnings.filter(ofAsked)) said.set(formatDataIssue(warning), warning);
  for (const letterId of letterIds ?? listing.letterIds) {
    const parsed = await letters.loadLetter(letterId).catch(() => undefined);
    for (const warning of parsed?.warnings ?? []) if (!said.has(formatDataIssue(warning))) said.set(formatDataIssue(warning), warning);
  }
  return [...said.values()];
}
