import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LetterpressError } from "../core/errors";
import { findDuplicateKeys } from "../core/letter/parse-json";
import { type LocaleId, type LocaleOverrides, localeOverridesSchema, parseLocaleId } from "../core/locales";
import { LOCALE_SETTINGS_KEY, type MessageCatalog } from "../core/template/message-catalog";

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

/** A message written twice would lose one in silence (JSON.parse keeps the last); checked once the shape is known to be shallow. */
function refuseDuplicateKeys(file: string, text: string): void {
  const duplicates = findDuplicateKeys(file, text);
  if (duplicates.length > 0) throw new LetterpressError("TEMPLATE_ERROR", duplicates.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`).join("\n"));
}

/**
 * Reads one catalog file: its messages (every value a string) and its optional `"$locale"` settings.
 * Errors name the file and the key.
 */
export function parseCatalogFile(file: string, text: string): { messages: MessageCatalog; overrides: LocaleOverrides | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LetterpressError("TEMPLATE_ERROR", `${file}: malformed JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new LetterpressError("TEMPLATE_ERROR", `${file}: expected an object of message key -> ICU message`);
  const { [LOCALE_SETTINGS_KEY]: settings, ...messages } = value as Record<string, unknown>;
  for (const [key, message] of Object.entries(messages)) {
    if (typeof message !== "string") throw new LetterpressError("TEMPLATE_ERROR", `${file}: ${key}: expected an ICU message string, got ${JSON.stringify(message)}`);
  }
  if (settings === undefined) {
    refuseDuplicateKeys(file, text);
    return { messages: messages as MessageCatalog, overrides: undefined };
  }
  const parsed = localeOverridesSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${[LOCALE_SETTINGS_KEY, ...issue.path].join(".")}: ${issue.message}`);
    throw new LetterpressError("TEMPLATE_ERROR", `${file}: ${problems.join("; ")}`);
  }
  refuseDuplicateKeys(file, text);
  return { messages: messages as MessageCatalog, overrides: parsed.data };
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
): Promise<{ catalogs: Partial<Record<LocaleId, MessageCatalog>>; localeOverrides: Partial<Record<LocaleId, LocaleOverrides>> }> {
  const catalogs: Partial<Record<LocaleId, MessageCatalog>> = {};
  const localeOverrides: Partial<Record<LocaleId, LocaleOverrides>> = {};
  // Every file's problem at once: a malformed fr.json hides no problem of es.json.
  const problems: string[] = collect ?? [];
  for (const [tag, text] of Object.entries(await readNamed(dir, ".json"))) {
    const file = `${label}/${tag}.json`;
    try {
      const locale = parseLocaleId(tag, file);
      const { messages, overrides } = parseCatalogFile(file, text);
      catalogs[locale] = messages;
      if (overrides) localeOverrides[locale] = overrides;
    } catch (error) {
      if (!(error instanceof LetterpressError)) throw error;
      problems.push(...(error as Error).message.split("\n"));
    }
  }
  if (collect === undefined && problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  return { catalogs, localeOverrides };
}
