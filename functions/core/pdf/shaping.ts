import bidiFactory from "bidi-js";
import { LetterpressError } from "../errors";
import { cacheKind, LruCache } from "./cache";
import { FAMILIES, FAMILY_IDS, type FaceId, type FamilyId, faceOf, type FontLibrary, type GlyphShaper, isCjkFamily, type ShapingResult, type TextStyle } from "./font-library";

const bidiJs = bidiFactory();

/**
 * The Unicode bidi algorithm's levels of a paragraph's text (bidi-js), one level per grapheme
 * cluster: its first character's. A joiner, a variation selector or a tag (boundary neutrals and
 * nonspacing marks) may resolve to another level than the character it joins, and the line was cut
 * there: 👩🏽‍⚖️ in an Arabic line came out as two emoji, shaped apart.
 */
function embeddingLevels(text: string, direction?: "ltr" | "rtl" | "auto"): ReturnType<typeof bidiJs.getEmbeddingLevels> {
  const levelZero = direction === "ltr" ? levelZeroParagraphs(text) : null;
  if (levelZero) return levelZero;
  const result = bidiJs.getEmbeddingLevels(withBmpStandIns(text), direction as "ltr" | "rtl");
  const { levels } = result;
  for (let i = 0; i < text.length; ) {
    const end = graphemeClusterEnd(text, i);
    for (let k = i + 1; k < end; k++) levels[k] = levels[i]!;
    i = end;
  }
  return result;
}

/** The bidi classes that can raise a character above level 0 in a left-to-right paragraph: strong right-to-left, Arabic numbers, explicit embeddings, overrides and isolates. */
const RAISING_CLASSES: readonly string[] = ["R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"];

/** Below U+0590 (the Hebrew block, R) no character is of a class in RAISING_CLASSES. */
const FIRST_RAISING_CODE_POINT = 0x0590;

/**
 * bidi-js's answer for a left-to-right paragraph's text when no character of it is of a class in
 * RAISING_CLASSES, else null. UAX #9 then leaves every character at level 0: the paragraph starts
 * as L, so W7 makes its European numbers L and N1-N2 resolve its neutrals to L. Its paragraphs end
 * after each paragraph separator (P1). Most letters in Latin, Greek and Cyrillic script skip the
 * bidi pass so (a class lookup only for the characters from U+0590 on, and the controls).
 */
function levelZeroParagraphs(text: string): ReturnType<typeof bidiJs.getEmbeddingLevels> | null {
  const paragraphs: { start: number; end: number; level: number }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Letters, digits, spaces and punctuation of the scripts below U+0590: neither raising nor a paragraph separator.
    if (code >= 0x20 && code < FIRST_RAISING_CODE_POINT && code !== 0x85) continue;
    const codePoint = text.codePointAt(i)!;
    const bidiClass = bidiClassOf(String.fromCodePoint(codePoint));
    if (RAISING_CLASSES.includes(bidiClass)) return null;
    if (bidiClass === "B") {
      paragraphs.push({ start, end: i, level: 0 });
      start = i + 1;
    }
    if (codePoint > 0xffff) i++;
  }
  if (start < text.length) paragraphs.push({ start, end: text.length - 1, level: 0 });
  return { levels: new Uint8Array(text.length), paragraphs };
}

/**
 * A BMP character of each bidi class (UAX #9, Table 4), standing in for a character outside the BMP
 * of the same class (see `withBmpStandIns`). None is a bracket (rule N0) or a control.
 */
const BMP_STAND_INS: Readonly<Record<string, string>> = {
  L: "A",
  R: "\u05D0",
  AL: "\u0627",
  EN: "0",
  ES: "+",
  ET: "#",
  AN: "\u0660",
  CS: ",",
  NSM: "\u0300",
  BN: "\u00AD",
  S: "\t",
  WS: " ",
  ON: "!",
};

const OUTSIDE_THE_BMP = /[\u{10000}-\u{10FFFF}]/gu;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

/**
 * A character's bidi class: bidi-js's, except that a pictograph from U+1F300 on is ON, as every one
 * Unicode has assigned is (bidi-js's tables predate the newest emoji, 🫨, and give them L).
 */
function bidiClassOf(char: string): string {
  return char.codePointAt(0)! >= 0x1f300 && PICTOGRAPH.test(char) ? "ON" : bidiJs.getBidiCharTypeName(char);
}

/**
 * The text with each character outside the BMP replaced by two BMP characters of its bidi class.
 * bidi-js classifies the text's UTF-16 units one by one, so each half of a surrogate pair took the
 * class of no character, L, and an emoji between right-to-left words was set as left-to-right text
 * (lojjic/bidi-js#9: "שלום 🙂 B" put 🙂 with B, where UAX #9 and Chromium keep it with שלום). The
 * stand-ins keep every UTF-16 index, so the levels belong to the text as it is.
 */
