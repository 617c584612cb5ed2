import { createHash } from "node:crypto";
import type { Letter } from "../letter/parse-letter";
import { formattingLocale, type LocaleId, localeInfo } from "../locales";
import { counterStyleOf } from "../style/counter-styles";
import { documentStylesheets, type Paper, stylesheetsAsHtmlCss } from "../style/document-stylesheets";
import type { StylesheetSource } from "../style/stylesheet";
import { buildLetterView, type LetterView } from "../template/letter-view";
import type { TemplateEngine } from "../template/template-engine";
import { inlineImages } from "./inline-images";

export type { Paper } from "../style/document-stylesheets";

export interface FilledLetter {
  /** The filled letter template: the one source both editions are made from. */
  fragment: string;
  view: LetterView;
}

/** Fills the letter template for one language (and, optionally, one recipient). */
export function fillLetter(engine: TemplateEngine, letter: Letter, locale: LocaleId, recipientId?: string): FilledLetter {
  const view = buildLetterView(letter, locale, recipientId);
  return { fragment: engine.fill("letter", view, locale), view };
}

/**
 * The stylesheets of one document, in cascade order, as both editions read them: the template's
 * ua.css and print.css around the render's settings (paper, font stack, localized page label, title).
 */
export function editionStylesheets(engine: TemplateEngine, locale: LocaleId, paper: Paper, runningTitle = ""): StylesheetSource[] {
  const messages = engine.messages(locale);
  // The page numbers in the digits the language's messages use (its CLDR default or its "$locale" override).
  const numberingSystem = new Intl.NumberFormat(formattingLocale(locale, engine.set.localeOverrides?.[locale])).resolvedOptions().numberingSystem;
  return documentStylesheets(
    { userAgent: engine.set.userAgentStylesheet, author: engine.set.stylesheet, authorName: `templates/${engine.set.name}/print.css` },
    {
      script: localeInfo(locale).script,
      paper,
      pageLabel: (page, pages) => messages.format("footer.page", { page, pages }),
      pageNumberStyle: counterStyleOf(numberingSystem),
      runningTitle,
    },
  );
}

/** Wraps a filled letter into a standalone page: no script, no request, one inline style allowed by hash. */
export function renderHtmlPage(engine: TemplateEngine, filled: FilledLetter, paper: Paper): string {
  const { view } = filled;
  const css = stylesheetsAsHtmlCss(editionStylesheets(engine, view.locale, paper, view.title));
  const styleHash = createHash("sha256").update(css).digest("base64");
  const contentSecurityPolicy = ["default-src 'none'", `style-src 'sha256-${styleHash}'`, "img-src data:", "base-uri 'none'", "form-action 'none'"].join("; ");
  return engine.fill(
    "page",
    { lang: view.lang, dir: view.dir, title: view.title, description: view.summary, contentSecurityPolicy, css, letter: inlineImages(filled.fragment, engine.set.assets) },
    view.locale,
  );
}

export interface RenderHtmlOptions {
  paper?: Paper;
  recipientId?: string;
}

/**
 * The HTML edition of a letter in one language: a standalone, accessible, print-ready page.
 * Pure and deterministic: the same letter, templates and options give the same string.
 */
export function renderHtml(engine: TemplateEngine, letter: Letter, locale: LocaleId, options: RenderHtmlOptions = {}): string {
  return renderHtmlPage(engine, fillLetter(engine, letter, locale, options.recipientId), options.paper ?? "A4");
}
