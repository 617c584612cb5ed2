import { join } from "node:path";
import type { LocaleId } from "../core/locales";
import type { MessageCatalog } from "../core/template/message-catalog";
import { readCatalogFolder } from "./catalog-folder";

/** letterpress's own pages' words at the root of templates/ (the refused share links' pages), not any template's. */
export const PAGE_MESSAGES_FOLDER = "share-pages";

/**
 * Reads letterpress's own message catalogs, templates/share-pages/<tag>.json: the words of the pages
 * a refused share link shows, whichever templates the letters use. Errors name the file and the key.
 */
export async function loadPageCatalogs(templatesDir: string): Promise<Partial<Record<LocaleId, MessageCatalog>>> {
  return (await readCatalogFolder(join(templatesDir, PAGE_MESSAGES_FOLDER), `templates/${PAGE_MESSAGES_FOLDER}`)).catalogs;
}
