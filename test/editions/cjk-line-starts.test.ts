import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

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
  let launched: LaunchedBrowser;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    launched = await launchChromium();
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
  });
  afterAll(async () => launched?.close());

  it.each(BARS)("in %s: at least %f of line starts agree", async (locale, bar) => {
    const { ours, chromium } = await printBothEditions(launched.browser, renderer, parsed, { letterId: SEED_LETTER, locale, recipientId: null });
    const { characters, agreeing } = compareEditions(ours, chromium, BOTTOM_MARGIN);
    expect(characters.ours).toBe(characters.chromium);
    expect({ agreeing, met: agreeing >= bar }).toEqual({ agreeing, met: true });
  });
});