function withBmpStandIns(text: string): string {
  OUTSIDE_THE_BMP.lastIndex = 0;
  if (!OUTSIDE_THE_BMP.test(text)) return text;
  return text.replace(OUTSIDE_THE_BMP, (char) => {
    const standIn = BMP_STAND_INS[bidiClassOf(char)] ?? "A";
    return standIn + standIn;
  });
}

/** bidi-js, its levels one per grapheme cluster (see `embeddingLevels`), the newest pictographs ON (see `bidiClassOf`). */
export const bidi: typeof bidiJs = { ...bidiJs, getEmbeddingLevels: embeddingLevels, getBidiCharTypeName: bidiClassOf as typeof bidiJs.getBidiCharTypeName };

/** One glyph of a shaped run, in font units, with the text it stands for in the ToUnicode map. */
export interface ShapedGlyph {
  id: number;
  /** The pen advance after shaping (kerning, zeroed marks). */
  xAdvance: number;
  /** The glyph's own advance, as the PDF's width array records it. */
  advanceWidth: number;
  xOffset: number;
  yOffset: number;
  /**
   * The logical text this glyph stands for: its whole HarfBuzz cluster (a ligature's letters, a
   * base letter with its marks, an Indic syllable with its reordered vowel signs) on the cluster's
   * first glyph in logical order, empty on the cluster's other glyphs.
   */
  text: string;
  /**
   * For a glyph that carries text, the advance from its pen position to the end of its cluster: the
   * PDF gives the text glyph this width, so extractors see one unbroken stretch of text per cluster
   * even where the cluster's other glyphs (a reordered vowel sign, a reph, marks) are drawn as shapes.
   */
  textAdvance: number;
}

export interface ShapedRun {
  face: FaceId;
  direction: "ltr" | "rtl";
  /** Glyphs in visual (left to right) order. */
  glyphs: ShapedGlyph[];
  /** Total advance in font units. */
  advance: number;
  unitsPerEm: number;
}

/** Shaped runs of every document set in one font library, keyed by (face, direction, text): `fonts.caches`. */
const SHAPED_RUNS = cacheKind<string, ShapedRun>("shapedRuns", {
  sizeOf: (key, run) => LruCache.weigh.string(key) + LruCache.weigh.glyphs(run.glyphs.length),
});

/**
 * Shapes one run of text in one face and direction with HarfBuzz; the result is shared across
 * documents. The text is NFC-normalized first, as browsers shape it; each glyph's text is its
 * cluster's, so text extraction reads the logical order even where the glyphs are reordered.
 */
export function shape(fonts: FontLibrary, face: FaceId, text: string, direction: "ltr" | "rtl", language = ""): ShapedRun {
  const key = `${face}\u0000${direction}\u0000${language}\u0000${text}`;
  const shapeCache = fonts.caches.of(SHAPED_RUNS);
  const cached = shapeCache.get(key);
  if (cached) return cached;
  const shaper = fonts.shaper(face);
  const input = text.normalize("NFC");
  const result = shaper.shape(input, direction, language);
  const count = result.glyphs.length;
  const glyphs: ShapedGlyph[] = new Array<ShapedGlyph>(count);
  hideUndrawnIgnorables(shaper, input, result);
  const { xAdvances } = result;
  let advance = 0;
  for (let i = 0; i < count; i++) {
    const id = result.glyphs[i]!;
    glyphs[i] = { id, xAdvance: xAdvances[i]!, advanceWidth: shaper.advance(id), xOffset: result.xOffsets[i]!, yOffset: result.yOffsets[i]!, text: "", textAdvance: 0 };
    advance += xAdvances[i]!;
  }
  // Walk the glyphs in logical order (HarfBuzz returns a right-to-left run reversed): the first glyph
  // of each cluster carries the cluster's text, up to where the next cluster starts.
  const logical = (k: number) => (direction === "rtl" ? count - 1 - k : k);
  for (let k = 0; k < count; ) {
    const cluster = result.clusters[logical(k)]!;
    let next = k + 1;
    while (next < count && result.clusters[logical(next)] === cluster) next++;
    const end = next < count ? result.clusters[logical(next)]! : input.length;
    let clusterText = input.slice(cluster, end);
    // Extractors read a right-to-left run's glyphs in visual order and reverse the whole string, the
    // text of each glyph included; store a glyph's letters reversed so that reversal restores them.
    if (direction === "rtl") clusterText = [...clusterText].reverse().join("");
    // The text goes on the cluster's first glyph in logical order, or, where that glyph draws nothing
    // (the empty glyph of the VS16 of ❤️ or 1️⃣ in a right-to-left line comes first), on its first glyph
    // with an advance: the glyph extractors then see drawn, with the cluster's width.
    let carrier = logical(k);
    for (let j = k + 1; j < next && result.xAdvances[carrier] === 0; j++) if (result.xAdvances[logical(j)]! > 0) carrier = logical(j);
    glyphs[carrier]!.text = clusterText;
    // The cluster's glyphs are contiguous in visual order: sum from the carrier to the cluster's right end.
    let textAdvance = 0;
    for (let v = carrier; v < count && result.clusters[v] === cluster; v++) textAdvance += xAdvances[v]!;
    glyphs[carrier]!.textAdvance = textAdvance;
    k = next;
  }
  const shaped: ShapedRun = { face, direction, glyphs, advance, unitsPerEm: shaper.unitsPerEm };
  shapeCache.set(key, shaped);
  return shaped;
}

