import { relativeToHere } from "./shown-path";
import { relative, resolve, sep } from "node:path";
import { watch } from "chokidar";
import { formatDataIssue, LetterpressError } from "../functions/core/errors";
import { dataWarnings } from "../functions/letters/letter-source";
import { PAGE_MESSAGES_FOLDER, pageCatalogWarnings } from "../functions/templates/page-catalogs";
import { type LetterDataWatch, type LetterDataWatchOptions, watchLetterData } from "./data-watch";
import { describeLetterRun } from "./letter-run-report";
import type { PublishOrigins } from "./publish-origins";
import type { LocalRuntime } from "./runtime";
import { describeError } from "./server";

export interface FollowLetterDataOptions extends Omit<LetterDataWatchOptions, "log"> {
  /** Where what is published goes (`console.log` by default). */
  out?: (line: string) => void;
  /** Where failures and warnings go (`console.error` by default). */
  err?: (line: string) => void;
  /**
   * The templates folder the runtime's renderer was built from: followed too, so a change under it
   * (a message catalog added, a stylesheet edited) builds the renderer again and renders the letters
   * of the changed templates. Not followed when omitted.
   */
  templatesDir?: string;
  /** Where the data folder each letter was last published from is kept, to say a publish over another folder's (embedded S3 only). */
  publishOrigins?: PublishOrigins;
}

/** A template problem as `serve` says it at start (cli.ts): the code, then the message, every line of it. */
function templateProblemLines(error: unknown): string[] {
  const text = error instanceof LetterpressError ? `${error.code}: ${error.message}` : describeError(error);
  return text.split("\n").map((line) => `  ${line}`);
}

/**
 * What `npm run serve` does with the data folder, as the deployed pipeline does with the bucket's
 * data/: every letter is rendered once at start (what is unchanged is not stored again), then again
 * whenever a file in its folder changes, so links always lead to the current text. Each render goes
 * through the render queues, as an upload does on AWS, and says on the console what it published and
 * every failed document with its reason; a render that fails or hangs is said too, and never stops
 * the letter's later saves (data-watch.ts). With `templatesDir`, the templates are followed too: a
 * change there builds the renderer again and renders the letters of the changed templates.
 */
export function followLetterData(runtime: LocalRuntime, dataDir: string, options: FollowLetterDataOptions = {}): LetterDataWatch {
  const { out = (line: string) => console.log(line), err = (line: string) => console.error(line), templatesDir, publishOrigins, ...watchOptions } = options;
  // Every warning about the data said once while its file is there, at start and whenever a reload
  // reads the folder again, in generate's words (dataWarnings): a file added while serve runs is named
  // when its letter is read again; one removed and added again is named again. What is said is kept
  // per letter ("" for the top of the data folder), so a letter's reload reads its own folder's
  // entries only: never a file, and never the other letters (with many letters, each render read them
  // all). One at a time, so two letters' reloads never say a warning twice.
  const said = new Map<string, Set<string>>();
  const sayNew = (scope: string, now: readonly string[]) => {
    const before = said.get(scope);
    for (const warning of now) if (!before?.has(warning)) err(`warning: ${warning}`);
    said.set(scope, new Set(now));
  };
  let sayingWarnings: Promise<void> = Promise.resolve();
  const inTurn = (say: () => Promise<void>): Promise<void> =>
    (sayingWarnings = sayingWarnings.then(say).catch((error: unknown) => err(`reading ${relativeToHere(dataDir)}: ${describeError(error)}`)));
  /** Every warning of the data, from a listing (entries only, no letter parsed): at start, and on a change beside the letters. */
  const sayNewWarnings = (): Promise<void> =>
    inTurn(async () => {
      const listing = await runtime.letters.listLetters().catch(() => undefined);
      // No letter at all is the render's to report.
      if (!listing) return;
      const byScope = new Map<string, string[]>([["", []], ...listing.letterIds.map((letterId): [string, string[]] => [letterId, []])]);
      for (const warning of dataWarnings(listing)) {
        const letterId = listing.letterIds.find((id) => warning.file.startsWith(`${id}/`)) ?? "";
        byScope.get(letterId)?.push(formatDataIssue(warning));
      }
      // A letter folder gone since is said nothing more; added again, its warnings are said again.
      for (const scope of said.keys()) if (!byScope.has(scope)) said.delete(scope);
      for (const [scope, now] of byScope) sayNew(scope, now);
    });
  /** One letter's warnings, from its own folder's entries, before its render. */
  const sayNewWarningsOf = (letterId: string): Promise<void> => inTurn(async () => sayNew(letterId, (await runtime.letters.skippedIn(letterId)).map(formatDataIssue)));
  const renderLetter = async (letterId: string) => {
    await sayNewWarningsOf(letterId);
    try {
      // The letter's own title names it on the console, from the render's own reading (not read once more);
      // a letter the render could not read has its reason among the failures.
      const { deadLetters, failures, revision, letter } = await runtime.letterChanged(letterId);
      const latest = await runtime.store.getLatest(letterId);
      const manifest = latest ? await runtime.store.getManifest(letterId, latest.revision) : undefined;
      const report = describeLetterRun({
        letterId,
        letter,
        revision: latest?.revision,
        rendered: revision,
        documents: manifest?.documents.length ?? 0,
        failures,
        deadLetters,
        functionsLog: runtime.functionsLog,
      });
      for (const line of report.out) out(line);
      for (const line of report.err) err(line);
      // Only a render that moved latest.json, which is what the links follow (as generate checks): one
      // whose revision is incomplete (a document failed) leaves latest.json naming what another folder may have published.
      const takenOver =
        latest && revision !== undefined && latest.revision === revision && report.out.length > 0
          ? await publishOrigins?.published(letterId, resolve(dataDir), latest.revision)
          : undefined;
      if (takenOver) err(`warning: ${takenOver}`);
    } catch (error) {
      // A fault outside the render queues (reading back what was published): the letter, the reason and its causes.
      err(`letter ${letterId}: ${describeError(error)}`);
    }
  };
  const watching = watchLetterData(dataDir, renderLetter, { ...watchOptions, log: err, onOutsideLetters: () => void sayNewWarnings() });
  void (async () => {
    await watching.ready;
    const listing = await runtime.letters.listLetters();
    // The letters page lists what the bucket holds; a data file skipped here is said on the console.
    await sayNewWarnings();
    // One letter after another, each in the watch's turn: a save during a letter's first render makes one
    // more render after it, never two at once.
    for (const letterId of listing.letterIds) await watching.renderNow(letterId);
  })().catch((error: unknown) => err(`reading ${relativeToHere(dataDir)}: ${(error as Error).message}`));
  if (!templatesDir) return watching;
  const templates = followTemplates(runtime, templatesDir, watching, { out, err, settleMs: watchOptions.settleMs ?? 300 });
  return {
    ready: Promise.all([watching.ready, templates.ready]).then(() => undefined),
    renderNow: watching.renderNow,
    close: async () => {
      await templates.close();
      await watching.close();
    },
  };
}

