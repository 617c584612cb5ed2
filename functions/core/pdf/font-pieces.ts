import type { PieceShape } from "./chunked-deflate";

/**
 * Where a font program is cut to be deflated in pieces (`deflateInPieces`). A mail merge's letter to a
 * new reader usually brings a glyph or two the last letter lacked. Codes are numbered from the
 * document's end (pdf-writer.ts, `numberGlyphsFromTheEnd`), so the new ones are among the highest:
 * the subset's glyph programs come out in the same order with the new ones near the end of `glyf`
 * (bench/ab/subset-diff.ts --diff: ja and zh keep 95-97% of `glyf` as the last letter's, byte for
 * byte). What changes every time is small: the table directory (offsets, lengths), `hhea`, `maxp`,
 * and the ends of `loca` and `hmtx`. Greek keeps less: its accented letters are compound glyphs whose
 * components get the codes after the last one, which a new glyph moves.
 */

const WINDOW = 32 * 1024;

/**
 * Four pieces of dictionary (up to zlib's 32 KB): with fewer, each piece loses the back-references
 * into the glyphs before it (ja +0.2, zh +1.45 KB a subset at 1 piece, against -0.15 and +0.57 at 4).
 * `cutOdds` is page content's (`contentPieces`): a font program's cuts are `fontProgramPieces`'.
 */
export const FONT_PIECES: PieceShape = { cutOdds: 1, dictionaryBytes: WINDOW, dictionaryPieces: 4 };

/**
 * Smaller font programs are deflated whole: the pieces' own costs (hashing, a zlib stream and a
 * dictionary per piece deflated anew) ate the saving below CJK subsets' size. bench/ab/subset-diff.ts,
 * 15 letters to new readers, process CPU ms per letter whole -> in pieces: zh (54 KB) 1.05 -> 0.62,
 * ja (62 KB) 1.30 -> 0.78, ko (30 KB) 0.56 -> 0.55, ar (20 KB) 0.06 -> 0.14, el (17 KB) 0.23 -> 0.41.
 */
export const FONT_PIECES_FROM_BYTES = 40 * 1024;

/**
 * A font program is cut where a rolling hash of its last 32 bytes has this many high bits zero: a
 * piece of 2^bits bytes on average. Smaller pieces deflate less anew per new glyph and cost more
 * bytes in all (each piece carries its own Huffman tables); at 2^12 ja's subsets grew 0.5 KB more than at 2^13.
 */
const FONT_CUT_BITS = 13;
/** No content-defined piece shorter than this: tiny pieces cost more than they save. */
const FONT_MIN_PIECE = 512;

/** The bytes of each short piece at the glyph programs' start (see `fontProgramPieces`). */
const GUARD_PIECE = 16;

/** The gear hash's table: 256 fixed pseudo-random words (splitmix32 from a fixed seed), the same in every process. */
const GEAR = (() => {
  const table = new Int32Array(256);
  let state = 0x6c657474; // "lett"
  for (let i = 0; i < 256; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    table[i] = z ^ (z >>> 16);
  }
  return table;
})();

/**
 * Where an OpenType font's largest table (`glyf`, or `CFF `: the glyph programs) lies in its bytes;
 * the whole of them for other bytes. fontkit writes a subset's tables in the order head, hhea, loca,
 * maxp, cvt, prep, glyf, hmtx, fpgm: all but the glyph programs are short, and most change with every subset.
 */
function glyphProgramsSpan(bytes: Buffer): { start: number; end: number } {
  const whole = { start: 0, end: bytes.length };
  if (bytes.length < 12) return whole;
  const tag = bytes.readUInt32BE(0);
  // TrueType (1.0 or 'true') or CFF ('OTTO') outlines.
  if (tag !== 0x00010000 && tag !== 0x74727565 && tag !== 0x4f54544f) return whole;
  const tables = bytes.readUInt16BE(4);
  if (12 + 16 * tables > bytes.length) return whole;
  let largest = { start: 0, end: 0 };
  for (let t = 0; t < tables; t++) {
    const offset = bytes.readUInt32BE(12 + 16 * t + 8);
    const length = bytes.readUInt32BE(12 + 16 * t + 12);
    if (length > largest.end - largest.start && offset + length <= bytes.length) largest = { start: offset, end: offset + length };
  }
  return largest.end > largest.start ? largest : whole;
}

/**
 * The pieces a font program is deflated in, views of its bytes, none empty: everything before its
 * glyph programs (the table directory, head, loca...: they change with every subset), short pieces
 * (one per dictionary piece: a piece's key holds the pieces its dictionary comes from, so the change
 * before them stays out of the later pieces' keys), the glyph programs in content-defined pieces of
 * 2^`cutBits` bytes on average (a gear hash, as FastCDC's: the cuts move with the bytes, so a glyph
 * inserted or changed leaves the other cuts where they were), and everything after them.
 */
export function fontProgramPieces(bytes: Buffer, cutBits = FONT_CUT_BITS, dictionaryPieces = FONT_PIECES.dictionaryPieces ?? 0): Buffer[] {
  const pieces: Buffer[] = [];
  const glyphs = glyphProgramsSpan(bytes);
  let start = glyphs.start;
  if (start > 0) pieces.push(bytes.subarray(0, start));
  for (let p = 0; p < dictionaryPieces && start + GUARD_PIECE < glyphs.end; p++) {
    pieces.push(bytes.subarray(start, start + GUARD_PIECE));
    start += GUARD_PIECE;
  }
  const mask = ((1 << cutBits) - 1) << (32 - cutBits);
  let hash = 0;
  for (let i = start; i < glyphs.end; i++) {
    hash = ((hash << 1) + GEAR[bytes[i]!]!) | 0;
    if ((hash & mask) === 0 && i + 1 - start >= FONT_MIN_PIECE) {
      pieces.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < glyphs.end) pieces.push(bytes.subarray(start, glyphs.end));
  if (glyphs.end < bytes.length) pieces.push(bytes.subarray(glyphs.end));
  return pieces;
}