/**
 * Makes blank each default-ignorable character of a shaped run that the face has no glyph for:
 * HarfBuzz hides most of them (as the space glyph, no advance) but draws the Hangul fillers and the
 * shorthand format controls (U+115F, U+1160, U+3164, U+FFA0, U+1BCA0..3, for Uniscribe's sake) as the
 * face has them, a .notdef box where it has none. `assignFamilies` sets those in a face that has them,
 * as Chromium's font fallback does; one no shipped face has is left blank here, as Unicode shows an
 * unsupported ignorable, and its text stays for copying. Changes the result in place (each call's own arrays).
 */
function hideUndrawnIgnorables(shaper: GlyphShaper, input: string, result: ShapingResult): void {
  let space: number | undefined;
  for (let i = 0; i < result.glyphs.length; i++) {
    if (result.glyphs[i] !== 0 || !DEFAULT_IGNORABLE.test(String.fromCodePoint(input.codePointAt(result.clusters[i]!) ?? 0))) continue;
    space ??= shaper.shape(" ", "ltr", "").glyphs[0] ?? 0;
    result.glyphs[i] = space;
    result.xAdvances[i] = 0;
  }
}

/** Characters that Unicode says are never drawn (variation selectors, joiners, bidi controls, BOM): they stay with their neighbour's run. */
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const EMOJI = /\p{Emoji_Presentation}/u;
const HAN_LIKE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;

/*
 * Grapheme clusters (UAX #29, extended): what a reader takes for one character, and what a browser
 * never splits across fonts. Intl.Segmenter knows them, but costs 2-17 ms for a letter's text
 * (measured on the seed letter, 2026-11-30) where this scan costs a tenth of a millisecond; the
 * rules are few and kept here, checked against Intl.Segmenter by test/core/pdf/grapheme-clusters.test.ts.
 */
/**
 * Grapheme_Cluster_Break Extend, SpacingMark and ZWJ: never a cluster's start (GB9, GB9a). SpacingMark
 * is the spacing combining marks (Mc), less the few UAX #29 leaves out, plus Thai and Lao SARA AM.
 */
const EXTEND =
  /(?![\u102B\u102C\u1038\u1062-\u1064\u1067-\u106D\u1083\u1087-\u108C\u108F\u109A-\u109C\u1A61\u1A63\u1A64\uAA7B\uAA7D\u{11720}\u{11721}])[\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Mc}\u0E33\u0EB3\u200D]/u;
/** Control (GB4, GB5): a cluster of its own, whatever follows; ZWNJ and ZWJ extend, tags are Extend. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/u;
/** Prepended concatenation marks and other Prepend characters (GB9b): they join what follows. */
const PREPEND = /[\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u0D4E\u{110BD}\u{110CD}\u{111C2}\u{111C3}]/u;
/** Indic conjunct break (GB9c, Unicode 15.1): a virama between two consonants of these scripts joins them. */
const CONJUNCT_LINKER = /[\u094D\u09CD\u0ACD\u0B4D\u0C4D\u0D4D]/u;
const CONJUNCT_CONSONANT =
  /[\u0915-\u0939\u0958-\u095F\u0978-\u097F\u0995-\u09A8\u09AA-\u09B0\u09B2\u09B6-\u09B9\u09DC\u09DD\u09DF\u09F0\u09F1\u0A95-\u0AA8\u0AAA-\u0AB0\u0AB2\u0AB3\u0AB5-\u0AB9\u0AF9\u0B15-\u0B28\u0B2A-\u0B30\u0B32\u0B33\u0B35-\u0B39\u0B5C\u0B5D\u0B5F\u0B71\u0C15-\u0C28\u0C2A-\u0C39\u0C58-\u0C5A\u0D15-\u0D3A]/u;

/** Hangul syllable type (GB6-GB8): L, V, T, LV or LVT, or null. */
function hangulType(codePoint: number): "L" | "V" | "T" | "LV" | "LVT" | null {
  if ((codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0xa960 && codePoint <= 0xa97c)) return "L";
  if ((codePoint >= 0x1160 && codePoint <= 0x11a7) || (codePoint >= 0xd7b0 && codePoint <= 0xd7c6)) return "V";
  if ((codePoint >= 0x11a8 && codePoint <= 0x11ff) || (codePoint >= 0xd7cb && codePoint <= 0xd7fb)) return "T";
  if (codePoint >= 0xac00 && codePoint <= 0xd7a3) return (codePoint - 0xac00) % 28 === 0 ? "LV" : "LVT";
  return null;
}

