import { access, constants, mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import * as z from "zod";
import { DOCUMENT_FORMATS, type DocumentFailure, documentFileName, type DocumentRequest, sha256Hex } from "../functions/core/documents";
import { LetterpressError } from "../functions/core/errors";
import { SLUG_PATTERN } from "../functions/core/letter/schema";
import { isLocaleId, localeIdSchema } from "../functions/core/locales";
import type { Paper } from "../functions/core/style/document-stylesheets";
import type { GenerateResult } from "./generate";
import { relativeToHere } from "./shown-path";

/** Where a document goes under the output folder: `<letter>/<locale>/[<recipient>/]<file>`. */
export function exportPath(request: DocumentRequest): string {
  return [request.letterId, request.locale, ...(request.recipientId ? [request.recipientId] : []), documentFileName(request)].join("/");
}

const exportedDocumentSchema = z.object({
  letterId: z.string(),
  locale: localeIdSchema,
  format: z.enum(DOCUMENT_FORMATS),
  recipientId: z.string().nullable(),
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  key: z.string(),
  revision: z.string(),
  /** The run's paper (`--paper`), part of the revision; absent in manifests of runs before it was recorded. */
  paper: z.enum(["A4", "Letter"]).optional(),
});
export type ExportedDocument = z.infer<typeof exportedDocumentSchema>;

/** `out/manifest.json`: every document file present under the output folder, and this run's failures. */
export interface ExportManifest {
  documents: ExportedDocument[];
  failures: (DocumentRequest & { code: string; reason: string })[];
}

const previousManifestSchema = z.object({ documents: z.array(exportedDocumentSchema) });

export const EXPORT_MANIFEST = "manifest.json";

/**
 * Checks `--out` before anything is rendered or stored: it must be a folder (made if missing) that
 * can be written, so a run never stores everything and then fails on its last step.
 */
export async function prepareExportDirectory(outDir: string): Promise<void> {
  const found = await stat(outDir).catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" || error.code === "ENOTDIR" ? undefined : Promise.reject(error)));
  if (found && !found.isDirectory())
    throw new LetterpressError("INVALID_REQUEST", `--out ${relativeToHere(outDir)}: is a file, not a folder; name a folder (it is created if missing)`);
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === "ENOTDIR" || code === "EEXIST" ? "a part of the path is a file, not a folder" : code === "EACCES" || code === "EPERM" ? "not writable" : message;
    throw new LetterpressError("INVALID_REQUEST", `--out ${relativeToHere(outDir)}: cannot be used as the output folder (${why})`, { cause: error });
  }
  const manifest = await stat(join(outDir, EXPORT_MANIFEST)).catch(() => undefined);
  if (manifest?.isDirectory())
    throw new LetterpressError("INVALID_REQUEST", `--out ${relativeToHere(outDir)}: ${EXPORT_MANIFEST} there is a folder; the export writes its manifest file there`);
}

/**
 * The run's paper, and the revision a letter's documents have on another paper (undefined when it
 * cannot be read): a file an earlier run made on another paper is kept while its data is unchanged,
 * since this run did not make it (a `--paper letter --locale ar` run leaves the A4 editions of the
 * other languages), and a file the run does replace is said to be of another paper, not of other data.
 */
export interface ExportPapers {
  run: Paper;
  revisionOn(letterId: string, paper: Paper): Promise<string | undefined>;
}

/** What an export changed besides writing this run's documents. */
export interface ExportReport {
  manifest: ExportManifest;
  /**
   * Files of earlier runs removed because their documents failed or are no longer current, with why;
   * `document` when it was made from an earlier revision of a letter there still is (outdated, to be made again).
   */
  removed: { path: string; reason: string; document?: ExportedDocument }[];
  /**
   * Files of an earlier revision of their letter kept because the run was not asked to make them (another
   * language, format, or edition: general letters on a `--recipients` run, and recipients' copies otherwise).
   */
  keptOutdated: { path: string; reason: string; document: ExportedDocument }[];
  warnings: string[];
}

