import bidiFactory from "bidi-js";
import { type Line, setParagraph } from "../../../functions/core/pdf/paragraph";
import { bidi } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { PLAIN, paragraphSpec } from "./paragraph-spec";

/*
 * Characters outside the BMP (emoji, Phoenician, mathematical digits) in the bidi algorithm. bidi-js
 * classifies a text's UTF-16 units one by one, so each half of a surrogate pair took L, and an emoji
 * between right-to-left words was set with the left-to-right text beside it (lojjic/bidi-js#9; fresh
 * user 8b: "לכולם 🇮🇱🇺🇳 — 👩🏽‍⚖️ שופטת" drew the judge beside לכולם, where Chromium draws the flags).
 * The expected levels follow UAX #9 from each character's class: emoji ON, flags and 𝟎 as their
 * classes say (regional indicators L, mathematical digits EN), Phoenician R.
 */

const fonts = loadFontLibrary();

/** Each code point of `text` with its level, as the layout resolves them. */
function levelsOf(text: string, dir: "ltr" | "rtl", levels = bidi.getEmbeddingLevels(text, dir).levels): string[] {
  const out: string[] = [];
  let i = 0;
  for (const char of text) {
    out.push(`${char}${levels[i]}`);
    i += char.length;
  }
  return out;
}

/** A placed run's text in reading order (a right-to-left run's glyphs are drawn from its end). */
function textOf(placed: Line["runs"][number]): string {
  const texts = placed.run.glyphs.map((glyph) => glyph.text);
  return (placed.run.direction === "rtl" ? texts.reverse() : texts).join("");
}

/** Where `text` is drawn on the paragraph's one line: the left edge of the run that holds it. */
function xOf(line: Line, text: string): number {
  const placed = line.runs.find((r) => textOf(r).includes(text));
  if (!placed) throw new Error(`no run draws "${text}"`);
  return placed.x;
}

function rtlLine(text: string): Line {
  const lines = setParagraph(fonts, { ...paragraphSpec("", { dir: "rtl", rules: { primary: "hebrew", keepAll: false } }), runs: [{ text, style: PLAIN }] });
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe("characters outside the BMP in the bidi algorithm", () => {
  it("resolves an emoji between right-to-left words and Latin text as a neutral (UAX #9 N1, N2)", () => {
    expect(levelsOf("א 🙂 B", "rtl")).toEqual(["א1", " 1", "🙂1", " 1", "B2"]);
    expect(levelsOf("שלום 😀 עולם", "rtl").every((level) => level.endsWith("1"))).toBe(true);
    expect(levelsOf("A 🙂 B", "ltr").every((level) => level.endsWith("0"))).toBe(true);
    // The old reading, kept as the cause: bidi-js alone puts the emoji with B.
    expect(levelsOf("א 🙂 B", "rtl", bidiFactory().getEmbeddingLevels("א 🙂 B", "rtl").levels)[2]).toBe("🙂2");
  });

  it("keeps the classes of letters and digits outside the BMP: Phoenician right-to-left, mathematical digits numbers", () => {
    expect(levelsOf("a 𐤀𐤁 b", "ltr")).toEqual(["a0", " 0", "𐤀1", "𐤁1", " 0", "b0"]);
    expect(levelsOf("א 𝟎𝟏 ב", "rtl")).toEqual(["א1", " 1", "𝟎2", "𝟏2", " 1", "ב1"]);
  });

  it("takes an emoji newer than bidi-js's tables (🫨, Unicode 15) for the neutral it is, not L", () => {
    expect(bidi.getBidiCharTypeName("🫨")).toBe("ON");
    expect(levelsOf("א 🫨 ב", "rtl")).toEqual(["א1", " 1", "🫨1", " 1", "ב1"]);
    // Letters of the enclosed alphanumerics stay L (🅰 is a pictograph and L).
    expect(bidi.getBidiCharTypeName("🅰")).toBe("L");
  });

  it("draws the emoji of a right-to-left line in reading order, right to left, around flags and Latin text", () => {
    const hello = rtlLine("שלום 🙂 B סוף");
    expect(xOf(hello, "🙂")).toBeGreaterThan(xOf(hello, "B"));
    const judge = rtlLine("לכולם 🇮🇱🇺🇳 — 👩🏽‍⚖️ שופטת");
    // Right to left: לכולם, the flags (a left-to-right pair), the dash, the judge, שופטת.
    expect(xOf(judge, "🇮🇱")).toBeGreaterThan(xOf(judge, "👩"));
    expect(xOf(judge, "🇮🇱")).toBeLessThan(xOf(judge, "לכולם"));
    const newest = rtlLine("פנים 🫨 C סוף");
    expect(xOf(newest, "🫨")).toBeGreaterThan(xOf(newest, "C"));
  });
});
