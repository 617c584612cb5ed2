import { formatDataIssue } from "../functions/core/errors";
import { type LetterDataWatch, type LetterDataWatchOptions, watchLetterData } from "./data-watch";
import { describeLetterRun } from "./letter-run-report";
import type { LocalRuntime } from "./runtime";
import { describeError } from "./server";

export interface FollowLetterDataOptions extends Omit<LetterDataWatchOptions, "log"> {
  /** Where what is published goes (`console.log` by default). */
  out?: (line: string) => void;
  /** Where failures and warnings go (`console.error` by default). */
  err?: (line: string) => void;
}

/**
 * What `npm run serve` does with the data folder, as the deployed pipeline does with the bucket's
 * data/: every letter is rendered once at start (what is unchanged is not stored again), then again
 * whenever a file in its folder changes, so links always lead to the current text. Each render goes
 * through the render queues, as an upload does on AWS, and says on the console what it published and
 * every failed document with its reason; a render that fails or hangs is said too, and never stops
 * the letter's later saves (data-watch.ts).
 */
export function followLetterData(runtime: LocalRuntime, dataDir: string, options: FollowLetterDataOptions = {}): LetterDataWatch {
  const { out = (line: string) => console.log(line), err = (line: string) => console.error(line), ...watchOptions } = options;
  const renderLetter = async (letterId: string) => {
    try {
      const { deadLetters, failures } = await runtime.letterChanged(letterId);
      const latest = await runtime.store.getLatest(letterId);
      const manifest = latest ? await runtime.store.getManifest(letterId, latest.revision) : undefined;
      // The letter's own title names it on the console; a letter that cannot be read has its reason among the failures.
      const letter = (await runtime.letters.loadLetter(letterId).catch(() => undefined))?.letter;
      const report = describeLetterRun({ letterId, letter, revision: latest?.revision, documents: manifest?.documents.length ?? 0, failures, deadLetters });
      for (const line of report.out) out(line);
      for (const line of report.err) err(line);
    } catch (error) {
      // A fault outside the render queues (reading back what was published): the letter, the reason and its causes.
      err(`letter ${letterId}: ${describeError(error)}`);
    }
  };
  const watching = watchLetterData(dataDir, renderLetter, { ...watchOptions, log: err });
  void (async () => {
    await watching.ready;
    const listing = await runtime.letters.listLetters();
    // The letters page lists what the bucket holds; a data file skipped here is said on the console.
    for (const warning of listing.warnings) err(`warning: ${formatDataIssue(warning)}`);
    // One letter after another, each in the watch's turn: a save during a letter's first render makes one
    // more render after it, never two at once.
    for (const letterId of listing.letterIds) await watching.renderNow(letterId);
  })().catch((error: unknown) => err(`reading ${dataDir}: ${(error as Error).message}`));
  return watching;
}
