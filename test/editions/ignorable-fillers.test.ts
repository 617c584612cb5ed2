import type { LocaleId } from "../../functions/core/locales";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { paragraphsAtWidths } from "../support/edition-comparison";

/**
 * The Hangul fillers are default-ignorable, but HarfBuzz draws them (Uniscribe compatibility), and
 * Chromium falls back to the face that has them: Noto Sans KR, blank, 0.92 em. The PDF drew a
 * .notdef box of the Latin face (0.6 em) and broke lines elsewhere. Words joined by each filler, in a
 * Latin document and a Korean one, at several widths. Measured 2026-11-30: 0.656 (en) and 0.671 (ko)
 * of line starts agreeing on the old code; 1.0 now.
 */
const FILLERS = ["\u3164", "\uFFA0", "\u115F", "\u1160"];
const PLACES = ["Seoul", "Pyongyang", "Kaesong", "Wonsan", "Hamhung", "Chongjin"];
const PARAGRAPHS = FILLERS.map((filler) => Array.from({ length: 40 }, (_, i) => `${PLACES[i % 6]}${filler}${PLACES[(i + 1) % 6]!.toLowerCase()}`).join(" "));
const WIDTHS = [9, 13, 17, 21];
const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("Hangul fillers: Chromium and our PDF give them the same blank and break the same", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(["en", "ko"])("%s", async (locale) => {
    const figures = await paragraphsAtWidths(launched.browser, fonts, { locale: locale as LocaleId, paragraphs: PARAGRAPHS, widths: WIDTHS, align: "start" });
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect({ agreeing: figures.agreeing, met: figures.agreeing >= 0.99, pages: figures.pages.ours }).toEqual({
      agreeing: figures.agreeing,
      met: true,
      pages: figures.pages.chromium,
    });
  });
});
