#!/usr/bin/env node
import { TemplateSetAsideError } from "../functions/core/template/template-library";
import type { LocaleId } from "../functions/core/locales";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { DOCUMENT_FORMATS, type DocumentFormat } from "../functions/core/documents";
import { formatDataIssue, InvalidLetterDataError, LetterpressError } from "../functions/core/errors";
import { closestNames } from "../functions/core/text/closest-names";
import { DirectoryLetterSource, type LetterSource, readingOnce } from "../functions/letters/letter-source";
import { exportDocuments, prepareExportDirectory } from "./export";
import { lockExportDirectory } from "./export-lock";
import { generateDocuments, missingLocaleLines, runSummary } from "./generate";
import { type AskedLocale, readAskedLocale, resolveAskedLocales } from "./locale-flag";
import { paperConflicts, type TemplatePageSize, templatePageSize } from "./paper-flag";
import { checkBucketFlags, withBucketFlags } from "./bucket-flags";
import { FailureGroups, groupedProblemLines, idsInPath } from "./failure-groups";
import { identicalCopiesWarning, unreadLocalesWarning } from "./mail-merge-check";
import { TemplateEngine } from "../functions/core/template/template-engine";
import { loadTemplateSet } from "../functions/templates/load-template-set";
import { ProgressTable } from "./progress-table";
import { followLetterData } from "./follow-letter-data";
import { templateLoadAndStylesheetWarnings } from "../functions/templates/templates-folder-warnings";
import { PublishOrigins } from "./publish-origins";
import { PUBLISH_ORIGINS_FILE, startLocalRuntime } from "./runtime";
import { createLocalServer, listenLocalServer } from "./server";
import { withdrawCommand } from "./withdraw";

/** Parses a comma-separated flag value, checking each item. */
function listOf<T extends string>(what: string, isValid: (value: string) => value is T, expected: string, known: readonly string[] = []) {
  return (value: string): T[] => {
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError(`expected ${expected}`);
    const valid: T[] = [];
    for (const item of items) {
      if (!isValid(item)) {
        const meant = closestNames(item, known);
        throw new InvalidArgumentError(`unknown ${what} "${item}"${meant.length > 0 ? ` (did you mean ${meant.join(" or ")}?)` : ""}; expected ${expected}`);
      }
      if (!valid.includes(item)) valid.push(item);
    }
    return valid;
  };
}

/**
 * A list flag given more than once asks for every value given, as one comma-separated list would
 * (`--locale zh --locale ar`: both; before, the last one alone was kept, silently). The first value
 * given replaces the flag's default rather than adding to it.
 */
function repeatable<T>(parse: (value: string) => T[], byDefault?: readonly T[]) {
  return (value: string, previous: T[] | undefined): T[] => {
    const before = previous === undefined || previous === byDefault ? [] : previous;
    const all = [...before, ...parse(value)];
    // The same item twice is asked once (`--format pdf --format pdf`); items that are objects are compared as written.
    const keyOf = (item: T) => JSON.stringify(item);
    return all.filter((item, index) => all.findIndex((other) => keyOf(other) === keyOf(item)) === index);
  };
}

/** `--format`'s default, one array, so the first `--format` given is known to replace it (repeatable). */
const DEFAULT_FORMATS: DocumentFormat[] = [...DOCUMENT_FORMATS];

const isFormat = (value: string): value is DocumentFormat => (DOCUMENT_FORMATS as readonly string[]).includes(value);
/** A letter id as a person may write it: an id's characters in any case, and `_` (an id's are lowercase, with `-`). */
const isWrittenLetterId = (value: string): value is string => /^[A-Za-z0-9_-]{1,64}$/.test(value);

// Local runs may be on Node 20, which the pinned AWS SDK supports; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const program = new Command()
  .name("letterpress")
  .description("Letters as data, rendered to localized PDF and HTML.")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

interface CommonFlags {
  data: string;
  templates: string;
  paper: "a4" | "letter";
  bucket?: string;
  endpoint?: string;
  region?: string;
}

