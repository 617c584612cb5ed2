import { editionStylesheets } from "../core/html/render-html";
import type { Paper } from "../core/style/document-stylesheets";
import { TemplateEngine } from "../core/template/template-engine";
import { templateStylesheets } from "../core/template/template-library";
import { loadTemplateSets } from "./load-template-set";

/**
 * What the templates' stylesheets draw as written but not as meant (a font-family naming a family
 * the registry lacks before one it has), each said once, for the command line to print before a run:
 * every language's document sheets are read, as the renderer reads them.
 */
export async function templateStylesheetWarnings(templatesDir: string, paper: Paper): Promise<string[]> {
  const warnings = new Set<string>();
  for (const set of await loadTemplateSets(templatesDir)) {
    const engine = new TemplateEngine(set);
    for (const locale of Object.keys(set.catalogs) as (keyof typeof set.catalogs)[]) {
      for (const warning of templateStylesheets(engine).parsed(editionStylesheets(engine, locale, paper)).warnings ?? []) warnings.add(warning);
    }
  }
  return [...warnings];
}
