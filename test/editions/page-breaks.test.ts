import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import { browserAvailable } from "../support/browser";
import { chromiumWithLetter, compareEditions, printBothEditions, restyled } from "../support/edition-comparison";
import { SEED_LETTER, SEED_TEMPLATE } from "../support/letters";

/**
 * Where pages break, in both editions (issue 12 items 7 and 8): our PDF and Chromium printing the
 * HTML edition put every character on the same page. Each case is a kind of break that differed:
 *
 * - A block taller than what is left of its page, or than a whole page, fragments: a heading is an
 *   ordinary block whose lines break across pages (CSS Fragmentation 3 §4.4), and break-after: avoid
 *   only weighs the break between it and what follows. A title of about 1,700 characters moved the
 *   whole h1 to page 2 (3 pages; Chromium splits it, 2 pages).
 * - A list item at a page's end: the list's first item stays with its second (break-after: avoid),
 *   so Chromium breaks inside the first item, after `orphans` of its lines, rather than move the
 *   list's heading on (where our PDF moved heading and list to the next page).
 * - A line that ends a page by a fraction of a point: Chromium's page area is whole CSS pixels tall,
 *   and its line-heights whole layout units (1/64 px).
 */

const MM = 72 / 25.4;
const BAR = { agreeing: 0.98, samePage: 0.99 };

/** A larger body on US Letter, as in restyled-editions.test.ts: more of the letter crosses page ends. */
const LETTER_12PT = "body { font-size: 12pt; }\n@page { size: letter; margin: 30mm 25mm 32mm; }";

interface Case {
  name: string;
  locale: LocaleId;
  css: string;
  bottomMargin: number;
  /** A title of the letter's own, in place of its translation's. */
  title?: string;
}

const repeat = (text: string, length: number) =>
  text
    .repeat(Math.ceil(length / text.length))
    .slice(0, length)
    .trim();

const CASES: Case[] = [
  {
    name: "an h1 of 1,700 characters that starts on page 1 breaks across the page's end",
    locale: "en",
    css: "",
    bottomMargin: 26 * MM,
    title: repeat("Joint letter on the situation of human rights defenders and the follow-up to the Commission of Inquiry ", 1700),
  },
  {
    name: "a Chinese h1 of 800 characters breaks across the page's end",
    locale: "zh",
    css: "",
    bottomMargin: 26 * MM,
    title: repeat("关于人权维护者处境以及调查委员会建议后续落实情况的联名信", 800),
  },
  {
    name: "an Arabic h1 of 1,500 characters breaks across the page's end",
    locale: "ar",
    css: "",
    bottomMargin: 26 * MM,
    title: repeat("رسالة مشتركة بشأن أوضاع المدافعين عن حقوق الإنسان ومتابعة توصيات لجنة التحقيق ", 1500),
  },
  {
    name: "an h1 taller than a whole page breaks across three pages",
    locale: "fr",
    css: LETTER_12PT,
    bottomMargin: 32 * MM,
    title: repeat("Lettre conjointe sur la situation des défenseurs des droits humains et le suivi de la commission d'enquête ", 4500),
  },
  // The list of sources moved down the page, so that its first item (three lines) reaches the page's end.
  ...[30, 36, 42].map(
    (space): Case => ({
      name: `a French list whose first item ends the page (sources ${space}pt lower)`,
      locale: "fr",
      css: `${LETTER_12PT}\n.sources { margin-top: ${space}pt; }`,
      bottomMargin: 32 * MM,
    }),
  ),
  ...[27, 44].map(
    (top): Case => ({
      name: `a Russian page whose last line fits by a fraction of a point (top margin ${top} mm)`,
      locale: "ru",
      css: `${LETTER_12PT}\n@page { margin-top: ${top}mm; }`,
      bottomMargin: 32 * MM,
    }),
  ),
];

function withTitle(parsed: ParsedLetter, locale: LocaleId, title: string): ParsedLetter {
  const translations = new Map(parsed.letter.translations);
  translations.set(locale, { ...translations.get(locale)!, title });
  return { ...parsed, letter: { ...parsed.letter, translations } };
}

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("our PDF breaks pages where Chromium printing the HTML edition does", () => {
  const setup = chromiumWithLetter(SEED_LETTER);

  it.each(CASES)("$name", async ({ locale, css, bottomMargin, title }) => {
    const letter = title === undefined ? setup.parsed : withTitle(setup.parsed, locale, title);
    const request = { letterId: SEED_LETTER, locale, recipientId: null };
    const { ours, chromium } = await printBothEditions(setup.launched.browser, restyled(setup.renderer, SEED_TEMPLATE, css), letter, request);
    const figures = compareEditions(ours, chromium, bottomMargin);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    const measured = `pages ${figures.pages.ours}/${figures.pages.chromium}, same page ${figures.samePage}, line starts ${figures.agreeing}`;
    const met = figures.pages.ours === figures.pages.chromium && figures.samePage >= BAR.samePage && figures.agreeing >= BAR.agreeing;
    expect({ measured, met }).toEqual({ measured, met: true });
  });
});
