import { type DataIssue, LetterpressError } from "../core/errors";
import type { LetterContext } from "../core/letter/letter-context";
import { LETTER_FACTS_FILE, type ParsedLetter, parseLetter, type LetterFile } from "../core/letter/parse-letter";
import { printableFileName, translationFileNameProblem, withLowerCaseJson } from "../core/letter/translation-file-name";
import { LIMITS } from "../core/letter/schema";
import { SLUG_PATTERN } from "../core/letter/slug";

/**
 * The most one fingerprint of a translation's `translationOf` takes up in its file, written as our
 * tool's JSON is (indented): `"<a 64-character id>": "<16 hex digits>",`, its indentation and line break.
 */
const FINGERPRINT_LINE_BYTES = 128;

/**
 * The one rule set for reading letter data, shared by the folder reader (load-letters.ts) and the
 * bucket reader (storage/s3-letter-source.ts), so a letter reads the same on a laptop as deployed:
 * which entries count, the size limit, what a symbolic link does, and that everything skipped is
 * named in a warning. Each reader only lists entries and reads bytes.
 */
export const READER_LIMITS = {
  /**
   * Per data file, read before it is parsed; the same as the render function's limit on one object:
   * LIMITS.fileBytes (256 KiB) of the file besides its fingerprints, and room for as many fingerprints
   * as a translation may record (one per recipient and per paragraph, at LIMITS' counts), so that a
   * translation naming 2,000 recipients can be written indented. Once parsed, the file besides its
   * fingerprints is held to LIMITS.fileBytes (parse-letter.ts), the bound on a language's text,
   * sized from what the render function can do (issue 15 item 8): every other limit (characters per
   * text, paragraphs, segments, signatories) allows far more text than fits.
   * Measured with test/reliability/support/measure-render-size.ts (the largest letter's English,
   * nearly every word distinct, fresh process, deployed V8 flags, 2-core machine shared with other
   * work, medians of 3 runs; 1 run at 1 MiB), PDF time / heap after GC / peak RSS:
   *   128 KiB: 1.2 s / 49 MB / 157 MB    256 KiB: 2.2 s / 63 MB / 196 MB
   *   512 KiB: 4.8 s / 83 MB / 257 MB   1 MiB: 12.3 s / 114 MB / 415 MB
   * and at the old 2 MiB a single English PDF ran out of a 512 MB heap after 66 s. Time grows faster
   * than the text (2.5x from 512 KiB to 1 MiB). At 256 KiB one language's documents (PDF, page and a
   * personalized copy) take about 5 s here, about 9 s on a Lambda's share of a CPU at 1,024 MB (about
   * 0.6 vCPU): a seventh of the 60 s timeout; they peak at a fifth of its memory; a changed letter, whose
   * seven languages the function renders in one invocation, takes about 18 s for their general PDFs
   * (measured: 2.1-3.8 s a language, Arabic the slowest).
   * The seed letter's files are 6-10 KB: the limit leaves 25 times that.
   * test/reliability/bounded-work.test.ts renders the largest letter at this limit in a 512 MB heap.
   */
  maxFileBytes: LIMITS.fileBytes + (LIMITS.recipients + LIMITS.paragraphs) * FINGERPRINT_LINE_BYTES,
  /** A letter has a handful of files; far more is not letter data. */
  maxFilesPerLetter: 64,
} as const;

/** An entry of a data folder as a reader sees it. The bucket has only files and (key prefix) folders. */
export interface DataEntry {
  name: string;
  kind: "file" | "folder" | "symlink" | "other";
  /** The file's size in bytes, when the listing tells it. */
  bytes?: number;
}

/** The letters a source holds and everything it skipped, each skipped entry named. */
export interface LetterListing {
  letterIds: string[];
  warnings: DataIssue[];
}

const READ = "only letter.json and <locale>.json are read";
const SYMLINK = "a symbolic link; letter data must be regular files, since the deployed copy in the bucket holds no links: copy the file or folder here instead";

const formatBytes = (bytes: number) => new Intl.NumberFormat("en").format(bytes);

/** What becomes of an entry at the top of the data folder: a letter, or a warning naming it. */
function topLevelVerdict(entry: DataEntry): { letterId: string } | { warning: DataIssue } {
  const skipped = (message: string): { warning: DataIssue } => ({
    warning: { file: entry.kind === "folder" ? `${printableFileName(entry.name)}/` : printableFileName(entry.name), path: "", message: `skipped: ${message}` },
  });
  if (entry.kind === "symlink") return skipped(SYMLINK);
  if (entry.kind !== "folder") return skipped("not in a letter folder; each letter is a folder <id>/ holding letter.json and <locale>.json");
  if (!SLUG_PATTERN.test(entry.name)) return skipped("the folder's name is not a letter id (lowercase letters, digits and inner hyphens, 1-64 characters); rename it to read it");
  return { letterId: entry.name };
}

type LetterEntryVerdict = { read: true } | { refused: string } | { warning: DataIssue };

