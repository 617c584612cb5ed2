import { createHash } from "node:crypto";
import { constants as zlibConstants, deflateRawSync, type ZlibOptions } from "node:zlib";

/**
 * A zlib stream (RFC 1950) made of pieces deflated on their own, so that a stream which differs from
 * one already written in a few places deflates only the pieces that changed. A mail merge's first
 * page differs from the last reader's in the addressee block and little else; deflated whole, its
 * 27-53 KB were the largest deflate of a warm letter (bench/ab/deflate-probe.ts, content-chunks.ts).
 *
 * Each piece is raw deflate (RFC 1951) ended by a sync flush (an empty stored block, so the next
 * piece starts on a byte), given the end of the piece before it as its dictionary: an inflater has them
 * right behind it in its window, so the back-references stay valid and the stream keeps most of what
 * whole deflate would save. A piece's bytes thus depend on it and that dictionary: the cache key.
 * The dictionary is short, the end of the piece before: a reader's address changes a page's first
 * piece, and a dictionary of that whole piece made the next one new too (es: its 19 KB second piece
 * deflated anew per letter for an address of 300 bytes in its 7.7 KB first one).
 * One zlib header in front, an empty final block and the Adler-32 of the whole behind, combined
 * from the pieces' own checksums.
 */

/** A deflated piece and what the stream's trailer needs of it. */
export interface DeflatedPiece {
  readonly bytes: Uint8Array;
  /** Adler-32 of the piece's uncompressed bytes. */
  readonly adler: number;
  /** Its uncompressed length. */
  readonly length: number;
}

export interface PieceCache {
  get(key: string): DeflatedPiece | undefined;
  set(key: string, piece: DeflatedPiece): void;
}

/**
 * The stream a place (a page's content, a face's font program) was deflated from last, and its
 * pieces: a mail merge's next letter mostly repeats them at the same places, and comparing a piece
 * and its dictionary with the last one's byte for byte costs a tenth of hashing them for the cache's
 * key (sha256 of every page's content showed in profiles). Exact, so no collision can stand in.
 */
export interface PieceMemory {
  bytes: Buffer;
  /** Each piece's dictionary start, its start and end in `bytes`, and its deflated bytes. */
  pieces: readonly { from: number; start: number; end: number; deflated: DeflatedPiece }[];
}

/** How a stream is parted (see `PIECES`). */
export interface PieceShape {
  /** A text object's end is a cut with odds 1 in `cutOdds`: a piece holds that many on average. */
  readonly cutOdds: number;
  /** How many bytes of the piece before a piece, at its end, are its dictionary (deflate's window takes 32 KB at most): they also key it. */
  readonly dictionaryBytes: number;
  /**
   * When set, the dictionary is instead the whole of this many pieces before (their last 32 KB):
   * for streams cut by their own structure, where the pieces before are chosen to be stable
   * (font-pieces.ts puts short guard pieces between a font's directory and its glyphs).
   */
  readonly dictionaryPieces?: number;
}

/** Deflate's window: a dictionary longer than this is not used beyond its last 32 KB. */
const WINDOW_BYTES = 32 * 1024;

/**
 * Where a stream is cut: after the end of a text object ("\nET\n") whose last bytes hash to 0 mod
 * `cutOdds`. The choice depends on those bytes alone (content-defined), so a line inserted or changed
 * elsewhere does not move a cut. Fewer, larger pieces cost fewer bytes (each piece has its Huffman
 * tables, some 50 bytes) and a longer dictionary keeps more back-references, but a changed line then
 * makes more to deflate anew. bench/ab/content-chunks.ts, 20 letters to new readers, page-one bytes
 * deflated anew per letter, whole -> 1 in 12, previous piece as dictionary: he 26.5 -> 8.5 KB,
 * th 52.2 -> 17.7, es 29.5 -> 26.0, en 26.6 -> 7.9, ar 67.3 -> 26.8, zh 19.7 -> 15.5; the seed
 * letter's file +0.2 KB (en) and +0.04 KB (ar), inside pdf-size.test.ts's budgets, which 1 in 4
 * (+0.8 and +0.5 KB) or 1 in 8 broke. A longer dictionary (2, 3 pieces) saved 0.1-0.3 KB for 1-2
 * more pieces to deflate anew per letter. The piece before's last 8 KB rather than all of it (lines
 * drawn in frames of their own, pdf-writer.ts PageFrame; 12 letters): en 6.9 -> 6.3 KB anew, th
 * 17.8 -> 15.5, es, el, ar, he as they were; its last 4 KB would make es 26.3 -> 7.6 and el 10.9 -> 8.7,
 * but the ar seed letter 45,007 bytes, over its budget (8 KB: 44,731; all: 44,727).
 */
export const PIECES: PieceShape = { cutOdds: 12, dictionaryBytes: 8192 };
/** How many bytes before a text object's end decide a cut: its last glyph codes and positions. */
const CUT_WINDOW = 64;
const TEXT_OBJECT_END = Buffer.from("\nET\n", "latin1");

