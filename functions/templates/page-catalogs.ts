import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocaleId } from "../core/locales";
import { LetterpressError } from "../core/errors";
import { type CatalogLayout, checkCatalogs, type MessageCatalog } from "../core/template/message-catalog";
import { readCatalogFolder } from "./catalog-folder";

/** letterpress's own pages' words at the root of templates/ (the refused share links' pages), not any template's. */
export const PAGE_MESSAGES_FOLDER = "share-pages";

// Named in the deployment contract, which the CDK app reads without loading this module's parsers.
import { CHECKED_PAGE_CATALOGS_FILE } from "../deployment-contract";

export { CHECKED_PAGE_CATALOGS_FILE };

/** The catalog every other language's page catalog is checked against (the same keys and arguments). */
const PAGE_SOURCE_LOCALE = "en" as LocaleId;

type PageCatalogs = Partial<Record<LocaleId, MessageCatalog>>;

/** What the catalogs say, hashed: equal digests, equal words (file names, keys and messages in the order read). */
export function pageCatalogsDigest(catalogs: PageCatalogs): string {
  return createHash("sha256").update(JSON.stringify(catalogs)).digest("hex");
}

/** Every problem of the page catalogs (file and key), or none. */
function problemsOf(catalogs: PageCatalogs, layouts: Partial<Record<LocaleId, CatalogLayout>> = {}): string[] {
  return checkCatalogs(catalogs, PAGE_SOURCE_LOCALE, undefined, layouts).map((problem) => problem.replace(/^messages\//, `templates/${PAGE_MESSAGES_FOLDER}/`));
}

/** The digests the bundle's page catalogs were checked under, from beside the code; none when run from the sources. */
function checkedBesideCode(dir: string): readonly string[] {
  const file = join(dir, CHECKED_PAGE_CATALOGS_FILE);
  if (!existsSync(file)) return [];
  const value = JSON.parse(readFileSync(file, "utf8")) as { digests?: unknown };
  return Array.isArray(value.digests) ? value.digests.filter((digest): digest is string => typeof digest === "string") : [];
}

/**
 * Reads letterpress's own message catalogs, templates/share-pages/<tag>.json: the words of the pages
 * a refused share link shows, whichever templates the letters use. Errors name the file and the key.
 * They are checked whole (a message that cannot be formatted would answer a refused link with 503,
 * a missing key fall back to English in silence) unless they are the very catalogs checked when the
 * bundle was made (`codeDir` holds CHECKED_PAGE_CATALOGS_FILE with their digest): the download
 * function's cold start then skips the check, while `serve`, run from the sources, checks every reload.
 */
export async function loadPageCatalogs(templatesDir: string, codeDir: string = __dirname): Promise<PageCatalogs> {
  const { catalogs, layouts } = await readCatalogFolder(join(templatesDir, PAGE_MESSAGES_FOLDER), `templates/${PAGE_MESSAGES_FOLDER}`);
  const checked = checkedBesideCode(codeDir);
  if (checked.length > 0 && checked.includes(pageCatalogsDigest(catalogs))) return catalogs;
  const problems = problemsOf(catalogs, layouts);
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  return catalogs;
}

/**
 * The bundling step: checks the page catalogs of `templatesDir` whole (throwing every problem, by
 * file and key, so the build fails) and writes their digest to `outFile` beside the bundle.
 */
export async function writeCheckedPageCatalogs(templatesDir: string, outFile: string): Promise<string> {
  const { catalogs, layouts } = await readCatalogFolder(join(templatesDir, PAGE_MESSAGES_FOLDER), `templates/${PAGE_MESSAGES_FOLDER}`);
  const problems = problemsOf(catalogs, layouts);
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  const digest = pageCatalogsDigest(catalogs);
  await writeFile(outFile, `${JSON.stringify({ digests: [digest] })}\n`);
  return digest;
}
