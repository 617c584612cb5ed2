import { type FSWatcher, watch } from "node:fs";
import { sep } from "node:path";
import { SLUG_PATTERN } from "../functions/core/letter/slug";

export interface LetterDataWatch {
  close(): void;
}

/**
 * The local stand-in for S3's notifications of changed letter data (on AWS: an upload under data/
 * -> the render queue -> the render function): a change under the data folder re-renders its letter,
 * once per burst of changes (an editor saves several files, or one file twice), one render of a
 * letter at a time. Files outside a letter folder whose name is an id are ignored, as the readers
 * ignore them (functions/letters/reader-rules.ts).
 *
 * @param onLetterChanged renders one letter; its failures are its own to report.
 * @param settleMs how long a letter's files must be quiet before it is rendered.
 */
export function watchLetterData(dataDir: string, onLetterChanged: (letterId: string) => Promise<void>, settleMs = 300): LetterDataWatch {
  const waiting = new Map<string, NodeJS.Timeout>();
  const rendering = new Map<string, Promise<void>>();
  const changed = (letterId: string) => {
    clearTimeout(waiting.get(letterId));
    waiting.set(
      letterId,
      setTimeout(() => {
        waiting.delete(letterId);
        const next = (rendering.get(letterId) ?? Promise.resolve()).then(() => onLetterChanged(letterId)).catch(() => {});
        rendering.set(letterId, next);
      }, settleMs),
    );
  };
  const watcher: FSWatcher = watch(dataDir, { recursive: true }, (_event, filename) => {
    const letterId = filename ? String(filename).split(sep)[0] : undefined;
    if (letterId && SLUG_PATTERN.test(letterId)) changed(letterId);
  });
  return {
    close: () => {
      watcher.close();
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
    },
  };
}
