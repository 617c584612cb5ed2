import { type LocaleId, localeInfo } from "../../functions/core/locales";
import { editionStylesheets, fillLetter, renderHtmlWithFonts } from "../../functions/core/html/render-html";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { renderPdf } from "../../functions/core/pdf/render-pdf";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { loadSeedLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";
import { toFile } from "../core/pdf/pdf-inspect";
import { placedCharacters } from "../support/line-starts";

/**
 * Both editions follow the stylesheet: Chromium printing the HTML edition and our PDF, for the
 * template's print.css and restyled variants of it, break the same lines onto the same pages at
 * the same heights (line boxes of poppler's pdftotext -bbox-layout).
 */

const MM = 72 / 25.4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * The variants and the languages in which the two editions meet issue 12's bar (at least 0.98 of
 * line starts agreeing, 0.99 of the characters on the same page, line tops within 2 pt at the
 * median, the same page count). Measured below the bar with the fonts embedded, and so not
 * asserted yet (line starts, same page, median top difference in pt):
 * - zh and ja, every variant: 1.00, 1.00, 7-9 pt (line starts agree since CJK punctuation trimming and
 *   LB19a quotation breaks, from 0.85 for zh; the line tops differ with the CJK faces' heights);
 * - ko: 0.91 with the template's print.css and the author's class, 1.00 on US Letter, 1.00, 7-9 pt
 *   (from 0.85: Chromium's system Noto Sans CJK KR sets every word space 0.28 em in Korean, the
 *   PDF's Noto Sans KR only between two Hangul syllables);
 * - es and ru with the larger body on US Letter: 0.97, 1.00, 0.6 pt;
 * - ar with the larger body: 1.00, 1.00, 2.2 pt; ar with the author's class: 0.96, 1.00, 1.6 pt.
 */
const VARIANTS: readonly { name: string; css: string; bottomMargin: number; locales: readonly LocaleId[] }[] = [
  { name: "the template's print.css", css: "", bottomMargin: 26 * MM, locales: ["en", "fr", "es", "ru", "ar"] },
  {
    name: "a larger body on US Letter with other margins",
    css: "body { font-size: 12pt; }\n@page { size: letter; margin: 30mm 25mm 32mm; }",
    bottomMargin: 32 * MM,
    locales: ["en", "fr"],
  },
  {
    name: "a class of the author's own, boxed and indented",
    css: ".body p:first-of-type { border-inline-start: 3pt solid #2255aa; padding-inline-start: 8pt; text-indent: 2em; }\nh1 { color: #aa2222; letter-spacing: 0.5pt; }",
    bottomMargin: 26 * MM,
    locales: ["en", "fr", "es", "ru"],
  },
];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the HTML edition printed by Chromium and our PDF follow the same stylesheet", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  // The HTML edition as the service stores it: the PDF's faces embedded, none of the machine's.
  const webFonts = createWebFonts(fonts);
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  describe.each(VARIANTS)("with $name", ({ css, bottomMargin, locales }) => {
    it.each(locales)("in %s: same pages, same line starts, same line tops", async (locale) => {
      const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
      const engine = new TemplateEngine({ ...set, stylesheet: `${set.stylesheet}\n${css}` });
      const { letter } = await loadSeedLetter();
      const page = await launched.browser.newPage();
      await page.setContent(await renderHtmlWithFonts(engine, letter, locale, webFonts));
      await page.emulateMedia({ media: "print" });
      const chromium = placedCharacters(toFile(await page.pdf({ preferCSSPageSize: true })), bottomMargin);
      await page.close();
      const { fragment } = fillLetter(engine, letter, locale);
      const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
      const ours = placedCharacters(
        toFile(
          await renderPdf(fragment, {
            locale: localeInfo(locale),
            stylesheets: editionStylesheets(engine, locale, "A4", fillLetter(engine, letter, locale).view.title),
            metadata,
            fonts,
          }),
        ),
        bottomMargin,
      );

      // The same text in the same order, so characters align one to one.
      expect(ours.length).toBe(chromium.length);
      const starts = ours.map((c, i) => [c, chromium[i]!] as const).filter(([a, b]) => a.lineStart || b.lineStart);
      const agreeing = starts.filter(([a, b]) => a.lineStart && b.lineStart).length / starts.length;
      const samePage = ours.filter((c, i) => c.page === chromium[i]!.page).length / ours.length;
      const topDifference = median(starts.filter(([a, b]) => a.lineStart && b.lineStart).map(([a, b]) => Math.abs(a.top - b.top)));
      // The measures show in a failure's message.
      const measured = {
        pages: ours[ours.length - 1]!.page,
        agreeing: Number(agreeing.toFixed(3)),
        samePage: Number(samePage.toFixed(3)),
        topDifference: Number(topDifference.toFixed(1)),
      };
      expect({
        measured,
        met: measured.agreeing >= 0.98 && measured.samePage >= 0.99 && measured.topDifference <= 2 && measured.pages === chromium[chromium.length - 1]!.page,
      }).toEqual({ measured, met: true });
    });
  });
});