/** What becomes of an entry inside a letter folder: read, refused with a reason (an error), or skipped with a warning. */
function letterEntryVerdict(letterId: string, entry: DataEntry): LetterEntryVerdict {
  const skipped = (message: string): LetterEntryVerdict => ({
    warning: { file: `${letterId}/${printableFileName(entry.name)}${entry.kind === "folder" ? "/" : ""}`, path: "", message: `skipped: ${message}` },
  });
  if (entry.name.startsWith(".")) return skipped(`a hidden ${entry.kind === "folder" ? "folder" : "file"} (such as .DS_Store); ${READ}`);
  // A link is skipped, never read or failed: the deployed copy holds no links, so the letter publishes
  // without it there, and here too (with its name said), whatever it points at.
  if (entry.kind === "symlink") return skipped(SYMLINK);
  if (entry.kind === "folder") return skipped(`a folder inside a letter folder; ${READ}`);
  if (!entry.name.endsWith(".json")) {
    const renamed = withLowerCaseJson(entry.name);
    return skipped(`not a .json file${renamed ? ` (the extension is read in lower case: rename it ${renamed})` : ""}; ${READ}`);
  }
  // A .json file named by no language ("fr (copy).json", "de_DE.json", "xx.json") is no language of the letter.
  const nameProblem = entry.name === LETTER_FACTS_FILE ? undefined : translationFileNameProblem(entry.name);
  if (nameProblem !== undefined) return skipped(nameProblem);
  if (entry.kind !== "file") return skipped(`not a regular file (a device, pipe or socket); ${READ}`);
  if (entry.bytes !== undefined && entry.bytes > READER_LIMITS.maxFileBytes) return { refused: tooLarge(entry.bytes) };
  return { read: true };
}

const tooLarge = (bytes: number) =>
  `${formatBytes(bytes)} bytes; a data file may have at most ${formatBytes(READER_LIMITS.maxFileBytes)} bytes (${formatBytes(LIMITS.fileBytes)} not counting its translationOf fingerprints)`;

/**
 * Lists the letters of a data folder or prefix, and warns of every entry skipped, at the top and
 * inside each letter folder. No letter at all is an error: an empty or mistyped `--data` must not
 * look like a successful run.
 *
 * @param where the folder or bucket prefix, for the error message
 * @param entriesOf the entries of one letter folder
 */
export async function listLettersOf(where: string, top: readonly DataEntry[], entriesOf: (letterId: string) => Promise<readonly DataEntry[]>): Promise<LetterListing> {
  const letterIds: string[] = [];
  const warnings: DataIssue[] = [];
  for (const entry of [...top].sort(byName)) {
    const verdict = topLevelVerdict(entry);
    if ("warning" in verdict) warnings.push(verdict.warning);
    else letterIds.push(verdict.letterId);
  }
  for (const letterId of letterIds) warnings.push(...skippedInLetter(letterId, await entriesOf(letterId)));
  if (letterIds.length === 0) {
    const skipped = warnings.map((warning) => `\n  ${warning.file}: ${warning.message}`).join("");
    throw new LetterpressError("INVALID_DATA", `${where}: no letters; expected a folder per letter, named by its id, holding letter.json and <locale>.json${skipped}`);
  }
  return { letterIds, warnings };
}

/** The entries of one letter folder the rules skip, each named in a warning, in name order. */
export function skippedInLetter(letterId: string, entries: readonly DataEntry[]): DataIssue[] {
  const warnings: DataIssue[] = [];
  for (const entry of [...entries].sort(byName)) {
    const verdict = letterEntryVerdict(letterId, entry);
    if ("warning" in verdict) warnings.push(verdict.warning);
  }
  return warnings;
}

/**
 * Reads one letter folder's entries by the rules and validates the letter. Refused files (too large)
 * are reported as problems of that file, so a refused translation disables its
 * language with the reason, and a refused letter.json the letter.
 *
 * @param read the bytes of one entry to read; at most READER_LIMITS.maxFileBytes are kept
 * @param context the deployment's templates and fonts the letter is checked against (parseLetter)
 */
export async function readLetter(letterId: string, entries: readonly DataEntry[], read: (entry: DataEntry) => Promise<Uint8Array>, context?: LetterContext): Promise<ParsedLetter> {
  const warnings: DataIssue[] = [];
  const toRead: DataEntry[] = [];
  const refused: LetterFile[] = [];
  for (const entry of [...entries].sort(byName)) {
    const verdict = letterEntryVerdict(letterId, entry);
    if ("warning" in verdict) warnings.push(verdict.warning);
    else if ("refused" in verdict) refused.push({ name: entry.name, refused: verdict.refused });
    else toRead.push(entry);
  }
  if (toRead.length + refused.length > READER_LIMITS.maxFilesPerLetter) {
    throw new LetterpressError("INVALID_DATA", `${letterId}/: ${toRead.length + refused.length} .json files; a letter has at most ${READER_LIMITS.maxFilesPerLetter}`);
  }
  const files: LetterFile[] = await Promise.all(
    toRead.map(async (entry): Promise<LetterFile> => {
      const bytes = await read(entry);
      // The listing's size may be stale (a file written meanwhile): the bytes read decide.
      return bytes.length > READER_LIMITS.maxFileBytes ? { name: entry.name, refused: tooLarge(bytes.length) } : { name: entry.name, bytes };
    }),
  );
  return parseLetter(letterId, [...files, ...refused].sort(byName), warnings, context);
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
