import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LocaleId } from "../core/locales";
import { LetterpressError } from "../core/errors";
import { type CatalogLayout, checkCatalogs, type MessageCatalog } from "../core/template/message-catalog";
import { REFUSAL_PAGE_KEYS } from "../share/share-refusal-page";
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

/** Where the page catalogs are, as problems name them: the folder as given (`--templates /tmp/x/templates` names /tmp/x/templates/share-pages). */
const pageCatalogsLabel = (templatesDir: string) => join(templatesDir, PAGE_MESSAGES_FOLDER);

/** A problem line of one catalog file (`<file>: ` or `<file> line 3, column 5: `): its file and the file's language tag. */
const problemOfAFile = (label: string) => new RegExp(`^(${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([^/: ]+)\\.json)[ :]`);

/** Every problem of the page catalogs (file and key), or none; each catalog named by its place (checkCatalogs says messages/). */
function problemsOf(label: string, catalogs: PageCatalogs, layouts: Partial<Record<LocaleId, CatalogLayout>> = {}): string[] {
  const source = catalogs[PAGE_SOURCE_LOCALE];
  // The pages print these keys; the source catalog is the one every page falls back to, so a key it lacks is a page that cannot be worded.
  const missingFromSource = source
    ? REFUSAL_PAGE_KEYS.filter((key) => !Object.hasOwn(source, key)).map(
        (key) => `${label}/${PAGE_SOURCE_LOCALE}.json: ${key}: missing; every refused-link page falls back to this catalog, which needs each of ${REFUSAL_PAGE_KEYS.join(", ")}`,
      )
    : [];
  const checked = checkCatalogs(catalogs, PAGE_SOURCE_LOCALE, undefined, layouts).map((problem) =>
    problem.replace(/^messages\//, `${label}/`).replaceAll(` messages/${PAGE_SOURCE_LOCALE}.json`, ` ${label}/${PAGE_SOURCE_LOCALE}.json`),
  );
  return [...missingFromSource, ...checked];
}

/** A page catalog left out, and why: its file's problems, one a line. */
export interface SetAsidePageCatalog {
  file: string;
  problems: string[];
}

/**
 * Reads the page catalogs as the share routes use them: a language's catalog with a problem (a key
 * missing or extra, a message that does not parse, a file that is not JSON) is left out, so that
 * language's refused-link pages are worded in English, as for a language with no catalog, and the
 * other languages' pages and every share link keep working (fresh user 8a, item 1: one bad optional
 * file turned off every share link). The English catalog, which every page falls back to, is the one
 * that must be sound: its problems are thrown, with every other problem. Catalogs checked when the
 * bundle was made (see loadPageCatalogs) are taken as they are.
 *
 * @throws LetterpressError TEMPLATE_ERROR when the English catalog has a problem, naming every problem by file and key
 */
export async function loadUsablePageCatalogs(templatesDir: string, codeDir: string = __dirname): Promise<{ catalogs: PageCatalogs; setAside: SetAsidePageCatalog[] }> {
  const label = pageCatalogsLabel(templatesDir);
  const problemOfThisFolder = problemOfAFile(label);
  const unreadable: string[] = [];
  const { catalogs, layouts, skipped } = await readCatalogFolder(label, label, unreadable);
  const checked = checkedBesideCode(codeDir);
  // A file named by no language (`vi_VN.json`) is set aside too, its warning saying the name meant.
  const namedByNoLanguage = skipped.map(({ file, warning }) => ({ file, problems: [warning] }));
  if (unreadable.length === 0 && namedByNoLanguage.length === 0 && checked.length > 0 && checked.includes(pageCatalogsDigest(catalogs))) return { catalogs, setAside: [] };
  const problems = [...unreadable, ...problemsOf(label, catalogs, layouts)];
  const sourceFile = `${label}/${PAGE_SOURCE_LOCALE}.json`;
  const byFile = new Map<string, string[]>();
  const usable: PageCatalogs = { ...catalogs };
  for (const problem of problems) {
    const [, file, tag] = problemOfThisFolder.exec(problem) ?? [];
    // The English catalog's problem, or one that names no one file: nothing to fall back to.
    if (!file || file === sourceFile) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
    byFile.set(file, [...(byFile.get(file) ?? []), problem]);
    delete usable[tag as LocaleId];
  }
  return { catalogs: usable, setAside: [...namedByNoLanguage, ...[...byFile].map(([file, fileProblems]) => ({ file, problems: fileProblems }))] };
}

/** What a set-aside page catalog means, for a person: which pages change and every problem of the file. */
export function setAsidePageCatalogWarning({ file, problems }: SetAsidePageCatalog): string {
  return `${file} is set aside: refused share links in its language show the English pages (${join(dirname(file), `${PAGE_SOURCE_LOCALE}.json`)}) until it is fixed. Its problems:\n${problems.map((problem) => `  ${problem}`).join("\n")}`;
}

/**
 * The page catalogs' problems as warnings for the start of a local run (`generate`, `serve`): each file
 * set aside, or, when the English catalog cannot be used, that share links answer 503 until it is fixed.
 * None when the catalogs are sound. (A deployment refuses any problem at bundling: writeCheckedPageCatalogs.)
 */
export async function pageCatalogWarnings(templatesDir: string): Promise<string[]> {
  const folder = join(templatesDir, PAGE_MESSAGES_FOLDER);
  if (!existsSync(folder))
    return [
      `${folder}: missing: share links are unavailable (every request answers 503) without it; it holds ${PAGE_SOURCE_LOCALE}.json, the words of the pages a refused share link shows (copy it from letterpress's templates/${PAGE_MESSAGES_FOLDER})`,
    ];
  try {
    return (await loadUsablePageCatalogs(templatesDir)).setAside.map(setAsidePageCatalogWarning);
  } catch (error) {
    if (!(error instanceof LetterpressError)) throw error;
    return [
      `${folder}: share links are unavailable (every request answers 503) until this is fixed: the pages of refused links fall back to ${folder}/${PAGE_SOURCE_LOCALE}.json, which must be sound. The problems:\n${error.message
        .split("\n")
        .map((problem) => `  ${problem}`)
        .join("\n")}`,
    ];
  }
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
  const label = pageCatalogsLabel(templatesDir);
  const { catalogs, layouts, skipped } = await readCatalogFolder(label, label);
  const checked = checkedBesideCode(codeDir);
  if (skipped.length === 0 && checked.length > 0 && checked.includes(pageCatalogsDigest(catalogs))) return catalogs;
  const problems = [...skipped.map((file) => file.warning), ...problemsOf(label, catalogs, layouts)];
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  return catalogs;
}

/**
 * The bundling step: checks the page catalogs of `templatesDir` whole (throwing every problem, by
 * file and key, so the build fails) and writes their digest to `outFile` beside the bundle.
 */
export async function writeCheckedPageCatalogs(templatesDir: string, outFile: string): Promise<string> {
  const label = pageCatalogsLabel(templatesDir);
  const { catalogs, layouts, skipped } = await readCatalogFolder(label, label);
  const problems = [...skipped.map((file) => file.warning), ...problemsOf(label, catalogs, layouts)];
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  const digest = pageCatalogsDigest(catalogs);
  await writeFile(outFile, `${JSON.stringify({ digests: [digest] })}\n`);
  return digest;
}
