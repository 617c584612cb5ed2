import { relativeToHere } from "./shown-path";
import { relative, sep } from "node:path";
import { watch } from "chokidar";
import { SLUG_PATTERN } from "../functions/core/letter/slug";
import { describeError } from "./server";

export interface LetterDataWatch {
  /** Resolves once the data folder is being watched (changes made before may go unseen). */
  ready: Promise<void>;
  /**
   * Renders a letter now, in its turn (after a render of it under way), as a change to its files would.
   * Resolves when that render has ended (or is no longer waited for); it never rejects.
   */
  renderNow(letterId: string): Promise<void>;
  /** Stops watching; renders under way run to their end, nothing new starts. */
  close(): Promise<void>;
}

export interface LetterDataWatchOptions {
  /** How long a letter's files must be quiet before it is rendered (an editor saves several files, or one twice). */
  settleMs?: number;
  /**
   * The longest one render of a letter is waited for. Past it the render is no longer waited for (it is
   * said on the log, and its outcome still is when it comes), so a hung render never holds back the
   * letter's later saves.
   */
  renderLifetimeMs?: number;
  /** Where a failed, hung or late render and a fault of the watcher are said; `console.error` by default. */
  log?: (line: string) => void;
  /**
   * A change under the data folder outside any letter folder (a README.md beside the letters, a folder
   * whose name is no id): no letter to render, but the reader's warnings may have changed.
   */
  onOutsideLetters?: () => void;
}

/**
 * Past this a letter's render is taken as hung: a whole letter of the seed data (every language, every
 * recipient's copy, through the render queues) renders in minutes on a busy laptop; each invocation
 * in it is bounded by the render function's own timeout.
 */
export const DEFAULT_RENDER_LIFETIME_MS = 15 * 60_000;

/** One letter's renders: the one under way, and the one asked for meanwhile (saves, or `renderNow`). */
interface LetterRenders {
  settling?: NodeJS.Timeout;
  running?: Promise<void>;
  again?: { promise: Promise<void>; resolve: () => void };
}

/**
 * The local stand-in for S3's notifications of changed letter data (on AWS: an upload under data/
 * -> the render queue -> the render function): a change under the data folder re-renders its letter,
 * once per burst of changes, one render of a letter at a time. Files outside a letter folder whose
 * name is an id are ignored, as the readers ignore them (functions/letters/reader-rules.ts).
 *
 * A render that fails or hangs never stops the letter's later ones: every failure is logged with its
 * cause, a render is waited for at most `renderLifetimeMs`, and the saves that come while one runs
 * make one render after it, of the data as it is then (a later save supersedes a pending one).
 *
 * chokidar watches, not `fs.watch(..., { recursive: true })`: on Linux, Node 20's recursive watch
 * watches each file's inode, so after a save that replaces the file (an editor's atomic save: write a
 * copy, rename it over) or deletes and writes it again, that file's later saves go unseen, silently,
 * until restart. chokidar watches the folders, which see every change to the files in them.
 *
 * @param onLetterChanged renders one letter; whatever it throws or rejects with is logged here.
 */
export function watchLetterData(dataDir: string, onLetterChanged: (letterId: string) => Promise<void>, options: LetterDataWatchOptions = {}): LetterDataWatch {
  const { settleMs = 300, renderLifetimeMs = DEFAULT_RENDER_LIFETIME_MS, log = (line: string) => console.error(line) } = options;
  const letters = new Map<string, LetterRenders>();
  let closed = false;

  const stateOf = (letterId: string): LetterRenders => {
    let state = letters.get(letterId);
    if (!state) letters.set(letterId, (state = {}));
    return state;
  };

  /** One render, waited for at most its lifetime; its failure, even a late one, is logged and goes no further. */
  const renderOnce = async (letterId: string): Promise<void> => {
    const started = Date.now();
    let lifetime: NodeJS.Timeout | undefined;
    const rendering = Promise.resolve()
      // Inside `then`: a render that throws before returning its promise is a failure like any other.
      .then(() => onLetterChanged(letterId))
      .then(
        () => "done" as const,
        (error: unknown) => {
          log(`letter ${letterId}: render failed after ${Math.round((Date.now() - started) / 1000)} s: ${describeError(error)}`);
          return "failed" as const;
        },
      );
    const outlived = new Promise<"outlived">((resolve) => {
      lifetime = setTimeout(() => resolve("outlived"), renderLifetimeMs);
    });
    const outcome = await Promise.race([rendering, outlived]);
    clearTimeout(lifetime);
    if (outcome === "outlived") {
      log(
        `letter ${letterId}: render still running after ${Math.round(renderLifetimeMs / 1000)} s; no longer waited for, so the letter's next save renders it again ` +
          "(its outcome is said here when it comes)",
      );
      void rendering.then((late) => late === "done" && log(`letter ${letterId}: the render no longer waited for has ended`));
    }
  };

  const renderNow = (letterId: string): Promise<void> => {
    if (closed) return Promise.resolve();
    const state = stateOf(letterId);
    if (state.running) {
      // However many asks come meanwhile, one render follows, of the data as it is then.
      if (!state.again) {
        let resolve!: () => void;
        state.again = { promise: new Promise<void>((settle) => (resolve = settle)), resolve };
      }
      return state.again.promise;
    }
    // renderOnce never rejects: its failures are logged there.
    const running = renderOnce(letterId).finally(() => {
      state.running = undefined;
      const again = state.again;
      state.again = undefined;
      if (again) void renderNow(letterId).then(again.resolve);
    });
    state.running = running;
    return running;
  };

  let outsideSettling: NodeJS.Timeout | undefined;
  const outsideLetters = (): void => {
    clearTimeout(outsideSettling);
    outsideSettling = setTimeout(() => !closed && options.onOutsideLetters?.(), settleMs);
  };

  const changed = (letterId: string): void => {
    const state = stateOf(letterId);
    clearTimeout(state.settling);
    state.settling = setTimeout(() => {
      state.settling = undefined;
      void renderNow(letterId);
    }, settleMs);
  };

  // Letter files are one folder down; deeper folders are not letter data (the readers skip them).
  const watcher = watch(dataDir, { ignoreInitial: true, depth: 1, followSymlinks: false });
  watcher.on("all", (_event, path) => {
    const letterId = relative(dataDir, path).split(sep)[0];
    if (letterId && SLUG_PATTERN.test(letterId)) changed(letterId);
    else if (letterId && !letterId.startsWith("..")) outsideLetters();
  });
  watcher.on("error", (error) => log(`watching ${relativeToHere(dataDir)}: ${describeError(error)}; changes may go unseen until serve restarts`));
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));

  return {
    ready,
    renderNow,
    close: async () => {
      closed = true;
      for (const state of letters.values()) clearTimeout(state.settling);
      clearTimeout(outsideSettling);
      await watcher.close();
    },
  };
}