/**
 * The templates folder, followed as the data folder is: once a burst of changes is quiet, the renderer
 * is built again (one build at a time); a template that does not load is said in full, as at start, and
 * the renderer before stays in use. Once built, every letter of a changed template is rendered again in
 * its turn, and every letter that cannot be read (a letter may be refused for its template: a language
 * it has no messages for). A file beside the templates (ua.css) changes every letter's documents.
 */
function followTemplates(
  runtime: LocalRuntime,
  templatesDir: string,
  letters: LetterDataWatch,
  { out, err, settleMs }: { out: (line: string) => void; err: (line: string) => void; settleMs: number },
): { ready: Promise<void>; close(): Promise<void> } {
  const changed = new Set<string>();
  let everyTemplate = false;
  let settling: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let closed = false;

  const reload = async () => {
    const names = new Set(changed);
    const all = everyTemplate;
    changed.clear();
    everyTemplate = false;
    const which = all ? "every template" : [...names].sort().join(", ");
    try {
      await runtime.reloadRenderer();
    } catch (error) {
      err(`templates (${which} changed): not reloaded; documents are still made with the templates loaded before:`);
      for (const line of templateProblemLines(error)) err(line);
      return;
    }
    out(`templates reloaded (${which} changed)`);
    // A share page catalog that broke is set aside by the reload, its language's pages in English: said here, as at start,
    // not only in the functions' log (fresh user 8a).
    if (all || names.has(PAGE_MESSAGES_FOLDER)) for (const warning of await pageCatalogWarnings(templatesDir)) err(`warning: ${warning}`);
    const listing = await runtime.letters.listLetters();
    for (const letterId of listing.letterIds) {
      if (closed) return;
      const template = (await runtime.letters.loadLetter(letterId).catch(() => undefined))?.letter.facts.template;
      if (all || template === undefined || names.has(template)) void letters.renderNow(letterId);
    }
  };

  const watcher = watch(templatesDir, { ignoreInitial: true, followSymlinks: false });
  watcher.on("all", (event, path) => {
    const [first, ...rest] = relative(templatesDir, path).split(sep);
    if (!first || first.startsWith("..")) return;
    if (rest.length === 0 && event !== "addDir" && event !== "unlinkDir") everyTemplate = true;
    else changed.add(first);
    clearTimeout(settling);
    settling = setTimeout(() => {
      settling = undefined;
      reloading = reloading.then(reload).catch((error: unknown) => err(`templates: ${describeError(error)}`));
    }, settleMs);
  });
  watcher.on("error", (error) => err(`watching ${relativeToHere(templatesDir)}: ${describeError(error)}; template changes may go unseen until serve restarts`));
  return {
    ready: new Promise<void>((resolve) => watcher.once("ready", () => resolve())),
    close: async () => {
      closed = true;
      clearTimeout(settling);
      await watcher.close();
      await reloading;
    },
  };
}
