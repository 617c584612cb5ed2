import { Composer } from "./layout";
import { formatLetter, type RenderPdfOptions } from "./render-pdf";
import { parseStylesheets } from "../style";

/**
 * The PDF's one refusal of a letter's layout, made for the HTML edition too, so that both editions
 * are one decision: a table that Chromium would print cut (wider than twice its page's content box,
 * or past the left edge of a right-to-left letter) is refused whichever edition is asked for. Chromium
 * prints a table wider than the page smaller; the PDF does the same (layout.ts `shrinkFactor`), so
 * a table that fits at half size needs no refusal. Only tables can be too wide (a long word wraps,
 * an image is scaled to its box): a letter without `<table` is not laid out. Flows the letter (line
 * breaks, table widths) without paginating or writing; `options` are the PDF's.
 *
 * @throws TableTooWideError naming the table, its width and its page's content box's.
 */
export function checkPrintWidth(filledTemplate: string, options: RenderPdfOptions): void {
  if (!/<table\b/i.test(filledTemplate)) return;
  const { styled, boxes } = formatLetter(filledTemplate, options.parsedStylesheets ?? parseStylesheets(options.stylesheets), options.images, options.fonts.caches);
  new Composer({ fonts: options.fonts, locale: options.locale, styled, images: options.images }).checkPrintWidth(boxes);
}
