import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LetterpressError } from "../core/errors";
import { type LetterFile, type ParsedLetter, parseLetter } from "../core/letter/parse-letter";
import { SLUG_PATTERN } from "../core/letter/schema";

/** The ids of the letters in a data directory: every folder whose name is a valid id, sorted. */
export async function listLetterIds(dataDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dataDir, { withFileTypes: true });
  } catch (error) {
    throw new LetterpressError("INVALID_DATA", `${dataDir}: cannot read the data directory (${(error as NodeJS.ErrnoException).code ?? "error"})`, { cause: error });
  }
  return entries
    .filter((entry) => entry.isDirectory() && SLUG_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Reads and validates one letter's folder under the data directory. */
export async function loadLetter(dataDir: string, letterId: string): Promise<ParsedLetter> {
  if (!SLUG_PATTERN.test(letterId)) {
    throw new LetterpressError("UNKNOWN_LETTER", `letter id ${JSON.stringify(letterId)}: expected lowercase letters, digits and hyphens`);
  }
  const folder = join(dataDir, letterId);
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
  } catch {
    throw new LetterpressError("UNKNOWN_LETTER", `no letter "${letterId}" in ${dataDir}`);
  }
  const files: LetterFile[] = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(folder, name), "utf8") })));
  return parseLetter(letterId, files);
}
