import { readFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedFontCss, styleLetter } from "../../functions/core/html/web-fonts";
import { localeInfo } from "../../functions/core/locales";
import { renderPdf } from "../../functions/core/pdf/render-pdf";
import { documentStylesheets, stylesheetsAsHtmlCss } from "../../functions/core/style/document-stylesheets";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions } from "../support/edition-comparison";

/**
 * `overflow-wrap: break-word` breaks a word wider than the line between graphemes; Chromium fits
 * each part by the advances of the word shaped whole, kerning included (ShapingLineBreaker::ShapeLine:
 * a candidate from the whole word's positions, a line end after the last safe-to-break boundary
 * reshaped and checked, a line with no safe boundary taken as measured whole). The PDF summed each
 * grapheme shaped alone and, with Noto Serif's AV pair (−0.08 em), fitted "AVAV…" one letter short
 * of Chromium on every line. Words of kerned capitals, and soft-hyphenated ones, at several widths.
 * Measured 2026-11-30: 0.317 of line starts on the old code (0.874 of characters on the same
 * page); 0.989 now. The one line still apart: "WAWA…" at 21 em, its second line, where Chromium
 * fits 25 letters and the PDF 26 (the rule as the PDF reads it lets 26 fit, 209.56 pt of 210
 * measured whole, every boundary of the word kerned); its cause is not found.
 */
const PARAGRAPHS = [
  "AVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAV",
  "WAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWAWA",
  "Ta\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa\u00adTa",
  "Yo Vo\u00adWa\u00adVo\u00adWa\u00adVo\u00adWa\u00adVo\u00adWa\u00adVo\u00adWa\u00adVo\u00adWa\u00adVo\u00adWa\u00adTo",
  "LTAVYAWAVTATAYAVAWATAVYALTAVYAWAVTATAYAVAWATAVYALTAVYAWAVTATAYAVAWATAVYA",
];
const TEMPLATES = join(__dirname, "../../templates");
/** Widths in em of the body size. */
const WIDTHS = [9, 10.5, 11, 12.5, 13, 14.5, 15, 16.5, 17, 19.5, 21];
const BOTTOM_MARGIN = 0;

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("Words wider than the line, broken between kerned letters: Chromium and our PDF break the same", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(["start", "justify"])("text-align: %s, every width", async (align) => {
    const { script, tag, dir } = localeInfo("en");
    const paragraphs = WIDTHS.map((_, w) => PARAGRAPHS.map((text) => `<p class="w${w}">${text}</p>`).join("")).join("");
    const fragment = `<article class="letter" lang="${tag}" dir="${dir}">${paragraphs}</article>`;
    const author = [
      "@page { size: A4; margin: 15mm; }",
      "body { font-family: var(--font-body); font-size: 10pt; line-height: 1.6; overflow-wrap: break-word; hyphens: manual; }",
      `p { margin: 0 0 6pt; text-align: ${align}; }`,
      ...WIDTHS.map((width, w) => `.w${w} { width: ${width}em; }`),
    ].join("\n");
    const stylesheets = documentStylesheets(
      { userAgent: readFileSync(join(TEMPLATES, "ua.css"), "utf8"), author },
      { script, paper: "A4", pageLabel: (page, count) => `${page}/${count}` },
    );
    // The page carries the PDF's fonts, as the HTML edition does: the system's fonts draw other quotes.
    const fontCss = await embeddedFontCss(createWebFonts(fonts), styleLetter(fragment, stylesheets));
    const page = await launched.browser.newPage();
    await page.setContent(
      `<!DOCTYPE html><html lang="${tag}" dir="${dir}"><head><meta charset="utf-8"><style>${fontCss}\n${stylesheetsAsHtmlCss(stylesheets)}</style></head><body>${fragment}</body></html>`,
    );
    await page.emulateMedia({ media: "print" });
    const chromium = toFile(await page.pdf({ preferCSSPageSize: true }));
    await page.close();
    const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
    const ours = toFile(await renderPdf(fragment, { locale: localeInfo("en"), stylesheets, metadata, fonts }));
    const figures = compareEditions(ours, chromium, BOTTOM_MARGIN);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    // Issue 12's bar (one line is still apart, above).
    expect({ agreeing: figures.agreeing, met: figures.agreeing >= 0.98, pages: figures.pages.ours }).toEqual({
      agreeing: figures.agreeing,
      met: true,
      pages: figures.pages.chromium,
    });
  });
});
