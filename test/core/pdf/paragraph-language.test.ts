import { PLAIN, paragraphSpec } from "./paragraph-spec";
import { type FamilyId, faceOf } from "../../../functions/core/pdf/font-library";
import { type Line, type ParagraphSpec, setParagraph, type StyledText } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/**
 * Text is shaped in its content language, as browsers shape an element's text in its `lang`: a
 * face's language forms (OpenType `locl`) then measure and draw the same in both editions. Chromium
 * printing the Korean letter set every word space 0.28 em (Noto Sans KR's Korean space) where the
 * PDF, shaping without a language, set 0.224 em after punctuation and beside Latin, and broke lines
 * elsewhere (0.911 of line starts agreeing, 1.00 since).
 */

const fonts = loadFontLibrary();
const ITALIC = { bold: false, italic: true };

function paragraph(runs: StyledText[], primary: FamilyId, language: string, overrides: Partial<ParagraphSpec> = {}): Line[] {
  return setParagraph(fonts, paragraphSpec("", { runs, rules: { primary, keepAll: primary === "kr" }, language, ...overrides }));
}

/** The advance of every space glyph the lines draw in Noto Sans KR, in em (a space after Latin letters is set in the Latin face). */
function spaceAdvances(lines: Line[]): number[] {
  return lines.flatMap((line) =>
    line.runs
      .filter((placed) => placed.run.face === "kr-regular")
      .flatMap((placed) => placed.run.glyphs.filter((glyph) => glyph.text === " ").map((glyph) => glyph.xAdvance / placed.run.unitsPerEm)),
  );
}

describe("a paragraph is shaped in its content language", () => {
  // Spaces after a comma, before a quotation mark, beside Latin letters and digits, and between syllables.
  const korean = "조사위원회는 북한의 계속되는 “유엔에 대한 도전으로 인하여, 이 사안은 UN 체제의 2014 결의에 해당한다”고 결론지었습니다.";

  it("in Korean, Noto Sans KR sets every word space as Korean text does (0.28 em)", () => {
    const spaces = spaceAdvances(paragraph([{ text: korean, style: PLAIN }], "kr", "ko"));
    expect(spaces.length).toBe(korean.split(" ").length - 2);
    for (const em of spaces) expect(em).toBeCloseTo(0.28, 3);
  });

  it("without a language the same face keeps its default space beside punctuation and Latin (0.224 em), so the language is what changes it", () => {
    const spaces = spaceAdvances(paragraph([{ text: korean, style: PLAIN }], "kr", ""));
    expect(spaces.some((em) => Math.abs(em - 0.224) < 0.001)).toBe(true);
  });

  it("a run's own language (an inline lang) is the one it is shaped in", () => {
    const inEnglishLetter = paragraph(
      [
        { text: "The commission wrote: ", style: PLAIN },
        { text: korean, style: PLAIN, lang: "ko" },
      ],
      "kr",
      "en",
    );
    const koreanSpaces = spaceAdvances(inEnglishLetter);
    expect(koreanSpaces.length).toBe(korean.split(" ").length - 2);
    for (const em of koreanSpaces) expect(em).toBeCloseTo(0.28, 3);
  });

  it("in Serbian, Noto Serif's italic Cyrillic takes its Serbian forms (narrower than the Russian ones), and lines are measured with them", () => {
    const text = "бгдпт бгдпт бгдпт";
    const width = (language: string) => paragraph([{ text, style: ITALIC }], "serif", language)[0]!.width;
    const glyphs = (language: string) => paragraph([{ text, style: ITALIC }], "serif", language)[0]!.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.id));
    expect(glyphs("sr")).not.toEqual(glyphs("ru"));
    expect(width("sr")).toBeLessThan(width("ru"));
    // The face itself is the same: only the language differs.
    expect(faceOf("serif", ITALIC)).toBe("serif-italic");
  });
});
