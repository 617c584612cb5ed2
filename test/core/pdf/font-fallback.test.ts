import { type FamilyId, primaryFamilyOf } from "../../../functions/core/pdf/font-library";
import { assignFamilies, findUncoveredCharacters, shape } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

const fonts = loadFontLibrary();
const REGULAR = { bold: false, italic: false };

/** The family of each character (code point) of the text, as runs "family:text". */
function runs(text: string, primary: FamilyId): string[] {
  const families = assignFamilies(fonts, text, primary, REGULAR);
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = out[out.length - 1];
    if (last?.startsWith(`${families[i]}:`)) out[out.length - 1] = last + text[i];
    else out.push(`${families[i]}:${text[i]}`);
  }
  return out;
}

describe("fonts chosen by script", () => {
  it("gives each document script its family from the registry, and an unknown script the serif", () => {
    expect(["Latn", "Cyrl", "Grek", "Arab", "Hebr", "Deva", "Beng", "Thai", "Hans", "Hant", "Jpan", "Kore", "Zzzz"].map(primaryFamilyOf)).toEqual([
      "serif",
      "serif",
      "serif",
      "naskh",
      "hebrew",
      "devanagari",
      "bengali",
      "thai",
      "sc",
      "tc",
      "jp",
      "kr",
      "serif",
    ]);
  });

  it("sets Latin inside Chinese text in the Latin face, its apostrophe included", () => {
    expect(runs("由Citizens’ Alliance签署", "sc")).toEqual(["sc:由", "sans:Citizens’ Alliance", "sc:签署"]);
  });

  it("sets Han characters in the document's own CJK family: Japanese, Traditional Chinese and Korean forms", () => {
    expect(runs("人権と直接", "jp")).toEqual(["jp:人権と直接"]);
    expect(runs("人權", "tc")).toEqual(["tc:人權"]);
    expect(runs("人權", "kr")).toEqual(["kr:人權"]);
    expect(runs("人权 かな", "serif")).toEqual(["sc:人权", "serif: ", "jp:かな"]);
  });

  it("sets Hebrew, Devanagari, Bengali and Thai in their families inside Latin text", () => {
    expect(runs("a שלום b नमस्ते c বাংলা d ไทย", "serif")).toEqual(["serif:a ", "hebrew:שלום", "serif: b ", "devanagari:नमस्ते", "serif: c ", "bengali:বাংলা", "serif: d ", "thai:ไทย"]);
  });

  it("keeps spaces inside a phrase of another script in that script's face", () => {
    expect(runs("Arabic (لن أنسى أبدًا) read", "serif")).toEqual(["serif:Arabic (", "naskh:لن أنسى أبدًا", "serif:) read"]);
  });

  it("never fails on characters Unicode does not draw: they stay with their neighbour", () => {
    const text = "Pyongyang \u2194\uFE0E Seoul campaign\u2122\uFE0F a\u200Db\u200Cc\u2060d\uFEFFe \u2066abc\u2069 \u200Eleft\u200F";
    const families = assignFamilies(fonts, text, "serif", REGULAR);
    expect(families.every((family) => family !== undefined)).toBe(true);
    expect(families[text.indexOf("\uFE0F")]).toBe(families[text.indexOf("\u2122")]);
  });

  it("draws an emoji in the monochrome emoji face", () => {
    expect(assignFamilies(fonts, "ok 😀", "serif", REGULAR)).toEqual(["serif", "serif", "serif", "emoji", "emoji"]);
  });

  it("finds, for validation, every character no face covers and nothing else", () => {
    const text = "Ok 𓀀 and 人权, שלום, नमस्ते, \uFE0F\u200D, 😀 and 𒀀.";
    expect(findUncoveredCharacters(fonts, text).map(({ index, codePoint }) => ({ index, codePoint }))).toEqual([
      { index: 3, codePoint: 0x13000 },
      { index: text.indexOf("𒀀"), codePoint: 0x12000 },
    ]);
  });

  it("names a character no face covers by code point, script and kind", () => {
    expect(() => assignFamilies(fonts, "sign 𓀀 here", "serif", REGULAR)).toThrow(/U\+13000 \(an Egyptian Hieroglyphs letter, "𓀀"\)/);
  });
});

describe("shaping by HarfBuzz", () => {
  it("gives a reordered Devanagari syllable's text to its first glyph, whole, in logical order", () => {
    const run = shape(fonts, "devanagari-regular", "कि", "ltr");
    expect(run.glyphs.length).toBe(2);
    expect(run.glyphs.map((g) => g.text)).toEqual(["कि", ""]);
    // The i-matra is drawn first (left of the consonant) but carries the syllable's text and width.
    expect(run.glyphs[0]!.textAdvance).toBe(run.advance);
  });

  it("NFC-normalizes before shaping: a decomposed é shapes as the precomposed letter", () => {
    const composed = shape(fonts, "serif-regular", "\u00e9", "ltr");
    const decomposed = shape(fonts, "serif-regular", "e\u0301", "ltr");
    expect(decomposed.glyphs.map((g) => g.id)).toEqual(composed.glyphs.map((g) => g.id));
    expect(decomposed.glyphs.map((g) => g.text)).toEqual(["\u00e9"]);
  });

  it("keeps Arabic harakat with their letter, stored reversed for extractors that reverse right-to-left text", () => {
    const run = shape(fonts, "naskh-regular", "سَ", "rtl");
    expect(run.glyphs.filter((g) => g.text !== "").map((g) => g.text)).toEqual(["\u064E\u0633"]);
  });

  it("stacks a Thai tone mark above an upper vowel higher than above a bare consonant", () => {
    const bare = shape(fonts, "thai-regular", "\u0E17\u0E48", "ltr");
    const stacked = shape(fonts, "thai-regular", "\u0E17\u0E35\u0E48", "ltr");
    const toneAlone = bare.glyphs[1]!;
    const toneStacked = stacked.glyphs[2]!;
    // Either a raised position or a raised glyph form: the mark must not sit where it sits alone.
    expect(toneStacked.yOffset !== toneAlone.yOffset || toneStacked.id !== toneAlone.id).toBe(true);
  });
});
