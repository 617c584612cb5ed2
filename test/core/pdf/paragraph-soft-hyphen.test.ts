import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { options, pdfjsPages, popplerPages, stylesheetsFor, toFile } from "./pdf-inspect";

/**
 * A word broken at a soft hyphen: the PDF draws the hyphen at the line end, as Chromium does, and
 * what a reader copies is the word without a hyphen or a soft hyphen, in poppler and in pdf.js.
 */

const PRINT_CSS = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
const SHY = "\u00AD";

/** Words with soft hyphens between their syllables, in German and Russian, in a narrow column so that lines break inside them. */
const WORDS = {
  de: [`Menschen${SHY}rechts${SHY}ver${SHY}let${SHY}zun${SHY}gen`, `Unter${SHY}suchungs${SHY}kom${SHY}mis${SHY}sion`, `Ver${SHY}ant${SHY}wort${SHY}lichen`],
  ru: [`пре${SHY}ступ${SHY}ле${SHY}ния`, `рас${SHY}сле${SHY}до${SHY}ва${SHY}нию`, `от${SHY}вет${SHY}ствен${SHY}ность`],
} as const;

function letter(lang: string, words: readonly string[]): string {
  const sentence = (i: number) => `${i}: ${words.join(" und ")} ${words.slice().reverse().join(" ")}.`;
  return `<article class="letter" lang="${lang}" dir="ltr"><h1>Title</h1><section class="body"><p>${[0, 1, 2, 3].map(sentence).join(" ")}</p></section></article>`;
}

describe.each(Object.entries(WORDS))("a soft hyphen in %s text at a line end", (lang, words) => {
  let poppler = "";
  let pdfjs = "";
  beforeAll(async () => {
    const locale = lang as "de";
    const pdf = await renderPdf(letter(lang, words), options(locale, { stylesheets: stylesheetsFor(locale, "A4", `${PRINT_CSS}\n.body p { width: 140pt; }`) }));
    const file = toFile(pdf);
    poppler = popplerPages(file).join("\n");
    pdfjs = pdfjsPages(file).join("\n");
  });

  it("copies no soft hyphen and no hyphen in either extractor", () => {
    for (const text of [poppler, pdfjs]) {
      expect(text).not.toContain(SHY);
      expect(text).not.toMatch(/[-\u2010]/u);
    }
  });

  it("gives every word whole in poppler's text, lines broken inside words included", () => {
    const wholeWords = words.map((word) => word.replaceAll(SHY, ""));
    const text = poppler.replace(/\s+/g, " ");
    for (const word of wholeWords) expect(text.split(word).length - 1).toBe(4 * 2);
  });

  it("gives each word's letters in order in pdf.js's text, a line end the only thing between its parts", () => {
    // pdf.js puts a line end wherever a line ends; it ignores ActualText, so a word broken at the
    // line end comes out in two parts (documented in README's hyphenation notes).
    const text = pdfjs.replace(/\s+/g, "");
    for (const word of words.map((w) => w.replaceAll(SHY, ""))) expect(text.split(word).length - 1).toBe(4 * 2);
  });

  it("breaks some lines inside a word (the case above is exercised)", () => {
    const lines = poppler.split("\n").map((line) => line.trim());
    const parts = words.flatMap((word) => word.split(SHY).slice(0, -1));
    expect(lines.some((line) => parts.some((part) => line.endsWith(part)))).toBe(false);
    // pdf.js keeps the line ends: some line there ends in the middle of a word.
    const prefixes = words.flatMap((word) => {
      const parts = word.split(SHY);
      return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join(""));
    });
    const pdfjsLines = pdfjs.split("\n").map((line) => line.trim());
    expect(pdfjsLines.some((line) => prefixes.some((prefix) => line.endsWith(prefix)))).toBe(true);
  });
});
