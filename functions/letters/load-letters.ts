import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Dirent } from "node:fs";
import { type DataIssue, LetterpressError } from "../core/errors";
import type { LetterContext } from "../core/letter/letter-context";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { SLUG_PATTERN } from "../core/letter/slug";
import { type DataEntry, type LetterListing, listLettersOf, readLetter, skippedInLetter } from "./reader-rules";

/** A directory entry as the shared reader rules see it; a link is never followed. */
function entryOf(dirent: Dirent): DataEntry {
  const kind = dirent.isSymbolicLink() ? "symlink" : dirent.isDirectory() ? "folder" : dirent.isFile() ? "file" : "other";
  return { name: dirent.name, kind };
}

async function entriesIn(folder: string): Promise<DataEntry[]> {
  return (await readdir(folder, { withFileTypes: true })).map(entryOf);
}

/** The letters in a data directory, and every entry skipped (reader-rules.ts decides). */
export async function listLetters(dataDir: string): Promise<LetterListing> {
  let top: DataEntry[];
  try {
    top = await entriesIn(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "a file, not a folder" : code === "EACCES" || code === "EPERM" ? "not readable (permission denied)" : code;
    throw new LetterpressError("INVALID_DATA", `${dataDir}: cannot read the data directory (${why ?? "error"}); expected a folder of letters, one folder <id>/ per letter`, {
      cause: error,
    });
  }
  return listLettersOf(dataDir, top, (letterId) => entriesIn(join(dataDir, letterId)));
}

/** The entries of one letter folder the reader skips, each named as `listLetters` names it; none when the folder is gone. */
export async function skippedInLetterFolder(dataDir: string, letterId: string): Promise<DataIssue[]> {
  const folder = join(dataDir, letterId);
  // Only a real letter folder: a link at the top is the listing's to name.
  if (!SLUG_PATTERN.test(letterId) || !(await lstat(folder).catch(() => undefined))?.isDirectory()) return [];
  return skippedInLetter(letterId, await entriesIn(folder).catch(() => []));
}

/** Reads and validates one letter's folder under the data directory, by the shared reader rules. */
export async function loadLetter(dataDir: string, letterId: string, context?: LetterContext): Promise<ParsedLetter> {
  if (!SLUG_PATTERN.test(letterId)) {
    throw new LetterpressError("UNKNOWN_LETTER", `letter id ${JSON.stringify(letterId)}: expected lowercase letters, digits and hyphens`);
  }
  const folder = join(dataDir, letterId);
  const stats = await lstat(folder).catch(() => undefined);
  if (!stats?.isDirectory()) {
    const why = stats?.isSymbolicLink() ? ": it is a symbolic link, and letter folders must be real folders" : "";
    throw new LetterpressError("UNKNOWN_LETTER", `no letter "${letterId}" in ${dataDir}${why}`);
  }
  const entries = await Promise.all(
    (await entriesIn(folder)).map(async (entry) => (entry.kind === "file" ? { ...entry, bytes: (await lstat(join(folder, entry.name))).size } : entry)),
  );
  return readLetter(letterId, entries, (entry) => readFile(join(folder, entry.name)), context);
}
