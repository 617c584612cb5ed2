import bidiFactory from "bidi-js";
import type { Font, Glyph } from "fontkit";
import { LetterpressError } from "../errors";
import { LruCache } from "./cache";
import { type FaceId, type FamilyId, faceOf, type FontLibrary, type TextStyle } from "./font-library";

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
   * The logical text this glyph stands for: a ligature's letters, a base letter with its combining
   * marks folded in; empty for marks and for pieces of a decomposed letter.
   */
  text: string;
}

export interface ShapedRun {
  face: FaceId;
  /** Glyphs in visual (left to right) order. */
  glyphs: ShapedGlyph[];
  /** Total advance in font units. */
  advance: number;
  unitsPerEm: number;
}

/** Shaped runs of every document of the process, keyed by (face, direction, text). */
const shapeCache = new LruCache<string, ShapedRun>(20_000);

/** Empties the shaping cache; tests use it to compare cold and warm renders. */
export function clearShapeCache(): void {
  shapeCache.clear();
}

function mirrorOf(codePoint: number): number {
  const mirrored = bidi.getMirroredCharacter(String.fromCodePoint(codePoint));
  return mirrored ? mirrored.codePointAt(0)! : codePoint;
}

const MARK = /^\p{M}+$/u;

/**
 * fontkit keeps one glyph object per glyph id, with the code points of the first text that produced
 * it; a glyph shared by several letters (Arabic medial forms) would then claim the wrong letter in the
 * ToUnicode map. During our layout each glyph object is a view carrying this shaping's code points.
 */
function layoutWithTrueCodePoints(font: Font, text: string, direction: "ltr" | "rtl"): { glyphs: Glyph[]; positions: { xAdvance: number; xOffset: number; yOffset: number }[] } {
  const patched = font as Font & { getGlyph(id: number, codePoints?: number[]): Glyph };
  const original = patched.getGlyph;
  patched.getGlyph = function (id: number, codePoints: number[] = []) {
    const glyph = original.call(this, id, codePoints);
    return glyph && Object.create(glyph, { codePoints: { value: codePoints } });
  };
  try {
    return font.layout(text, undefined, undefined, undefined, direction);
  } finally {
    patched.getGlyph = original;
  }
}

/** Shapes one run of text in one face and direction; the result is shared across documents. */
export function shape(fonts: FontLibrary, face: FaceId, text: string, direction: "ltr" | "rtl"): ShapedRun {
  const key = `${face}\u0000${direction}\u0000${text}`;
  const cached = shapeCache.get(key);
  if (cached) return cached;
  const font = fonts.face(face);
  // Mirroring is an involution: shaping mirrored brackets and mirroring the code points back gives the logical text.
  const input = direction === "rtl" ? [...text].map((c) => String.fromCodePoint(mirrorOf(c.codePointAt(0)!))).join("") : text;
  const run = layoutWithTrueCodePoints(font, input, direction);
  const visual: ShapedGlyph[] = run.glyphs.map((glyph, i) => {
    const position = run.positions[i]!;
    const codePoints = direction === "rtl" ? glyph.codePoints.map(mirrorOf) : glyph.codePoints;
    return {
      id: glyph.id,
      xAdvance: position.xAdvance,
      advanceWidth: glyph.advanceWidth,
      xOffset: position.xOffset,
      yOffset: position.yOffset,
      text: String.fromCodePoint(...codePoints),
    };
  });
  // Fold combining marks into their base letter, in logical order, so text extraction keeps them together.
  const logical = direction === "rtl" ? [...visual].reverse() : visual;
  let base: ShapedGlyph | undefined;
  for (const glyph of logical) {
    if (glyph.text !== "" && MARK.test(glyph.text) && base) {
      base.text += glyph.text;
      glyph.text = "";
    } else if (glyph.text !== "") {
      base = glyph;
    }
  }
  if (direction === "rtl") {
    // Extractors read a right-to-left run's glyphs in visual order and reverse the whole string, the
    // text of each glyph included; store a glyph's letters reversed so that reversal restores them.
    for (const glyph of visual) glyph.text = [...glyph.text].reverse().join("");
  }
  const shaped: ShapedRun = { face, glyphs: visual, advance: visual.reduce((sum, g) => sum + g.xAdvance, 0), unitsPerEm: font.unitsPerEm };
  shapeCache.set(key, shaped);
  return shaped;
}

const HANGUL = /[\p{Script=Hangul}]/u;
const HAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
const ARABIC = /\p{Script=Arabic}/u;
/** Marks and joiners belong with the letter before them. */
const INHERITS = /[\p{M}\p{Cf}]/u;

/**
 * Chooses the family each character is set in: the script's own family when it has the glyph, else
 * the family made for the character's script, else any shipped family that has it. A character no
 * family covers is an error naming it, never a .notdef box on the page.
 */
export function assignFamilies(fonts: FontLibrary, text: string, primary: FamilyId, style: TextStyle): FamilyId[] {
  const families: FamilyId[] = new Array<FamilyId>(text.length);
  const covers = (family: FamilyId, codePoint: number) => fonts.face(faceOf(family, style)).hasGlyphForCodePoint(codePoint);
  let previous: FamilyId = primary;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    let family: FamilyId | undefined;
    if (char === "\n") family = primary;
    else if (INHERITS.test(char) && covers(previous, codePoint)) family = previous;
    else if (covers(primary, codePoint)) family = primary;
    else {
      const preferred: FamilyId[] = HANGUL.test(char) ? ["kr"] : HAN.test(char) ? (primary === "kr" ? ["kr", "sc"] : ["sc", "kr"]) : ARABIC.test(char) ? ["naskh"] : ["serif", "sans"];
      const order = [...preferred, "serif", "sans", "naskh", "sc", "kr"] as FamilyId[];
      family = order.find((candidate) => covers(candidate, codePoint));
    }
    if (!family) throw uncoveredCharacter(text, i, codePoint);
    families[i] = family;
    if (char.length === 2) families[i + 1] = family;
    if (!INHERITS.test(char)) previous = family;
    i += char.length;
  }
  return families;
}

function uncoveredCharacter(text: string, index: number, codePoint: number): LetterpressError {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
  const context = text.slice(Math.max(0, index - 20), index + 22).replace(/\s+/g, " ");
  return new LetterpressError("RENDER_ERROR", `no shipped font has a glyph for U+${hex} ("${String.fromCodePoint(codePoint)}") in "…${context}…"`);
}
