import type { LocaleId } from "../../functions/core/locales";
import { browserAvailable } from "../support/browser";
import { chromiumWithLetter, compareEditions, printBothEditions } from "../support/edition-comparison";
import { SEED_LETTER } from "../support/letters";

/**
 * Issue 12 item 8's CJK rules: Chromium printing the HTML edition and our PDF start the same lines
 * in Chinese and Japanese (fullwidth punctuation trimmed in pairs, quotation marks between CJK
 * letters breakable, Japanese justified between characters). restyled-editions.test.ts holds the
 * other figures for every language and variant.
 */

const BOTTOM_MARGIN = (26 * 72) / 25.4;

/** Measured with the template's print.css, the page carrying its fonts: zh 1.00 (0.857 before), ja 1.00, ko 1.00 (0.911 until the PDF shaped Korean with its content language: Noto Sans KR's Korean space is 0.28 em, its default one 0.224 em). */
const BARS: readonly [LocaleId, number][] = [
  ["zh", 0.98],
  ["ja", 0.98],
  ["ko", 0.98],
];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("CJK lines start where Chromium starts them", () => {
  const setup = chromiumWithLetter(SEED_LETTER);

  it.each(BARS)("in %s: at least %f of line starts agree", async (locale, bar) => {
    const { ours, chromium } = await printBothEditions(setup.launched.browser, setup.renderer, setup.parsed, { letterId: SEED_LETTER, locale, recipientId: null });
    const { characters, agreeing } = compareEditions(ours, chromium, BOTTOM_MARGIN);
    expect(characters.ours).toBe(characters.chromium);
    expect({ agreeing, met: agreeing >= bar }).toEqual({ agreeing, met: true });
  });
});