/** A code point's grapheme-break classes as bits, worked out once per code point (the regular expressions cost more than the scan). */
const IS_EXTEND = 1;
const IS_CONTROL = 2;
const IS_PREPEND = 4;
const IS_PICTOGRAPHIC = 8;
const IS_REGIONAL_INDICATOR = 16;
const IS_LINKER = 32;
const IS_CONSONANT = 64;
const IS_HANGUL = 128;
const IS_IGNORABLE = 256;
const breakClasses = new Map<number, number>();

function breakClassOf(codePoint: number): number {
  let classes = breakClasses.get(codePoint);
  if (classes === undefined) {
    const char = String.fromCodePoint(codePoint);
    classes =
      (EXTEND.test(char) ? IS_EXTEND : 0) |
      (CONTROL.test(char) && !EXTEND.test(char) && codePoint !== 0x200c && !PREPEND.test(char) ? IS_CONTROL : 0) |
      (PREPEND.test(char) ? IS_PREPEND : 0) |
      (PICTOGRAPHIC.test(char) ? IS_PICTOGRAPHIC : 0) |
      (REGIONAL_INDICATOR.test(char) ? IS_REGIONAL_INDICATOR : 0) |
      (CONJUNCT_LINKER.test(char) ? IS_LINKER : 0) |
      (CONJUNCT_CONSONANT.test(char) ? IS_CONSONANT : 0) |
      (hangulType(codePoint) !== null ? IS_HANGUL : 0) |
      (DEFAULT_IGNORABLE.test(char) ? IS_IGNORABLE : 0);
    breakClasses.set(codePoint, classes);
  }
  return classes;
}

/** Whether UAX #29 keeps `codePoint` (at `index`) in the cluster that `clusterStart` opens, after `previousCodePoint` (at `previousIndex`). */
function continuesCluster(text: string, clusterStart: number, previousIndex: number, previousCodePoint: number, index: number, codePoint: number): boolean {
  // GB3-GB5: CR LF together; nothing else joins a control, a CR or a LF.
  if (previousCodePoint === 0x0d) return codePoint === 0x0a;
  if (previousCodePoint === 0x0a || codePoint === 0x0d || codePoint === 0x0a) return false;
  // Below the combining marks nothing extends a cluster: Latin text takes no property lookup.
  if (codePoint < 0x0300 && previousCodePoint < 0x0300) return false;
  const before = breakClassOf(previousCodePoint);
  const after = breakClassOf(codePoint);
  if (before & IS_CONTROL || after & IS_CONTROL) return false;
  // GB6-GB8: Hangul syllables of conjoining jamo.
  if (before & IS_HANGUL && after & IS_HANGUL) {
    const [b, a] = [hangulType(previousCodePoint), hangulType(codePoint)];
    if (b === "L" && a !== "T") return true;
    if ((b === "LV" || b === "V") && (a === "V" || a === "T")) return true;
    if ((b === "LVT" || b === "T") && a === "T") return true;
  }
  // GB9, GB9a, GB9b.
  if (after & IS_EXTEND || before & IS_PREPEND) return true;
  // GB9c: consonant (Extend | Linker)* Linker (Extend | Linker)* × consonant.
  if (after & IS_CONSONANT) {
    let linked = false;
    for (let k = index - 1; k >= clusterStart; k--) {
      const c = breakClassOf(text.charCodeAt(k));
      if (c & IS_LINKER) linked = true;
      else if (c & IS_CONSONANT) return linked;
      else if (!(c & IS_EXTEND)) return false;
    }
    return false;
  }
  // GB11: an emoji ZWJ sequence (Extended_Pictographic Extend* ZWJ × Extended_Pictographic).
  if (previousCodePoint === 0x200d && after & IS_PICTOGRAPHIC) {
    for (let k = previousIndex - 1; k >= clusterStart; k--) {
      if (k > clusterStart && /[\uDC00-\uDFFF]/.test(text[k]!) && /[\uD800-\uDBFF]/.test(text[k - 1]!)) continue;
      const c = breakClassOf(text.codePointAt(k)!);
      if (c & IS_PICTOGRAPHIC) return true;
      if (!(c & IS_EXTEND)) return false;
    }
    return false;
  }
  // GB12, GB13: regional indicators in pairs.
  if (before & IS_REGIONAL_INDICATOR && after & IS_REGIONAL_INDICATOR) {
    let count = 0;
    for (let k = previousIndex; k >= clusterStart && breakClassOf(text.codePointAt(k)!) & IS_REGIONAL_INDICATOR; k -= 2) count++;
    return count % 2 === 1;
  }
  return false;
}

