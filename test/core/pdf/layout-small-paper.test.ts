import type { LocaleId } from "../../../functions/core/locales";
import { browserAvailable } from "../../support/browser";
import { chromiumWithLetter, compareEditions, printBothEditions, restyled } from "../../support/edition-comparison";
import { SEED_LETTER, SEED_TEMPLATE } from "../../support/letters";
import { placedCharacters } from "../../support/line-starts";

/**
 * Small and odd paper (fresh user's finding: `@page { size: 8in 1.5in }` gave 10 pages in our PDF
 * against Chromium's 11): both editions paginate alike, every character on the same page and every
 * line starting alike. Two kinds of break differed, both where a bordered box meets a page's end:
 *
 * - A break before a box's first line is a break before the box: its top border and padding go to
 *   the next page with it. Ours left them at the foot of the page, so the box's text began 6.75pt
 *   higher than Chromium's (the translation notice's 0.6pt border and 6pt padding), and a paragraph
 *   that fitted below it in ours went to the next page in Chromium.
 * - A box's bottom padding and border must fit on the page below its last line: where they do not,
 *   Chromium breaks inside the box, or before it when it avoids breaks inside (the notice does).
 *   Ours drew the notice's lines on the page and let its bottom edge run over the margin.
 *
 * Pages of a letter's worth of text are few lines tall here, so such meetings are many.
 */

jest.setTimeout(600_000);

interface Case {
  locale: LocaleId;
  size: string;
  margin: string;
}

const CASES: Case[] = [
  { locale: "fr", size: "8in 1.5in", margin: "0.2in" },
  { locale: "fr", size: "8in 1.5in", margin: "0.1in" },
  { locale: "ja", size: "8in 1.5in", margin: "0.2in" },
  { locale: "zh", size: "8in 1.5in", margin: "0.15in" },
  { locale: "en", size: "8in 1.5in", margin: "0.2in" },
  { locale: "ru", size: "3in 5in", margin: "0.3in" },
  { locale: "en", size: "100mm 60mm", margin: "7mm" },
  { locale: "fr", size: "100mm 60mm", margin: "5mm 10mm" },
];

/** The running footer's lines stand in the bottom margin; a margin of 0.1in clips them in Chromium (poppler reads none), so the comparison leaves the bottom 10pt out. */
const FOOTER = 10;

describe("small and odd paper: both editions paginate alike", () => {
  if (!browserAvailable()) return;
  const setup = chromiumWithLetter(SEED_LETTER);

  it.each(CASES)("$locale on $size with margin $margin", async ({ locale, size, margin }) => {
    const renderer = restyled(setup.renderer, SEED_TEMPLATE, `@page { size: ${size}; margin: ${margin}; }`);
    const files = await printBothEditions(setup.launched.browser, renderer, setup.parsed, { letterId: SEED_LETTER, locale, recipientId: null });
    const figures = compareEditions(files.ours, files.chromium, FOOTER);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
    expect(figures.samePage).toBe(1);
    expect(figures.agreeing).toBe(1);
  });

  it("a bordered box whose first line starts a page takes its top border and padding to that page, as Chromium does", async () => {
    // fr on 8in x 1.5in with 0.2in margins: the translation notice starts page 2 in both editions.
    const renderer = restyled(setup.renderer, SEED_TEMPLATE, "@page { size: 8in 1.5in; margin: 0.2in; }");
    const files = await printBothEditions(setup.launched.browser, renderer, setup.parsed, { letterId: SEED_LETTER, locale: "fr", recipientId: null });
    const firstOfPage2 = (file: string) => placedCharacters(file, FOOTER).find((c) => c.page === 2)!;
    const [ours, chromium] = [firstOfPage2(files.ours), firstOfPage2(files.chromium)];
    expect(ours.char).toBe(chromium.char);
    expect(Math.abs(ours.top - chromium.top)).toBeLessThan(0.5);
  });
});
