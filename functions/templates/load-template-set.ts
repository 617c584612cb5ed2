import { type Dirent, existsSync, readdirSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TemplateSet } from "../core/template/template-engine";
import { type LocaleId, type LocaleOverrides, localeOverridesSchema, parseLocaleId } from "../core/locales";
import { LOCALE_SETTINGS_KEY, type MessageCatalog } from "../core/template/message-catalog";
import { LetterpressError } from "../core/errors";
import { findDuplicateKeys } from "../core/letter/parse-json";
import { loadTemplateAssets } from "./template-assets";

/** A template folder that lacks a file or folder is a TEMPLATE_ERROR naming it, never a raw ENOENT with a stack. */
function unreadable(path: string, error: unknown): LetterpressError {
  const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (error as Error).message;
  return new LetterpressError(
    "TEMPLATE_ERROR",
    `${path}: cannot be read (${reason}); a template folder templates/<name>/ holds letter.hbs, page.hbs, partials/, messages/ and print.css, beside templates/ua.css`,
    { cause: error },
  );
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

/** letterpress's own stylesheet at the root of templates/: the defaults of the vocabulary's elements, for every template. */
export const USER_AGENT_STYLESHEET = "ua.css";

/**
 * The templates a templates folder holds, by name (sorted): its subfolders that have a letter.hbs.
 * What sits beside them (ua.css, CSS.md, VOCABULARY.md) is letterpress's, not a template's.
 */
export function templateNames(templatesDir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(templatesDir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(templatesDir, error);
  }
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(join(templatesDir, entry.name, "letter.hbs")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Reads one template folder, templates/<name>/: its main templates (*.hbs), its partials, its
 * stylesheet (print.css) and its message catalogs, with letterpress's user-agent stylesheet
 * (templates/ua.css) read before it. The languages are the catalogs present: `messages/<BCP 47 tag>.json`.
 */
export async function loadTemplateSet(templatesDir: string, name: string): Promise<TemplateSet> {
  const folder = join(templatesDir, name);
  const catalogs: Partial<Record<LocaleId, MessageCatalog>> = {};
  const localeOverrides: Partial<Record<LocaleId, LocaleOverrides>> = {};
  for (const [tag, text] of Object.entries(await readNamed(join(folder, "messages"), ".json"))) {
    const file = `templates/${name}/messages/${tag}.json`;
    let locale: LocaleId;
    try {
      locale = parseLocaleId(tag, file);
    } catch (error) {
      throw new LetterpressError("TEMPLATE_ERROR", (error as Error).message, { cause: error });
    }
    const { messages, overrides } = parseCatalogFile(file, text);
    catalogs[locale] = messages;
    if (overrides) localeOverrides[locale] = overrides;
  }
  return {
    name,
    templates: await readNamed(folder, ".hbs"),
    partials: await readNamed(join(folder, "partials"), ".hbs"),
    catalogs,
    localeOverrides,
    stylesheet: await readText(join(folder, "print.css")),
    userAgentStylesheet: await readText(join(templatesDir, USER_AGENT_STYLESHEET)),
    assets: await loadTemplateAssets(folder),
  };
}

/** Every template folder of a templates folder, read (see loadTemplateSet); a folder with no template is an error naming it. */
export async function loadTemplateSets(templatesDir: string): Promise<TemplateSet[]> {
  const names = templateNames(templatesDir);
  if (names.length === 0)
    throw new LetterpressError(
      "TEMPLATE_ERROR",
      `${templatesDir}: no template found; a template is a folder templates/<name>/ holding letter.hbs, page.hbs, partials/, print.css and messages/`,
    );
  return Promise.all(names.map((name) => loadTemplateSet(templatesDir, name)));
}

/**
 * The languages a template has, by its message catalogs (sorted): for tools and tests that want
 * "every language", so that no list of languages is written in code.
 */
export function catalogLocales(templatesDir: string, name: string): LocaleId[] {
  return readdirSync(join(templatesDir, name, "messages"))
    .filter((file) => file.endsWith(".json"))
    .map((file) => parseLocaleId(file.slice(0, -".json".length), `templates/${name}/messages/${file}`))
    .sort();
}
