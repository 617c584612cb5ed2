import { setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { paragraphSpec } from "./paragraph-spec";

/**
 * A fullwidth closing quotation mark that ends a line is set half-width when only so the line holds
 * it, as Chromium sets it (text-spacing-trim: normal's allow-end; measured in Chromium 156 for
 * closing quotes, not for other closing punctuation such as "，"). The Chinese letter on A5 set one
 * paragraph in one more line than Chromium ("侵犯”" moved to the next line).
 */

const fonts = loadFontLibrary();
const SIZE = 10;

/** Each line's text. */
function lineTexts(text: string, width: number): string[] {
  const lines = setParagraph(fonts, paragraphSpec(text, { size: SIZE, width, rules: { primary: "sc", keepAll: false }, language: "zh-Hans" } as never));
  return lines.map((line) => line.runs.map((r) => r.run.glyphs.map((g) => g.text).join("")).join(""));
}

describe("a closing quote at a line's end", () => {
  // An opening quote, twelve ideographs and a closing quote: 14 em, 13.5 with the closing quote half-width.
  const text = "“人权维护者的处境令人关切”的确如此";

  it("ends the line half-width when the full em would not fit", () => {
    expect(lineTexts(text, 13.6 * SIZE)[0]).toBe("“人权维护者的处境令人关切”");
  });

  it("keeps its full em where the line has room, and does not trim a comma the same way", () => {
    expect(lineTexts(text, 20 * SIZE)[0]!.startsWith("“人权维护者的处境令人关切”的")).toBe(true);
    // A fullwidth comma at the same place (13 em, 12.5 trimmed) is not trimmed: it takes the ideograph before it along.
    const comma = "人权维护者的处境令人关切，的确如此";
    expect(lineTexts(comma, 12.6 * SIZE)[0]!.endsWith("，")).toBe(false);
  });
});

describe("a closing bracket at a line's end", () => {
  // "后又问『谁能否认？』": ten em, nine and a half with "』" half-width. Chromium 156 ended a line of
  // 13 em with "合。」此后又问『谁能否认？』" (13.5 em at full width; test/editions/cjk-quote-breaks.test.ts).
  const text = "后又问『谁能否认？』这一问题";

  it("ends the line half-width when the full em would not fit, as a closing quote does", () => {
    expect(lineTexts(text, 9.6 * SIZE)[0]).toBe("后又问『谁能否认？』");
  });

  it("takes the letter before it along when even half an em is too much", () => {
    expect(lineTexts(text, 9.4 * SIZE)[0]).toBe("后又问『谁能否");
  });
});