/** Flags every command shares: where letters and templates are, and where documents are stored. */
function withStorageFlags(command: Command): Command {
  return withBucketFlags(command, "store in this S3 bucket instead of the embedded server")
    .option("--data <dir>", "folder of letters", "data")
    .option("--templates <dir>", "templates folder: a folder per template (<name>/, named by a letter's letter.json) beside ua.css", "templates")
    .addOption(
      new Option(
        "--paper <size>",
        "paper of the templates that set no @page size (a template's own size wins; giving --paper against it is refused): a4 or letter, in any case as in CSS",
      )
        .argParser(paperSize)
        .default("a4"),
    );
}

function runtimeOptions(flags: CommonFlags) {
  checkBucketFlags(flags);
  return {
    dataDir: resolve(flags.data),
    templatesDir: resolve(flags.templates),
    paper: flags.paper === "a4" ? ("A4" as const) : ("Letter" as const),
    ...(flags.bucket ? { bucket: flags.bucket } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.region ? { region: flags.region } : {}),
  };
}

withStorageFlags(
  program
    .command("generate")
    .description("render letters to PDF and HTML, store them in S3 (the embedded server by default) and export them under --out")
    .option(
      "--letter <ids>",
      "letter ids, comma-separated or the flag repeated (default: every letter)",
      // Any case and `_` pass here: the check against the data suggests the id it has (checkAskedLetters).
      repeatable(listOf("letter id", isWrittenLetterId, "letter ids such as unsc-dprk-2015")),
    )
    .option(
      "--locale <locales>",
      "languages, comma-separated or the flag repeated (default: every language of the letter)",
      repeatable((value: string) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean)
          .map((item) => {
            const asked = readAskedLocale(item);
            if (!asked) throw new InvalidArgumentError(`"${item}" is not a language tag; expected BCP 47 tags such as en, pt-BR, zh-Hant`);
            return asked;
          }),
      ),
    )
    // The default said as it is typed (commander would print the array as JSON).
    .addOption(
      new Option("--format <formats>", "formats, comma-separated or the flag repeated: pdf and/or html")
        .argParser(repeatable(listOf("format", isFormat, "pdf and/or html", DOCUMENT_FORMATS), DEFAULT_FORMATS))
        .default(DEFAULT_FORMATS, DOCUMENT_FORMATS.join(",")),
    )
    .option("--recipients", "one personalized letter per recipient, in the recipient's language", false)
    .option("--every-failure", "say every failure in full (by default alike failures are said the first few times, then summed up)", false)
    .option("--out <dir>", "where exported documents and manifest.json go", "out"),
).action(
  async (
    flags: CommonFlags & { letter?: string[]; locale?: AskedLocale[]; format: DocumentFormat[]; recipients: boolean; everyFailure: boolean; out: string },
    command: Command,
  ) => {
    // The checks before the run read each letter once between them; the run reads it again, once, as it renders.
    const checked = readingOnce(new DirectoryLetterSource(resolve(flags.data)));
    // Every argument is checked before the embedded S3 server starts (fresh7 item 14): a refused run
    // neither starts a server nor says where it would have stored. First the --data folder itself.
    await checked.listLetters();
    if (flags.letter) await checkAskedLetters(checked, flags.letter, flags.data);
    await checkExplicitPaper(checked, flags, command, flags.letter);
    // Asked languages are checked against the data before anything renders: a tag written another way
    // (EN, pt_br) or a language the letters lack is named with the tag the data has.
    const dataLocales = flags.locale ? await languagesOfData(checked, flags.letter) : undefined;
    // When no asked letter can be read, the run says why; its languages are unknown, so the tags go as written.
    const locales = flags.locale ? (dataLocales ? resolveAskedLocales(flags.locale, dataLocales) : flags.locale.map((asked) => asked.tag)) : undefined;
    // Every warning goes through here, so the closing line counts what was printed (runSummary).
    const warnings: string[] = [];
    const warn = (warning: string) => {
      warnings.push(warning);
      console.error(`warning: ${warning}`);
    };
    // Reading the templates' stylesheets also refuses a --templates folder that is not there.
    // A run for some letters is told of their templates' problems only, not again of every broken template's.
    const runTemplates = flags.letter ? await templatesOfLetters(checked, flags.letter) : undefined;
    const templateWarnings = await templateLoadAndStylesheetWarnings(resolve(flags.templates), runtimeOptions(flags).paper, runTemplates);
    if (flags.recipients) for (const warning of await mailMergeWarnings(checked, flags, flags.letter, locales)) warn(warning);
    for (const warning of templateWarnings) warn(warning);
    await prepareExportDirectory(resolve(flags.out));
    // One run at a time exports into a folder: two at once left files and manifest.json contradicting each other (fresh user 8b).
    const releaseOut = await lockExportDirectory(resolve(flags.out));
    const runtime = await startLocalRuntime(runtimeOptions(flags)).catch(async (error: unknown) => {
      await releaseOut();
      throw error;
    });
    try {
      console.log(`Storing in ${runtime.description}`);
      const table = new ProgressTable(process.stdout, new FailureGroups(flags.everyFailure));
      const result = await generateDocuments(
        runtime.service,
        runtime.letters,
        { ...(flags.letter ? { letterIds: flags.letter } : {}), ...(locales ? { locales } : {}), formats: flags.format, personalized: flags.recipients },
        {
          onPlanned: (requests) => table.planned(requests),
          onStored: (stored) => table.stored(stored),
          onFailure: (failure) => table.failed(failure),
          onPublishFailure: (failure) => table.publishFailed(failure),
        },
      );
      table.finish(`in ${flags.out}/manifest.json's failures, or said in full with --every-failure`);
      const paper = runtimeOptions(flags).paper;
      const revisionOnPaper = runtime.revisionOnPaper;
      const manifest = await exportDocuments(resolve(flags.out), result, undefined, warn, revisionOnPaper ? { run: paper, revisionOn: revisionOnPaper } : undefined);
      // A letter published here before from another --data folder (a scratch copy under the same id) is said.
      if (!flags.bucket) {
        const origins = new PublishOrigins(PUBLISH_ORIGINS_FILE);
        const published = new Set(result.stored.map((stored) => stored.request.letterId));
        for (const { letterId, revision } of result.letters) {
          if (!published.has(letterId) || revision === undefined) continue;
          // Only a publish that moved latest.json (every document of the revision stored) changes what
          // serve's links lead to; one format alone (--format pdf) stores documents but leaves latest.json.
          if ((await runtime.store.getLatest(letterId))?.revision !== revision) continue;
          const takenOver = await origins.published(letterId, resolve(flags.data), revision);
          if (takenOver) warn(takenOver);
        }
      }
      for (const warning of result.warnings) warn(formatDataIssue(warning));
      for (const line of missingLocaleLines(result.missingLocales)) console.error(line);
      for (const { letterId, error } of result.letterFailures) {
        // A set-aside template is the template's fault, not the letter's: said so, with why (its problems) below.
        console.error(
          error instanceof TemplateSetAsideError
            ? `letter ${letterId}: ${error.code}: not made, its template "${error.template}" was set aside, for these problems:`
            : `letter ${letterId}: ${error.code}`,
        );
        // A TEMPLATE_ERROR is one problem a line: each indented under its letter, not the first alone.
        // Alike problems (800 recipients' missing fingerprints) are said the first few times, then summed up.
        const lines =
          error instanceof InvalidLetterDataError
            ? groupedProblemLines(
                error.issues.map((issue) => ({ line: formatDataIssue(issue), name: `${issue.file}: ${issue.path}`, ids: idsInPath(issue.path) })),
                flags.everyFailure,
              )
            : error.message.split("\n");
        for (const line of lines) console.error(`  ${line}`);
      }
      console.log(runSummary(result, warnings, { dir: flags.out, documents: manifest.documents.length }));
      process.exitCode = result.failures.length + result.letterFailures.length > 0 ? 1 : 0;
    } finally {
      await runtime.close();
      await releaseOut();
    }
  },
);

