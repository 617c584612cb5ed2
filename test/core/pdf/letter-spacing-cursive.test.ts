import { type Line, type ParagraphSpec, setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { paragraphSpec } from "./paragraph-spec";

/**
 * CSS letter-spacing is never added between the letters of a cursive script (CSS Text 3 §8.2), as
 * Chromium 156 sets it: the Arabic heading of an author's stylesheet with `letter-spacing: 0.5pt`
 * kept its words their own width in Chromium and broke a word earlier in the PDF, which spaced every
 * Arabic letter (0.957 of line starts agreeing). Spaces take it, and so do other scripts' letters;
 * punctuation and digits take the script of the run they stand in. Every figure below is what
 * Chromium 156 adds to the same text (measured per character with letter-spacing: 10px).
 */

const fonts = loadFontLibrary();
const SPACING = 2;

function line(text: string, overrides: Partial<ParagraphSpec> = {}): Line {
  const spec = (letterSpacing: number) => paragraphSpec(text, { letterSpacing, ...overrides });
  const lines = setParagraph(fonts, spec(SPACING));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** What letter-spacing adds to the one line of `text`, in points. */
function added(text: string, overrides: Partial<ParagraphSpec> = {}): number {
  const unspaced = setParagraph(fonts, paragraphSpec(text, { letterSpacing: 0, ...overrides }));
  return line(text, overrides).width - unspaced[0]!.width;
}

/** A line's (or a text's) characters without spaces, in code point order: glyphs of a right-to-left line come in visual order. */
function charactersOf(line: Line | string): string {
  const text = typeof line === "string" ? line : line.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.text)).join("");
  return [...text.replace(/\s/g, "")].sort().join("");
}

const ARABIC = { dir: "rtl", rules: { primary: "naskh", keepAll: false }, language: "ar" } as const;
const PERSIAN = { ...ARABIC, language: "fa" } as const;

describe("letter-spacing in cursive scripts", () => {
  it("adds none between Arabic letters, only at the spaces between words", () => {
    expect(added("كوريا", ARABIC)).toBeCloseTo(0, 6);
    expect(added("رسالة مشتركة إلى مجلس الأمن", ARABIC)).toBeCloseTo(4 * SPACING, 6);
    expect(added("سازمان عفو بین‌الملل", PERSIAN)).toBeCloseTo(2 * SPACING, 6);
  });

  it("counts punctuation, brackets and digits in an Arabic run as Arabic", () => {
    expect(added("«كوريا»", ARABIC)).toBeCloseTo(0, 6);
    expect(added("(كوريا)، في", ARABIC)).toBeCloseTo(SPACING, 6);
    expect(added("كوريا 2015.", ARABIC)).toBeCloseTo(SPACING, 6);
    expect(added("۲۰۱۵", PERSIAN)).toBeCloseTo(0, 6);
  });

  it("still spaces the Latin letters of an Arabic paragraph, and the whole of a Latin one", () => {
    // abc, ICNK and the two spaces; the Arabic word none.
    expect(added("abc كوريا ICNK", ARABIC)).toBeCloseTo(9 * SPACING, 6);
    // Brackets opened after Latin text are Latin, the closing one too (paired, as ICU's script runs pair them).
    expect(added("abc (كوريا) ICNK", ARABIC)).toBeCloseTo(11 * SPACING, 6);
    expect(added("Human Rights Watch")).toBeCloseTo(18 * SPACING, 6);
  });

  it("draws no spacing after an Arabic glyph, and spacing after each space", () => {
    const drawn = line("مجلس الأمن", ARABIC);
    const extras = drawn.runs.flatMap((placed) => placed.run.glyphs.map((glyph, i) => ({ text: glyph.text, extra: placed.extra?.[i] ?? 0 })));
    expect(extras.filter((glyph) => glyph.text === " ").map((glyph) => glyph.extra)).toEqual([SPACING]);
    expect(extras.filter((glyph) => glyph.text !== " " && glyph.text !== "").every((glyph) => glyph.extra === 0)).toBe(true);
  });

  it("breaks an Arabic line where its words without spacing fit", () => {
    const words = "رسالة مشتركة إلى مجلس الأمن";
    // Just wide enough for the words unspaced and their four spaced spaces: spacing every letter would not fit.
    const width = setParagraph(fonts, paragraphSpec(words, { ...ARABIC, letterSpacing: 0 }))[0]!.width + 4 * SPACING + 0.5;
    const lines = setParagraph(fonts, paragraphSpec(`${words} التابع`, { ...ARABIC, letterSpacing: SPACING, width }));
    expect(lines.map(charactersOf)).toEqual([words, "التابع"].map(charactersOf));
  });
});
