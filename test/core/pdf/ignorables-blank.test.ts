import type { FamilyId } from "../../../functions/core/pdf/font-library";
import { faceOf } from "../../../functions/core/pdf/font-library";
import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { assignFamilies, shape } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { options, pdfjsPages, popplerPages, toFile } from "./pdf-inspect";

/**
 * Default-ignorable code points are never drawn as a .notdef box (issue 13 item 3): HarfBuzz hides
 * most of them, but draws the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and the shorthand
 * format controls (U+1BCA0..3) as a face has them, a box in a face without them, where Chromium
 * falls back to a face that has them (Noto Sans KR's fillers: blank, 0.92 em). Every one of them,
 * in documents set in several families; and the character stays in the copied text.
 */
const fonts = loadFontLibrary();
const REGULAR = { bold: false, italic: false };
const EVERY_IGNORABLE: number[] = [];
for (let codePoint = 0; codePoint <= 0xe0fff; codePoint++) if (/\p{Default_Ignorable_Code_Point}/u.test(String.fromCodePoint(codePoint))) EVERY_IGNORABLE.push(codePoint);
const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;

/** The glyphs a text is drawn with, each family run shaped in its face, as the typesetter does: id and advance, with the text each carries. */
function drawn(text: string, primary: FamilyId): { id: number; xAdvance: number; text: string; face: string }[] {
  const families = assignFamilies(fonts, text, primary, REGULAR);
  const glyphs: { id: number; xAdvance: number; text: string; face: string }[] = [];
  for (let start = 0; start < text.length; ) {
    let end = start + 1;
    while (end < text.length && families[end] === families[start]) end++;
    const face = faceOf(families[start]!, REGULAR);
    const run = shape(fonts, face, text.slice(start, end), "ltr");
    glyphs.push(...run.glyphs.map((glyph) => ({ id: glyph.id, xAdvance: glyph.xAdvance / run.unitsPerEm, text: glyph.text, face })));
    start = end;
  }
  return glyphs;
}

describe("default-ignorable code points are never a .notdef box", () => {
  it(`has the ${EVERY_IGNORABLE.length} code points Unicode names, the fillers among them`, () => {
    expect(EVERY_IGNORABLE.length).toBeGreaterThan(4000);
    for (const filler of [0x115f, 0x1160, 0x3164, 0xffa0, 0x1bca0]) expect(EVERY_IGNORABLE).toContain(filler);
  });

  it.each(["serif", "sans", "naskh", "devanagari", "kr"] as FamilyId[])("between letters of a %s document: no .notdef, the character kept in the glyphs' text", (primary) => {
    const boxes: string[] = [];
    for (const codePoint of EVERY_IGNORABLE) {
      const text = `a${String.fromCodePoint(codePoint)}b`;
      const glyphs = drawn(text, primary);
      if (glyphs.some((glyph) => glyph.id === 0)) boxes.push(hex(codePoint));
      expect(glyphs.map((glyph) => glyph.text).join("")).toBe(text.normalize("NFC"));
    }
    expect(boxes).toEqual([]);
  });

  it("sets a Hangul filler in Latin text in the face that has it, blank at its advance, as Chromium does", () => {
    for (const filler of ["\u3164", "\uFFA0", "\u115F", "\u1160"]) {
      const glyphs = drawn(`Seoul${filler}Pyongyang`, "serif");
      const glyph = glyphs.find((candidate) => candidate.text === filler)!;
      expect({ face: glyph.face, advance: Number(glyph.xAdvance.toFixed(2)) }).toEqual({ face: "kr-regular", advance: 0.92 });
    }
  });

  it("leaves one no shipped face has (a shorthand format control) blank, with no advance", () => {
    const glyph = drawn("Seoul\u{1BCA0}Pyongyang", "serif").find((candidate) => candidate.text === "\u{1BCA0}")!;
    expect(glyph.id).not.toBe(0);
    expect(glyph.xAdvance).toBe(0);
  });

  it("keeps the fillers in the text poppler and pdf.js copy from the PDF", async () => {
    const text = "Seoul\u3164Pyongyang and Kaesong\uFFA0Wonsan";
    const pdf = await renderPdf(`<article class="letter" lang="en"><p>${text}</p></article>`, options("en" as LocaleId));
    const file = toFile(pdf);
    for (const pages of [popplerPages(file), pdfjsPages(file)]) expect(pages.join("")).toContain(text);
  });
});
