import { readFileSync } from "node:fs";
import type { LocaleId } from "../../../functions/core/locales";
import { type RenderPdfOptions, renderPdf } from "../../../functions/core/pdf/render-pdf";
import { extractBoth, fixture, footerTitle, options, run, stylesheetsFor, toFile } from "./pdf-inspect";

/**
 * A glyph's code in a document's font subset is given from the document's end (pdf-writer.ts
 * numberGlyphsFromTheEnd), not in the order of first drawing: a reader's words on page one (here the
 * salutation) then renumber nothing on the later pages, and words that bring no glyph of their own
 * leave the font subsets and ToUnicode maps as they were, so their cached bytes serve the next letter
 * of a mail merge. Numbered as drawn (the old code), a new glyph in the salutation shifted every later
 * code, and the same glyphs in another order reordered the subset.
 */

interface Decoded {
  /** Each page's content stream, decoded. */
  pages: string[];
  /** Every other stream (fonts, ToUnicode maps, outlines, the profile), decoded, in object order. */
  others: string[];
}

/** The document's streams, decoded (qpdf --qdf): page contents apart. */
function decoded(pdf: Buffer): Decoded {
  const file = toFile(pdf);
  run("qpdf", ["--qdf", "--object-streams=disable", file, `${file}.qdf`]);
  const text = readFileSync(`${file}.qdf`, "latin1");
  const pages: string[] = [];
  const others: string[] = [];
  // qpdf --qdf marks each page's content object with a comment before it.
  for (const object of text.split(/\nendobj\n/)) {
    const stream = /\nstream\n([\s\S]*?)\nendstream/.exec(object)?.[1];
    if (stream === undefined) continue;
    const page = /%% Contents for page (\d+)/.exec(object);
    if (page) pages[Number(page[1]) - 1] = stream;
    // The XMP metadata names the document (its ID, from the content).
    else if (!object.includes("/Type /Metadata")) others.push(stream);
  }
  return { pages, others };
}

/**
 * Each letter with a salutation to change, one that brings glyphs the letter lacks, and one made of
 * the letter's own words, which draws their glyphs first in another order; `repeat`
 * copies a short letter's body to fill more than a page. `laterPagesKept`: whether a reader's new
 * glyph leaves the later pages as they were. The writer's marks and the anchors a right-to-left line
 * draws for the extractors' sake are numbered with the glyphs (pdf-writer.ts `reserveMarks`), and so
 * are the codes a line asks for beyond its glyphs (`handOutsOf`: a space carrying the mark of the
 * vowelled cluster after it), so Arabic with harakat keeps its later pages too: numbered as drawn, after
 * every glyph of the text, a reader's new glyph shifted those codes.
 */
const CASES: { locale: LocaleId; file: string; salutation: string; newGlyphs: string; ownWords: string; repeat: number; laterPagesKept: boolean }[] = [
  {
    locale: "en",
    file: "letter-en.html",
    salutation: "Excellencies,",
    newGlyphs: "Dear Ms Żółkiewska-Ŋ,",
    ownWords: "Excellencies of the Council,",
    repeat: 1,
    laterPagesKept: true,
  },
  { locale: "ar", file: "letter-ar.html", salutation: "أصحاب السعادة،", newGlyphs: "أصحاب ڤيڤيان،", ownWords: "السعادة أصحاب،", repeat: 8, laterPagesKept: true },
  { locale: "ar", file: "letter-ar-harakat.html", salutation: "أَصْحَابَ السَّعَادَةِ،", newGlyphs: "أَصْحَابَ ڤِيڤِيان،", ownWords: "السَّعَادَةِ أَصْحَابَ،", repeat: 8, laterPagesKept: true },
  { locale: "hi", file: "letter-hi.html", salutation: "महामहिम,", newGlyphs: "ॐ ऑड्रे ज़ोया,", ownWords: "आप जानते हैं, महामहिम,", repeat: 8, laterPagesKept: true },
];

function renderWith(
  { file, locale, salutation, repeat }: (typeof CASES)[number],
  text: string,
  counters: Pick<RenderPdfOptions, "onRunNumbered" | "onLineDrawn"> = {},
): Promise<Buffer> {
  const html = fixture(file);
  const marked = `<p class="salutation">${salutation}</p>`;
  expect(html).toContain(marked);
  const body = /<section class="body">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
  const letter = html.replace(body, body.repeat(repeat)).replace(marked, `<p class="salutation">${text}</p>`);
  return renderPdf(letter, options(locale, { stylesheets: stylesheetsFor(locale, "A4", undefined, footerTitle(letter)), ...counters }));
}

describe("glyph codes numbered from the document's end", () => {
  test.each(CASES.filter((letterCase) => letterCase.laterPagesKept))("$locale: a reader's new glyphs on page one renumber no later page", async (letterCase) => {
    const { salutation, newGlyphs } = letterCase;
    const letter = decoded(await renderWith(letterCase, salutation));
    const pdf = await renderWith(letterCase, newGlyphs);
    const reader = decoded(pdf);
    expect(letter.pages.length).toBeGreaterThan(1);
    expect(reader.pages.length).toBe(letter.pages.length);
    // Page one differs (the reader's words), every later page is the same bytes.
    expect(reader.pages[0]).not.toBe(letter.pages[0]);
    for (let page = 1; page < letter.pages.length; page++) expect(reader.pages[page]).toBe(letter.pages[page]);
    // The subset did change: the reader's words did bring glyphs of their own.
    expect(reader.others).not.toEqual(letter.others);
    // And they copy as written, in both extractors.
    const { poppler, pdfjs } = extractBoth(pdf);
    const words = newGlyphs.replace(/[,،]$/u, "").normalize("NFC").split(" ");
    for (const word of words) {
      expect(poppler[0]?.normalize("NFC")).toContain(word);
      expect(pdfjs[0]?.normalize("NFC")).toContain(word);
    }
  });

  test.each(CASES)("$locale: a reader's words that bring no glyph of their own leave the fonts and ToUnicode maps as they were", async (letterCase) => {
    const letter = decoded(await renderWith(letterCase, letterCase.salutation));
    const reader = decoded(await renderWith(letterCase, letterCase.ownWords));
    expect(reader.pages[0]).not.toBe(letter.pages[0]);
    expect(reader.pages.slice(1)).toEqual(letter.pages.slice(1));
    expect(reader.others).toEqual(letter.others);
  });

  test.each(CASES.filter((letterCase) => letterCase.file !== "letter-en.html" && letterCase.file !== "letter-ar.html"))(
    "$file: a run met again in the document is numbered once (its codes are given already)",
    async (letterCase) => {
      // The same body four times draws the same shaped runs four times; only the page footers' runs are new.
      // (renderWith finds the body of these two fixtures only: the others' section has more attributes.)
      const count = async (repeat: number) => {
        let runs = 0;
        let lines = 0;
        await renderWith({ ...letterCase, repeat }, letterCase.salutation, {
          onRunNumbered: () => runs++,
          onLineDrawn: () => lines++,
        });
        return { runs, lines };
      };
      const once = await count(1);
      const fourTimes = await count(4);
      expect(fourTimes.lines).toBeGreaterThan(once.lines * 2);
      expect(once.runs).toBeGreaterThan(0);
      // Walked at every occurrence, the body's runs were counted four times (118 and 400, 165 and 492).
      expect(fourTimes.runs).toBeLessThan(once.runs * 1.5);
    },
  );
});