/** What a run made and was asked to: the parts of a GenerateResult the export reads. */
type ExportedRun = Pick<GenerateResult, "stored" | "failures" | "letters" | "allLetters"> & Partial<Pick<GenerateResult, "letterFailures" | "asked">>;

/**
 * Makes the output folder the current state of the data: writes this run's documents, keeps earlier
 * files only while they are still current (same revision of their letter, bytes as listed, not failed
 * now), removes the others (only files in our own layout: nothing a person put there), and writes
 * `manifest.json` listing every document file present. Tells `say` what it removed and why.
 */
export async function exportDocuments(
  outDir: string,
  result: ExportedRun,
  say: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  // The CLI passes its own, so that its closing count of warnings includes these.
  warn: (warning: string) => void = (warning) => say(`warning: ${warning}`),
  papers?: ExportPapers,
  /** The command's arguments as typed after the script (`generate --locale vi,ta`): the outdated files' removal says the run that makes them again. */
  commandArgs: readonly string[] = process.argv.slice(2),
): Promise<ExportManifest> {
  const report = await exportCurrentState(outDir, result, papers);
  for (const warning of report.warnings) warn(warning);
  const shownOut = relativeToHere(outDir);
  if (report.removed.length > 0) {
    const one = report.removed.length === 1;
    say(`removed ${report.removed.length} file${one ? "" : "s"} from ${shownOut} that no longer match${one ? "es" : ""} the data:`);
    for (const { path, reason } of report.removed) say(`  ${path}: ${reason}`);
    // A run narrowed to some languages or formats leaves their letter's other documents outdated, and so removed: say how to make them.
    const outdated = report.removed.flatMap((removed) => (removed.document ? [removed.document] : []));
    const made = result.stored.map((stored) => stored.request);
    // Only the flags that left out a removed document: a --format html run that removed other languages' pages keeps --format html.
    const narrowing = narrowingFlags(commandArgs).filter((flag) =>
      outdated.some((document) => !made.some((request) => request[NARROWED_BY[flag]] === document[NARROWED_BY[flag]])),
    );
    if (narrowing.length > 0)
      say(
        `to make the removed documents again from their letter's current revision, run the same command without ${narrowing.join(" and ")}: ${everyDocumentCommand(commandArgs, narrowing)}`,
      );
  }
  if (report.keptOutdated.length > 0) {
    const one = report.keptOutdated.length === 1;
    say(`kept ${report.keptOutdated.length} file${one ? "" : "s"} in ${shownOut} of an earlier revision of ${one ? "its" : "their"} letter, which this run was not asked to make:`);
    for (const { path, reason } of report.keptOutdated) say(`  ${path}: ${reason}`);
    for (const command of remakeCommands(
      commandArgs,
      report.keptOutdated.map(({ document }) => document),
      result.asked,
    ))
      say(`to make ${one ? "it" : "them"} again from the letter's current revision: ${command}`);
  }
  return report.manifest;
}

/**
 * The commands that make the kept documents again: the run's own flags without those that left them out
 * (`--locale`, `--format`, `--recipients` for general letters), with `--recipients` for recipients' copies.
 */
function remakeCommands(args: readonly string[], documents: readonly ExportedDocument[], asked: ExportedRun["asked"]): string[] {
  const commands: string[] = [];
  for (const personalized of [false, true]) {
    const group = documents.filter((document) => (document.recipientId !== null) === personalized);
    if (group.length === 0) continue;
    const dropped = narrowingFlags(args).filter((flag) => group.some((document) => !asked || !inAsked(document, asked, flag)));
    const command = everyDocumentCommand(args, personalized ? dropped : [...dropped, "--recipients"]);
    const withRecipients = personalized && !args.includes("--recipients") && command !== "npm run generate (its other flags as before)";
    commands.push(withRecipients ? (command === "npm run generate" ? "npm run generate -- --recipients" : `${command} --recipients`) : command);
  }
  return commands;
}

