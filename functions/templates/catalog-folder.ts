import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LetterpressError } from "../core/errors";
import { parseDataJson, scanKeys, writesKeyTwice } from "../core/letter/parse-json";
import { printableFileName, translationFileNameProblem } from "../core/letter/translation-file-name";
import { type LocaleId, type LocaleOverrides, localeOverridesSchema, parseLocaleId } from "../core/locales";
import { type CatalogLayout, LOCALE_SETTINGS_KEY, type MessageCatalog } from "../core/template/message-catalog";

// Reading files of templates/ by name, and message catalogs: apart from the template loader, so
// that the download function (which words refused-link pages) bundles no template engine or images.

/** A template folder that lacks a file or folder is a TEMPLATE_ERROR naming it, never a raw ENOENT with a stack. */
export function unreadable(path: string, error: unknown): LetterpressError {
  const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (error as Error).message;
  return new LetterpressError(
    "TEMPLATE_ERROR",
    `${path}: cannot be read (${reason}); a template folder templates/<name>/ holds letter.hbs, page.hbs, partials/, messages/ and print.css, beside templates/ua.css`,
    { cause: error },
  );
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw unreadable(path, error);
  }
}

export async function readNamed(dir: string, extension: string): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(extension)).sort();
  } catch (error) {
    throw unreadable(dir, error);
  }
  const entries = await Promise.all(names.map(async (name) => [name.slice(0, -extension.length), await readText(join(dir, name))] as const));
  return Object.fromEntries(entries);
}

/**
 * Reads one catalog file: its messages (every value a string) and its optional `"$locale"` settings.
 * Errors name the file and the key.
 */
export function parseCatalogFile(file: string, text: string): { messages: MessageCatalog; overrides: LocaleOverrides | undefined } {
  const read = readCatalogFile(file, text);
  if (read.problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", read.problems.join("\n"));
  return { messages: read.messages, overrides: read.overrides };
}

/**
 * One catalog file read as far as it can be, with every problem of it: a value that is not a message
 * string is said (with its line) and left out, the file's other messages kept, so the checks of every
 * catalog still read this one (a fr.json with one bad value hid its missing keys, and the other files'
 * "lacks it" lines left it out). Malformed JSON is said with its line and column; nothing of it is known.
 */
export function readCatalogFile(file: string, text: string): { messages: MessageCatalog; overrides: LocaleOverrides | undefined; layout: CatalogLayout; problems: string[] } {
  const unreadable = (problem: string) => ({ messages: {}, overrides: undefined, layout: { positions: {}, unreadable: true }, problems: [`${file}: ${problem}`] });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The letters' reader words JSON.parse's error with the line and column ("at position 812" alone is of no help).
    const issue = (parseDataJson(file, text) as { issues?: { message: string }[] }).issues?.[0];
    return unreadable(issue?.message ?? "malformed JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return unreadable("expected an object of message key -> ICU message");
  // Where each key is written, and which key is written twice, is one scan of the file, made only when a
  // key count says a key is written twice or a problem is said: a sound catalog is read at every cold start and never asks.
  let scanned: ReturnType<typeof scanKeys> | undefined;
  const scan = () => (scanned ??= scanKeys(file, text));
  const positionsOf = () => scan().topLevel;
  const where = (key: string) => {
    const at = positionsOf()[key];
    return at ? ` line ${at.line}, column ${at.column}` : "";
  };
  // A message written twice would lose one in silence (JSON.parse keeps the last; its line is the one the key's other problems name).
  const problems: string[] = writesKeyTwice(text, value) ? scan().duplicates.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`) : [];
  const { [LOCALE_SETTINGS_KEY]: settings, ...written } = value as Record<string, unknown>;
  const messages: Record<string, string> = {};
  const unreadableKeys: string[] = [];
  for (const [key, message] of Object.entries(written)) {
    if (typeof message === "string") messages[key] = message;
    else {
      unreadableKeys.push(key);
      problems.push(`${file}${where(key)}: ${key}: expected an ICU message string, got ${JSON.stringify(message)}`);
    }
  }
  let overrides: LocaleOverrides | undefined;
  if (settings !== undefined) {
    const parsed = localeOverridesSchema.safeParse(settings);
    if (parsed.success) overrides = parsed.data;
    else
      problems.push(
        `${file}${where(LOCALE_SETTINGS_KEY)}: ${parsed.error.issues.map((issue) => `${[LOCALE_SETTINGS_KEY, ...issue.path].join(".")}: ${issue.message}`).join("; ")}`,
      );
  }
  const layout: CatalogLayout = {
    get positions() {
      return positionsOf();
    },
    unreadableKeys,
  };
  return { messages, overrides, layout, problems };
}

/** A catalog file left unread for its name, and the warning that says so (`<file>: skipped: <why, and the name meant>`). */
export interface SkippedCatalogFile {
  file: string;
  warning: string;
}

/**
 * Reads a folder of catalogs, `<tag>.json` each: the messages by language and their `"$locale"`
 * settings. `label` is how errors name the folder (`templates/<name>/messages`).
 */
export async function readCatalogFolder(
  dir: string,
  label: string,
  /** When given, a file that cannot be read is left out and its problem added here (the caller says it with the others); else every file's problems are thrown together. */
  collect?: string[],
): Promise<{
  catalogs: Partial<Record<LocaleId, MessageCatalog>>;
  localeOverrides: Partial<Record<LocaleId, LocaleOverrides>>;
  layouts: Partial<Record<LocaleId, CatalogLayout>>;
  /** The files skipped as named by no language (`vi (copy).json`, `vi_VN.json`), each with its warning. */
  skipped: SkippedCatalogFile[];
}> {
  const catalogs: Partial<Record<LocaleId, MessageCatalog>> = {};
  const localeOverrides: Partial<Record<LocaleId, LocaleOverrides>> = {};
  const layouts: Partial<Record<LocaleId, CatalogLayout>> = {};
  const skipped: SkippedCatalogFile[] = [];
  // Every file's problem at once: a malformed fr.json hides no problem of es.json.
  const problems: string[] = collect ?? [];
  for (const [tag, text] of Object.entries(await readNamed(dir, ".json"))) {
    const file = `${label}/${printableFileName(tag)}.json`;
    // A file named by no language is no language of the template (as in a letter folder): skipped with
    // a warning, never a problem that sets the whole template, English included, aside.
    const nameProblem = catalogFileNameProblem(`${tag}.json`);
    if (nameProblem !== undefined) {
      skipped.push({ file, warning: `${file}: skipped: ${nameProblem}` });
      continue;
    }
    try {
      const locale = parseLocaleId(tag, file);
      const read = readCatalogFile(file, text);
      problems.push(...read.problems);
      layouts[locale] = read.layout;
      if (read.layout.unreadable) continue;
      catalogs[locale] = read.messages;
      if (read.overrides) localeOverrides[locale] = read.overrides;
    } catch (error) {
      if (!(error instanceof LetterpressError)) throw error;
      problems.push(...(error as Error).message.split("\n"));
    }
  }
  if (collect === undefined && problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  return { catalogs, localeOverrides, layouts, skipped };
}

/** What a messages/ folder holds, as its warnings say it. */
const CATALOG_FOLDER_FILES = { files: "<locale>.json", folder: "the messages folder" };

/** Why a catalog file's name (`vi_VN.json`) is no language's tag, with the name meant; undefined for a language's. */
export function catalogFileNameProblem(name: string): string | undefined {
  return translationFileNameProblem(name, CATALOG_FOLDER_FILES);
}
