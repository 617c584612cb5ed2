import { paragraphSpec, PLAIN } from "./paragraph-spec";
import { faceOf } from "../../../functions/core/pdf/font-library";
import { browserAdvanceScale, type Line, setParagraph } from "../../../functions/core/pdf/paragraph";
import { shape } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/**
 * Kerning between CJK characters, as Chromium shapes it: a run of one face and direction is shaped
 * whole, so Noto Sans JP's kerning pairs between kana (アニ, スペ) count although every character is
 * a word of its own for the line breaker (issue 12 item 8: a 40-character Japanese line measured
 * 401.80 pt in Chromium and 403.31 pt in the PDF, which then fit one character less).
 */

const fonts = loadFontLibrary();
const SIZE = 10.2;
const JP = faceOf("jp", PLAIN);
/**
 * Katakana with kerning pairs in Noto Sans JP (アニ, スペ), none of them a small kana or a prolonged
 * sound mark, which a line may not start with: a line may break between any two of them.
 */
const KANA = "アニスペアニメスペアニスペのアニスペアニメスペ";

function lines(text: string, width: number): Line[] {
  return setParagraph(fonts, paragraphSpec(text, { size: SIZE, leading: 1.5, width, rules: { primary: "jp", keepAll: false }, language: "ja" }));
}

/** The characters on a line, in order. */
const textOf = (line: Line) => line.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.text)).join("");

/** The run's advance in points, shaped whole by HarfBuzz. */
const wholeRun = (text: string) => {
  const run = shape(fonts, JP, text, "ltr", "ja");
  return (run.advance / run.unitsPerEm) * SIZE;
};
/** The advance in points with each character shaped alone (no kerning between them). */
const characterByCharacter = (text: string) => [...text].reduce((sum, char) => sum + wholeRun(char), 0);

describe("kerning between CJK characters", () => {
  it("the fixture has kerning pairs: shaped whole it is narrower than character by character", () => {
    expect(characterByCharacter(KANA) - wholeRun(KANA)).toBeGreaterThan(0.5);
  });

  it("a line is as wide as its run shaped whole, kerning pairs between characters included", () => {
    const [line] = lines(KANA, 5000);
    expect(textOf(line!)).toBe(KANA);
    expect(line!.width).toBeCloseTo(wholeRun(KANA), 2);
  });

  it("draws the glyphs with the advances the line was measured with", () => {
    const [line] = lines(KANA, 5000);
    const drawn = line!.runs.reduce((sum, placed) => sum + (placed.run.glyphs.reduce((s, glyph) => s + glyph.xAdvance, 0) / placed.run.unitsPerEm) * placed.size, 0);
    expect(drawn).toBeCloseTo(line!.width, 2);
  });

  it("fits the characters whose kerned sum fits the measure, one more than without kerning", () => {
    const chars = [...KANA];
    // The first count whose kerned advance fits where the unkerned one does not.
    const n = chars.findIndex((_, k) => k > 0 && characterByCharacter(chars.slice(0, k).join("")) - wholeRun(chars.slice(0, k).join("")) > 0.3);
    expect(n).toBeGreaterThan(0);
    const head = chars.slice(0, n).join("");
    // Between the kerned and unkerned sums, in the browser's measure (browserAdvanceScale).
    const width = ((wholeRun(head) + characterByCharacter(head)) / 2) * browserAdvanceScale(SIZE);
    const [first] = lines(KANA, width);
    expect(textOf(first!)).toBe(head);
    // The pair across the break is not kerned: the line is its characters shaped whole, drawn so.
    expect(first!.width).toBeCloseTo(wholeRun(head), 2);
    const drawn = first!.runs.reduce((sum, placed) => sum + (placed.run.glyphs.reduce((s, glyph) => s + glyph.xAdvance, 0) / placed.run.unitsPerEm) * placed.size, 0);
    expect(drawn).toBeCloseTo(wholeRun(head), 2);
  });
});
