import { PLAIN, paragraphSpec } from "./paragraph-spec";
import { type FamilyId, faceOf } from "../../../functions/core/pdf/font-library";
import { type Line, type ParagraphSpec, setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/**
 * Justification and soft hyphens in the line breaker: what a justified line stretches (CSS Text 3
 * word separators, and around CJK characters as Chromium's `text-justify: auto`), and how a line
 * broken at a soft hyphen ends.
 */

const fonts = loadFontLibrary();

function paragraph(text: string, overrides: Partial<ParagraphSpec> & { primary?: FamilyId } = {}): Line[] {
  const { primary = "serif", ...rest } = overrides;
  return setParagraph(fonts, paragraphSpec(text, { width: 200, align: "justify", rules: { primary, keepAll: false }, ...rest }));
}

/** Every glyph of a line in logical order with its text and the space justification added after it. */
function glyphsOf(line: Line): { text: string; id: number; extra: number }[] {
  return line.runs.flatMap((placed) => placed.run.glyphs.map((glyph, i) => ({ text: glyph.text, id: glyph.id, extra: placed.extra?.[i] ?? 0 })));
}

/** Text long enough to be justified over several lines, with `inside` in every sentence. */
const filler = (inside: string) => Array.from({ length: 6 }, (_, i) => `Sentence ${i} names ${inside} among other figures`).join(" ");

describe("justification stretches only word separators (CSS Text 3)", () => {
  it.each([
    ["a narrow no-break space (French digit grouping, as Intl.NumberFormat('fr') writes it)", "80\u202F000"],
    ["a thin space", "5\u2009km"],
    ["a zero-width no-break space (BOM) inside a word", "wo\uFEFFrd"],
    ["a figure space", "1\u2007234"],
  ])("never stretches %s", (_, inside) => {
    const lines = paragraph(filler(inside));
    const justified = lines.slice(0, -1);
    expect(justified.length).toBeGreaterThan(1);
    const special = [...inside].find((c) => /[\u202f\u2009\ufeff\u2007]/u.test(c))!;
    let seen = 0;
    for (const line of justified) {
      const glyphs = glyphsOf(line);
      // The line is justified: its spaces are stretched.
      expect(glyphs.filter((g) => g.text === " ").every((g) => g.extra > 0)).toBe(true);
      for (const glyph of glyphs) {
        if (!glyph.text.includes(special)) continue;
        seen++;
        expect(glyph.extra).toBe(0);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("stretches a no-break space like a space", () => {
    const lines = paragraph(filler("Mr.\u00A0Kim"));
    const nbsp = lines
      .slice(0, -1)
      .flatMap(glyphsOf)
      .filter((g) => g.text === "\u00A0");
    expect(nbsp.length).toBeGreaterThan(0);
    for (const glyph of nbsp) expect(glyph.extra).toBeGreaterThan(0);
  });

  it("never breaks a line at a zero-width no-break space inside a word", () => {
    const lines = paragraph(filler("wo\uFEFFrd"));
    for (const line of lines) {
      const text = glyphsOf(line)
        .map((g) => g.text)
        .join("");
      // Where the word is on the line, it is whole: no line ends or starts at the BOM.
      expect(text.endsWith("wo")).toBe(false);
      expect(text.startsWith("\uFEFFrd")).toBe(false);
    }
  });
});

describe("justification of CJK text, as Chromium's text-justify: auto", () => {
  const han = "联合国安全理事会审议了朝鲜民主主义人民共和国的人权状况并决定采取行动".repeat(3);

  it("spaces Han characters and leaves a Latin word in Chinese text, and its edges, unspaced", () => {
    // 20.5 characters wide: every full line has half a character's slack to spread.
    const lines = paragraph(`${han}DPRK${han}`, { primary: "sc", width: 205 });
    const justified = lines.slice(0, -1).flatMap(glyphsOf);
    const hanGlyphs = justified.filter((g) => /\p{Script=Han}/u.test(g.text));
    expect(hanGlyphs.filter((g) => g.extra > 0).length).toBeGreaterThan(hanGlyphs.length * 0.9);
    const latin = justified.filter((g) => /^[A-Z]$/.test(g.text));
    expect(latin.map((g) => g.text).join("")).toContain("DPR");
    // Between D, P, R and K no space is added, nor between K and the next Han character (extractors would read a word space there).
    for (const glyph of latin) expect(glyph.extra).toBe(0);
  });

  it("spaces Japanese kana and kanji too (not only a Chinese document's lines)", () => {
    const ja = "国連安全保障理事会は北朝鮮の人権状況について審議し行動をとることを決めました".repeat(3);
    const lines = paragraph(ja, { primary: "jp", width: 205 });
    const justified = lines.slice(0, -1).flatMap(glyphsOf);
    const kana = justified.filter((g) => /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(g.text));
    expect(kana.length).toBeGreaterThan(0);
    expect(kana.filter((g) => g.extra > 0).length).toBeGreaterThan(kana.length * 0.9);
  });

  it("leaves Han characters inside a Latin paragraph unspaced, so extractors read them as one word", () => {
    const lines = paragraph(filler("中国当局"));
    const han = lines
      .slice(0, -1)
      .flatMap(glyphsOf)
      .filter((g) => /\p{Script=Han}/u.test(g.text));
    expect(han.length).toBeGreaterThan(0);
    for (const glyph of han) expect(glyph.extra).toBe(0);
  });

  it("justifies Korean at its spaces only, never between Hangul syllables", () => {
    const ko = "유엔 안전보장이사회는 북한의 인권 상황을 논의하고 조치를 취하기로 결정하였습니다 ".repeat(3);
    const lines = paragraph(ko, { primary: "kr", rules: { primary: "kr", keepAll: true } });
    const justified = lines.slice(0, -1).flatMap(glyphsOf);
    for (const glyph of justified) {
      if (/\p{Script=Hangul}/u.test(glyph.text)) expect(glyph.extra).toBe(0);
      if (glyph.text === " ") expect(glyph.extra).toBeGreaterThan(0);
    }
  });
});

describe("a soft hyphen (U+00AD)", () => {
  const text =
    "Die Kommission stellte schwere Menschen\u00ADrechts\u00ADver\u00ADlet\u00ADzun\u00ADgen fest, und die Unter\u00ADsuchungs\u00ADkommission empfahl Maßnahmen gegen die Ver\u00ADant\u00ADwort\u00ADlichen.";
  const hyphenGlyph = fonts.face(faceOf("serif", PLAIN)).glyphForCodePoint(0x2010).id;

  it("at a line end draws the face's hyphen and stays within the measure", () => {
    let hyphenatedLines = 0;
    for (const width of [110, 130, 150, 170, 190]) {
      const lines = paragraph(text, { width, align: "start" });
      hyphenatedLines += lines.filter((line) => line.hyphenated).length;
      for (const line of lines) {
        const glyphs = glyphsOf(line);
        expect(line.width).toBeLessThanOrEqual(width + 0.01);
        // Never drawn inside a line, and never text of its own.
        expect(glyphs.some((g) => g.text.includes("\u00AD"))).toBe(false);
        const last = glyphs[glyphs.length - 1]!;
        if (line.hyphenated) {
          expect(last.id).toBe(hyphenGlyph);
          // The hyphen stands for no text: extractors see the word whole.
          expect(last.text).toBe("");
        } else expect(last.id).not.toBe(hyphenGlyph);
      }
    }
    expect(hyphenatedLines).toBeGreaterThan(4);
  });

  it("is no break opportunity with hyphens: none: every line holds whole words", () => {
    const words = new Set(text.replaceAll("\u00AD", "").split(" "));
    const lines = paragraph(text, { width: 150, align: "start", hyphens: "none" });
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line.hyphenated).toBe(false);
      const lineText = glyphsOf(line)
        .map((g) => g.text)
        .join("");
      for (const word of lineText.trim().split(" ")) expect(words).toContain(word);
    }
  });
});
