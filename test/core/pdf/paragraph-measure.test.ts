import { paragraphSpec } from "./paragraph-spec";
import { browserAdvanceScale, type Line, type ParagraphSpec, setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/**
 * Lines are filled in the browser's measure: Chromium (Skia over FreeType) scales a face to its size
 * in CSS pixels truncated to 1/64 px, so at 11.025pt (14.7 px) its advances are 0.09 % narrower than
 * the font's, and it fitted a word more on some lines of the Bengali letter than the PDF did (0.833
 * of line starts agreeing, 1.00 since, with the page area on whole pixels).
 */

const fonts = loadFontLibrary();

function paragraph(text: string, overrides: Partial<ParagraphSpec>): Line[] {
  return setParagraph(fonts, paragraphSpec(text, { size: 11.025, rules: { primary: "bengali", keepAll: false }, language: "bn", ...overrides }));
}

/** The text of a line's runs, in drawing order. */
const textOf = (line: Line) => line.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.text)).join("");

describe("lines are filled in the browser's measure", () => {
  it("scales advances as Chromium does: exact at whole 64ths of a pixel, narrower between", () => {
    expect(browserAdvanceScale(10.5)).toBe(1); // 14 px
    expect(browserAdvanceScale(9)).toBe(1); // 12 px
    expect(browserAdvanceScale(11.025)).toBeCloseTo(14.6875 / 14.7, 12);
    expect(browserAdvanceScale(10)).toBeCloseTo(13.328125 / (40 / 3), 12);
    expect(browserAdvanceScale(0)).toBe(1);
  });

  const words = "সংস্থা জাতিসংঘ নিরাপত্তা পরিষদকে";
  const natural = paragraph(words, {})[0]!.width;
  // Wide enough for the words in Chromium's measure, not in the font's own.
  const width = natural * browserAdvanceScale(11.025) + 0.01;

  it("fits on a line the words Chromium fits, though they are a little wider in the font's own advances", () => {
    expect(width).toBeLessThan(natural);
    const lines = paragraph(`${words} আরও`, { width });
    expect(textOf(lines[0]!)).toBe(words);
  });

  it("closes the difference in a justified line's gaps: the line ends at the measure, no further", () => {
    const [first] = paragraph(`${words} আরও`, { width, align: "justify" });
    const last = first!.runs.reduce((end, placed) => {
      const advance = placed.run.glyphs.reduce((sum, glyph, i) => sum + (glyph.xAdvance / placed.run.unitsPerEm) * 11.025 + (placed.extra?.[i] ?? 0), 0);
      return Math.max(end, placed.x + advance);
    }, 0);
    expect(last).toBeCloseTo(width, 3);
  });

  it("at a size of whole 64ths of a pixel measures with the font's own advances", () => {
    const at14px = paragraph(words, { size: 10.5 })[0]!.width;
    const lines = paragraph(`${words} আরও`, { size: 10.5, width: at14px - 0.05 });
    expect(textOf(lines[0]!)).toBe("সংস্থা জাতিসংঘ নিরাপত্তা");
  });
});
