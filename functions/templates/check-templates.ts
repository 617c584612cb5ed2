import { editionStylesheets } from "../core/html/render-html";
import { LetterpressError } from "../core/errors";
import { localeInfo, type LocaleId } from "../core/locales";
import { marginBoxUrlsOf, parseStylesheets, StyleError } from "../core/style";
import { inLineOrder } from "../core/style/stylesheet";
import { documentStylesheets, type Paper } from "../core/style/document-stylesheets";
import type { PreparedTemplates } from "../core/template/prepared-templates";
import { marginBoxImageProblems } from "../core/template/template-images";
import type { TemplateEngine, TemplateSet } from "../core/template/template-engine";
import { TemplateLibrary, templateStylesheets } from "../core/template/template-library";

/**
 * Every template of a deployment compiled and checked whole, before any document is made: each
 * folder's unreadable files, Handlebars syntax, markup against the vocabulary, helpers, images,
 * partials and catalogs (the engines), the images of its `@page` margin boxes, and its stylesheets (ua.css and print.css as a document
 * reads them), every problem of every template in one error. A template whose sources fail still
 * has its stylesheets checked, so that a syntax error does not hide them until the next run.
 *
 * `broken`: "refuse" (the default; the Lambda's) throws for any template's problem; "set-aside" checks each
 * template alone and keeps the ones that load, the others in the library's `broken` with their problems, so
 * one broken folder does not stop the letters of the others (a local run: the letter is at hand, the folder
 * may be someone's work in progress). A set of names sets aside only those templates and refuses the
 * others' problems (serve's reload: a folder set aside at start stays aside, a template broken while
 * editing keeps the renderer before). When no template loads (a problem of the shared ua.css is every
 * template's), nothing is set aside: the run is refused with every problem.
 *
 * @throws LetterpressError TEMPLATE_ERROR, one line per problem, each naming its file and line
 */
export function checkedTemplateLibrary(
  sets: readonly TemplateSet[],
  prepared: PreparedTemplates | undefined,
  paper: Paper,
  broken: "refuse" | "set-aside" | ReadonlySet<string> = "refuse",
): TemplateLibrary {
  if (broken === "refuse") return strictLibrary(sets, prepared, paper);
  const mayBeSetAside = (name: string) => broken === "set-aside" || (broken as ReadonlySet<string>).has(name);
  const engines: TemplateEngine[] = [];
  const setAside = new Map<string, string>();
  const refused: string[] = [];
  for (const set of sets) {
    try {
      engines.push(strictLibrary([set], prepared, paper).get(set.name) as TemplateEngine);
    } catch (error) {
      if (!(error instanceof LetterpressError) || error.code !== "TEMPLATE_ERROR") throw error;
      if (mayBeSetAside(set.name)) setAside.set(set.name, error.message);
      else refused.push(error.message);
    }
  }
  // No template loads (ua.css, which all share, or every folder broken): nothing could be made, so the run is refused as before.
  if (engines.length === 0 && setAside.size > 0) refused.push(...setAside.values());
  if (refused.length > 0) throw new LetterpressError("TEMPLATE_ERROR", refused.join("\n"));
  return new TemplateLibrary({ engines, broken: setAside });
}

/** Every template's problems, all at once, or the library of them all. */
function strictLibrary(sets: readonly TemplateSet[], prepared: PreparedTemplates | undefined, paper: Paper): TemplateLibrary {
  let library: TemplateLibrary | undefined;
  const problems = new Set<string>();
  try {
    library = new TemplateLibrary(sets, prepared);
  } catch (error) {
    if (!(error instanceof LetterpressError) || error.code !== "TEMPLATE_ERROR") throw error;
    for (const problem of error.message.split("\n")) problems.add(problem);
  }
  const style = new Set<string>();
  const styleWarnings = new Set<string>();
  // ua.css is shared by every template: its problems are said once (a Set).
  for (const set of sets) {
    const found = stylesheetProblems(set, library, paper);
    for (const problem of found.problems) style.add(problem);
    for (const warning of found.warnings) styleWarnings.add(warning);
  }
  // The margin boxes' images, with the template's other image problems (<img> files come from the engines).
  for (const set of sets) for (const problem of marginBoxImageProblems(stylesheetMarginBoxUrls(set), set.assets)) problems.add(problem);
  // A font file's problem (the template loader's) is a line of print.css too: said among the sheet's own, in line order.
  const sheetNames = [USER_AGENT_SHEET, ...sets.map(printSheetName)];
  for (const problem of problems) {
    if (sheetNames.some((name) => problem.startsWith(`${name} line `))) {
      style.add(problem);
      problems.delete(problem);
    }
  }
  const styleInOrder = inLineOrder([...style], sheetNames);
  // Only the stylesheets' problems: the StyleError they have always been.
  // The sheets' warnings with their errors: said alone when the sheets load, they must not go unsaid when they do not.
  if (problems.size === 0 && style.size > 0) throw new StyleError(styleInOrder, [...styleWarnings]);
  if (problems.size > 0)
    throw new LetterpressError("TEMPLATE_ERROR", [...problems, ...new StyleError(styleInOrder, [...styleWarnings]).message.split("\n").filter(Boolean)].join("\n"));
  return library as TemplateLibrary;
}

const USER_AGENT_SHEET = "templates/ua.css";

/** A template's print.css as its problems name it (the loader's `${label}/print.css`). */
function printSheetName(set: TemplateSet): string {
  return `${set.folder ?? `templates/${set.name}`}/print.css`;
}

/** The `url()`s of the margin boxes of a template's sheets (ua.css and its print.css), named as documentStylesheets names them. */
function stylesheetMarginBoxUrls(set: TemplateSet) {
  // Together: a content of print.css may read a --logo: url(...) that ua.css sets, or the other way round.
  return marginBoxUrlsOf([
    { name: USER_AGENT_SHEET, text: set.userAgentStylesheet },
    { name: printSheetName(set), text: set.stylesheet },
  ]);
}

/**
 * The problems of one template's stylesheets, read as a document of its first language reads them.
 * With a working engine, parsed by the sheets the template owns (its documents reuse the parse);
 * without one (the template's sources fail), with a page label of no words, so the sheets are
 * checked whatever the messages say.
 */
function stylesheetProblems(set: TemplateSet, library: TemplateLibrary | undefined, paper: Paper): { problems: readonly string[]; warnings: readonly string[] } {
  const anyLocale = Object.keys(set.catalogs)[0] as LocaleId | undefined;
  const engine = library?.get(set.name);
  try {
    if (engine && anyLocale) templateStylesheets(engine).parsed(editionStylesheets(engine, anyLocale, paper));
    else if (!engine) {
      const sources = documentStylesheets(
        { userAgent: set.userAgentStylesheet, author: set.stylesheet, authorName: `${set.folder ?? `templates/${set.name}`}/print.css` },
        { script: localeInfo(anyLocale ?? ("en" as LocaleId)).script, paper, pageLabel: () => "" },
      );
      parseStylesheets(sources, { wholeDocument: true });
    }
  } catch (error) {
    if (!(error instanceof StyleError)) throw error;
    return { problems: error.problems, warnings: error.warnings };
  }
  return { problems: [], warnings: [] };
}
