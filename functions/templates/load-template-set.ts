import { type Dirent, existsSync, readdirSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { LetterpressError } from "../core/errors";
import { type LocaleId, parseLocaleId } from "../core/locales";
import type { TemplateSet } from "../core/template/template-engine";
import { catalogFileNameProblem, readCatalogFolder, readNamed, readText, unreadable } from "./catalog-folder";
import { loadTemplateAssets } from "./template-assets";
import { loadTemplateFonts } from "./template-fonts";

export { parseCatalogFile } from "./catalog-folder";
export { loadPageCatalogs, PAGE_MESSAGES_FOLDER } from "./page-catalogs";

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

/** A folder as a person would type it: relative to the working directory when inside it, with forward slashes. */
function folderLabel(folder: string): string {
  const fromHere = relative(process.cwd(), folder);
  return (fromHere && !fromHere.startsWith("..") && !isAbsolute(fromHere) ? fromHere : folder).split(sep).join("/");
}

/** A template read from its folder, with the files of it that were skipped. */
export interface LoadedTemplateSet extends TemplateSet {
  /** Files skipped as named by no language (`messages/vi_VN.json`), one warning line each (`<file>: skipped: <why>`). */
  skippedFiles?: readonly string[];
}

/**
 * Reads one template folder, templates/<name>/: its main templates (*.hbs), its partials, its
 * stylesheet (print.css) with the font files its `@font-face` rules name (template-fonts.ts), and its message catalogs, with letterpress's user-agent stylesheet
 * (templates/ua.css) read before it. The languages are the catalogs present: `messages/<BCP 47 tag>.json`.
 */
export async function loadTemplateSet(templatesDir: string, name: string): Promise<LoadedTemplateSet> {
  const folder = join(templatesDir, name);
  // Errors name the folder as given on the command line (`--templates scratch/tpl`), not as templates/.
  const label = folderLabel(folder);
  // What cannot be read is said with every other problem of the template (its markup, its catalogs, its
  // stylesheets) when it loads, not alone on this run and the rest on the next.
  const problems: string[] = [];
  const orNothing = async <T>(read: Promise<T>, nothing: T): Promise<T> => {
    try {
      return await read;
    } catch (error) {
      if (!(error instanceof LetterpressError)) throw error;
      problems.push(...error.message.split("\n"));
      return nothing;
    }
  };
  const { catalogs, localeOverrides, layouts, skipped } = await orNothing(readCatalogFolder(join(folder, "messages"), `${label}/messages`, problems), {
    catalogs: {},
    localeOverrides: {},
    layouts: {},
    skipped: [],
  });
  const templates = await orNothing(readNamed(folder, ".hbs"), {});
  // The two templates the code fills: said when the folder is read, not when the first page is made.
  for (const required of ["letter", "page"]) if (!(required in templates)) problems.push(unreadable(join(folder, `${required}.hbs`), { code: "ENOENT" }).message);
  // The template's own faces (@font-face): read, checked and registered with the font library; their URLs carry each file's content hash.
  const fonts = await loadTemplateFonts(folder, await orNothing(readText(join(folder, "print.css")), ""), `${label}/print.css`);
  problems.push(...fonts.problems);
  const set: LoadedTemplateSet = {
    name,
    folder: label,
    templates,
    partials: await orNothing(readNamed(join(folder, "partials"), ".hbs"), {}),
    catalogs,
    localeOverrides,
    catalogLayouts: layouts,
    stylesheet: fonts.stylesheet,
    userAgentStylesheet: await orNothing(readText(join(templatesDir, USER_AGENT_STYLESHEET)), ""),
    assets: await orNothing(loadTemplateAssets(folder), undefined),
    ...(skipped.length > 0 ? { skippedFiles: skipped.map((file) => file.warning) } : {}),
  };
  return problems.length > 0 ? { ...set, problems } : set;
}

/** Every template folder of a templates folder, read (see loadTemplateSet); a folder with no template is an error naming it. */
export async function loadTemplateSets(templatesDir: string): Promise<LoadedTemplateSet[]> {
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
    .filter((file) => file.endsWith(".json") && catalogFileNameProblem(file) === undefined)
    .map((file) => parseLocaleId(file.slice(0, -".json".length), `templates/${name}/messages/${file}`))
    .sort();
}
