import bidiFactory from "bidi-js";
import { LetterpressError } from "../errors";
import { cacheKind, LruCache } from "./cache";
import { FAMILIES, FAMILY_IDS, type FaceId, type FamilyId, faceOf, type FontLibrary, isCjkFamily, type TextStyle } from "./font-library";

export const bidi = bidiFactory();

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
  let advance = 0;
  for (let i = 0; i < count; i++) {
    const id = result.glyphs[i]!;
    glyphs[i] = { id, xAdvance: result.xAdvances[i]!, advanceWidth: shaper.advance(id), xOffset: result.xOffsets[i]!, yOffset: result.yOffsets[i]!, text: "", textAdvance: 0 };
    advance += result.xAdvances[i]!;
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
    const carrier = logical(k);
    glyphs[carrier]!.text = clusterText;
    // The cluster's glyphs are contiguous in visual order: sum from the carrier to the cluster's right end.
    let textAdvance = 0;
    for (let v = carrier; v < count && result.clusters[v] === cluster; v++) textAdvance += result.xAdvances[v]!;
    glyphs[carrier]!.textAdvance = textAdvance;
    k = next;
  }
  const shaped: ShapedRun = { face, direction, glyphs, advance, unitsPerEm: shaper.unitsPerEm };
  shapeCache.set(key, shaped);
  return shaped;
}

/** Characters that Unicode says are never drawn (variation selectors, joiners, bidi controls, BOM): they stay with their neighbour's run. */
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const MARK = /\p{M}/u;
const EMOJI = /\p{Emoji_Presentation}/u;
const HAN_LIKE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;

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
 * The families to try for a character, best first. As in a browser, the document's family comes
 * first when it has the glyph (Noto Naskh Arabic sets the Latin inside Arabic text), then the family
 * made for the character's script. A CJK document differs: it sets Han and kana in its own family
 * (Japanese, Traditional Chinese and Korean glyph forms), Latin in the sans family, and characters
 * shared by scripts (punctuation, digits, spaces) in the family of the text before them, so the
 * apostrophe of "Citizens’" is the Latin face's, not a full-width CJK glyph.
 */
function candidates(char: string, codePoint: number, primary: FamilyId, previous: FamilyId): FamilyId[] {
  const own = scriptFamilyOf(char, codePoint);
  if (!isCjkFamily(primary)) return own === null ? [primary, previous] : [primary, own];
  if (own === null) return [previous, primary];
  if (HAN_LIKE.test(char)) return [primary, own];
  return own === "serif" ? ["sans", own] : [own, primary];
}

/** The family of the next character that belongs to a script, looking a few characters ahead. */
function nextScriptFamily(text: string, from: number): FamilyId | null {
  for (let i = from; i < Math.min(text.length, from + 32); ) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    const family = scriptFamilyOf(char, codePoint);
    if (family !== null) return family;
    i += char.length;
  }
  return null;
}

/**
 * Chooses the family each character is set in (see `candidates`), else any shipped family that
 * has it. Marks stay with their base letter and characters Unicode never draws with the text
 * around them (HarfBuzz shapes or hides them). A character no family covers is an error naming
 * it, never a .notdef box on the page.
 */
export function assignFamilies(fonts: FontLibrary, text: string, primary: FamilyId, style: TextStyle): FamilyId[] {
  const families: FamilyId[] = new Array<FamilyId>(text.length);
  const covers = (family: FamilyId, codePoint: number) => fonts.shaper(faceOf(family, style)).covers(codePoint);
  let previous: FamilyId = primary;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    let family: FamilyId | undefined;
    if (char === "\n" || DEFAULT_IGNORABLE.test(char)) family = char === "\n" ? primary : previous;
    else if (MARK.test(char) && covers(previous, codePoint)) family = previous;
    else {
      const preferred = candidates(char, codePoint, primary, previous);
      // Spaces and punctuation inside a phrase of another script stay in that script's family, so the
      // phrase is one run of one face (a right-to-left phrase then extracts as one piece, spaces kept).
      if (scriptFamilyOf(char, codePoint) === null && previous !== primary && nextScriptFamily(text, i + char.length) === previous) preferred.unshift(previous);
      family = [...preferred, ...FALLBACK_ORDER].find((candidate) => covers(candidate, codePoint));
    }
    if (!family) throw uncoveredCharacter(text, i, codePoint);
    families[i] = family;
    if (char.length === 2) families[i + 1] = family;
    if (!MARK.test(char) && !DEFAULT_IGNORABLE.test(char)) previous = family;
    i += char.length;
  }
  return families;
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

function uncoveredCharacter(text: string, index: number, codePoint: number): LetterpressError {
  const context = text.slice(Math.max(0, index - 20), index + 22).replace(/\s+/g, " ");
  return new LetterpressError("RENDER_ERROR", `no shipped font has a glyph for ${describeCharacter(codePoint)} in "…${context}…"`);
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
