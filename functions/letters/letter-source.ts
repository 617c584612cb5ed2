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
