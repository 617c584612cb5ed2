import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { extractBoth, options } from "./pdf-inspect";

/**
 * A word space after a word ending in a combining mark copies back as one space (fresh-user finding,
 * fresh7 item 2): the space before a right-to-left cluster whose marks are drawn before its letter
 * carried a hair-wide anchor after it, whose own space both extractors copied beside the word space,
 * an ARABIC LETTER MARK between them ("كتابٌ \u061C جميلٌ"). Compared with the direction marks taken
 * out but white space as it is: a doubled space is the fault.
 */

const DIRECTION_MARKS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

function copied(text: string): string {
  return text.normalize("NFC").replace(DIRECTION_MARKS, "");
}

function letter(lang: string, dir: "rtl" | "ltr", paragraphs: readonly string[]): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return `<article class="letter" lang="${lang}" dir="${dir}" aria-labelledby="t"><h1 id="t">Marks</h1><section class="body">\n${body}\n</section></article>`;
}

const CASES: readonly { name: string; locale: LocaleId; dir: "rtl" | "ltr"; paragraphs: readonly string[] }[] = [
  {
    name: "Arabic with tanween and kasra at word ends",
    locale: "ar",
    dir: "rtl",
    paragraphs: ["هذا كتابٌ جميلٌ جداً في البيتِ الكبير", "قرأتُ رسالةً طويلةً من صديقٍ قديمٍ أمسِ"],
  },
  { name: "vocalized Hebrew", locale: "he", dir: "rtl", paragraphs: ["מִי שֶׁ כָּל הַיְּלָדִים בְּבֵית הַסֵּפֶר"] },
  {
    name: "Persian with the ezafe hamza above, and a Latin word ending in a combining acute",
    locale: "fa",
    dir: "rtl",
    paragraphs: ["نامهٔ آزمایشی خانهٔ ما", "نامهٔ cafe\u0301 و خانهٔ"],
  },
  {
    name: "Arabic with tanween, and Latin with a combining acute, in a left-to-right document",
    locale: "en",
    dir: "ltr",
    paragraphs: ["Hello كتابٌ جميلٌ جداً world cafe\u0301 done", "The word resume\u0301 ends in a mark before a space"],
  },
];

describe.each(CASES)("a word space after a combining mark copies as one space: $name", ({ locale, dir, paragraphs }) => {
  let pages: { poppler: string[]; pdfjs: string[] };
  beforeAll(async () => {
    pages = extractBoth(await renderPdf(letter(locale, dir, paragraphs), options(locale)));
  });

  it.each(["poppler", "pdfjs"] as const)("by %s", (extractor) => {
    const text = copied(pages[extractor].join("\n"));
    for (const paragraph of paragraphs) expect(text).toContain(copied(paragraph));
    expect(text).not.toMatch(/ {2}/u);
  });
});

/**
 * An emoji with VARIATION SELECTOR-16 before a space in a right-to-left line (fresh7 item 2): the
 * selector, stored before its pictograph in the reversed cluster, was drawn outside the sequence's
 * ActualText span and copied by poppler a second time; the hair-wide anchor before it added a space.
 * The order of the sequences in such a line is another matter (fresh7 item 3), not held here.
 */
describe("an emoji sequence with U+FE0F before a space in a right-to-left line copies its selector once and one space", () => {
  const paragraphs = ["שלום 😀👍🏿❤️ עולם", "مرحبا ❤️ عالم", "שָׁלוֹם ✌🏽❤️ עולם"];
  let pages: { poppler: string[]; pdfjs: string[] };
  beforeAll(async () => {
    pages = extractBoth(await renderPdf(letter("he", "rtl", paragraphs), options("he")));
  });

  it.each(["poppler", "pdfjs"] as const)("by %s", (extractor) => {
    const text = copied(pages[extractor].join("\n"));
    const selectors = (s: string) => [...s].filter((char) => char === "\uFE0F").length;
    expect(selectors(text)).toBe(selectors(paragraphs.join("")));
    expect(text).not.toMatch(/ {2}/u);
  });
});