/** The UTF-16 offset where the grapheme cluster that starts at `start` ends. */
export function graphemeClusterEnd(text: string, start: number): number {
  let previousIndex = start;
  let previousCodePoint = text.codePointAt(start)!;
  let end = start + (previousCodePoint > 0xffff ? 2 : 1);
  while (end < text.length) {
    const codePoint = text.codePointAt(end)!;
    if (!continuesCluster(text, start, previousIndex, previousCodePoint, end, codePoint)) break;
    previousIndex = end;
    previousCodePoint = codePoint;
    end += codePoint > 0xffff ? 2 : 1;
  }
  return end;
}

/** Each Unicode script a family's row lists, as a pattern; rows also list document scripts (Hans, Jpan) that are no Unicode script. */
const SCRIPT_FAMILIES: readonly { pattern: RegExp; family: FamilyId }[] = FAMILY_IDS.flatMap((family) =>
  (FAMILIES[family].scripts as readonly string[]).flatMap((script) => {
    try {
      return [{ pattern: new RegExp(`\\p{Script=${script}}`, "u"), family }];
    } catch {
      return [];
    }
  }),
);

/** Families tried last for a character no better family covers: the large CJK faces at the end, so a Latin letter never loads them. */
const FALLBACK_ORDER: readonly FamilyId[] = [...FAMILY_IDS.filter((f) => !isCjkFamily(f)), ...FAMILY_IDS.filter(isCjkFamily)];

/** The family made for a character's script, or null for characters shared by scripts (Common, Inherited). */
const scriptFamilyCache = new Map<number, FamilyId | null>();

function scriptFamilyOf(char: string, codePoint: number): FamilyId | null {
  let family = scriptFamilyCache.get(codePoint);
  if (family === undefined) {
    family = EMOJI.test(char) ? "emoji" : (SCRIPT_FAMILIES.find(({ pattern }) => pattern.test(char))?.family ?? null);
    scriptFamilyCache.set(codePoint, family);
  }
  return family;
}

/**
 * The CJK family whose glyph forms a content language (BCP 47) writes Han characters in: Japanese
 * (ja) in Noto Sans JP, Korean Hanja (ko) in Noto Sans KR, Traditional Chinese (zh-Hant, and zh of
 * Taiwan, Hong Kong or Macao, yue) in Noto Sans TC, Chinese otherwise (zh, zh-Hans) in Noto Sans SC;
 * null for a language that is none of these. 直, 骨 and 今 are drawn differently in each.
 */
export function cjkFamilyOfLanguage(language: string): FamilyId | null {
  const [lang = "", ...subtags] = language.toLowerCase().split(/[-_]/);
  if (lang === "ja") return "jp";
  if (lang === "ko") return "kr";
  if (lang !== "zh" && lang !== "yue") return null;
  if (subtags.includes("hant")) return "tc";
  if (subtags.includes("hans")) return "sc";
  if (subtags.some((subtag) => subtag === "tw" || subtag === "hk" || subtag === "mo")) return "tc";
  return lang === "yue" ? "tc" : "sc";
}

/**
 * The family that sets Han characters (and Bopomofo) which the first family of a font stack lacks:
 * a script several languages share, whose glyph forms follow the content language. `named` is the
 * CJK families the font stack names, in order (the render's `--font-body` names all four). Decided
 * here, as CSS Fonts 4 §5 and browsers do it: a family the stack names wins over the registry's
 * default, so `"Noto Sans", var(--font-body)` sets Japanese Han in Noto Sans JP, not in Noto Sans's
 * generic CJK fallback (Simplified Chinese forms); where the stack names the language's own family
 * (ja: JP, zh-Hant: TC, ko: KR, zh: SC) that one is taken, as a browser's system fallback follows
 * `lang`; else the first CJK family the stack names; a stack that names none takes the language's
 * family, and Noto Sans SC (the registry default) for any other language. The HTML edition agrees:
 * it embeds each character only in the face this chose, so the browser passes the other CJK faces.
 * Where the stack names the language's face after another CJK face (`--font-body` names all four in
 * registry order: SC first), the language's is taken, where CSS alone would take the earlier one: the
 * earlier face's subset lacks the character, so Chromium passes it too. The limit of that: one
 * character in spans of two languages of one document is embedded in both faces, and the browser
 * draws both spans with the face its stack names first, where the PDF follows each span's language.
 */
export function hanFamilyOf(named: readonly FamilyId[], language: string): FamilyId {
  const wanted = cjkFamilyOfLanguage(language);
  if (wanted !== null && named.includes(wanted)) return wanted;
  return named.find(isCjkFamily) ?? wanted ?? "sc";
}

/** A character's own family (`scriptFamilyOf`), Han and Bopomofo in `han` (`hanFamilyOf`) rather than the registry's default. */
function ownFamilyOf(char: string, codePoint: number, han: FamilyId): FamilyId | null {
  const own = scriptFamilyOf(char, codePoint);
  return own === "sc" ? han : own;
}