withStorageFlags(
  program
    .command("serve")
    .description("serve the download API and an index page on localhost, over the embedded S3 (or --bucket)")
    .option(
      "--port <port>",
      "port on 127.0.0.1",
      (value) => {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
        return port;
      },
      8080,
    )
    .option(
      "--new-share-key",
      "when .local/share-keys.json is gone but share links it sealed are still live, start a new key ring anyway (those links stop opening); without it share links are refused until the file is restored",
      false,
    ),
).action(async (flags: CommonFlags & { port: number; newShareKey: boolean }, command: Command) => {
  const letters = new DirectoryLetterSource(resolve(flags.data));
  // The --data and --templates folders are checked before the embedded S3 server starts (fresh7 item 14).
  await letters.listLetters();
  await checkExplicitPaper(letters, flags, command, undefined);
  const templateWarnings = await templateLoadAndStylesheetWarnings(resolve(flags.templates), runtimeOptions(flags).paper);
  // Share links point at this server, whose port is known once it listens (--port 0 picks one).
  let listening!: (baseUrl: string) => void;
  const shareLinkBaseUrl = new Promise<string>((resolve) => (listening = resolve));
  // Share links' problems (the key ring) are said here too, not only in .local/functions.log.
  const runtime = await startLocalRuntime({
    ...runtimeOptions(flags),
    shareLinkBaseUrl,
    newShareKey: flags.newShareKey,
    onShareProblem: (text) => console.error(`warning: share links: ${text}`),
  });
  for (const warning of templateWarnings) console.error(`warning: ${warning}`);
  const server = createLocalServer(runtime);
  const port = await listenLocalServer(server, flags.port).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  listening(`http://127.0.0.1:${port}/`);
  console.log(`letterpress is serving http://127.0.0.1:${port}/ (documents in ${runtime.description}); Ctrl-C stops it`);
  // Links follow the data as it is now, as on AWS, where a change under data/ re-renders its letter.
  const watching = followLetterData(runtime, flags.data, {
    templatesDir: resolve(flags.templates),
    ...(flags.bucket ? {} : { publishOrigins: new PublishOrigins(PUBLISH_ORIGINS_FILE) }),
  });
  const stop = () => {
    const unwatched = watching.close();
    server.close(() => void unwatched.then(() => runtime.close()).then(() => process.exit(0)));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
});

/** `--paper`: a4 or letter, read case-insensitively as CSS reads `size: A4`. */
function paperSize(value: string): "a4" | "letter" {
  const size = value.toLowerCase();
  if (size === "a4" || size === "letter") return size;
  throw new InvalidArgumentError(`expected a4 or letter (in any case), got "${value}"`);
}

/**
 * `--paper` given on the command line against a template that sets its own `@page { size }`: refused
 * before anything runs, naming the stylesheet's line (paper-flag.ts has the rule). Without `--paper`
 * each template's size wins, and A4 is the size of templates that set none.
 */
async function checkExplicitPaper(letters: LetterSource, flags: CommonFlags, command: Command, letterIds: readonly string[] | undefined): Promise<void> {
  if (command.getOptionValueSource("paper") !== "cli") return;
  const byTemplate = new Map<string, string[]>();
  for (const letterId of letterIds ?? (await letters.listLetters()).letterIds) {
    // A letter that cannot be read is reported by the run itself.
    const parsed = await letters.loadLetter(letterId).catch(() => undefined);
    if (parsed) byTemplate.set(parsed.letter.facts.template, [...(byTemplate.get(parsed.letter.facts.template) ?? []), letterId]);
  }
  const templates: { size: TemplatePageSize | undefined; letterIds: string[] }[] = [];
  for (const [template, letterIds] of [...byTemplate].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = join(flags.templates, template, "print.css");
    const text = await readFile(resolve(name), "utf8").catch(() => undefined);
    templates.push({ size: text === undefined ? undefined : templatePageSize(name, text), letterIds });
  }
  const conflict = paperConflicts(flags.paper, runtimeOptions(flags).paper, templates);
  if (conflict) throw new LetterpressError("INVALID_REQUEST", conflict);
}

/** The templates `letterIds` name; undefined when one of them cannot be read (its template unknown, every template's warnings are said). */
async function templatesOfLetters(letters: LetterSource, letterIds: readonly string[]): Promise<Set<string> | undefined> {
  const templates = new Set<string>();
  for (const letterId of letterIds) {
    const parsed = await letters.loadLetter(letterId).catch(() => undefined);
    if (!parsed) return undefined;
    templates.add(parsed.letter.facts.template);
  }
  return templates;
}

/**
 * A mail merge of a template that prints nothing of the recipient, or limited to languages no recipient
 * reads: said once per letter (mail-merge-check.ts).
 */
async function mailMergeWarnings(letters: LetterSource, flags: CommonFlags, letterIds: readonly string[] | undefined, locales: readonly LocaleId[] | undefined): Promise<string[]> {
  const engines = new Map<string, TemplateEngine | undefined>();
  const warnings: string[] = [];
  // A letter or template that cannot be read is reported by the run itself.
  const read = await Promise.all((letterIds ?? (await letters.listLetters()).letterIds).map((letterId) => letters.loadLetter(letterId).catch(() => undefined)));
  const parsedLetters = read.flatMap((parsed) => (parsed ? [parsed] : []));
  // A run over every letter names those a mail merge makes copies of, beside one that has no recipients.
  const lettersWithRecipients = letterIds === undefined ? parsedLetters.filter(({ letter }) => letter.facts.recipients.length > 0).map(({ letter }) => letter.facts.id) : undefined;
  for (const parsed of parsedLetters) {
    const unread = unreadLocalesWarning(parsed.letter, locales, lettersWithRecipients);
    if (unread) warnings.push(unread);
    const name = parsed.letter.facts.template;
    if (!engines.has(name))
      engines.set(
        name,
        await loadTemplateSet(resolve(flags.templates), name)
          .then((set) => new TemplateEngine(set))
          .catch(() => undefined),
      );
    const engine = engines.get(name);
    const warning = engine ? identicalCopiesWarning(engine, parsed.letter, flags.templates, locales) : undefined;
    if (warning) warnings.push(warning);
  }
  return warnings;
}

/**
 * `--letter` ids the data has no letter for are refused before anything renders (exit 2), as unknown
 * `--locale` tags are, naming the letters there are, with the ones it most likely meant first (the
 * id in another case, `WATER-APPEAL`, or a near miss, `unsc-dprk2015`: closest-names.ts); a folder
 * the reader skipped says why.
 */
async function checkAskedLetters(letters: LetterSource, letterIds: readonly string[], dataDir: string): Promise<void> {
  const listing = await letters.listLetters();
  const problems = letterIds
    .filter((letterId) => !listing.letterIds.includes(letterId))
    .map((letterId) => {
      const skipped = listing.warnings.find((warning) => warning.file === `${letterId}/` || warning.file === letterId);
      const meant = closestNames(letterId, listing.letterIds);
      const suggestion = meant.length > 0 ? `; did you mean ${meant.map((id) => `--letter ${id}`).join(" or ")}?` : "";
      return `--letter ${letterId}: no letter "${letterId}" in ${dataDir}${skipped ? ` (${skipped.file}: ${skipped.message})` : ""}; the letters there: ${listing.letterIds.join(", ")}${suggestion}`;
    });
  if (problems.length > 0) throw new LetterpressError("UNKNOWN_LETTER", problems.join("\n"));
}

/** Every language the asked letters (or all letters) have a file for, usable or not; undefined when none can be read. */
async function languagesOfData(letters: LetterSource, letterIds: readonly string[] | undefined): Promise<Set<string> | undefined> {
  const languages = new Set<string>();
  let read = 0;
  for (const letterId of letterIds ?? (await letters.listLetters()).letterIds) {
    // A letter that cannot be read is reported by the run itself; its languages are unknown here.
    const parsed = await letters.loadLetter(letterId).catch(() => undefined);
    if (parsed) read++;
    for (const locale of [...(parsed?.letter.translations.keys() ?? []), ...(parsed?.localeErrors.keys() ?? [])]) languages.add(locale);
  }
  return read > 0 ? languages : undefined;
}

// Revokes a letter's (a language's, a recipient's) share links and deletes its stored documents: local/withdraw.ts.
program.addCommand(withdrawCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof LetterpressError ? `${error.code}: ${error.message}` : error);
  process.exit(2);
});
