import { editionStylesheets, type FilledLetter, type Paper } from "../core/html/render-html";
import { type AllowedLocales, localeInfo } from "../core/locales";
import { warmUp } from "../core/pdf/warm-up";
import { StyleError } from "../core/style";
import { renderPdf } from "../core/pdf/render-pdf";
import type { DocumentRenderer } from "../core/render-document";
import type { TemplateEngine } from "../core/template/template-engine";
import { TemplateLibrary, templateStylesheets } from "../core/template/template-library";
import { fontCoverage } from "../fonts/coverage";
import { loadFontLibrary } from "../fonts/load-font-library";
import { loadHyphenation } from "../hyphenation/load-hyphenation";
import { createWebFonts } from "../fonts/web-fonts";
import { loadTemplateSets } from "../templates/load-template-set";

/** A letter without a date is stamped with this fixed instant, never the clock: same input, same bytes. */
export const UNDATED_CREATION_DATE = new Date(Date.UTC(2000, 0, 1));

export interface RendererOptions {
  /** The templates folder: one folder per template (templates/<name>/) beside letterpress's ua.css. */
  templatesDir: string;
  /** Flat folder of font files (a bundle); the npm packages under node_modules when omitted. */
  fontDir?: string;
  /** The hyphen package's copy beside a bundle; the npm package when omitted. */
  hyphenationDir?: string;
  paper: Paper;
  /** Languages to warm up before the first document (a Lambda's init phase): a list, or "all" the templates' catalogs have; none by default. */
  warmLocales?: AllowedLocales;
}

/** Binds the core to its assets: every template folder from disk (each compiled once), fonts parsed once per process. */
export async function createRenderer(options: RendererOptions): Promise<DocumentRenderer> {
  const templates = new TemplateLibrary(await loadTemplateSets(options.templatesDir));
  const engines = templates.names.map((name) => templates.get(name) as TemplateEngine);
  // CSS outside the supported table fails every document of both editions before any is made, not
  // the PDF alone: the HTML page must never show a look the PDF refuses. Each template is checked.
  const problems = new Set<string>();
  for (const engine of engines) {
    const anyLocale = Object.keys(engine.set.catalogs)[0];
    // Parsed by the sheets the template owns: its documents reuse this parse of ua.css and print.css.
    try {
      if (anyLocale) templateStylesheets(engine).parsed(editionStylesheets(engine, anyLocale, options.paper));
    } catch (error) {
      // Every template's stylesheet problems at once (ua.css's, shared, once).
      if (!(error instanceof StyleError)) throw error;
      for (const problem of error.problems) problems.add(problem);
    }
  }
  if (problems.size > 0) throw new StyleError([...problems]);
  const fonts = loadFontLibrary(options.fontDir);
  // Parsing fonts' shaping tables and compiling the typesetter costs a few hundred ms once per process:
  // pay it at init, not in the first request. Warm-up changes no output byte.
  for (const engine of engines) {
    const warmLocales = options.warmLocales === "all" ? Object.keys(engine.set.catalogs) : (options.warmLocales ?? []).filter((locale) => locale in engine.set.catalogs);
    const sheets = templateStylesheets(engine);
    if (warmLocales.length > 0)
      await warmUp(
        fonts,
        warmLocales,
        (locale) => editionStylesheets(engine, locale, options.paper),
        (sources) => sheets.parsed(sources),
      );
  }
  const pdf = ({ fragment, view }: FilledLetter, paper: Paper, templates: TemplateEngine) => {
    const stylesheets = editionStylesheets(templates, view.locale, paper, view.title);
    return renderPdf(fragment, {
      locale: localeInfo(view.locale),
      stylesheets,
      parsedStylesheets: templateStylesheets(templates).parsed(stylesheets),
      metadata: {
        title: view.title,
        author: view.sender,
        subject: view.summary,
        keywords: [view.letterId, ...view.signatories.map((signatory) => signatory.name)],
        creationDate: view.date ? new Date(view.date.epochMs) : UNDATED_CREATION_DATE,
      },
      fonts,
      images: templates.set.assets,
    });
  };
  // The HTML edition embeds subsets of the same faces, so it looks the same on every machine.
  return {
    templates,
    paper: options.paper,
    pdf,
    caches: fonts.caches,
    hyphenation: loadHyphenation(options.hyphenationDir),
    webFonts: createWebFonts(fonts, options.fontDir),
    coverage: fontCoverage(fonts),
  };
}
