import type { LocaleId } from "../../functions/core/locales";
import { browserAvailable } from "../support/browser";
import { chromiumWithLetter, compareEditions, printBothEditions, restyled } from "../support/edition-comparison";
import { SEED_LETTER, SEED_TEMPLATE, SHIPPED_LOCALES } from "../support/letters";

/**
 * Both editions follow the stylesheet: Chromium printing the HTML edition (the PDF's faces
 * embedded) and our PDF, for the template's print.css and restyled variants of it, in every
 * language the template ships that the seed letter is translated into, break the same lines onto
 * the same pages at the same heights (issue 12 item 8: line boxes of poppler's pdftotext -bbox-layout).
 */

const MM = 72 / 25.4;

/** Issue 12 item 8's bar. */
const BAR = { agreeing: 0.98, samePage: 0.99, topDifference: 2 };

/** The variants; `bottomMargin` (points) holds the running footer, which the comparison leaves out. */
const VARIANTS = [
  { name: "the template's print.css", css: "", bottomMargin: 26 * MM },
  {
    name: "a larger body on US Letter with other margins",
    css: "body { font-size: 12pt; }\n@page { size: letter; margin: 30mm 25mm 32mm; }",
    bottomMargin: 32 * MM,
  },
  {
    name: "a class of the author's own, boxed and indented",
    css: ".body p:first-of-type { border-inline-start: 3pt solid #2255aa; padding-inline-start: 8pt; text-indent: 2em; }\nh1 { color: #aa2222; letter-spacing: 0.5pt; }",
    bottomMargin: 26 * MM,
  },
  {
    // Letter-spacing everywhere: Arabic and Persian lines break where Chromium's do only if the
    // spacing stays out of their words (0.446 and 0.492 of line starts while the PDF spaced them).
    name: "a letter-spaced body and heading",
    css: "body { letter-spacing: 0.4pt; }\nh1 { letter-spacing: 1pt; }",
    bottomMargin: 26 * MM,
  },
  {
    name: "A5 with narrow margins and a smaller, looser body",
    css: "@page { size: A5; margin: 14mm 12mm 18mm; }\nbody { font-size: 9.5pt; line-height: 1.55; }",
    bottomMargin: 18 * MM,
  },
  {
    // Noto Sans JP kerns kana pairs (アニ, スペ) between characters that are each a break opportunity:
    // Japanese lines fitted a character less than Chromium's until the PDF kerned across them (0.737).
    name: "B5 with a 10.2pt body",
    css: "@page { size: B5; margin: 20mm 18mm 24mm; }\nbody { font-size: 10.2pt; }",
    bottomMargin: 24 * MM,
  },
] as const;

type VariantName = (typeof VARIANTS)[number]["name"];

/**
 * What is still below the bar, measured (Chromium 156, fonts embedded), with the floor asserted
 * meanwhile; every figure not listed is asserted at the bar. None is now: every language meets the
 * bar in every variant (measured 2026-11-30: 1.00 of line starts and of characters on the same page,
 * line tops 0.1-0.2 pt apart at the median, the same page count). The last four below it before
 * were the measure's and the line breaker's:
 * - Chinese on B5 with a 10.2pt body (0.907): Chromium ended a line "…最弱势群体。”" and began the
 *   next with "特别", a break UAX 14 allows since Unicode 15.1 (LB19a: after a closing quote between
 *   East Asian characters, fullwidth punctuation such as "。" included), where the PDF read East
 *   Asian as letters only and glued "体。”特" (functions/core/text/quotation-breaks.ts;
 *   test/editions/cjk-quote-breaks.test.ts). Poppler reads Chromium's "”" after "。" as a word of its
 *   own on the same line, which was once taken for a line of its own.
 * - Arabic and Persian with a larger body (0.842, 0.676) and Thai on A5 (0.891) broke every line at
 *   the same word in both editions; poppler cut some lines into pieces differently (a dotted Arabic
 *   letter half an em off its line, a justified line's last word read after the paragraph), and the
 *   measure counted pieces (test/support/line-starts.ts, drawn lines; test/editions/line-starts-measure.test.ts).
 * - Arabic with the author's class (0.957): the PDF letter-spaced the Arabic heading's letters, which
 *   Chromium leaves joined (paragraph.ts, letterSpacedCharacters; test/core/pdf/letter-spacing-cursive.test.ts).
 * Line tops are within 0.4 pt since line boxes follow CSS 2.1 §10.8.1 with each face's own ascent and
 * descent, in whole pixels as Chromium places them (functions/core/pdf/line-box.ts); Greek and Spanish
 * pages since pagination chooses its breaks as Chromium does (layout.ts, chooseBreak); Chinese on A5
 * since a closing quote that ends a line is set half-width when only so it fits (paragraph.ts,
 * closingMarkTrimmedAtLineEnd).
 */
const BELOW_BAR: Partial<Record<VariantName, Partial<Record<LocaleId, { agreeing?: number; samePage?: number; topDifference?: number }>>>> = {};

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the HTML edition printed by Chromium and our PDF follow the same stylesheet", () => {
  const setup = chromiumWithLetter(SEED_LETTER);

  it("covers every language the seed template ships (a letter translated into fewer would leave some out)", () => {
    expect(SHIPPED_LOCALES.length).toBeGreaterThan(0);
    expect(SHIPPED_LOCALES.filter((locale) => !setup.parsed.letter.translations.has(locale))).toEqual([]);
  });

  describe.each(VARIANTS)("with $name", ({ name, css, bottomMargin }) => {
    it.each(SHIPPED_LOCALES)("in %s: same pages, same line starts, same line tops", async (locale) => {
      const request = { letterId: SEED_LETTER, locale, recipientId: null };
      const { ours, chromium } = await printBothEditions(setup.launched.browser, restyled(setup.renderer, SEED_TEMPLATE, css), setup.parsed, request);
      const figures = compareEditions(ours, chromium, bottomMargin);
      // The same text in the same order, so characters align one to one.
      expect(figures.characters.ours).toBe(figures.characters.chromium);
      const floor = { ...BAR, ...BELOW_BAR[name]?.[locale] };
      const met =
        figures.pages.ours === figures.pages.chromium && figures.agreeing >= floor.agreeing && figures.samePage >= floor.samePage && figures.topDifference <= floor.topDifference;
      // The figures show in a failure's message, on one line.
      const measured = `line starts ${figures.agreeing}, same page ${figures.samePage}, line tops ${figures.topDifference} pt, pages ${figures.pages.ours}/${figures.pages.chromium}`;
      expect({ measured, met }).toEqual({ measured, met: true });
    });
  });
});