/** The pieces a stream is deflated in (see `PIECES`), views of its bytes; none empty. */
export function contentPieces(bytes: Buffer, shape: PieceShape = PIECES): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(TEXT_OBJECT_END, from);
    if (at < 0) break;
    const end = at + TEXT_OBJECT_END.length;
    from = end;
    // FNV-1a over the bytes before the "ET".
    let hash = 0x811c9dc5;
    for (let i = Math.max(start, at - CUT_WINDOW); i < at; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    // murmur3's finalizer: FNV's low bits alone cut some pages in 3 pieces and others in 13 at the same odds.
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    if (((hash ^ (hash >>> 16)) >>> 0) % shape.cutOdds === 0) {
      pieces.push(bytes.subarray(start, end));
      start = end;
    }
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces;
}

/** zlib's Adler-32 (RFC 1950 8.2); Node's zlib does not expose it. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 3800 bytes at most between reductions keep b below 2^53 and well inside a double's exact range.
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 3800, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The Adler-32 of A followed by B from theirs and B's length (zlib's adler32_combine). */
export function combineAdler32(first: number, second: number, secondLength: number): number {
  const BASE = 65521;
  const rem = secondLength % BASE;
  let sum1 = first & 0xffff;
  let sum2 = (rem * sum1) % BASE;
  sum1 += (second & 0xffff) + BASE - 1;
  sum2 += ((first >>> 16) & 0xffff) + ((second >>> 16) & 0xffff) + BASE - rem;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum2 >= BASE * 2) sum2 -= BASE * 2;
  if (sum2 >= BASE) sum2 -= BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** The zlib header for deflate's default window at levels 6-9 without a preset dictionary (RFC 1950 2.2). */
const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);
/** A final fixed-Huffman block holding only its end code: the stream's last block. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Deflates `bytes` as a zlib stream of pieces (see the module comment), each piece looked up in
 * `cache` by its digest and its dictionary's and deflated with `options` when missing. The result
 * depends on the bytes alone, not on what the cache held. `pieces` (contiguous views of `bytes`, in
 * order, covering it) replaces page content's cuts for streams of another structure (font-pieces.ts).
 * `memory`, when given, is the stream deflated last in the same place, its pieces tried first (by
 * their place in the list), and is then set to this one: `bytes` must not change after the call.
 */
export function deflateInPieces(
  bytes: Buffer,
  cache: PieceCache,
  options: ZlibOptions,
  shape: PieceShape = PIECES,
  pieces: readonly Buffer[] = contentPieces(bytes, shape),
  memory?: PieceMemory,
): Buffer {
  const remembered: PieceMemory["pieces"][number][] = [];
  const parts: Uint8Array[] = [ZLIB_HEADER];
  let adler = 1;
  let before: Buffer | undefined;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    const start = piece.byteOffset - bytes.byteOffset;
    let dictionary: Buffer;
    if (shape.dictionaryPieces !== undefined) {
      const first = pieces[Math.max(0, p - shape.dictionaryPieces)]!;
      dictionary = bytes.subarray(Math.max(first.byteOffset - bytes.byteOffset, start - WINDOW_BYTES), start);
    } else {
      // Of the piece before alone: a dictionary reaching into the one before that carried a change two pieces on.
      dictionary = before ? before.subarray(Math.max(0, before.length - shape.dictionaryBytes)) : bytes.subarray(0, 0);
    }
    before = piece;
    // The dictionary and the piece are contiguous in `bytes`: one digest of both, and where they part.
    const from = start - dictionary.length;
    const end = start + piece.length;
    const last = memory?.pieces[p];
    let deflated =
      last !== undefined &&
      last.start - last.from === dictionary.length &&
      last.end - last.start === piece.length &&
      memory!.bytes.subarray(last.from, last.end).equals(bytes.subarray(from, end))
        ? last.deflated
        : undefined;
    if (deflated === undefined) {
      const key = `${dictionary.length}:${createHash("sha256").update(bytes.subarray(from, end)).digest("base64")}`;
      deflated = cache.get(key);
      if (deflated === undefined) {
        const raw = deflateRawSync(piece, { ...options, finishFlush: zlibConstants.Z_SYNC_FLUSH, ...(dictionary.length > 0 ? { dictionary } : {}) });
        deflated = { bytes: raw, adler: adler32(piece), length: piece.length };
        cache.set(key, deflated);
      }
    }
    remembered.push({ from, start, end, deflated });
    parts.push(deflated.bytes);
    adler = combineAdler32(adler, deflated.adler, deflated.length);
  }
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler);
  parts.push(FINAL_EMPTY_BLOCK, trailer);
  if (memory) {
    memory.bytes = bytes;
    memory.pieces = remembered;
  }
  return Buffer.concat(parts);
}
