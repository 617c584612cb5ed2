import { join } from "node:path";
import type { LocaleId } from "../core/locales";
import { LetterpressError } from "../core/errors";
import { checkCatalogs, type MessageCatalog } from "../core/template/message-catalog";
import { readCatalogFolder } from "./catalog-folder";

/** letterpress's own pages' words at the root of templates/ (the refused share links' pages), not any template's. */
export const PAGE_MESSAGES_FOLDER = "share-pages";

/** The catalog every other language's page catalog is checked against (the same keys and arguments). */
const PAGE_SOURCE_LOCALE = "en" as LocaleId;

/**
 * Reads letterpress's own message catalogs, templates/share-pages/<tag>.json: the words of the pages
 * a refused share link shows, whichever templates the letters use. Errors name the file and the key.
 */
export async function loadPageCatalogs(templatesDir: string): Promise<Partial<Record<LocaleId, MessageCatalog>>> {
  const { catalogs } = await readCatalogFolder(join(templatesDir, PAGE_MESSAGES_FOLDER), `templates/${PAGE_MESSAGES_FOLDER}`);
  // Checked whole when read (serve reads them again on every save): a message that cannot be
  // formatted would otherwise answer a refused link with 503, and a missing key fall back to English in silence.
  const problems = checkCatalogs(catalogs, PAGE_SOURCE_LOCALE).map((problem) => problem.replace(/^messages\//, `templates/${PAGE_MESSAGES_FOLDER}/`));
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  return catalogs;
}
