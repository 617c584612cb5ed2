import { documentTexts, editionStylesheets, type FilledLetter, type Paper } from "../core/html/render-html";
import { type AllowedLocales, localeInfo } from "../core/locales";
import { warmUp } from "../core/pdf/warm-up";
import { checkPrintWidth } from "../core/pdf/check-print-width";
import { type RenderPdfOptions, renderPdf } from "../core/pdf/render-pdf";
import type { DocumentRenderer } from "../core/render-document";
import type { TemplateEngine } from "../core/template/template-engine";
import type { PreparedTemplates } from "../core/template/prepared-templates";
import { templateStylesheets } from "../core/template/template-library";
import { checkedTemplateLibrary } from "../templates/check-templates";
import { fontCoverage } from "../fonts/coverage";
import { loadFontLibrary } from "../fonts/load-font-library";
import { loadHyphenation } from "../hyphenation/load-hyphenation";
import { createWebFonts } from "../fonts/web-fonts";
import { loadTemplateSets } from "../templates/load-template-set";
import { preparedBesideCode } from "./prepared-beside-code";

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
  /**
   * Templates precompiled, stylesheets and messages parsed at bundling time: by default the file
   * beside the bundle's code when there is one (preparedBesideCode). A source that differs from the
   * one prepared is compiled at run time, as every source is without it.
   */
  prepared?: PreparedTemplates;
  /**
   * A template folder that does not load: "refuse" (the default, the Lambda's: a deployment ships no
   * broken template) stops the renderer; "set-aside" (a local run) keeps the others, and a letter that
   * names it fails with its problems; a set of names sets aside those alone (checkedTemplateLibrary).
   */
  brokenTemplates?: "refuse" | "set-aside" | ReadonlySet<string>;
}

/** Each table of a filled letter, as written (its cells are all its widths depend on). */
const TABLES = /<table\b[\s\S]*?<\/table>/gi;

/** Binds the core to its assets: every template folder from disk (each compiled once), fonts parsed once per process. */
export async function createRenderer(options: RendererOptions): Promise<DocumentRenderer> {
  // CSS outside the supported table fails every document of both editions before any is made, not
  // the PDF alone: the HTML page must never show a look the PDF refuses. Every template's problems
  // (sources, catalogs, stylesheets) come in one error (checkedTemplateLibrary).
  const templates = checkedTemplateLibrary(await loadTemplateSets(options.templatesDir), options.prepared ?? preparedBesideCode(), options.paper, options.brokenTemplates);
  const engines = templates.names.map((name) => templates.get(name) as TemplateEngine);
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
  const pdfOptions = ({ view }: FilledLetter, paper: Paper, templates: TemplateEngine): RenderPdfOptions => {
    const stylesheets = editionStylesheets(templates, view.locale, paper, view.title);
    // The document information takes text: a title the letter prints as markup gives its words, not its tags.
    const texts = documentTexts(templates, view);
    return {
      locale: localeInfo(view.locale),
      stylesheets,
      parsedStylesheets: templateStylesheets(templates).parsed(stylesheets),
      metadata: {
        title: texts.title,
        author: texts.sender,
        subject: texts.summary,
        keywords: [view.letterId, ...texts.signatoryNames],
        creationDate: view.date ? new Date(view.date.epochMs) : UNDATED_CREATION_DATE,
      },
      fonts,
      images: templates.set.assets,
    };
  };
  const pdf = (filled: FilledLetter, paper: Paper, templates: TemplateEngine) => renderPdf(filled.fragment, pdfOptions(filled, paper, templates));
  // A mail merge's letters hold the same tables (the signatories') for every reader: a letter whose
  // language, paper and tables are those of the last one that passed passes without being laid out again
  // (the check is ~1.1 ms of an HTML letter with a table; a table's widths come from its own cells).
  const passedWidths = new WeakMap<TemplateEngine, string>();
  const checkWidth = (filled: FilledLetter, paper: Paper, templates: TemplateEngine) => {
    const key = `${filled.view.locale}\u0000${paper}\u0000${(filled.fragment.match(TABLES) ?? []).join("\u0000")}`;
    if (passedWidths.get(templates) === key) return;
    checkPrintWidth(filled.fragment, pdfOptions(filled, paper, templates));
    passedWidths.set(templates, key);
  };
  // The HTML edition embeds subsets of the same faces, so it looks the same on every machine.
  return {
    templates,
    paper: options.paper,
    pdf,
    checkPrintWidth: checkWidth,
    caches: fonts.caches,
    hyphenation: loadHyphenation(options.hyphenationDir),
    webFonts: createWebFonts(fonts, options.fontDir),
    coverage: fontCoverage(fonts),
  };
}