/**
 * The families to try for a character, best first. As in a browser, the document's family comes
 * first when it has the glyph (Noto Naskh Arabic sets the Latin inside Arabic text), then the family
 * made for the character's script. A CJK document differs: it sets Han and kana in its own family
 * (Japanese, Traditional Chinese and Korean glyph forms), Latin in the sans family, and characters
 * shared by scripts (punctuation, digits, spaces) in the family of the text before them, so the
 * apostrophe of "Citizens’" is the Latin face's, not a full-width CJK glyph; after an emoji, in its own.
 * `listed` are the stack's families after its first that a template family makes the PDF try in
 * order before the registry's (`stackFallbacks`).
 */
function candidates(char: string, codePoint: number, primary: FamilyId, previous: FamilyId, han: FamilyId, listed: readonly FamilyId[]): FamilyId[] {
  const own = ownFamilyOf(char, codePoint, han);
  if (!isCjkFamily(primary)) return own === null ? [primary, ...listed, previous] : [primary, ...listed, own];
  // Never after an emoji: the emoji face has a space and digits too, drawn at an emoji's width (a
  // 15 pt gap after 👍 in a Korean line, where Chromium takes the space from the text's own family).
  if (own === null) return previous === "emoji" ? [primary] : [previous, primary];
  if (HAN_LIKE.test(char)) return [primary, own];
  return own === "serif" ? ["sans", own] : [own, primary];
}

/** The family of the next character that belongs to a script, looking a few characters ahead. */
function nextScriptFamily(text: string, from: number, han: FamilyId): FamilyId | null {
  for (let i = from; i < Math.min(text.length, from + 32); ) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    const family = ownFamilyOf(char, codePoint, han);
    if (family !== null) return family;
    i += char.length;
  }
  return null;
}

const SOFT_HYPHEN = 0xad;

/** The code points of a cluster that a face must draw: all but the ones Unicode never draws, which HarfBuzz hides. */
function drawnCodePoints(cluster: string): number[] {
  const drawn: number[] = [];
  for (const char of cluster) if (!(breakClassOf(char.codePointAt(0)!) & IS_IGNORABLE)) drawn.push(char.codePointAt(0)!);
  return drawn;
}

/** The characters a presentation sequence needs one of: VS15, VS16, ZWJ, the keycap, and the leading surrogates of skin tones, regional indicators and tags. */
const MAY_ASK_PRESENTATION = /[\u200D\u20E3\uFE0E\uFE0F\uD83C\uDB40]/;

/**
 * How a multi-character cluster asks to be presented (UTS #51): as an emoji (VS16, a keycap, a skin
 * tone, a flag, a tag sequence, a ZWJ sequence of pictographs), as text (VS15), or as it comes.
 */
