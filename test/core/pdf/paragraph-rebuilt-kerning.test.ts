import { faceOf } from "../../../functions/core/pdf/font-library";
import { type Line, setParagraph } from "../../../functions/core/pdf/paragraph";
import { shape } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { PLAIN, paragraphSpec } from "./paragraph-spec";

/**
 * Kerning across the join of a word rebuilt at a soft hyphen: the part after the soft hyphen is
 * shaped anew on the next line, and lost its kerning toward the word touching it ("schlag-|Team":
 * Noto Sans kerns "-T"), which Chromium keeps, shaping the run whole.
 */

const fonts = loadFontLibrary();
const SIZE = 10;
const SANS = faceOf("sans", PLAIN);
const points = (text: string) => {
  const run = shape(fonts, SANS, text, "ltr", "de");
  return (run.advance / run.unitsPerEm) * SIZE;
};
const lines = (text: string, width: number): Line[] => setParagraph(fonts, paragraphSpec(text, { size: SIZE, width, rules: { primary: "sans", keepAll: false }, language: "de" }));
const textOf = (line: Line) => line.runs.flatMap((placed) => placed.run.glyphs.map((glyph) => glyph.text)).join("");

describe("kerning across the join of a word rebuilt at a soft hyphen", () => {
  it("the fixture kerns: '-T' shaped whole is narrower than apart", () => {
    expect(points("-") + points("T") - points("-T")).toBeGreaterThan(0.1);
  });

  it("the part after the soft hyphen keeps its kerning toward the word it touches", () => {
    // Room for "schlag-Team" kerned and no more: "Vorvorschlag-" does not fit, so the line breaks at
    // the soft hyphen, and the next line holds the tail and "Team" only with the kerning between.
    const width = points("schlag-Team") + 0.05;
    expect(points("Vorvorschlag-")).toBeGreaterThan(width);
    const set = lines("Vorvor\u00adschlag-Team", width);
    expect(set.map(textOf)).toEqual(["Vorvor", "schlag-Team"]);
    expect(set[1]!.width).toBeCloseTo(points("schlag-Team"), 2);
  });

  it("the last part of a word broken between letters keeps its kerning toward the word it touches", () => {
    // A soft hyphen that cannot help (no part before it fits with the hyphen): the word is broken
    // between letters (overflow-wrap: break-word), and its last part is followed by "Team".
    const width = points("ssss-Team") + 0.05;
    const set = lines("Sssssssssssssss\u00adssss-Team", width);
    const last = set[set.length - 1]!;
    expect(textOf(last).endsWith("s-Team")).toBe(true);
    expect(last.width).toBeCloseTo(points(textOf(last)), 2);
  });
});
