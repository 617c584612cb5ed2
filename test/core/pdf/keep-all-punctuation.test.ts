import { breakPositions, type Line, setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { paragraphSpec } from "./paragraph-spec";

/**
 * `word-break: keep-all` keeps letters and numbers together, not the punctuation beside them, as
 * Blink decides it: Chromium broke Korean "조선민주주의인민공화국|(북한)" before the parenthesis, the
 * PDF kept the two as one word and broke a line earlier (0.803 of line starts on A5 with 30 mm side
 * margins and an 8.7pt body).
 */

const KOREAN = { primary: "kr", keepAll: true } as const;

/** The places a line may break, as the text before each. */
const breaksOf = (text: string) => [...breakPositions(text, KOREAN).keys()].map((at) => text.slice(0, at));

describe("keep-all keeps words, not the punctuation beside them", () => {
  it("may break before an opening parenthesis or quote that follows a Korean word", () => {
    expect(breaksOf("조선민주주의인민공화국(북한) 인권")).toContain("조선민주주의인민공화국");
    expect(breaksOf("북한[주] 인권")).toContain("북한");
  });

  it("still never breaks between the syllables, letters and digits of a word", () => {
    const text = "2015년 조선민주주의인민공화국 abc한국";
    const breaks = breaksOf(text);
    expect(breaks).toEqual(["2015년 ", "2015년 조선민주주의인민공화국 ", text]);
  });

  it("ends a line at the parenthesis when the word before it fits and the two do not", () => {
    const fonts = loadFontLibrary();
    const spec = (width: number) => paragraphSpec("유엔 조선민주주의인민공화국(북한) 인권", { rules: KOREAN, language: "ko", width });
    const wordEnd = (lines: Line[]) => lines[0]!.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.text)).join("");
    const natural = setParagraph(fonts, spec(10_000))[0]!.width;
    // Room for "유엔 조선민주주의인민공화국" and a little more, not for "(북한)".
    const lines = setParagraph(fonts, spec(natural * 0.75));
    expect(wordEnd(lines)).toBe("유엔 조선민주주의인민공화국");
  });
});
