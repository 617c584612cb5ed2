import type { LocaleId } from "../../functions/core/locales";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { paragraphsAtWidths } from "../support/edition-comparison";

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
/** Widths in em of the body size. */
const WIDTHS = [9, 10.5, 11, 12.5, 13, 14.5, 15, 16.5, 17, 19.5, 21];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("Words wider than the line, broken between kerned letters: Chromium and our PDF break the same", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(["start", "justify"])("text-align: %s, every width", async (align) => {
    const figures = await paragraphsAtWidths(launched.browser, fonts, {
      locale: "en" as LocaleId,
      paragraphs: PARAGRAPHS,
      widths: WIDTHS,
      align,
      bodyCss: "overflow-wrap: break-word; hyphens: manual;",
    });
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    // Issue 12's bar (one line is still apart, above).
    expect({ agreeing: figures.agreeing, met: figures.agreeing >= 0.98, pages: figures.pages.ours }).toEqual({
      agreeing: figures.agreeing,
      met: true,
      pages: figures.pages.chromium,
    });
  });
});
