import type { ParsedLetter } from "../core/letter/parse-letter";
import { listLetterIds, loadLetter } from "./load-letters";

/** Where letter data comes from: a folder on disk locally, the bucket's data prefix on AWS. */
export interface LetterSource {
  listLetterIds(): Promise<string[]>;
  /** Reads and validates one letter; `UNKNOWN_LETTER` when there is none by that id. */
  loadLetter(letterId: string): Promise<ParsedLetter>;
}

export class DirectoryLetterSource implements LetterSource {
  constructor(private readonly dataDir: string) {}

  listLetterIds(): Promise<string[]> {
    return listLetterIds(this.dataDir);
  }

  loadLetter(letterId: string): Promise<ParsedLetter> {
    return loadLetter(this.dataDir, letterId);
  }
}
