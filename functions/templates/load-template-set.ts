import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TemplateSet } from "../core/template/template-engine";
import { isLocaleId, type LocaleId } from "../core/locales";
import type { MessageCatalog } from "../core/template/message-catalog";
import { LetterpressError } from "../core/errors";

async function readNamed(dir: string, extension: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(extension)).sort();
  const entries = await Promise.all(names.map(async (name) => [name.slice(0, -extension.length), await readFile(join(dir, name), "utf8")] as const));
  return Object.fromEntries(entries);
}

/** Reads templates/: the main templates, the partials, the two stylesheets and every locale's message catalog. */
export async function loadTemplateSet(templatesDir: string): Promise<TemplateSet> {
  const catalogs: Partial<Record<LocaleId, MessageCatalog>> = {};
  for (const [locale, text] of Object.entries(await readNamed(join(templatesDir, "messages"), ".json"))) {
    if (!isLocaleId(locale)) throw new LetterpressError("TEMPLATE_ERROR", `templates/messages/${locale}.json: not a supported locale`);
    try {
      catalogs[locale] = JSON.parse(text) as MessageCatalog;
    } catch (error) {
      throw new LetterpressError("TEMPLATE_ERROR", `templates/messages/${locale}.json: malformed JSON (${(error as Error).message})`, { cause: error });
    }
  }
  return {
    templates: await readNamed(templatesDir, ".hbs"),
    partials: await readNamed(join(templatesDir, "partials"), ".hbs"),
    catalogs,
    stylesheet: await readFile(join(templatesDir, "print.css"), "utf8"),
    userAgentStylesheet: await readFile(join(templatesDir, "ua.css"), "utf8"),
  };
}
