import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * How long after a change a letter folder's timestamps are trusted to tell the next change apart: more
 * than any local file system's timestamp step (Linux stamps files from a clock that moves in ticks of
 * up to 10 ms; FAT's step is 2 s), so a second save within one step is never taken for no change.
 */
export const STAMP_SETTLED_MS = 3_000;

export interface LetterFolderStampOptions {
  /** The clock the folder's newest change is compared with; `Date.now` by default. */
  now?: () => number;
}

/**
 * A letter folder's stamp: every entry's name, kind, size, inode, and modified and changed times (ns),
 * and the folder's own, as one string that changes whenever a file of the letter is written, replaced,
 * added, removed or renamed, without reading a byte of them. Undefined when the folder cannot be read,
 * or changed less than `STAMP_SETTLED_MS` ago: a save within the same timestamp step as the one
 * before can leave every field as it was (Git's "racily clean" index entries are the same case), so
 * a fresh stamp is no proof of no change and what reads by it must read the files.
 */
export async function letterFolderStamp(dataDir: string, letterId: string, options: LetterFolderStampOptions = {}): Promise<string | undefined> {
  const now = (options.now ?? Date.now)();
  const folder = join(dataDir, letterId);
  try {
    const names = (await readdir(folder)).sort();
    const stats = await Promise.all([folder, ...names.map((name) => join(folder, name))].map((path) => lstat(path, { bigint: true })));
    const newestChangeMs = Math.max(...stats.map((stat) => Math.max(Number(stat.mtimeNs / 1_000_000n), Number(stat.ctimeNs / 1_000_000n))));
    if (newestChangeMs > now - STAMP_SETTLED_MS) return undefined;
    const parts = stats.map((stat, index) => {
      const kind = stat.isDirectory() ? "d" : stat.isFile() ? "f" : stat.isSymbolicLink() ? "l" : "o";
      return `${JSON.stringify(index === 0 ? "." : names[index - 1])}\t${kind}\t${stat.size}\t${stat.ino}\t${stat.mtimeNs}\t${stat.ctimeNs}`;
    });
    return parts.join("\n");
  } catch {
    return undefined;
  }
}