function presentationOf(cluster: string): "emoji" | "text" | null {
  if (cluster.includes("\uFE0E")) return "text";
  if (/[\uFE0F\u20E3\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u.test(cluster)) return "emoji";
  if (/\p{Regional_Indicator}{2}/u.test(cluster)) return "emoji";
  if (/\p{Extended_Pictographic}.*\u200D\p{Extended_Pictographic}/u.test(cluster)) return "emoji";
  return null;
}

/**
 * Chooses the family each grapheme cluster is set in, and gives every character of the cluster that
 * family, so that no cluster is split across faces (a browser shapes a cluster in one font, and the
 * emoji face's ligatures must see the whole of 👩🏽‍⚖️, 🇺🇳 or 1️⃣). The cluster's family is the first
 * candidate (see `candidates`, for its first drawn character) that has every character of it drawn;
 * an emoji presentation sequence tries the emoji face first, a text presentation one (VS15) the emoji
 * face only where the fallback order has it. Where no face has the whole cluster, the face with its first character and most of the
 * rest sets it, and any character that face lacks falls back alone, drawn, never a .notdef box.
 * Characters Unicode never draws alone (joiners, variation selectors, bidi controls) stay with the
 * text around them. A character no family covers is an error naming it. `han` sets the Han
 * characters (and Bopomofo) the primary family lacks: `hanFamilyOf` the stack and content language.
 * `listed` are the families the font stack names after its first, tried in order before the
 * registry's family for the character's script where the stack names a template's own family
 * (`stackFallbacks`): CSS Fonts 4 §5 takes, per character, the first listed family that has it.
 */
export function assignFamilies(fonts: FontLibrary, text: string, primary: FamilyId, style: TextStyle, han: FamilyId = "sc", listed: readonly FamilyId[] = []): FamilyId[] {
  const families: FamilyId[] = new Array<FamilyId>(text.length);
  const covers = (family: FamilyId, codePoint: number) => fonts.shaper(faceOf(family, style)).covers(codePoint);
  // Whether HarfBuzz hides a default-ignorable character in a face without it: asked of HarfBuzz itself.
  const hiddenByShaper = (family: FamilyId, codePoint: number) => !fonts.shaper(faceOf(family, style)).shape(String.fromCodePoint(codePoint), "ltr", "").glyphs.includes(0);
  let previous: FamilyId = primary;
  for (let i = 0; i < text.length; ) {
    const end = graphemeClusterEnd(text, i);
    const codePoint = text.codePointAt(i)!;
    // One code point, the usual cluster: its candidates, then the fallback order (the CJK faces last).
    if (end - i === (codePoint > 0xffff ? 2 : 1)) {
      let family: FamilyId;
      if (codePoint === 0x0a) family = primary;
      // A soft hyphen goes to the stack's first family, as in Chromium, whose first font hides it (HarfBuzz
      // gives no .notdef to look further for): the run of a word in another face ends there, and with it
      // the kerning across (an Ethiopic or Tamil word under "Noto Sans" is wider by the pairs lost).
      else if (codePoint === SOFT_HYPHEN && (covers(primary, codePoint) || hiddenByShaper(primary, codePoint))) family = primary;
      else if (breakClassOf(codePoint) & IS_IGNORABLE) {
        // Never drawn, so kept with the text around it; but one HarfBuzz draws (a Hangul filler) and the
        // face lacks falls back as a drawn character does, as Chromium's does (see hideUndrawnIgnorables).
        family = covers(previous, codePoint) || hiddenByShaper(previous, codePoint) ? previous : (FALLBACK_ORDER.find((candidate) => covers(candidate, codePoint)) ?? previous);
      } else {
        const char = String.fromCodePoint(codePoint);
        const preferred = candidates(char, codePoint, primary, previous, han, listed);
        if (scriptFamilyOf(char, codePoint) === null && previous !== primary && previous !== "emoji" && nextScriptFamily(text, end, han) === previous) preferred.unshift(previous);
        const found = preferred.find((candidate) => covers(candidate, codePoint)) ?? FALLBACK_ORDER.find((candidate) => covers(candidate, codePoint));
        if (!found) throw uncoveredCharacter(text, i, codePoint);
        family = found;
        previous = family;
      }
      families[i] = family;
      if (end - i === 2) families[i + 1] = family;
      i = end;
      continue;
    }
    const cluster = text.slice(i, end);
    const drawn = drawnCodePoints(cluster);
    let family: FamilyId;
    let partly = false;
    if (cluster === "\r\n") family = primary;
    else if (drawn.length === 0) family = previous;
    else {
      const base = drawn[0]!;
      const baseChar = String.fromCodePoint(base);
      let preferred = candidates(baseChar, base, primary, previous, han, listed);
      // Spaces and punctuation inside a phrase of another script stay in that script's family, so the
      // phrase is one run of one face (a right-to-left phrase then extracts as one piece, spaces kept).
      if (scriptFamilyOf(baseChar, base) === null && previous !== primary && previous !== "emoji" && nextScriptFamily(text, end, han) === previous) preferred.unshift(previous);
      const presentation = MAY_ASK_PRESENTATION.test(cluster) ? presentationOf(cluster) : null;
      if (presentation === "emoji") preferred.unshift("emoji");
      // Text presentation: the emoji face only where it falls in the fallback order (after the other
      // faces of the document's scripts, before the CJK faces a Latin letter must never load).
      if (presentation === "text") preferred = preferred.filter((f) => f !== "emoji");
      const coversAll = (candidate: FamilyId) => drawn.every((codePoint) => covers(candidate, codePoint));
      // The usual case first (a letter and its marks in the document's face), without the fallback order.
      let whole = preferred.find(coversAll);
      const order = whole ? [] : [...preferred, ...FALLBACK_ORDER].filter((f, k, all) => all.indexOf(f) === k);
      // A CJK face is tried only where the document is set in it or the base asks for one, so a Latin
      // letter never loads a 10 MB face for a stray combining mark.
      const near = order.filter((candidate) => !isCjkFamily(candidate) || candidate === primary || preferred.includes(candidate));
      whole ??= near.find(coversAll);
      if (whole) family = whole;
      else {
        let withBase = near.filter((candidate) => covers(candidate, base));
        if (withBase.length === 0) withBase = order.filter((candidate) => covers(candidate, base));
        if (withBase.length === 0) throw uncoveredCharacter(text, i, base);
        // The face with the base and the most of the rest; the first of equals.
        const coverage = (candidate: FamilyId) => drawn.filter((codePoint) => covers(candidate, codePoint)).length;
        family = withBase.reduce((best, candidate) => (coverage(candidate) > coverage(best) ? candidate : best));
        partly = true;
      }
    }
    for (let k = i; k < end; k++) families[k] = family;
    if (partly) fallBackInside(text, i, end, families, covers, [...FALLBACK_ORDER]);
    if (drawn.length > 0 && cluster !== "\r\n") previous = family;
    i = end;
  }
  return families;
}

/** The characters of a cluster its face lacks, each in the first family that has it (drawn beside the rest, as no face draws the whole). */
function fallBackInside(text: string, start: number, end: number, families: FamilyId[], covers: (family: FamilyId, codePoint: number) => boolean, order: FamilyId[]): void {
  for (let k = start; k < end; ) {
    const codePoint = text.codePointAt(k)!;
    const size = codePoint > 0xffff ? 2 : 1;
    if (!DEFAULT_IGNORABLE.test(String.fromCodePoint(codePoint)) && !covers(families[k]!, codePoint)) {
      const family = order.find((candidate) => covers(candidate, codePoint));
      if (!family) throw uncoveredCharacter(text, k, codePoint);
      for (let j = k; j < k + size; j++) families[j] = family;
    }
    k += size;
  }
}

/** Unicode scripts (UAX #24 names) an error may name; a character of any other script is named by its kind only. */
const NAMED_SCRIPTS = [
  "Latin",
  "Greek",
  "Cyrillic",
  "Armenian",
  "Georgian",
  "Arabic",
  "Hebrew",
  "Syriac",
  "Thaana",
  "Devanagari",
  "Bengali",
  "Gurmukhi",
  "Gujarati",
  "Oriya",
  "Tamil",
  "Telugu",
  "Kannada",
  "Malayalam",
  "Sinhala",
  "Thai",
  "Lao",
  "Tibetan",
  "Myanmar",
  "Khmer",
  "Mongolian",
  "Ethiopic",
  "Cherokee",
  "Han",
  "Hiragana",
  "Katakana",
  "Hangul",
  "Bopomofo",
  "Yi",
  "Egyptian_Hieroglyphs",
  "Cuneiform",
  "Linear_B",
  "Runic",
  "Ogham",
  "Gothic",
  "Braille",
  "Common",
  "Inherited",
];

/** A character's Unicode script and general category, for an error a person can act on. */
export function describeCharacter(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
  if (/\p{Cn}/u.test(char)) return `U+${hex} (an unassigned code point or noncharacter, which no font draws)`;
  const script = NAMED_SCRIPTS.find((name) => new RegExp(`\\p{Script=${name}}`, "u").test(char));
  const kind = /\p{L}/u.test(char)
    ? "letter"
    : /\p{M}/u.test(char)
      ? "mark"
      : /\p{N}/u.test(char)
        ? "digit"
        : /\p{P}/u.test(char)
          ? "punctuation"
          : /\p{S}/u.test(char)
            ? "symbol"
            : "character";
  const described = script ? `${script.replace(/_/g, " ")} ${kind}` : kind;
  return `U+${hex} (${/^[AEIOU]/i.test(described) ? "an" : "a"} ${described}, "${char}")`;
}

/**
 * A character no shipped face draws, met while typesetting (validation checks a letter's text first,
 * so this is text it could not see). The text determines it: a retry would only repeat it, so it is a
 * data error, which the document stage names by its file and field (render-document.ts).
 */
export class UncoveredCharacterError extends LetterpressError {
  constructor(
    readonly codePoint: number,
    /** Up to 20 characters either side of it. */
    readonly context: string,
  ) {
    super("INVALID_DATA", `no shipped font has a glyph for ${describeCharacter(codePoint)} in "…${context}…"`);
  }
}

function uncoveredCharacter(text: string, index: number, codePoint: number): UncoveredCharacterError {
  return new UncoveredCharacterError(codePoint, text.slice(Math.max(0, index - 20), index + 22).replace(/\s+/g, " "));
}

/** A character of a text that no shipped face has a glyph for. */
export interface UncoveredCharacter {
  /** UTF-16 offset in the text. */
  index: number;
  codePoint: number;
  /** Code point, script, kind and the character itself, for an error message. */
  description: string;
}

/**
 * Every character of a text that no shipped face covers, for validating letter data before any
 * render (so the HTML edition fails on it too). Characters Unicode never draws are never uncovered;
 * only a character the usual families lack makes the large CJK faces load.
 *
 * @param faceCovers whether a face's character map has the code point; by default its shaper's
 */
export function findUncoveredCharacters(
  fonts: FontLibrary,
  text: string,
  faceCovers: (face: FaceId, codePoint: number) => boolean = (face, codePoint) => fonts.shaper(face).covers(codePoint),
): UncoveredCharacter[] {
  const uncovered: UncoveredCharacter[] = [];
  const covers = (family: FamilyId, codePoint: number) => faceCovers(faceOf(family, { bold: false, italic: false }), codePoint);
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    if (!/\s/u.test(char) && !DEFAULT_IGNORABLE.test(char)) {
      const own = scriptFamilyOf(char, codePoint);
      if (!(own !== null && covers(own, codePoint)) && !FALLBACK_ORDER.some((family) => covers(family, codePoint))) {
        uncovered.push({ index: i, codePoint, description: describeCharacter(codePoint) });
      }
    }
    i += char.length;
  }
  return uncovered;
}
