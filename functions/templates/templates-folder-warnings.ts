import { editionStylesheets } from "../core/html/render-html";
import type { Paper } from "../core/style/document-stylesheets";
import { LetterpressError } from "../core/errors";
import type { TemplateEngine } from "../core/template/template-engine";
import { checkedTemplateLibrary } from "./check-templates";
import { templateStylesheets } from "../core/template/template-library";
import { loadTemplateSets } from "./load-template-set";
import { pageCatalogWarnings } from "./page-catalogs";

/**
 * The warnings about the templates folder the command line prints before a run, each said once:
 * - each file of a template's messages/ skipped as named by no language (`vi_VN.json`: vi-VN.json meant);
 * - each template folder that does not load, with its problems: a local run sets it aside and makes
 *   the other templates' letters (checkedTemplateLibrary "set-aside"), and must not do so without a word;
 * - for the templates that load, what their stylesheets draw as written but not as meant (a
 *   font-family naming a family the registry lacks before one it has): every language's document
 *   sheets are read, as the renderer reads them;
 * - each share page catalog set aside (templates/share-pages/<tag>.json), or that share links are off.
 * `only`: the templates a run uses (its letters'), whose warnings are said; by default every template's
 * (a run for one template's letters is not told again of another template's problems).
 */
export async function templateLoadAndStylesheetWarnings(templatesDir: string, paper: Paper, only?: ReadonlySet<string>): Promise<string[]> {
  const warnings = new Set<string>();
  for (const set of await loadTemplateSets(templatesDir)) {
    if (only !== undefined && !only.has(set.name)) continue;
    for (const skipped of set.skippedFiles ?? []) warnings.add(skipped);
    let engine: TemplateEngine;
    try {
      engine = checkedTemplateLibrary([set], undefined, paper).get(set.name) as TemplateEngine;
    } catch (error) {
      if (!(error instanceof LetterpressError) || error.code !== "TEMPLATE_ERROR") throw error;
      warnings.add(
        `template "${set.name}" (${set.folder ?? `templates/${set.name}`}) does not load and is set aside: its letters fail, the others are made. Its problems:\n${error.message
          .split("\n")
          .map((line) => `  ${line}`)
          .join("\n")}`,
      );
      continue;
    }
    for (const locale of Object.keys(set.catalogs) as (keyof typeof set.catalogs)[]) {
      for (const warning of templateStylesheets(engine).parsed(editionStylesheets(engine, locale, paper)).warnings ?? []) warnings.add(warning);
    }
  }
  // And letterpress's own share pages' catalogs (templates/share-pages): a broken language's is set aside (deploycheck's hook).
  for (const warning of await pageCatalogWarnings(templatesDir)) warnings.add(warning);
  return [...warnings];
}
