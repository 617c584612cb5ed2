import { readdirSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TemplateSet } from "../core/template/template-engine";
import { type LocaleId, type LocaleOverrides, localeOverridesSchema, parseLocaleId } from "../core/locales";
import { LOCALE_SETTINGS_KEY, type MessageCatalog } from "../core/template/message-catalog";
import { LetterpressError } from "../core/errors";
import { loadTemplateAssets } from "./template-assets";

/** A template folder that lacks a file or folder is a TEMPLATE_ERROR naming it, never a raw ENOENT with a stack. */
function unreadable(path: string, error: unknown): LetterpressError {
  const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (error as Error).message;
  return new LetterpressError("TEMPLATE_ERROR", `${path}: cannot be read (${reason}); a template folder holds *.hbs, partials/, messages/, ua.css and print.css`, { cause: error });
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw unreadable(path, error);
  }
}

async function readNamed(dir: string, extension: string): Promise<Record<string, string>> {
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
  if (settings === undefined) return { messages: messages as MessageCatalog, overrides: undefined };
  const parsed = localeOverridesSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${[LOCALE_SETTINGS_KEY, ...issue.path].join(".")}: ${issue.message}`);
    throw new LetterpressError("TEMPLATE_ERROR", `${file}: ${problems.join("; ")}`);
  }
  return { messages: messages as MessageCatalog, overrides: parsed.data };
}

/**
 * Reads templates/: the main templates, the partials, the two stylesheets (ua.css, print.css) and
 * every message catalog.
 * The languages are the catalogs present: `messages/<BCP 47 tag>.json`.
 */
export async function loadTemplateSet(templatesDir: string): Promise<TemplateSet> {
  const catalogs: Partial<Record<LocaleId, MessageCatalog>> = {};
  const localeOverrides: Partial<Record<LocaleId, LocaleOverrides>> = {};
  for (const [name, text] of Object.entries(await readNamed(join(templatesDir, "messages"), ".json"))) {
    const file = `templates/messages/${name}.json`;
    let locale: LocaleId;
    try {
      locale = parseLocaleId(name, file);
    } catch (error) {
      throw new LetterpressError("TEMPLATE_ERROR", (error as Error).message, { cause: error });
    }
    const { messages, overrides } = parseCatalogFile(file, text);
    catalogs[locale] = messages;
    if (overrides) localeOverrides[locale] = overrides;
  }
  return {
    templates: await readNamed(templatesDir, ".hbs"),
    partials: await readNamed(join(templatesDir, "partials"), ".hbs"),
    catalogs,
    localeOverrides,
    stylesheet: await readText(join(templatesDir, "print.css")),
    userAgentStylesheet: await readText(join(templatesDir, "ua.css")),
    assets: await loadTemplateAssets(templatesDir),
  };
}

/**
 * The languages a templates folder has, by its message catalogs (sorted): for tools and tests that
 * want "every language", so that no list of languages is written in code.
 */
export function catalogLocales(templatesDir: string): LocaleId[] {
  return readdirSync(join(templatesDir, "messages"))
    .filter((name) => name.endsWith(".json"))
    .map((name) => parseLocaleId(name.slice(0, -".json".length), `templates/messages/${name}`))
    .sort();
}
