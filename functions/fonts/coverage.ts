import type { TextCoverage, UncoveredCharacter } from "../core/letter/letter-context";
import type { FaceId, FontLibrary } from "../core/pdf/font-library";
import { findUncoveredCharacters } from "../core/pdf/shaping";
import { templateFontCovers } from "./load-font-library";

/** A character a message may quote: one that prints as something (not a control, format or separator character). */
const PRINTS = /^(?!\p{Default_Ignorable_Code_Point})[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
/** C0/C1 controls and lone surrogates are refused by the text rules (text-rules.ts) with their own message. */
const REFUSED_ELSEWHERE = /^[\p{Cc}\p{Cs}]$/u;

/**
 * unicode-name (Jan Lelis; Unicode 18 data, released with each Unicode version, no dependencies)
 * names a character as Unicode does ("EGYPTIAN HIEROGLYPH A001"), which a person can look up, where
 * a script and a kind ("an Egyptian Hieroglyphs letter") say less. Its names take 0.2-0.5 s to load
 * (measured here), so they are required only when a character is uncovered: when a letter is refused,
 * never in a render's cold start.
 */
let unicodeName: typeof import("unicode-name").unicodeName | undefined;

/** `U+13000 EGYPTIAN HIEROGLYPH A001 "𓀀"`: the code point, its Unicode name, and the character when it prints. */
export function nameCharacter(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  unicodeName ??= (require("unicode-name") as typeof import("unicode-name")).unicodeName;
  const name = unicodeName(char) ?? "";
  return [hex, name, PRINTS.test(char) ? JSON.stringify(char) : ""].filter(Boolean).join(" ");
}

/**
 * Which characters the shipped faces (and the faces loaded templates bring) draw, for validating letter data before any render: the same
 * question the typesetter's font fallback asks (shaping.ts, `findUncoveredCharacters`), answered
 * from each face's character map (cmap). A face is read only when a character is not in the faces asked
 * before it (its script's own family first), so a Latin letter's check reads the Latin face and no
 * CJK face. Each code point's answer is kept, so a letter's repeated characters are asked once.
 */
export function fontCoverage(fonts: FontLibrary): TextCoverage {
  // fontkit reads only a face's cmap table to answer (13 ms for the 10 MB Chinese face, measured
  // here), where a HarfBuzz shaper first copies the whole face into WebAssembly memory (about 100 ms):
  // a language the request does not render costs its faces' character maps only.
  const faceCovers = (face: FaceId, codePoint: number) => fonts.face(face).hasGlyphForCodePoint(codePoint);
  const covered = new Set<number>();
  return {
    describe: nameCharacter,
    uncovered(text: string, templateFaces: readonly string[] = []): UncoveredCharacter[] {
      const unknown = [...new Set(Array.from(text, (char) => char.codePointAt(0) ?? 0))].filter((codePoint) => !covered.has(codePoint));
      if (unknown.length === 0) return [];
      const notInRegistry = findUncoveredCharacters(fonts, String.fromCodePoint(...unknown), faceCovers).map((character) => character.codePoint);
      // Only what the registry draws is kept: a template face draws for its own template's letters alone.
      const unshipped = new Set(notInRegistry);
      for (const codePoint of unknown) if (!unshipped.has(codePoint)) covered.add(codePoint);
      // A character no shipped face has may be one the letter's template's own face draws (a logo glyph of its private use area).
      const missing = new Set(notInRegistry.filter((codePoint) => !templateFontCovers(codePoint, templateFaces)));
      if (missing.size === 0) return [];
      const found: UncoveredCharacter[] = [];
      for (let index = 0; index < text.length; ) {
        const codePoint = text.codePointAt(index) ?? 0;
        const char = String.fromCodePoint(codePoint);
        if (missing.has(codePoint) && !REFUSED_ELSEWHERE.test(char)) found.push({ index, codePoint, description: nameCharacter(codePoint) });
        index += char.length;
      }
      return found;
    },
  };
}
