import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalLocale } from "../../../functions/core/locales";
import { HYPHENATE_LIMIT_CHARS, hyphenateText } from "../../../functions/core/text/hyphenate";
import { hyphenationDir } from "../../../functions/hyphenation/hyphenation-files";
import { loadHyphenation } from "../../../functions/hyphenation/load-hyphenation";

/**
 * Fresh user 10, item 2: Amharic got no hyphenation although the hyphen package ships Ethiopic
 * patterns (`mul-ethi`, for every language written in Ethiopic), and Tamil broke "மீறுவ-து", one
 * syllable (two code points, one character) left on a side.
 */

const SHY = "\u00AD";
const patterns = loadHyphenation();
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const characters = (text: string) => [...graphemes.segment(text)].length;

describe("the package's patterns, every one found by the languages it is for", () => {
  const root = hyphenationDir();
  const folders = readdirSync(root).filter((folder) => existsSync(join(root, folder, "index.js")));

  it.each(folders)("%s serves the tag it is named by, or cannot be read by Node", (folder) => {
    const tag = canonicalLocale(folder);
    // `ethi` (an alias of mul-ethi) is no well-formed tag: no document asks for it by that name.
    if (tag === undefined) return expect(folder).toBe("ethi");
    if (patterns.hyphenatorFor(tag) !== null) return;
    // An alias of patterns for another script serves that script's tag (`zh` is zh-Latn-pinyin's, not Chinese characters').
    const aliasOf = readFileSync(join(root, folder, "index.js"), "utf8").match(/require\("\.\.\/([^/"]+)\/index\.js"\)/)?.[1];
    if (aliasOf !== undefined && aliasOf !== folder) return expect(patterns.hyphenatorFor(canonicalLocale(aliasOf) ?? aliasOf)).not.toBeNull();
    // Left unhyphenated, not failed, only when Node refuses the file (cu's patterns, a SyntaxError).
    expect(() => require(join(root, folder, "index.js"))).toThrow(SyntaxError);
  });

  it.each([
    ["am", "ማህበረሰቡ"],
    ["ti", "ማሕበረሰብ"],
    ["gez", "ማኅበረሰብ"],
  ])("%s, written in Ethiopic, is hyphenated by the package's multilingual Ethiopic patterns", (lang, word) => {
    const hyphenate = patterns.hyphenatorFor(lang);
    expect(hyphenate).not.toBeNull();
    expect(hyphenate!(word)).toContain(SHY);
    expect(hyphenate!(word).replaceAll(SHY, "")).toBe(word);
  });

  it("a multilingual set serves only its own script: Amharic in Latin letters, and Chinese (pinyin patterns only), get none", () => {
    expect(patterns.hyphenatorFor("am-Latn")).toBeNull();
    expect(patterns.hyphenatorFor("zh")).toBeNull();
    expect(patterns.hyphenatorFor("zh-Latn-pinyin")).not.toBeNull();
  });
});

describe("minimum fragment lengths in characters (grapheme clusters), as CSS counts them", () => {
  it("leaves no single Tamil syllable on either side of a break", () => {
    const ta = patterns.hyphenatorFor("ta")!;
    expect(ta("மீறுவது")).toBe(`மீ${SHY}று${SHY}வ${SHY}து`); // what the patterns allow, by code points
    expect(hyphenateText("மீறுவது", "ta", ta)).toBe("மீறுவது"); // 4 characters: no word to break
    const text = "மனித உரிமைகள் மீறல்களைத் தடுக்கவும் சர்வதேச சமூகம் நடவடிக்கை எடுக்க வேண்டுமென்று கேட்டுக்கொள்கிறோம்";
    const out = hyphenateText(text, "ta", ta);
    expect(out.replaceAll(SHY, "")).toBe(text);
    expect(out).toContain(SHY);
    for (const word of out.split(" ")) {
      const parts = word.split(SHY);
      if (parts.length === 1) continue;
      expect(characters(parts[0]!)).toBeGreaterThanOrEqual(HYPHENATE_LIMIT_CHARS.before);
      expect(characters(parts.at(-1)!)).toBeGreaterThanOrEqual(HYPHENATE_LIMIT_CHARS.after);
    }
  });

  it("breaks only between characters, never inside a cluster, with enough characters on each side, whatever the patterns say", () => {
    const everywhere = (word: string) => [...word].join(SHY);
    // Devanagari: क्षे is one character of four code points; Latin with a combining accent.
    expect(hyphenateText("सुरक्षेसाठी", "mr", everywhere)).toBe(`सुर${SHY}क्षे${SHY}साठी`);
    expect(hyphenateText("ne\u0301gociation", "fr", everywhere)).toBe(["ne\u0301", "g", "o", "c", "i", "a", "t", "i", "on"].join(SHY));
  });

  it("never breaks a surrogate pair: a letter beyond the BMP is one character", () => {
    const everyCodeUnit = (word: string) => word.split("").join(SHY);
    expect(hyphenateText("𐌰𐌱𐌲𐌳𐌴", "got", everyCodeUnit)).toBe(`𐌰𐌱${SHY}𐌲${SHY}𐌳𐌴`);
  });

  it("counts a short word in characters: five code points of three characters are not broken", () => {
    const everywhere = (word: string) => [...word].join(SHY);
    expect(hyphenateText("க்ஷேத்", "ta", everywhere)).toBe("க்ஷேத்");
  });
});