/** Whether what `flag` picks of a document (its language, its format) was asked for. */
function inAsked(document: ExportedDocument, asked: NonNullable<ExportedRun["asked"]>, flag: NarrowingFlag): boolean {
  return flag === "--locale" ? asked.locales === undefined || asked.locales.includes(document.locale) : asked.formats.includes(document.format);
}

/** Whether the run was asked to make this document: its language, its format, and its edition (a recipient's copy on `--recipients` only). */
function askedFor(document: ExportedDocument, asked: ExportedRun["asked"]): boolean {
  if (asked === undefined) return true;
  return NARROWING_FLAGS.every((flag) => inAsked(document, asked, flag)) && (document.recipientId !== null) === asked.personalized;
}

/** The flags that make a run leave out some of a letter's documents (its other languages, its other format), and what of a document each picks. */
const NARROWED_BY = { "--locale": "locale", "--format": "format" } as const;
type NarrowingFlag = keyof typeof NARROWED_BY;
const NARROWING_FLAGS = Object.keys(NARROWED_BY) as NarrowingFlag[];

/** The narrowing flags a command was given (`--locale vi` and `--locale=vi` both), in the order of NARROWING_FLAGS. */
function narrowingFlags(args: readonly string[]): NarrowingFlag[] {
  return NARROWING_FLAGS.filter((flag) => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`)));
}

/**
 * The command as a person types it again, without its narrowing flags and their values:
 * `generate --letter a --locale vi,ta` -> `npm run generate -- --letter a`; the words of npm's
 * script (as the README writes them) when the arguments are not generate's.
 */
export function everyDocumentCommand(args: readonly string[], dropped: readonly string[] = NARROWING_FLAGS): string {
  if (args[0] !== "generate") return "npm run generate (its other flags as before)";
  const kept: string[] = [];
  for (let index = 1; index < args.length; index++) {
    const arg = args[index] as string;
    // A dropped flag goes with its value (`--locale vi`) or holds it (`--locale=vi`).
    // A dropped flag takes its value with it, but a switch (`--recipients`) has none.
    if (dropped.includes(arg)) index += SWITCHES.includes(arg) ? 0 : 1;
    else if (!dropped.some((flag) => arg.startsWith(`${flag}=`))) kept.push(arg);
  }
  return kept.length === 0 ? "npm run generate" : `npm run generate -- ${kept.map(shellWord).join(" ")}`;
}

/** Flags of generate that take no value. */
const SWITCHES: readonly string[] = ["--recipients"];

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
const shellWord = (word: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

export async function exportCurrentState(outDir: string, result: ExportedRun, papers?: ExportPapers): Promise<ExportReport> {
  await mkdir(outDir, { recursive: true });
  const warnings: string[] = [];
  const previous = await readPreviousManifest(outDir, warnings);

  const documents = new Map<string, ExportedDocument>();
  for (const stored of result.stored) {
    if (!stored.bytes) continue;
    const path = exportPath(stored.request);
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), stored.bytes);
    documents.set(path, {
      ...stored.request,
      path,
      bytes: stored.document.size,
      sha256: stored.document.sha256,
      key: stored.document.key,
      revision: stored.revision,
      ...(papers ? { paper: papers.run } : {}),
    });
  }

  const revisions = new Map(result.letters.map(({ letterId, revision }) => [letterId, revision]));
  // A template that failed this run says nothing of the documents it made before: they stay, and that is said.
  const templateFailed = new Map((result.letterFailures ?? []).filter(({ error }) => error.code === "TEMPLATE_ERROR").map(({ letterId, error }) => [letterId, error]));
  const isTemplateFailure = ({ error }: DocumentFailure) => error.code === "TEMPLATE_ERROR";
  const templateFailedPaths = new Set(result.failures.filter(isTemplateFailure).map(({ request }) => exportPath(request)));
  const failed = new Map(
    result.failures
      .filter((failure) => !isTemplateFailure(failure))
      .map(({ request, error }: DocumentFailure) => [exportPath(request), `${error.code}: ${firstLine(error.message)}`]),
  );
  const keptForTemplate = new Map<string, number>();
  const keptOutdated: ExportReport["keptOutdated"] = [];
  const removals = new Map<string, { reason: string; document?: ExportedDocument }>();
  const remove = (path: string, reason: string, outdated?: ExportedDocument) =>
    void (documents.has(path) || removals.has(path) || removals.set(path, outdated ? { reason, document: outdated } : { reason }));

  // Earlier files stay while they are the current state of their letter; the others go.
  for (const earlier of previous) {
    if (documents.has(earlier.path) || !isOwnLayout(earlier.path)) continue;
    const byTemplate = templateFailed.has(earlier.letterId) || templateFailedPaths.has(earlier.path);
    if (byTemplate && (await holdsBytes(join(outDir, earlier.path), earlier.sha256))) {
      documents.set(earlier.path, earlier);
      keptForTemplate.set(earlier.letterId, (keptForTemplate.get(earlier.letterId) ?? 0) + 1);
      continue;
    }
    const inScope = revisions.has(earlier.letterId) || result.allLetters;
    const state = failed.has(earlier.path) ? { reason: failed.get(earlier.path) } : inScope ? await currentState(earlier, revisions.get(earlier.letterId), papers) : {};
    const outdated = state.reason !== undefined && !failed.has(earlier.path) && revisions.get(earlier.letterId) !== undefined;
    if (outdated && !askedFor(earlier, result.asked) && (await holdsBytes(join(outDir, earlier.path), earlier.sha256))) {
      documents.set(earlier.path, earlier);
      keptOutdated.push({ path: earlier.path, reason: state.reason as string, document: earlier });
    } else if (state.reason) remove(earlier.path, state.reason, !failed.has(earlier.path) && revisions.get(earlier.letterId) !== undefined ? earlier : undefined);
    else if (await holdsBytes(join(outDir, earlier.path), earlier.sha256)) documents.set(earlier.path, state.paper ? { ...earlier, paper: state.paper } : earlier);
    else if (await exists(join(outDir, earlier.path))) remove(earlier.path, "its bytes are not the ones listed");
  }
  // A failed document's file from any earlier run is not this data's document.
  for (const [path, reason] of failed) if (await exists(join(outDir, path))) remove(path, reason);
  // Files in our layout that no manifest lists (a run whose manifest was lost or overwritten): of
  // unknown revision, so not the current state of a letter this run made. Only the folders of letters
  // this run made are looked at: a folder of something else is never searched, let alone touched.
  for (const letterId of revisions.keys()) {
    for (const path of await ownLayoutFiles(outDir, letterId)) if (!documents.has(path)) remove(path, "listed in no manifest, so of unknown revision");
  }

  for (const path of removals.keys()) await removeFile(outDir, path);
  const manifest: ExportManifest = {
    documents: [...documents.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    failures: result.failures.map(({ request, error }: DocumentFailure) => ({ ...request, code: error.code, reason: error.message })),
  };
  await writeFile(join(outDir, EXPORT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [letterId, count] of keptForTemplate) {
    const error = templateFailed.get(letterId);
    const template = error && "template" in error ? ` "${String(error.template)}"` : "";
    warnings.push(
      `${letterId}: kept ${count === 1 ? "its file" : `its ${count} files`} from earlier runs under ${relativeToHere(outDir)}: its template${template} failed this run (TEMPLATE_ERROR), so nothing of it was made again or removed`,
    );
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
  return { manifest, removed: [...removals].map(([path, removal]) => ({ path, ...removal })).sort(byPath), keptOutdated: keptOutdated.sort(byPath), warnings };
}

/**
 * Why an earlier file (one this run did not replace) is no longer its letter's current state, or
 * undefined when it still is. The revision names the data, the template, the paper and the renderer:
 * a file made on another paper is current while the letter's revision on that paper is still its own.
 */
async function currentState(earlier: ExportedDocument, current: string | undefined, papers: ExportPapers | undefined): Promise<{ reason?: string; paper?: Paper }> {
  if (current === undefined) return { reason: "its letter is no longer in the data, or cannot be read" };
  if (earlier.revision === current) return {};
  // The paper it was made on, or, for a manifest that did not record it, each paper this run did not use.
  const otherPapers = papers ? (earlier.paper ? [earlier.paper] : PAPERS).filter((paper) => paper !== papers.run) : [];
  for (const paper of otherPapers) if ((await papers?.revisionOn(earlier.letterId, paper)) === earlier.revision) return { paper };
  if (earlier.paper && otherPapers.length > 0)
    return { reason: `made on ${earlier.paper} paper from revision ${earlier.revision}; the letter's data, template or renderer changed since, so it is outdated on either paper` };
  const cause = earlier.paper ? "its data, template or renderer changed" : "its data, template or renderer changed, or the paper";
  return { reason: `made from revision ${earlier.revision}; the letter is now revision ${current} (${cause})` };
}

const PAPERS: readonly Paper[] = ["A4", "Letter"];

async function readPreviousManifest(outDir: string, warnings: string[]): Promise<ExportedDocument[]> {
  let text: string;
  try {
    text = await readFile(join(outDir, EXPORT_MANIFEST), "utf8");
  } catch {
    return [];
  }
  try {
    return previousManifestSchema.parse(JSON.parse(text)).documents;
  } catch {
    warnings.push(`${join(outDir, EXPORT_MANIFEST)} could not be read; it is rewritten from this run and the files present`);
    return [];
  }
}

/** `<letter>/<locale>/<letter>-<locale>.<format>` or `<letter>/<locale>/<recipient>/<letter>-<locale>-<recipient>.<format>`: only what we name. */
function isOwnLayout(path: string): boolean {
  const parts = path.split("/");
  if (parts.length !== 3 && parts.length !== 4) return false;
  const [letterId, locale] = parts as [string, string];
  if (!SLUG_PATTERN.test(letterId) || !isLocaleId(locale)) return false;
  const recipientId = parts.length === 4 ? (parts[2] as string) : null;
  // Ids are slugs, so a path read from an edited manifest can never lead out of the output folder.
  if (recipientId !== null && !SLUG_PATTERN.test(recipientId)) return false;
  return DOCUMENT_FORMATS.some((format) => exportPath({ letterId, locale, recipientId, format }) === path);
}

async function ownLayoutFiles(outDir: string, letterId: string): Promise<string[]> {
  const folder = join(outDir, letterId);
  if (
    !(await stat(folder).then(
      (found) => found.isDirectory(),
      () => false,
    ))
  )
    return [];
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(outDir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .filter(isOwnLayout);
}

/**
 * The files an export holds of a letter, or of one language or recipient of it (`withdraw`'s scope), as
 * paths under the output folder (`<letter>/<locale>/[<recipient>/]<file>`): only files named as we name them.
 */
export async function exportedFilesOf(outDir: string, scope: { letterId: string; locale?: string; recipientId?: string }): Promise<string[]> {
  return (await ownLayoutFiles(outDir, scope.letterId)).filter((path) => {
    const parts = path.split("/");
    const recipientId = parts.length === 4 ? parts[2] : undefined;
    return (scope.locale === undefined || parts[1] === scope.locale) && (scope.recipientId === undefined || recipientId === scope.recipientId);
  });
}

async function holdsBytes(file: string, sha256: string): Promise<boolean> {
  try {
    return sha256Hex(await readFile(file)) === sha256;
  } catch {
    return false;
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Removes a file, then the folders it leaves empty, up to the output folder. */
async function removeFile(outDir: string, path: string): Promise<void> {
  await rm(join(outDir, path), { force: true });
  let dir = dirname(join(outDir, path));
  while (relative(outDir, dir) !== "" && !relative(outDir, dir).startsWith("..")) {
    if ((await readdir(dir)).length > 0) break;
    await rmdir(dir);
    dir = dirname(dir);
  }
}

const firstLine = (text: string) => text.split("\n")[0] ?? text;
