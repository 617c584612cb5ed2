#!/usr/bin/env node
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { DOCUMENT_FORMATS, type DocumentFormat, describeDocument } from "../functions/core/documents";
import { formatDataIssue, InvalidLetterDataError, LetterpressError } from "../functions/core/errors";
import { SLUG_PATTERN } from "../functions/core/letter/schema";
import { isLocaleId, type LocaleId, SUPPORTED_LOCALES } from "../functions/core/locales";
import { exportDocuments } from "./export";
import { generateDocuments } from "./generate";
import { createLocalRenderer } from "./renderer";

/** Parses a comma-separated flag value, checking each item. */
function listOf<T extends string>(what: string, isValid: (value: string) => value is T, expected: string) {
  return (value: string): T[] => {
    const items = value.split(",").map((item) => item.trim()).filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError(`expected ${expected}`);
    const valid: T[] = [];
    for (const item of items) {
      if (!isValid(item)) throw new InvalidArgumentError(`unknown ${what} "${item}"; expected ${expected}`);
      if (!valid.includes(item)) valid.push(item);
    }
    return valid;
  };
}

const isFormat = (value: string): value is DocumentFormat => (DOCUMENT_FORMATS as readonly string[]).includes(value);
const isSlug = (value: string): value is string => SLUG_PATTERN.test(value);

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

const program = new Command()
  .name("letterpress")
  .description("Letters as data, rendered to localized PDF and HTML.")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command("generate")
  .description("render letters to PDF and HTML and export them under --out, with out/manifest.json")
  .option("--data <dir>", "folder of letters", "data")
  .option("--templates <dir>", "folder of templates and message catalogs", "templates")
  .option("--letter <ids>", "letter ids, comma-separated (default: every letter)", listOf("letter id", isSlug, "lowercase ids such as unsc-dprk-2015"))
  .option("--locale <locales>", `languages, comma-separated (default: every language of the letter)`, listOf("locale", isLocaleId, `some of ${SUPPORTED_LOCALES.join(",")}`))
  .option("--format <formats>", "formats, comma-separated", listOf("format", isFormat, "pdf and/or html"), [...DOCUMENT_FORMATS])
  .option("--recipients", "one personalized letter per recipient, in the recipient's language", false)
  .addOption(new Option("--paper <size>", "paper size").choices(["a4", "letter"]).default("a4"))
  .option("--out <dir>", "where exported documents and manifest.json go", "out")
  .action(async (flags: { data: string; templates: string; letter?: string[]; locale?: LocaleId[]; format: DocumentFormat[]; recipients: boolean; paper: "a4" | "letter"; out: string }) => {
    const renderer = await createLocalRenderer({ templatesDir: resolve(flags.templates), paper: flags.paper === "a4" ? "A4" : "Letter" });
    const result = await generateDocuments(
      renderer,
      { dataDir: resolve(flags.data), ...(flags.letter ? { letterIds: flags.letter } : {}), ...(flags.locale ? { locales: flags.locale } : {}), formats: flags.format, personalized: flags.recipients },
      {
        onDocument: (document, ms) => console.log(`  ok    ${describeDocument(document.request).padEnd(36)} ${kilobytes(document.bytes.length).padStart(9)} ${ms.toFixed(0).padStart(6)} ms`),
        onFailure: (failure) => console.log(`  FAIL  ${describeDocument(failure.request).padEnd(36)} ${failure.error.message.split("\n")[0]}`),
      },
    );
    const manifest = await exportDocuments(resolve(flags.out), result.documents, result.failures);
    for (const { letterId, error } of result.letterFailures) {
      console.error(`letter ${letterId}: ${error.code}`);
      const lines = error instanceof InvalidLetterDataError ? error.issues.map(formatDataIssue) : [error.message];
      for (const line of lines) console.error(`  ${line}`);
    }
    console.log(`${manifest.documents.length} documents written to ${flags.out}/, ${result.failures.length} failed${result.letterFailures.length ? `, ${result.letterFailures.length} letters unreadable` : ""}`);
    process.exitCode = result.failures.length + result.letterFailures.length > 0 ? 1 : 0;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof LetterpressError ? `${error.code}: ${error.message}` : error);
  process.exit(2);
});
