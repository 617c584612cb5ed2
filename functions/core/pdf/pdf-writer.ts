import { createHash } from "node:crypto";
import { constants as zlibConstants, deflateSync } from "node:zlib";
import type { Font } from "fontkit";
import { cacheKind, LruCache, type TypesetterCaches } from "./cache";
import { contentPieces, type DeflatedPiece, deflateInPieces, PIECES, type PieceCache, type PieceMemory } from "./chunked-deflate";
import { FONT_PIECES, FONT_PIECES_FROM_BYTES, fontProgramPieces } from "./font-pieces";
import type { FaceId, FontLibrary } from "./font-library";
import { ContentStream, num } from "./content-stream";
import { drawImage, type OpenedImages } from "./image-drawing";
import type { Page, PageGeometry, PlacedLine, StructNode } from "./page-model";
import type { LineImage, PlacedRun } from "./paragraph";
import { createPdfkitDocument, type FontEmbedding, type PdfkitDocument, type PdfObject, type StructContent, type StructElement } from "./pdfkit-adapter";
import { bidi, type ShapedGlyph, type ShapedRun } from "./shaping";

/** zlib's best compression: each stream is deflated once per process (the caches below), so the extra effort is paid once. */
const DEFLATE = { level: 9 };

/**
 * ToUnicode CMaps: a letter whose reader brings a glyph of their own deflates its faces' maps anew
 * (bn and fa every letter). Level 6 made the bytes of level 9 (to 0.01 KB: bn 1.57, fa 0.86, en 0.40,
 * he 0.28, ar 0.23 KB a letter) in 0.6 of its time (bn 0.31 -> 0.19 ms a letter; bench/ab/deflate-probe.ts).
 */
const CMAP_DEFLATE = { level: 6 };

/**
 * Page content, the one stream a personalized letter deflates anew on every page (a new glyph on page
 * one renumbers the glyph codes of the pages after it): level 7 with the filtered strategy (shorter
 * matches, more Huffman coding) took half of level 9's time for bytes within 0.1 KB a letter of it
 * (bench/ab/deflate-probe.ts: en, ar, ko, zh), and filtered at 9 would save no time.
 */
const PAGE_CONTENT_DEFLATE = { level: 7, strategy: zlibConstants.Z_FILTERED };

/**
 * Font programs (and the other bytes `deflateOnce` takes): a personalized letter's subset differs
 * from the last letter's (its glyphs are numbered in the order first drawn), so one is deflated per
 * letter. Level 6 with zlib's largest hash table (memLevel 9) made the same bytes within 0.04 KB
 * as level 9, in 0.8-0.97 of its time (bench/ab/deflate-probe.ts: zh 1.28 -> 1.05 ms, ar 0.26 -> 0.23).
 */
const FONT_PROGRAM_DEFLATE = { level: 6, memLevel: 9 };

export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: readonly string[];
  creationDate: Date;
}

export interface WriteOptions {
  geometry: PageGeometry;
  lang: string;
  metadata: PdfMetadata;
  /** 16 bytes identifying the document, derived from its content. */
  documentId: Buffer;
  fonts: FontLibrary;
  /** Object streams and a cross-reference stream (see `createPdfkitDocument`); pdfkit's plain file when false. */
  objectStreams: boolean;
  /** Told of each line drawn (see `LineDrawing.onLineDrawn`): for tests counting the lines a letter draws anew. */
  onLineDrawn?: (anew: boolean) => void;
  /** Told of each run whose glyphs `numberGlyphsFromTheEnd` walks (a run met again in the document is not): for tests. */
  onRunNumbered?: () => void;
}

/** Encoded subsets by face and glyph list, shared across documents: the same letter embeds the same subset. */
const SUBSETS = cacheKind<string, Uint8Array>("subsets", { sizeOf: (key, bytes) => LruCache.weigh.string(key) + LruCache.weigh.bytes(bytes) });

/** Deflated ToUnicode CMaps by their text: a letter's CMaps recur unless its glyph set changes. */
const CMAPS = cacheKind<string, Uint8Array>("cmaps", { sizeOf: (key, bytes) => LruCache.weigh.string(key) + LruCache.weigh.bytes(bytes) });

/** Four hex digits per glyph code, made once per process: a page shows thousands of glyphs. */
const hex4Strings: string[] = [];

function hex4(n: number): string {
  return (hex4Strings[n] ??= n.toString(16).padStart(4, "0"));
}

export { num } from "./content-stream";

/** What makes a subset glyph: the font glyph, the text it stands for and its advance. */
function glyphKey(id: number, text: string, advance: number): string {
  return `${id}\u0000${text}\u0000${advance}`;
}

/**
 * A shaped glyph's main glyph: its text, advance and `glyphKey` (see `EmbeddedFace.encode`), shared
 * across documents as the glyphs are; and the subset glyph the face that last encoded it gave it.
 */
interface MainGlyph {
  /** The font glyph. */
  id: number;
  text: string;
  advance: number;
  key: string;
  /** The `EmbeddedFace.identity` of the face (in one document) that last encoded the glyph: `gid` is that face's. */
  owner: symbol | undefined;
  gid: number;
  /** The same for the invisible glyphs of its marks (`EmbeddedFace.invisibleCodes`). */
  invisibleOwner: symbol | undefined;
  invisible: { before: string; after: string };
}

/** A shaped glyph's record, made the first time any document draws it (see `MainGlyph`). */
function mainGlyphOf(caches: TypesetterCaches, glyph: ShapedGlyph): MainGlyph {
  let main = mainGlyphs.get(glyph);
  if (main === undefined) {
    // The key is made once per shaped glyph and process: each document looks every glyph up anew.
    const text = piecesOf(caches, glyph).main;
    const advance = textWidth(glyph);
    main = { id: glyph.id, text, advance, key: glyphKey(glyph.id, text, advance), owner: undefined, gid: 0, invisibleOwner: undefined, invisible: NO_INVISIBLE };
    mainGlyphs.set(glyph, main);
  }
  return main;
}

/** Each shaped glyph's main glyph (see `MainGlyph`). */
const mainGlyphs = new WeakMap<ShapedGlyph, MainGlyph>();

/** A shaped run's glyphs as `numberGlyphsFromTheEnd` numbers them, each once, from the run's end. */
interface RunGlyphs {
  /** Its text glyphs' main glyphs. */
  mains: readonly MainGlyph[];
  /** The texts of its marks' invisible glyphs (see `EmbeddedFace.invisibleCodes`). */
  invisible: readonly string[];
  /** Its text-less glyphs, drawn as outlines (see `glyphForm` in `writePdf`). */
  outlines: readonly number[];
  /**
   * The face in a document (`EmbeddedFace`'s identity) that numbered these glyphs last: a run recurs
   * in a document (a word, a name), and numbering it again would find every code given already.
   */
  reservedBy: symbol | undefined;
}

/**
 * A shaped run's glyphs to number (see `RunGlyphs`): runs come from the font library's cache and
 * recur in every letter, so numbering a document walks a short list per run instead of looking up
 * each of its thousands of glyphs.
 */
function runGlyphsOf(caches: TypesetterCaches, run: ShapedRun): RunGlyphs {
  let glyphs = runGlyphs.get(run);
  if (glyphs === undefined) {
    const mains = new Set<MainGlyph>();
    const invisible = new Set<string>();
    const outlines = new Set<number>();
    for (let g = run.glyphs.length - 1; g >= 0; g--) {
      const glyph = run.glyphs[g]!;
      if (glyph.text === "") {
        outlines.add(glyph.id);
        continue;
      }
      mains.add(mainGlyphOf(caches, glyph));
      if (glyph.text.length < 2) continue;
      const pieces = piecesOf(caches, glyph);
      for (let i = pieces.after.length - 1; i >= 0; i--) invisible.add(pieces.after[i]!);
      for (let i = pieces.before.length - 1; i >= 0; i--) invisible.add(pieces.before[i]!);
    }
    glyphs = { mains: [...mains], invisible: [...invisible], outlines: [...outlines], reservedBy: undefined };
    runGlyphs.set(run, glyphs);
  }
  return glyphs;
}

/** Each shaped run's glyphs to number (see `runGlyphsOf`). */
const runGlyphs = new WeakMap<ShapedRun, RunGlyphs>();

function utf16Hex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += hex4(text.charCodeAt(i));
  return out;
}

/**
 * One face as embedded in one document. Each (glyph, text, cluster advance) gets its own glyph id in the subset,
 * so a glyph drawn for different letters (Arabic medial forms share outlines) still maps to the right
 * text in the ToUnicode map, and text extraction and search find the words that are on the page.
 */
class EmbeddedFace {
  private readonly ids = new Map<string, number>();
  /**
   * This face in this document, as the glyphs it encoded remember it (`MainGlyph.owner`): shaped runs
   * come from the font library's cache, so most glyphs repeat as objects, and the glyph's own record
   * answers without a map of the document's (growing it to thousands of entries per face showed as garbage).
   * A symbol, not the face: the records outlive the document and must not hold it.
   */
  private readonly identity = Symbol("EmbeddedFace");
  /** By the marks a glyph's text starts with (see `encodeMarked`), then by glyph. */
  private readonly markedIds = new Map<string, Map<ShapedGlyph, number>>();
  private readonly invisibleIds = new Map<string, number>();
  private readonly texts: string[] = [""];
  private readonly spaceGlyph: number;
  /** The code of the anchor (see `encodeRtlAnchor`), once given. */
  private anchorGid: number | undefined;
  readonly embedding: FontEmbedding;

  constructor(
    readonly face: FaceId,
    doc: PdfkitDocument,
    font: Font,
    readonly caches: TypesetterCaches,
    /** The document's recorder of a line's drawing (see `DrawnLine`): each code this face gives while it records is noted. */
    private readonly recorder: LineRecorder,
    pieceName?: string,
  ) {
    const subsetCache = caches.of(SUBSETS);
    this.spaceGlyph = font.glyphForCodePoint(0x20).id;
    this.embedding = doc.embedFont(font, {
      fontProgram: (glyphs, advances, encode) => {
        const last = lastEmbeddingOf(caches, face);
        let bytes = last.program !== undefined && sameItems(last.glyphs, glyphs) && sameItems(last.advances, advances) ? last.program : undefined;
        if (!bytes) {
          const key = `${face}:${glyphs.join(",")}:${advances.join(",")}`;
          bytes = subsetCache.get(key);
          if (!bytes) {
            bytes = encode();
            subsetCache.set(key, bytes);
          }
          Object.assign(last, { glyphs: glyphs.slice(), advances: advances.slice(), program: bytes });
        }
        deflateFontProgram(caches, face, bytes);
        return bytes;
      },
      toUnicode: () => this.toUnicodeCmap(),
      ...(pieceName !== undefined ? { pieceName } : {}),
    });
  }

  /** The subset glyph that draws a shaped glyph and stands for the main piece of its text (see `textPieces`). */
  encode(glyph: ShapedGlyph): number {
    const main = mainGlyphOf(this.caches, glyph);
    const gid = this.encodeMain(main);
    this.recorder.tape?.push({ face: this.face, replay: (face) => face.encodeMain(main), result: gid });
    return gid;
  }

  /** `encode` of a glyph whose record is at hand. */
  encodeMain(main: MainGlyph): number {
    if (main.owner !== this.identity) {
      main.gid = this.glyphFor(main.id, main.text, main.advance, main.key);
      main.owner = this.identity;
    }
    return main.gid;
  }

  /**
   * Gives a run's text glyphs, and the invisible glyphs of their marks, their codes ahead of drawing,
   * from the run's end (see `numberGlyphsFromTheEnd`): the codes `encode` and `encodeInvisible` then
   * return for them. Returns the run's text-less glyphs, for their outlines' names, and tells
   * `numbered` when it walked the run's glyphs (not for a run this face numbered already).
   */
  reserveRun(run: ShapedRun, numbered?: () => void): readonly number[] {
    const glyphs = runGlyphsOf(this.caches, run);
    const { mains, invisible, outlines } = glyphs;
    if (glyphs.reservedBy === this.identity) return outlines;
    glyphs.reservedBy = this.identity;
    numbered?.();
    for (let i = 0; i < mains.length; i++) {
      const main = mains[i]!;
      if (main.owner !== this.identity) {
        main.gid = this.glyphFor(main.id, main.text, main.advance, main.key);
        main.owner = this.identity;
      }
    }
    for (let i = 0; i < invisible.length; i++) this.encodeInvisible(invisible[i]!);
    return outlines;
  }

  /**
   * Gives the invisible glyphs a right-to-left document draws around its words (RTL_MARK, LTR_MARK,
   * the anchor) their codes ahead of drawing, with the face's glyphs numbered from the end
   * (`numberGlyphsFromTheEnd`). Handed out as drawn, after every numbered glyph, their codes moved
   * by one whenever a reader's name brought a glyph of its own, and so did the bytes of every line
   * drawing one (a `DrawnLine` then cannot serve): numbered here, at the face's last line, they stay.
   */
  reserveMarks(): void {
    this.encodeInvisible(RTL_MARK);
    this.encodeRtlAnchor();
    this.encodeInvisible(LTR_MARK);
  }

  /**
   * A glyph that draws nothing (the space glyph, no advance) and stands for a piece of text:
   * the marks and format characters of a cluster, given their own glyphs for pdf.js (see `textPieces`).
   */
  encodeInvisible(text: string): number {
    // Drawn for every mark poppler needs (a right-to-left line's spaces and punctuation): by text, no key to make.
    let gid = this.invisibleIds.get(text);
    if (gid === undefined) {
      gid = this.glyphFor(this.spaceGlyph, text, 0);
      this.invisibleIds.set(text, gid);
    }
    this.recorder.tape?.push({ face: this.face, replay: (face) => face.encodeInvisible(text), result: gid });
    return gid;
  }

  /** The invisible glyphs of a shaped glyph's marks, before and after its main glyph, as hex codes. */
  invisibleCodes(glyph: ShapedGlyph): { before: string; after: string } {
    // By the glyph's own record, as `encode`: no map of the document's.
    const main = mainGlyphOf(this.caches, glyph);
    if (main.invisibleOwner !== this.identity) {
      const pieces = piecesOf(this.caches, glyph);
      const hex = (texts: readonly string[]) => texts.map((text) => hex4(this.encodeInvisible(text))).join("");
      main.invisible = { before: hex(pieces.before), after: hex(pieces.after) };
      main.invisibleOwner = this.identity;
    }
    // Both ends in one result: a code moved from before the glyph to after it changes the bytes.
    this.recorder.tape?.push({ face: this.face, replay: (face) => invisibleKey(face.invisibleCodes(glyph)), result: invisibleKey(main.invisible) });
    return main.invisible;
  }

  /**
   * A glyph whose text starts with a mark, for the one case pdf.js needs a mark in a glyph's own
   * text (see `readsAsLatinInPdfjs`). Every other mark goes on a glyph of its own that pdf.js skips
   * (`encodeInvisible`), for poppler alone.
   */
  encodeMarked(glyph: ShapedGlyph, mark: string): number {
    let byGlyph = this.markedIds.get(mark);
    if (!byGlyph) this.markedIds.set(mark, (byGlyph = new Map()));
    let gid = byGlyph.get(glyph);
    if (gid === undefined) {
      gid = this.glyphFor(glyph.id, mark + piecesOf(this.caches, glyph).main, textWidth(glyph));
      byGlyph.set(glyph, gid);
    }
    this.recorder.tape?.push({ face: this.face, replay: (face) => face.encodeMarked(glyph, mark), result: gid });
    return gid;
  }

  /**
   * The glyph of a hyphen-minus that ends a line inside a word ("long-" / "standing"), its text
   * followed by a space. Poppler takes a line whose last character is a hyphen-minus for a word it
   * must join, and drops the hyphen (TextLine::coalesce, `hyphenated`; it checks no other character):
   * a space after it, in the same glyph's text (a text of only a space would just end the word),
   * keeps it, at a line end where every extractor puts a line break anyway.
   */
  encodeLineEndHyphen(glyph: ShapedGlyph): number {
    return this.recorded((face) => face.glyphFor(glyph.id, `${piecesOf(face.caches, glyph).main} `, textWidth(glyph)));
  }

  /**
   * A hair-wide invisible glyph standing for a right-to-left space, drawn before a cluster whose
   * marks are drawn before its letter (a right-to-left cluster, stored reversed) at the start of a
   * run or after a word space. pdf.js adds a held-back space, or starts a new line, at the next
   * glyph it positions, which a mark is not: the space or line break would fall between the marks
   * and their letter. Its text starts with the ARABIC LETTER MARK, which pdf.js takes at once.
   */
  encodeRtlAnchor(): number {
    // Kept: drawn (and replayed) before every such cluster, its key was made anew each time.
    return this.recorded((face) => (face.anchorGid ??= face.glyphFor(face.spaceGlyph, `${RTL_MARK} `, 1)));
  }

  /** The face's resource name, as a line's `Tf` writes it (noted while a line is recorded: it depends on the faces' order in the document). */
  resourceName(): string {
    return this.recorded((face) => face.embedding.resourceName);
  }

  /** Lists the face in the current page's resources (see `FontEmbedding.useOnPage`), a step a recorded line replays. */
  useOnPage(): void {
    this.recorded((face) => {
      face.embedding.useOnPage();
      return 0;
    });
  }

  /** `step`'s result for this face, noted on the recorder's tape while a line is recorded. */
  private recorded<T extends number | string>(step: (face: EmbeddedFace) => T): T {
    const result = step(this);
    this.recorder.tape?.push({ face: this.face, replay: step, result });
    return result;
  }

  private glyphFor(id: number, text: string, advance: number, key = glyphKey(id, text, advance)): number {
    let gid = this.ids.get(key);
    if (gid !== undefined) return gid;
    // A text glyph spans its whole cluster, so no extractor sees a gap inside a reordered syllable.
    gid = this.embedding.addCode(id, advance);
    this.ids.set(key, gid);
    this.texts[gid] = text;
    return gid;
  }

  /** One bfchar entry per glyph, deflated; marks folded into their base and pieces of a letter map to the empty string. */
  private toUnicodeCmap(): Uint8Array {
    const last = lastEmbeddingOf(this.caches, this.face);
    if (last.cmap !== undefined && sameItems(last.texts, this.texts)) return last.cmap;
    const entries: string[] = [];
    this.texts.forEach((text, gid) => entries.push(`<${hex4(gid)}> <${utf16Hex(text)}>`));
    const blocks: string[] = [];
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      blocks.push(`${chunk.length} beginbfchar\n${chunk.join("\n")}\nendbfchar`);
    }
    const text =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n" +
      `${blocks.join("\n")}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`;
    const cmapCache = this.caches.of(CMAPS);
    let bytes = cmapCache.get(text);
    if (!bytes) {
      bytes = deflateSync(Buffer.from(text, "latin1"), CMAP_DEFLATE);
      cmapCache.set(text, bytes);
    }
    Object.assign(last, { texts: this.texts.slice(), cmap: bytes });
    return bytes;
  }
}

/**
 * A face's font program and ToUnicode map as the last document embedding it made them, with what
 * they were made of: a mail merge's next letter mostly embeds the same glyphs with the same texts,
 * and comparing the lists costs less than making the caches' keys of them (a text of every glyph's
 * code and text, thousands of characters per face and letter, which showed in profiles).
 */
interface LastEmbedding {
  glyphs: readonly number[];
  advances: readonly number[];
  program: Uint8Array | undefined;
  texts: readonly string[];
  cmap: Uint8Array | undefined;
}

/** Each renderer's last embedding of each face (see `LastEmbedding`): one per face, held no longer than the renderer's caches. */
const lastEmbeddings = new WeakMap<TypesetterCaches, Map<FaceId, LastEmbedding>>();

function lastEmbeddingOf(caches: TypesetterCaches, face: FaceId): LastEmbedding {
  let byFace = lastEmbeddings.get(caches);
  if (!byFace) lastEmbeddings.set(caches, (byFace = new Map()));
  let last = byFace.get(face);
  if (!last) byFace.set(face, (last = { glyphs: [], advances: [], program: undefined, texts: [], cmap: undefined }));
  return last;
}

/** Whether two lists hold the same items in the same places (holes alike). */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => num(c / 255)).join(" ");
}

/**
 * Deflated streams by the identity of their bytes. The bytes of a font program (from the subset
 * cache), the ICC profile and a glyph outline are the same object in every document that embeds
 * them, so each is compressed once per process rather than once per document.
 */
const deflated = new WeakMap<Uint8Array, Uint8Array>();

/**
 * Deflates a large subset's font program in pieces (see font-pieces.ts) for `deflateOnce` to find: a
 * new reader's subset shares most of its pieces with the last letter's. A smaller one is left to `deflateOnce`.
 */
function deflateFontProgram(caches: TypesetterCaches, face: FaceId, bytes: Uint8Array): void {
  if (bytes.byteLength < FONT_PIECES_FROM_BYTES || deflated.has(bytes)) return;
  const program = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memory = pieceMemoryOf(caches, `font ${face}`);
  deflated.set(bytes, deflateInPieces(program, keyedPieces(caches, "font:"), FONT_PROGRAM_DEFLATE, FONT_PIECES, fontProgramPieces(program), memory));
}

/** Each renderer's streams deflated last, by place (see `PieceMemory`): a page by its index (the first `REMEMBERED_PAGES`), a face's font program. */
const pieceMemories = new WeakMap<TypesetterCaches, Map<string, PieceMemory>>();

/** Pages remembered (see `pieceMemories`): a letter's, with room; a longer document's later pages are hashed. */
const REMEMBERED_PAGES = 8;

function pieceMemoryOf(caches: TypesetterCaches, place: string): PieceMemory {
  let byPlace = pieceMemories.get(caches);
  if (!byPlace) pieceMemories.set(caches, (byPlace = new Map()));
  let memory = byPlace.get(place);
  if (!memory) byPlace.set(place, (memory = { bytes: Buffer.alloc(0), pieces: [] }));
  return memory;
}

/**
 * Deflated pieces of another kind of stream than page content (`kind`: font programs), in the page
 * content's cache under keys of their own: a piece's key is its digest, and the same bytes deflated
 * at another setting must not stand in for it, or a document's bytes would depend on what was rendered before.
 */
function keyedPieces(caches: TypesetterCaches, kind: string): PieceCache {
  const contents = caches.of(CONTENTS);
  return { get: (key) => contents.get(kind + key), set: (key, piece) => contents.set(kind + key, piece) };
}

function deflateOnce(bytes: Uint8Array): Uint8Array {
  let out = deflated.get(bytes);
  if (!out) {
    out = deflateSync(bytes, FONT_PROGRAM_DEFLATE);
    deflated.set(bytes, out);
  }
  return out;
}

/**
 * Deflated page content by digest: whole pages, and the first page's pieces (see `deflateInPieces`).
 * A mail merge changes the addressee block on the first page and little else, so the later pages'
 * content streams repeat byte for byte from one recipient to the next, and so do most of the first
 * page's pieces: only the pieces a reader's own lines fall in are deflated anew (a third to a fifth
 * of the time of the whole page: bench/ab/content-chunks.ts). Later pages stay whole: in pieces, every
 * page would cost 0.2-0.6 KB (each piece's Huffman tables), enough to break the size budgets
 * (pdf-size.test.ts), for nothing a mail merge repeats. Hashing costs a tenth of deflating.
 */
const CONTENTS = cacheKind<string, DeflatedPiece>("contents", { sizeOf: (key, piece) => LruCache.weigh.string(key) + LruCache.weigh.bytes(piece.bytes) + 32 });

/**
 * A first page shorter than this is deflated whole: its few pieces (3-4 at 1 in 12) leave the one a
 * reader's lines fall in and the one after most of the page, and their setup (a zlib stream and a
 * dictionary each) cost more than they saved (zh, 20 KB: 19.7 -> 15.5 KB deflated anew, warm-ab
 * B/A CPU 1.036-1.051, where he, th, es, ar at 26-67 KB gained 4-7%).
 */
const PIECES_FROM_BYTES = 24 * 1024;

function deflateContent(caches: TypesetterCaches, bytes: Buffer, pageIndex: number): Uint8Array {
  const contentCache = caches.of(CONTENTS);
  if (pageIndex === 0 && bytes.length >= PIECES_FROM_BYTES)
    return deflateInPieces(bytes, contentCache, PAGE_CONTENT_DEFLATE, PIECES, contentPieces(bytes), pieceMemoryOf(caches, "pieces 0"));
  // The same page of the last document, compared whole before the page is hashed (see `PieceMemory`).
  const memory = pageIndex >= 0 && pageIndex < REMEMBERED_PAGES ? pieceMemoryOf(caches, `page ${pageIndex}`) : undefined;
  const last = memory?.pieces[0];
  if (last !== undefined && memory!.bytes.equals(bytes)) return last.deflated.bytes;
  // "page:" keeps a whole page's key apart from a piece's (two digests).
  const key = `page:${createHash("sha256").update(bytes).digest("base64")}`;
  let out = contentCache.get(key);
  if (!out) {
    out = { bytes: deflateSync(bytes, PAGE_CONTENT_DEFLATE), adler: 0, length: bytes.length };
    contentCache.set(key, out);
  }
  if (memory) {
    memory.bytes = bytes;
    memory.pieces = [{ from: 0, start: 0, end: bytes.length, deflated: out }];
  }
  return out.bytes;
}

/**
 * The buffers page content and a line's glyph outlines are written into, one per process: writePdf
 * writes a document's pages synchronously (no await between its first page and its end), so
 * documents never share them at once, and each is grown once instead of allocated per document
 * (a 64 KB buffer per letter kept more native memory resident).
 */
const PAGE_CONTENT = new ContentStream();
const LINE_OUTLINES = new ContentStream(1 << 12);

/**
 * Writes laid-out pages as a tagged PDF/A-2a document (see `createPdfkitDocument`).
 */
export function writePdf(pages: readonly Page[], root: StructNode, options: WriteOptions): Promise<Buffer> {
  const { geometry, metadata } = options;
  const doc = createPdfkitDocument({
    width: geometry.width,
    height: geometry.height,
    lang: options.lang,
    info: {
      Title: metadata.title,
      Author: metadata.author,
      Subject: metadata.subject,
      Keywords: metadata.keywords.join(", "),
      CreationDate: metadata.creationDate,
      ModDate: metadata.creationDate,
      Creator: "letterpress",
      Producer: "letterpress (pdfkit)",
    },
    documentId: options.documentId,
    // pdfkit would read the ICC profile relative to its own module, which a bundle lacks; the font library supplies it.
    iccProfile: () => options.fonts.iccProfile(),
    deflateOnce,
    deflatePieces: (bytes, pageIndex) => deflateContent(options.fonts.caches, bytes, pageIndex),
    objectStreams: options.objectStreams,
    caches: options.fonts.caches,
    contentBuffer: PAGE_CONTENT,
  });

  const faces = new Map<FaceId, EmbeddedFace>();
  const recorder: LineRecorder = { tape: undefined };
  // Only a document with right-to-left text draws a line's faces as one piece for pdf.js (see PIECE_NAME).
  const pieceName = pages.some(hasRightToLeft) ? PIECE_NAME : undefined;
  const faceOf = (id: FaceId): EmbeddedFace => {
    let face = faces.get(id);
    if (!face) {
      face = new EmbeddedFace(id, doc, options.fonts.face(id), options.fonts.caches, recorder, pieceName);
      faces.set(id, face);
    }
    return face;
  };
  // Each element's marked content and the inline Figures among it, in reading order (see addKid).
  const kids = new Map<StructNode, (StructContent | StructNode)[]>();
  const addKid = (node: StructNode, kid: StructContent | StructNode) => {
    let list = kids.get(node);
    if (!list) kids.set(node, (list = []));
    const last = list[list.length - 1];
    // Content after content is one run of marked content references; a Figure between them parts them.
    if (last !== undefined && !isStructNode(last) && !isStructNode(kid)) last.push(kid);
    else list.push(kid);
  };
  // By face, then glyph id: Arabic draws a form for every vowel mark, and a string key per mark showed in profiles.
  // Named ahead of drawing (numberGlyphsFromTheEnd), the object written at the first drawing.
  const forms = new Map<FaceId, Map<number, { name: string; object: PdfObject | undefined }>>();
  let formCount = 0;
  const formOf = (face: FaceId, id: number): { name: string; object: PdfObject | undefined } => {
    let ofFace = forms.get(face);
    if (!ofFace) forms.set(face, (ofFace = new Map()));
    let form = ofFace.get(id);
    if (!form) ofFace.set(id, (form = { name: `G${++formCount}`, object: undefined }));
    return form;
  };
  const glyphForm = (face: FaceId, id: number): string => {
    const form = formOf(face, id);
    if (!form.object) {
      const { bbox } = options.fonts.face(face);
      form.object = doc.addStream(
        { Type: "XObject", Subtype: "Form", BBox: [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY], Filter: "FlateDecode" },
        outlineOf(options.fonts, face, id),
      );
    }
    doc.useXObjectOnPage(form.name, form.object);
    return form.name;
  };
  const fills = new Map<string, string>();
  const fill = (color: string): string => {
    let operator = fills.get(color);
    if (operator === undefined) fills.set(color, (operator = `${rgb(color)} rg`));
    return operator;
  };
  numberGlyphsFromTheEnd(pages, options.fonts.caches, faceOf, formOf, pieceName !== undefined, options.onRunNumbered);
  // Empty unless a document before this one stopped with an error inside a line.
  LINE_OUTLINES.reset();
  const frame: PageFrame = { y: 0 };
  const drawing: LineDrawing = {
    doc,
    geometry,
    faceOf,
    glyphForm,
    fill,
    outlines: LINE_OUTLINES,
    frame,
    recorder,
    ...(options.onLineDrawn ? { onLineDrawn: options.onLineDrawn } : {}),
  };
  const openedImages: OpenedImages = new Map();

  // Back to PDF coordinates (origin bottom left) for our own drawing.
  const pageFrame = `q 1 0 0 -1 0 ${num(geometry.height)} cm`;
  for (const page of pages) {
    const rtlPage = readsRightToLeft(page);
    doc.addPage(geometry.width, geometry.height);
    // A flow laid out larger is drawn shrunk (page-model.ts FlowFrame), in pdfkit's frame, its margin boxes outside it.
    const shrunk = page.shrunk;
    if (shrunk) doc.addContent(`q ${num(shrunk.frame.scale)} 0 0 ${num(shrunk.frame.scale)} ${num(shrunk.frame.dx)} ${num(shrunk.frame.dy)} cm`);
    doc.addContent(pageFrame);
    frame.y = 0;
    // Whether the item drawn last was a line of a margin box (see below).
    let inMarginBox = false;
    let open: StructNode | null | undefined;
    const mark = (node: StructNode | null | undefined) => {
      if (node === open) return;
      if (open !== undefined) doc.endMarkedContent();
      if (node === undefined) {
        open = undefined;
        return;
      }
      if (node) {
        addKid(node, doc.markStructureContent(node.type));
      } else {
        doc.markArtifact();
      }
      open = node;
    };
    for (let index = 0; index < page.items.length; index++) {
      const item = page.items[index]!;
      const marginBox = item.kind === "line" && item.node === null;
      if (index === shrunk?.marginBoxesFrom) {
        mark(undefined);
        doc.addContent("Q Q");
        doc.addContent(pageFrame);
        frame.y = 0;
      } else if (marginBox && !inMarginBox && frame.y !== 0) {
        // A margin box stands where the page puts it, whatever the text before it: drawn from the page's
        // own frame, its bytes stay when a reader's longer address moves the text above it.
        mark(undefined);
        doc.addContent("Q");
        doc.addContent(pageFrame);
        frame.y = 0;
      }
      inMarginBox = marginBox;
      if (item.kind === "image") {
        // Images are drawn in pdfkit's own coordinates (origin top left), in a marked sequence of their own.
        mark(undefined);
        doc.addContent("Q");
        mark(item.node);
        drawImage(doc.pdfkit, item, openedImages);
        mark(undefined);
        doc.addContent(pageFrame);
        frame.y = 0;
      } else if (item.kind === "rule") {
        mark(null);
        // In the frame of the line before it, as the lines after it are.
        doc.addContent(`${fill(item.color)} ${num(item.x)} ${num(geometry.height - item.y - item.height - frame.y)} ${num(item.width)} ${num(item.height)} re f`);
      } else if (item.node && item.figures && item.line.images) {
        mark(undefined);
        drawLineWithFigures(drawing, item, item.node, item.figures, rtlPage, addKid);
      } else {
        mark(item.node);
        drawLine(drawing, item, rtlPage);
      }
    }
    if (open !== undefined) doc.endMarkedContent();
    doc.addContent(shrunk && shrunk.marginBoxesFrom >= page.items.length ? "Q Q" : "Q");
  }

  const build = (node: StructNode): StructElement | null => {
    const children: (StructContent | StructElement)[] = [];
    const ordered = kids.get(node) ?? [];
    for (const kid of ordered) {
      if (!isStructNode(kid)) children.push(kid);
      else {
        const element = build(kid);
        if (element) children.push(element);
      }
    }
    // Children not placed among the content (all but inline Figures) follow it.
    for (const child of node.children) {
      if (ordered.includes(child)) continue;
      const element = build(child);
      if (element) children.push(element);
    }
    // An empty cell is kept: a reader walks a table's structure as a grid.
    if (children.length === 0 && node.type !== "TD" && node.type !== "TH") return null;
    const table = tableAttributes(node);
    return doc.struct(node.type, children, {
      ...(node.alt !== undefined ? { alt: node.alt } : {}),
      ...(table ? { attributes: table } : {}),
    });
  };
  const document = build(root);
  if (document) doc.addStructure(document);
  return doc.end();
}

/**
 * Numbers the glyphs of a document from its end: each glyph's code is given at its last occurrence,
 * walking the pages, lines, runs and glyphs backwards, before anything is drawn. A glyph's code used to
 * be its order of first drawing, so a reader's name at the top of page one renumbered every later
 * page, the font subset and its ToUnicode map, and none of their cached bytes could serve the next
 * letter of a mail merge. Numbered from the end, the later pages' codes depend on those pages alone,
 * and a reader whose words bring no glyph of their own leaves the whole numbering as it was: the later
 * pages' deflated content, the subset and the ToUnicode map then repeat. It depends on the document
 * alone (a warm render makes the bytes of a cold one). A right-to-left document's marks and anchor
 * (`reserveMarks`, at each face's last line), a line's end hyphen or soft hyphen (`reserveLineEnd`)
 * and the other codes a line's drawing asks for (`handOutsOf`: a glyph carrying a joiner or a mark in
 * its text) are numbered here too; only a line parted at its images still has its own numbered as drawn.
 */
function numberGlyphsFromTheEnd(
  pages: readonly Page[],
  caches: TypesetterCaches,
  faceOf: (id: FaceId) => EmbeddedFace,
  nameOutline: (face: FaceId, id: number) => void,
  reserveMarks: boolean,
  onRunNumbered?: () => void,
): void {
  const marked = new Set<EmbeddedFace>();
  for (let p = pages.length - 1; p >= 0; p--) {
    const items = pages[p]!.items;
    for (let n = items.length - 1; n >= 0; n--) {
      const item = items[n]!;
      if (item.kind === "image" || item.kind === "rule") continue;
      // A line parted at its images is drawn in an order of its own (see drawLineWithFigures).
      const parted = item.node && item.figures && item.line.images;
      if (!parted) reserveLineEnd(item.line, faceOf);
      const runs = item.line.runs;
      for (let r = runs.length - 1; r >= 0; r--) {
        const run = runs[r]!.run;
        const face = faceOf(run.face);
        if (reserveMarks && !marked.has(face)) {
          marked.add(face);
          face.reserveMarks();
        }
        const outlines = face.reserveRun(run, onRunNumbered);
        for (let i = 0; i < outlines.length; i++) nameOutline(run.face, outlines[i]!);
      }
      // After the line's glyphs and marks: a document that asks for none of these numbers as it did without them.
      const handOuts = parted ? NO_HAND_OUTS : handOutsOf(item, caches);
      for (let h = 0; h < handOuts.length; h++) handOuts[h]!.give(faceOf(handOuts[h]!.face));
    }
  }
}

/**
 * Numbers the glyphs a line draws at its end, handed out as drawn otherwise (after every numbered
 * glyph, so a reader's glyph of their own moved them and a line's bytes could not be reused, see
 * `DrawnLine`): the hyphen-minus ending a line inside a word (`encodeLineEndHyphen`) and the
 * invisible glyph standing for a soft hyphen's "-" (drawn in the face of the line's last text).
 */
function reserveLineEnd(line: SetLine, faceOf: (id: FaceId) => EmbeddedFace): void {
  const { order, rtlLine } = plannedOrder(line);
  const last = order[order.length - 1];
  if (last === undefined || !last.run.glyphs.some((glyph) => glyph.text !== "")) return;
  const face = faceOf(last.run.face);
  if (line.hyphenated) face.encodeInvisible("\u2060");
  else if (!rtlLine) {
    const hyphen = hyphenEnding(order);
    if (hyphen) face.encodeLineEndHyphen(hyphen);
  }
}

/** A code a line's drawing asks a face for beyond its runs' glyphs (see `handOutsOf`), and how to give it ahead. */
interface HandOut {
  face: FaceId;
  give(face: EmbeddedFace): void;
}

const NO_HAND_OUTS: readonly HandOut[] = [];

/**
 * Stands in for a document's face while a line is drawn to find its hand-outs (see `handOutsOf`):
 * notes each code asked for other than a run glyph's own (`encode`, numbered by `reserveRun`), once
 * per line, and answers code 0 (no choice in drawing depends on a code's value).
 */
class HandOutProbe implements LineFace {
  constructor(
    readonly face: FaceId,
    readonly caches: TypesetterCaches,
    private readonly found: HandOut[],
    private readonly seen: Set<string>,
  ) {}

  encode(): number {
    return 0;
  }

  encodeInvisible(text: string): number {
    this.note(`i\u0000${text}`, (face) => face.encodeInvisible(text));
    return 0;
  }

  invisibleCodes(glyph: ShapedGlyph): { before: string; after: string } {
    // Drawing cuts a joiner's code off the end (four hex digits): answered in codes' length.
    const pieces = piecesOf(this.caches, glyph);
    const hex = (texts: readonly string[]) => texts.map((text) => hex4(this.encodeInvisible(text))).join("");
    return { before: hex(pieces.before), after: hex(pieces.after) };
  }

  encodeMarked(glyph: ShapedGlyph, mark: string): number {
    this.note(`m\u0000${mark}\u0000${mainGlyphOf(this.caches, glyph).key}`, (face) => face.encodeMarked(glyph, mark));
    return 0;
  }

  encodeLineEndHyphen(glyph: ShapedGlyph): number {
    this.note(`h\u0000${mainGlyphOf(this.caches, glyph).key}`, (face) => face.encodeLineEndHyphen(glyph));
    return 0;
  }

  encodeRtlAnchor(): number {
    this.note("a", (face) => face.encodeRtlAnchor());
    return 0;
  }

  resourceName(): string {
    return "";
  }

  useOnPage(): void {}

  private note(key: string, give: (face: EmbeddedFace) => void): void {
    const faceKey = `${this.face}\u0000${key}`;
    if (this.seen.has(faceKey)) return;
    this.seen.add(faceKey);
    this.found.push({ face: this.face, give });
  }
}

/** The streams a line is drawn into to find its hand-outs, thrown away (see `handOutsOf`). */
const PROBE_CONTENT = new ContentStream(1 << 12);
const PROBE_OUTLINES = new ContentStream(1 << 12);

/**
 * The codes drawing a line asks for beyond its runs' glyphs, in the order first asked: a glyph that
 * carries a ZWNJ or ZWJ, or a mark for pdf.js, in its own text (`encodeMarked`, a Persian letter's
 * every "می‌"), the invisible glyphs of an emoji span's edges. Handed out as drawn, after every glyph
 * numbered from the end, their codes moved by one whenever a reader's name brought a glyph of its own,
 * and every line drawing one was drawn anew (fa: 10 lines a letter where 1-2 changed). Found by
 * drawing the line once with faces that note what is asked (`HandOutProbe`), kept with the line's
 * plan: it depends on the line alone (drawing asks the same whatever the codes, on any page), so a
 * warm document numbers as a cold one. Only for lines that can ask (right-to-left text, joiners, emoji).
 */
function handOutsOf(item: PlacedLine, caches: TypesetterCaches): readonly HandOut[] {
  const plan = linePlanOf(item.line);
  if (plan.handOuts === undefined) {
    if (!plan.hasRtl && !plan.joiners && !plan.emoji) plan.handOuts = NO_HAND_OUTS;
    else {
      const found: HandOut[] = [];
      const seen = new Set<string>();
      const probes = new Map<FaceId, HandOutProbe>();
      const faceOf = (id: FaceId): HandOutProbe => {
        let probe = probes.get(id);
        if (!probe) probes.set(id, (probe = new HandOutProbe(id, caches, found, seen)));
        return probe;
      };
      PROBE_CONTENT.reset();
      PROBE_OUTLINES.reset();
      drawLineText({ faceOf, glyphForm: () => "", fill: () => "", outlines: PROBE_OUTLINES, recorder: { tape: undefined } }, PROBE_CONTENT, item, false);
      plan.handOuts = found.length > 0 ? found : NO_HAND_OUTS;
    }
  }
  return plan.handOuts;
}

function isStructNode(kid: StructContent | StructNode): kid is StructNode {
  return "children" in kid && "type" in kid;
}

/**
 * A line holding inline images, its element's content parted at each image: the words before the
 * image, its Figure, the words after it, in reading order (ISO 32000-1 14.8.2.3, PDF/UA-1 7.1), so a
 * reader says the alt text where the image stands, not after the paragraph. Each part is a marked
 * sequence of its own in its own text object (a sequence cannot cross BT/ET); a right-to-left line
 * may draw its parts out of reading order, so they are put in the element by their place, not as drawn.
 */
function drawLineWithFigures(
  drawing: LineDrawing,
  item: PlacedLine,
  node: StructNode,
  figures: readonly (StructNode | null)[],
  rtlPage: boolean,
  addKid: (node: StructNode, kid: StructContent | StructNode) => void,
): void {
  const images = item.line.images!;
  const parts: StructContent[][] = images.map(() => []);
  parts.push([]);
  let part = -1;
  drawLine(drawing, item, rtlPage, {
    partOf: (placed) => images.filter((image) => image.logical < placed.logical).length,
    open: (next) => {
      if (part !== -1) drawing.doc.endMarkedContent();
      parts[next]!.push(drawing.doc.markStructureContent(node.type));
      part = next;
    },
  });
  if (part !== -1) drawing.doc.endMarkedContent();
  parts.forEach((contents, i) => {
    for (const content of contents) addKid(node, content);
    const figure = figures[i];
    if (figure) addKid(node, figure);
  });
}

/** How a line's text is parted into marked sequences: the part of each run, and the opening of a part's sequence. */
interface LineParts {
  partOf(placed: PlacedRun): number;
  open(part: number): void;
}

/**
 * A table cell's attributes (ISO 32000-1, 14.8.5.7, Table 384): a header cell says which cells it
 * heads (/Scope), a cell spanning more than one row or column says how many (/RowSpan, /ColSpan,
 * 1 when left out), so a reader rebuilds the table's grid.
 */
function tableAttributes(node: StructNode): Record<string, string | number> | null {
  const attributes: Record<string, string | number> = {};
  if (node.scope) attributes.Scope = node.scope;
  if (node.rowSpan !== undefined && node.rowSpan > 1) attributes.RowSpan = node.rowSpan;
  if (node.colSpan !== undefined && node.colSpan > 1) attributes.ColSpan = node.colSpan;
  return Object.keys(attributes).length > 0 ? { O: "Table", ...attributes } : null;
}

/** Glyph outlines as the deflated content of a form XObject (PDF path operators in font units), by face and glyph id. */
const OUTLINES = cacheKind<string, Uint8Array>("outlines", { sizeOf: (key, bytes) => LruCache.weigh.string(key) + LruCache.weigh.bytes(bytes) });

function outlineOf(fonts: FontLibrary, face: FaceId, id: number): Uint8Array {
  const key = `${face}:${id}`;
  const outlineCache = fonts.caches.of(OUTLINES);
  let stream = outlineCache.get(key);
  if (stream === undefined) {
    const parts: string[] = [];
    let x = 0;
    let y = 0;
    for (const { command, args } of fonts.face(face).getGlyph(id).path.commands) {
      const a = args.map(num);
      if (command === "moveTo") parts.push(`${a[0]} ${a[1]} m`);
      else if (command === "lineTo") parts.push(`${a[0]} ${a[1]} l`);
      else if (command === "bezierCurveTo") parts.push(`${a.join(" ")} c`);
      else if (command === "quadraticCurveTo") {
        // A quadratic Bézier as the equivalent cubic.
        const [qx, qy, ex, ey] = args as [number, number, number, number];
        parts.push(`${num(x + (2 / 3) * (qx - x))} ${num(y + (2 / 3) * (qy - y))} ${num(ex + (2 / 3) * (qx - ex))} ${num(ey + (2 / 3) * (qy - ey))} ${num(ex)} ${num(ey)} c`);
      } else if (command === "closePath") parts.push("h");
      if (args.length >= 2) {
        x = args[args.length - 2]!;
        y = args[args.length - 1]!;
      }
    }
    parts.push("f");
    stream = deflateSync(Buffer.from(parts.join(" "), "latin1"), DEFLATE);
    outlineCache.set(key, stream);
  }
  return stream;
}

interface TextPieces {
  before: readonly string[];
  main: string;
  after: readonly string[];
  /** Whether the text is of a script whose marks sit over their letter (see MARKS_OVER_BASE): tested once per text, not per glyph drawn. */
  overBase: boolean;
}

/** Text pieces by text, in the font library's caches: glyphs of different runs share their cluster's text. */
const TEXT_PIECES = cacheKind<string, TextPieces>("textPieces", {
  sizeOf: (key, pieces) => LruCache.weigh.string(key) + [pieces.main, ...pieces.before, ...pieces.after].reduce((sum, text) => sum + LruCache.weigh.string(text), 0),
});
/**
 * The ARABIC LETTER MARK (invisible, strongly right-to-left). Poppler reorders a right-to-left line by
 * bidi types alone (TextOutputDev's reorderText): it reverses every stretch of characters that are
 * not right-to-left letters (spaces, punctuation, digits, Latin) as one piece, and takes ".,:-/+" for
 * digits, so no drawing order or position can copy "רשמי. הנוסח" other than "רשמי .הנוסח"
 * (extractor-behaviour.test.ts); the mark before each such character ends the stretch where it
 * belongs. pdf.js reads U+200F RLM as left-to-right, so that mark would not do for it.
 */
const RTL_MARK = "\u061C";
const NO_INVISIBLE = { before: "", after: "" };
/** The pieces of any text of one code unit: all main (see `textPieces`). */
const SINGLE: Pick<TextPieces, "before" | "after" | "overBase"> = { before: [], after: [], overBase: false };
const STRONG_RTL = new Set(["R", "AL"]);
/**
 * In a left-to-right line with right-to-left text, poppler reverses each right-to-left stretch
 * together with the spaces and punctuation after it, up to the next Latin letter or digit
 * ("(أبدًا), was" comes out "()أبدًا, was"); a LEFT-TO-RIGHT MARK (invisible) before the first space or
 * punctuation that follows right-to-left text ends the stretch where the right-to-left text does.
 * Like RTL_MARK, for poppler only: on a glyph of its own that pdf.js skips.
 * In a right-to-left line, left-to-right text ending in punctuation ("(NKHR)") is followed by one.
 */
const LTR_MARK = "\u200E";
const STRONG = new Set(["R", "AL", "L"]);

function isWeak(glyph: ShapedGlyph): boolean {
  let weak = weakGlyphs.get(glyph);
  if (weak === undefined) {
    weak = true;
    for (const char of glyph.text) if (STRONG.has(bidi.getBidiCharTypeName(char))) weak = false;
    weakGlyphs.set(glyph, weak);
  }
  return weak;
}

const weakGlyphs = new WeakMap<ShapedGlyph, boolean>();

/** Punctuation or symbols, no letter and no space. */
function isWeakText(text: string): boolean {
  for (const char of text) if (STRONG.has(bidi.getBidiCharTypeName(char)) || /\s/u.test(char)) return false;
  return text !== "";
}

/** Whether a glyph's text has no right-to-left letter (a space, punctuation, a digit): poppler would move it. */
function isWeakInRtl(glyph: ShapedGlyph): boolean {
  let weak = weakInRtl.get(glyph);
  if (weak === undefined) {
    // Spaces between right-to-left words need no mark: poppler keeps them in place, and a mark
    // between words would keep a search for two words from finding them.
    weak = !isBlank(glyph.text);
    for (const char of glyph.text) if (STRONG_RTL.has(bidi.getBidiCharTypeName(char))) weak = false;
    weakInRtl.set(glyph, weak);
  }
  return weak;
}

/**
 * Scripts whose marks sit over or under their base letter with no reordering (Thai, Lao, Khmer,
 * Myanmar). Poppler orders characters by position and joins a nonspacing mark to the letter whose
 * box holds the mark's centre: the invisible glyph of a mark drawn at its cluster's right edge (of
 * no width) was taken for a mark of the next letter ("อาณัติ" as "อาณัตจิ"); drawn inside the
 * cluster's box, it stays with its own letter.
 */
const MARKS_OVER_BASE = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * Whether a text is empty or white space only, as `/^\s*$/u` tests it (the same characters: ECMAScript's
 * WhiteSpace and LineTerminator), by character codes: the regular expression ran for every glyph of a
 * right-to-left line and showed in profiles.
 */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) continue;
    if (code < 0xa0) return false;
    if (
      code === 0xa0 ||
      code === 0x1680 ||
      (code >= 0x2000 && code <= 0x200a) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x202f ||
      code === 0x205f ||
      code === 0x3000 ||
      code === 0xfeff
    )
      continue;
    return false;
  }
  return true;
}

/** Per shaped glyph (shared across documents): looked up for every glyph drawn. */
const weakInRtl = new WeakMap<ShapedGlyph, boolean>();
const glyphPieces = new WeakMap<ShapedGlyph, TextPieces>();

function piecesOf(caches: TypesetterCaches, glyph: ShapedGlyph): TextPieces {
  let pieces = glyphPieces.get(glyph);
  if (!pieces) glyphPieces.set(glyph, (pieces = textPieces(caches, glyph.text)));
  return pieces;
}
/** pdf.js takes a glyph whose text holds any nonspacing mark for a zero-width diacritic, and skips one whose text ends in a format character. */
const MARK_OR_FORMAT = /[\p{Mn}\p{Cf}]/u;

/**
 * A glyph's text as pdf.js can read it: the main piece (from the first letter up to the next
 * nonspacing mark or format character) on the visible glyph, with the cluster's width; every
 * other character on its own invisible glyph of no width, before or after it in the same order.
 * A cluster's text on one glyph would make pdf.js give the whole cluster no width ("सं", "سَ").
 */
function textPieces(caches: TypesetterCaches, text: string): TextPieces {
  const pieceCache = caches.of(TEXT_PIECES);
  let pieces = pieceCache.get(text);
  if (!pieces) {
    const chars = [...text];
    let first = 0;
    while (first < chars.length && MARK_OR_FORMAT.test(chars[first]!)) first++;
    let end = first + 1;
    while (end < chars.length && !MARK_OR_FORMAT.test(chars[end]!)) end++;
    pieces =
      first === chars.length
        ? { before: [], main: text, after: [], overBase: false }
        : {
            before: invisiblePieces(chars.slice(0, first).join("")),
            main: chars.slice(first, end).join(""),
            after: invisiblePieces(chars.slice(end).join("")),
            overBase: MARKS_OVER_BASE.test(text),
          };
    pieceCache.set(text, pieces);
  }
  return pieces;
}

/**
 * Text for invisible glyphs of no width: as few as possible, since poppler starts a new word at
 * every glyph drawn where the one before it was; format characters that end a piece on their own,
 * since pdf.js drops a glyph whose text ends with one (and them with it).
 */
function invisiblePieces(text: string): string[] {
  if (text === "") return [];
  const trailing = /\p{Cf}+$/u.exec(text)?.[0] ?? "";
  const head = text.slice(0, text.length - trailing.length);
  return [head, trailing].filter((piece) => piece !== "");
}

/**
 * Whether pdf.js's bidi.js takes a character for a strong left-to-right letter that Unicode calls
 * neutral: it knows the bidi classes of Latin-1, Hebrew and Arabic only, and takes every other
 * character for "L" (the Hebrew opening quote „, dashes, curly quotes, the ellipsis). Beside a Latin
 * phrase in a right-to-left line ("בְּ־DPRK „חֲמוּרוֹת") it joins the phrase, and pdf.js copies it on
 * the phrase's wrong side ("בְּ־„ DPRKחֲמוּרוֹת") unless a right-to-left mark stands between them.
 */
function readsAsLatinInPdfjs(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff || (code >= 0x590 && code <= 0x8ac) || (code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfeff)) return false;
  return bidi.getBidiCharTypeName(char) !== "L";
}

/** Whether pdf.js's bidi.js reads a character as left-to-right: a Latin letter or digit, or a neutral it misreads (see readsAsLatinInPdfjs). */
function isLatinInPdfjs(char: string): boolean {
  if (char === "") return false;
  const type = bidi.getBidiCharTypeName(char);
  return type === "L" || type === "EN" || readsAsLatinInPdfjs(char);
}

/** The last character of a text, a surrogate pair whole. */
function lastCharacter(text: string): string {
  return text.length > 1 && (text.codePointAt(text.length - 2) ?? 0) > 0xffff ? text.slice(-2) : text.slice(-1);
}

/** The first character of the next glyph drawn after glyph `i` of run `index` (in drawing order) that is not a space, or "". */
function nextShown(order: readonly PlacedRun[], index: number, i: number): string {
  for (let k = index, from = i + 1; k < order.length; k++, from = 0) {
    const glyphs = order[k]!.run.glyphs;
    for (let j = from; j < glyphs.length; j++) if (glyphs[j]!.text !== "" && !isBlank(glyphs[j]!.text)) return [...glyphs[j]!.text][0]!;
  }
  return "";
}

/** A text of zero-width joiners and non-joiners only ("\u200C" between the parts of "بین‌الملل"). */
const JOINERS_ONLY = /^[\u200c\u200d]+$/u;
const JOINER = /[\u200c\u200d]/u;

/**
 * Whether the next glyph drawn after glyph `i` of a run (from `i`, by `step`) can carry a ZWNJ or
 * ZWJ at its text's start: the joiner's own glyph, or the last piece of glyph `i`'s text ("क्‍" before
 * "ष"). pdf.js skips a glyph whose text ends with a format character (see MARK_OR_FORMAT), which
 * dropped every ZWNJ of a Persian letter, and reads one whose text starts with it; it reverses
 * right-to-left text character by character, so the joiner copies where it was drawn, between its
 * two letters, in either direction (extractor-behaviour.test.ts). Not into a word space, another
 * joiner, a hyphen ending the line or an emoji sequence (drawn in spans of their own).
 */
function carriesJoiner(glyphs: readonly ShapedGlyph[], i: number, step: 1 | -1, lineEndHyphen: ShapedGlyph | undefined): boolean {
  if (EMOJI_SEQUENCE.test(glyphs[i]!.text)) return false;
  for (let j = i + step; j >= 0 && j < glyphs.length; j += step) {
    const text = glyphs[j]!.text;
    if (text !== "") return !isBlank(text) && !JOINERS_ONLY.test(text) && !EMOJI_SEQUENCE.test(text) && glyphs[j] !== lineEndHyphen;
  }
  return false;
}

/** An emoji sequence's characters: a pictograph, a regional indicator, a keycap. */
const EMOJI_SEQUENCE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/**
 * Whether poppler would copy an emoji sequence of a right-to-left line out of order, so it is drawn
 * inside an ActualText span. Poppler reverses a stretch of neutrals beside right-to-left text and
 * calls every character beyond U+FFFF neutral (TextOutputDev.cc, reorderText:
 * `!(unicodeTypeL(text[j]) || unicodeTypeNum(text[j]))`; its type table ends at U+FFFF): 🇮🇱 copied as
 * 🇱🇮, 👨‍👩‍👧 with its joiners moved, the digit of 1️⃣ after its keycap. The span's text is the
 * sequence in logical order, then a LEFT-TO-RIGHT MARK and an ARABIC LETTER MARK; after the
 * writer's ARABIC LETTER MARK (before left-to-right text or a neutral in a right-to-left line, see
 * RTL_MARK, kept outside the span) also an ARABIC LETTER MARK and a LEFT-TO-RIGHT MARK before it.
 * Reading a line right to left (the page has more right-to-left letters), poppler starts a
 * left-to-right stretch at a strong left-to-right character, the mark after the sequence, and
 * carries it leftwards up to the next right-to-left character: the marks before it, or the
 * right-to-left text itself, so a Latin word before the sequence stays in its stretch ("UN 🇺🇳").
 * Reading left to right, it reverses a right-to-left stretch up to the next left-to-right
 * character, which the mark before the sequence is. As many marks of each direction: poppler takes
 * the page's direction from their count (TextPage::coalesce), which the span leaves as it was. The
 * marks are what an extractor without bidi rules needs; the emoji tests take them out.
 */
function popplerMisorders(text: string): boolean {
  if (text.length < 2 || !EMOJI_SEQUENCE.test(text)) return false;
  let count = 0;
  for (const char of text) {
    count++;
    if (STRONG_RTL.has(bidi.getBidiCharTypeName(char))) return false;
  }
  return count > 1;
}

/** A text string for a PDF dictionary: UTF-16BE with its byte-order mark, in hex. */
function pdfTextString(text: string): string {
  return `<FEFF${utf16Hex(text)}>`;
}

/**
 * What drawing a line's text asks of a face: codes, its resource name, its listing on the page.
 * An `EmbeddedFace`, or a `HandOutProbe` finding which codes a line asks for (see `handOutsOf`).
 */
type LineFace = Pick<
  EmbeddedFace,
  "caches" | "encode" | "encodeInvisible" | "invisibleCodes" | "encodeMarked" | "encodeLineEndHyphen" | "encodeRtlAnchor" | "resourceName" | "useOnPage"
>;

/** What drawing a line's text needs (see `drawLineText`). */
interface TextDrawing {
  faceOf(id: FaceId): LineFace;
  /** The resource name of the form XObject that draws a glyph's outline on the current page. */
  glyphForm(face: FaceId, id: number): string;
  /** The operator that sets a fill colour (`#rrggbb`), made once per colour and document. */
  fill(color: string): string;
  /** The outlines of a text object's text-less glyphs, written after it (see `endTextObject`): empty between lines. */
  outlines: ContentStream;
  /** Notes what a line's drawing depends on in the document while it is drawn anew (see `DrawnLine`). */
  recorder: LineRecorder;
}

/** What drawing a line needs from its document. */
interface LineDrawing extends TextDrawing {
  doc: PdfkitDocument;
  geometry: PageGeometry;
  faceOf(id: FaceId): EmbeddedFace;
  /** The page's drawing frame, which each line moves to its own baseline (see `moveFrame`). */
  frame: PageFrame;
  /** Told of each line drawn (not parted at images): true when drawn anew, false when its bytes were reused. */
  onLineDrawn?: (anew: boolean) => void;
}

/**
 * One step of drawing a line that depends on its document: a code a face hands out, a face's
 * resource name, a glyph outline's form (each noted with its result), a face listed on the page.
 */
interface LineStep {
  face: FaceId;
  replay(face: EmbeddedFace, drawing: LineDrawing): number | string;
  result: number | string;
}

/** Where the faces of a document note the steps of the line being drawn anew; no tape between lines. */
interface LineRecorder {
  tape: LineStep[] | undefined;
}

/**
 * A line's text as drawn last (after its frame move), with the steps its drawing took in its document.
 * Lines come from the paragraph cache and recur in every letter of a mail merge; drawing one again
 * cost more than the rest of the writer. Its bytes depend on the line, its left edge, the page's
 * direction and the steps' results alone (drawing walks the same glyphs whatever their codes), so
 * when replaying the steps in the next document gives the same results, the bytes are the same.
 */
interface DrawnLine {
  x: number;
  rtlPage: boolean;
  steps: readonly LineStep[];
  bytes: Uint8Array;
}

/** The last drawing of each set line (see `DrawnLine`). */
const drawnLines = new WeakMap<SetLine, DrawnLine>();

/** A mark glyph's invisible codes, both ends in one value to compare. */
function invisibleKey(codes: { before: string; after: string }): string {
  return `${codes.before}|${codes.after}`;
}

/**
 * Where the page's coordinate frame stands: the baseline of the line drawn last, in points above
 * the page's bottom edge (0 before the page's first line and after an image, which sets the frame
 * again). Each line is drawn in a frame at its own baseline, reached by a move from the line before
 * ("1 0 0 1 0 dy cm"), so its bytes do not depend on its height on the page: a reader's address a
 * line longer than the last reader's moved every later line of page one, and with absolute positions
 * every later piece of the content (chunked-deflate.ts) was deflated anew; with moves, one changes.
 */
interface PageFrame {
  y: number;
}

/**
 * Moves the frame to height `y` (points above the page's bottom edge) by the move from where it
 * stands, in thousandths: a move depends on the two lines' distance alone, not on where they stand
 * (the same distance rounded from two absolute heights came out 15.222 or 15.223). The frame then
 * stands within half a thousandth per line drawn of `y`, a few thousandths on a page at most.
 */
function moveFrame(out: ContentStream, frame: PageFrame, y: number): void {
  // Rounded to millionths first: a distance of n.5 thousandths (15.2225) in floating point lies a hair either side of it.
  const move = Math.round(Math.round((y - frame.y) * 1e6) / 1000);
  if (move !== 0)
    out
      .text("1 0 0 1 0 ")
      .number(move / 1000)
      .line(" cm");
  frame.y = y;
}

/**
 * The name every face of a document with right-to-left text gives pdf.js (its CIDFont's BaseFont and
 * FontName; the Type0 font keeps the face's own subset name, which pdffonts lists). pdf.js starts a
 * new piece of text at a change of font unless the two fonts have one name, drops a space at either
 * end of a piece drawn after a move back, and runs its bidi algorithm on each piece alone: the word
 * space where the face changes in a right-to-left line ("בדוח تقرير", an Arabic phrase in a Hebrew
 * line; "منظمة Human Rights", a Latin phrase in an Arabic one) was lost, since the pieces of such a
 * line are drawn in reading order, from the right. Under one name a stretch of runs in several faces
 * is one piece, drawn left to right, and keeps its spaces (extractor-behaviour.test.ts, "two composite
 * fonts whose CIDFonts have one name"; text-extraction.test.ts, bidi-isolates-rtl.html). pdf.js takes
 * the CIDFont's name, not the Type0 font's. No subset tag: the name stands for no one subset.
 */
const PIECE_NAME = "Letterpress";

/** Whether a page has a right-to-left run. */
function hasRightToLeft(page: Page): boolean {
  return page.items.some((item) => item.kind === "line" && linePlanOf(item.line).hasRtl);
}

/**
 * Whether a run (of a line's runs, in reading order) is drawn as a piece of text of its own for
 * pdf.js, so no stretch of drawingOrder takes it in: an emoji sequence in an ActualText span of its
 * own (see popplerMisorders; pdf.js ends its piece at marked content), or right-to-left punctuation
 * alone in its face, drawn from its right end (see readsBackwards).
 */
function drawnApart(runs: readonly PlacedRun[], index: number): boolean {
  return spansEmoji(runs[index]!) || readsBackwards(runs, index);
}

function spansEmoji(placed: PlacedRun): boolean {
  return placed.run.glyphs.some((glyph) => popplerMisorders(glyph.text));
}

/**
 * The order a line's runs are drawn in, which is the order pdf.js extracts them in: reading order,
 * except that a stretch of runs of one size that sits together on the line (a right-to-left phrase
 * with its spaces, digits and Latin, in any of the document's faces: see PIECE_NAME) is drawn left
 * to right. pdf.js then reads the stretch as one piece, keeps its word spaces, and puts it in
 * logical order with its own bidi algorithm; drawn word by word from the right, each word would
 * start a new piece and the spaces would be lost. An emoji sequence in a span of its own is a piece
 * of its own (pdf.js ends a piece at marked content), so a stretch ends at it.
 * Poppler orders text by position and reads either way.
 */
function drawingOrder(runs: readonly PlacedRun[]): readonly PlacedRun[] {
  // Left-to-right text alone is drawn as it reads.
  if (!runs.some((placed) => placed.run.direction === "rtl")) return runs;
  const visual = [...runs].sort((a, b) => a.x - b.x);
  const place = new Map(visual.map((run, i) => [run, i]));
  const emoji = runs.some(spansEmoji);
  const order: PlacedRun[] = [];
  for (let start = 0; start < runs.length; ) {
    let min = place.get(runs[start]!)!;
    let max = min;
    let end = start + 1;
    // A line with an emoji sequence in a span keeps its stretches to one face: the stretch beside the span drawn
    // from the left put poppler's copy of the line out of order (measured on "שלום 😀👍🏿❤️ עולם"), and pdf.js loses
    // the spaces beside the span either way.
    const joins = (j: number) => runs[j]!.size === runs[start]!.size && (emoji ? runs[j]!.run.face === runs[start]!.run.face : !drawnApart(runs, j) && !drawnApart(runs, j - 1));
    for (let j = start + 1; j < runs.length && joins(j); j++) {
      min = Math.min(min, place.get(runs[j]!)!);
      max = Math.max(max, place.get(runs[j]!)!);
      if (max - min === j - start) end = j + 1;
    }
    order.push(...runs.slice(start, end).sort((a, b) => a.x - b.x));
    start = end;
  }
  return order;
}

/**
 * Whether pdf.js's bidi.js would read a part's text, drawn as one piece, as left-to-right: it does when
 * fewer than 30% of a piece's characters are right-to-left (and the piece is longer than 4), or none
 * is. A part of a right-to-left line that is mostly a Latin phrase ("הארגון Human Rights Watch" before
 * an image) then copied in visual order ("Human Rights Watch הארגון").
 */
function readsLeftToRightInPdfjs(runs: readonly PlacedRun[]): boolean {
  let rtl = 0;
  let all = 0;
  for (const placed of runs) {
    for (const glyph of placed.run.glyphs) {
      for (const char of glyph.text) {
        all++;
        const type = bidi.getBidiCharTypeName(char);
        if (type === "R" || type === "AL" || type === "AN") rtl++;
      }
    }
  }
  return all > 0 && rtl / all < 0.3 && (all > 4 || rtl === 0);
}

/**
 * The drawing order of a line parted at its images: its parts in reading order, each drawn as
 * drawingOrder draws a line; a part pdf.js would read left to right, stretch of one direction by
 * stretch, in reading order (pdf.js starts a piece at each move back and joins the pieces as drawn).
 */
function partedDrawingOrder(runs: readonly PlacedRun[], parts: LineParts): readonly PlacedRun[] {
  const order: PlacedRun[] = [];
  for (let start = 0; start < runs.length; ) {
    let end = start + 1;
    while (end < runs.length && parts.partOf(runs[end]!) === parts.partOf(runs[start]!)) end++;
    const part = runs.slice(start, end);
    if (readsLeftToRightInPdfjs(part)) {
      for (let from = 0; from < part.length; ) {
        let to = from + 1;
        while (to < part.length && part[to]!.run.direction === part[from]!.run.direction) to++;
        order.push(...drawingOrder(part.slice(from, to)));
        from = to;
      }
    } else order.push(...drawingOrder(part));
    start = end;
  }
  return order;
}

/** Where each glyph of a run is drawn from (before its offset): the run's pen, advanced by each glyph and its justification. */
function penPositions(placed: PlacedRun, start: number, scale: number): number[] {
  const pens: number[] = [];
  let pen = start;
  placed.run.glyphs.forEach((glyph, i) => {
    pens.push(pen);
    pen += glyph.xAdvance * scale + (placed.extra?.[i] ?? 0);
  });
  return pens;
}

/**
 * Whether a run's glyphs are drawn from its right end: a right-to-left run of punctuation alone in
 * its face ("«", "»." around a Hebrew word the Latin face draws them for). pdf.js reads a piece of
 * text with no right-to-left letter in the order it is drawn (its bidi.js leaves it as is), so drawn
 * from the left it would copy "».", reversed; drawn from the right, each glyph is a piece of its own
 * (pdf.js starts one at every move back), in reading order. Poppler orders by position either way.
 * Not for a run with a space: pdf.js drops a space before a move back.
 */
function readsBackwards(order: readonly PlacedRun[], index: number): boolean {
  const placed = order[index]!;
  if (placed.run.direction !== "rtl" || placed.run.glyphs.length < 2) return false;
  const alone = order[index - 1]?.run.face !== placed.run.face && order[index + 1]?.run.face !== placed.run.face;
  return alone && placed.run.glyphs.every((glyph) => glyph.text === "" || (isWeak(glyph) && !/\s/u.test(glyph.text)));
}

/**
 * Whether pdf.js reads a right-to-left run's glyph texts as drawn, unreversed: a run alone in its
 * face (pdf.js starts a new piece of text at every change of font) with no letter, such as an emoji
 * sequence starting with a neutral (❤️ in a right-to-left line). Its bidi.js leaves a piece with no
 * right-to-left letter as it is, so a cluster stored reversed (shaping.ts) would copy reversed
 * ("\uFE0F❤"); such a run's clusters are given their text in logical order.
 */
function readsAsDrawnInPdfjs(order: readonly PlacedRun[], index: number): boolean {
  const placed = order[index]!;
  if (placed.run.direction !== "rtl") return false;
  const alone = order[index - 1]?.run.face !== placed.run.face && order[index + 1]?.run.face !== placed.run.face;
  return alone && placed.run.glyphs.every((glyph) => glyph.text === "" || isWeak(glyph));
}

/**
 * The width a text glyph is given: from where it is drawn (its pen position moved by its offset) to
 * its cluster's end. A base letter the font shifts (Noto Serif Hebrew moves a nun under its qamats)
 * would otherwise end short of the next cluster, and poppler takes the gap for a word break.
 */
function textWidth(glyph: ShapedGlyph): number {
  return Math.max(0, glyph.textAdvance - glyph.xOffset);
}

/** The last glyph with text of a line (in drawing order) when it is a hyphen-minus (see `encodeLineEndHyphen`). */
function hyphenEnding(order: readonly PlacedRun[]): ShapedGlyph | undefined {
  const glyphs = order[order.length - 1]?.run.glyphs ?? [];
  for (let i = glyphs.length - 1; i >= 0; i--) {
    if (glyphs[i]!.text !== "") return glyphs[i]!.text.endsWith("-") ? glyphs[i] : undefined;
  }
  return undefined;
}

/** Strong right-to-left letters minus strong left-to-right ones in a glyph's text, as poppler counts them. */
function rtlBalance(glyph: ShapedGlyph): number {
  let balance = rtlBalances.get(glyph);
  if (balance === undefined) {
    balance = 0;
    for (const char of glyph.text) {
      const type = bidi.getBidiCharTypeName(char);
      if (STRONG_RTL.has(type)) balance++;
      else if (type === "L") balance--;
    }
    rtlBalances.set(glyph, balance);
  }
  return balance;
}

const rtlBalances = new WeakMap<ShapedGlyph, number>();

/**
 * Whether poppler reads the page right to left: it takes the direction of a whole page from the
 * count of its strong letters (TextPage::coalesce), and then reads even a line of left-to-right
 * text from its right end. Only a page with right-to-left text can.
 */
function readsRightToLeft(page: Page): boolean {
  // A page without right-to-left text reads left to right: no glyph to count (most pages of most letters).
  let rtl = false;
  let balance = 0;
  for (const item of page.items) {
    if (item.kind !== "line") continue;
    const plan = linePlanOf(item.line);
    rtl ||= plan.hasRtl;
    balance += plan.rtlBalance;
  }
  return rtl && balance > 0;
}

type SetLine = PlacedLine["line"];

/**
 * What drawing a line needs to know of its runs alone, worked out once per set line: set lines are
 * never changed once set and documents share them (paragraph.ts, PARAGRAPHS), so most lines of a
 * warm letter are drawn with it already known. It was worked out again for every line drawn: the
 * drawing order's sorts and maps, the runs drawn from their right end, poppler's count of strong
 * letters per glyph (a weak-map lookup each), a regular expression per glyph for emoji sequences.
 */
interface LinePlan {
  /** Whether the line reads right to left (see drawLine). */
  rtlLine: boolean;
  /** A left-to-right line with right-to-left text. */
  lineHasRtl: boolean;
  /** Whether any run is right-to-left, and poppler's count of strong letters (see readsRightToLeft). */
  hasRtl: boolean;
  rtlBalance: number;
  /** The drawing order of a line not parted at images (see drawingOrder), made when first drawn. */
  order: readonly PlacedRun[] | undefined;
  /** By the place in `order`: whether the run's clusters are given their text in logical order (see readsAsDrawnInPdfjs). */
  asDrawn: readonly boolean[] | undefined;
  /** The runs drawn from their right end (see readsBackwards). */
  backwards: ReadonlySet<PlacedRun> | undefined;
  /** Whether any glyph's text holds an emoji sequence's character (see EMOJI_SEQUENCE): no test per glyph for the others. */
  emoji: boolean;
  /** Whether any glyph's text holds a ZWNJ or ZWJ (see carriesJoiner). */
  joiners: boolean;
  /** The codes drawing the line asks for beyond its runs' glyphs (see `handOutsOf`), found when the document is first numbered. */
  handOuts: readonly HandOut[] | undefined;
}

/** By a set line, which the library's paragraph cache owns: the plan goes with it. */
const linePlans = new WeakMap<SetLine, LinePlan>();

function linePlanOf(line: SetLine): LinePlan {
  let plan = linePlans.get(line);
  if (plan === undefined) {
    const runs = line.runs;
    // A line of one run (one word and its punctuation, a paragraph's last line) reads as that run does.
    const rtlLine = runs.length > 0 && (runs.length === 1 ? runs[0]!.run.direction === "rtl" : runs[0]!.x > runs[runs.length - 1]!.x);
    let hasRtl = false;
    let balance = 0;
    let emoji = false;
    let joiners = false;
    for (const placed of runs) {
      if (placed.run.direction === "rtl") hasRtl = true;
      for (const glyph of placed.run.glyphs) {
        if (glyph.text === "") continue;
        balance += rtlBalance(glyph);
        if (!emoji && EMOJI_SEQUENCE.test(glyph.text)) emoji = true;
        if (!joiners && JOINER.test(glyph.text)) joiners = true;
      }
    }
    const lineHasRtl = !rtlLine && hasRtl;
    plan = {
      rtlLine,
      lineHasRtl,
      hasRtl,
      rtlBalance: balance,
      order: undefined,
      asDrawn: undefined,
      // Decided on the runs in reading order, as drawingOrder decides what it draws apart.
      backwards: rtlLine || lineHasRtl ? new Set(runs.filter((_placed, i) => readsBackwards(runs, i))) : undefined,
      emoji,
      joiners,
      handOuts: undefined,
    };
    linePlans.set(line, plan);
  }
  return plan;
}

/** A line's plan with its drawing order (lines not parted at images). */
function plannedOrder(line: SetLine): LinePlan & { order: readonly PlacedRun[]; asDrawn: readonly boolean[] } {
  const plan = linePlanOf(line);
  if (plan.order === undefined) {
    const order = drawingOrder(line.runs);
    plan.order = order;
    plan.asDrawn = order.map((_placed, index) => readsAsDrawnInPdfjs(order, index));
  }
  return plan as LinePlan & { order: readonly PlacedRun[]; asDrawn: readonly boolean[] };
}

/**
 * Poppler (pdftotext) takes the gap an inline image leaves between two words for a gap between
 * columns, and reads the text after it as a block of its own, on a line of its own (pdf.js does not).
 * So the first word after an image, in a left-to-right line, is put in an ActualText span that starts
 * with an invisible glyph a word space into the image: poppler copies the span's text (the word itself)
 * over the image's width, and reads the line as one; pdf.js ignores ActualText and skips the glyph.
 * `imageBefore` is the left edge (from the line's) of the images just before the run, `wordFrom` the
 * word starting at a glyph: its text, and how many glyphs with text it takes. In a line with
 * right-to-left text too, the words after an image are spanned only when they hold no right-to-left
 * letter (partHasRightToLeft): pdf.js reads the span as a piece of its own and orders it apart from
 * the rest of its stretch ("המיוחדת הוועדה", "( הוועדה)"); poppler still splits such a line (templates/CSS.md).
 */
function imageBefore(item: PlacedLine, placed: PlacedRun): number | undefined {
  const gap = imageGapBefore(item, placed);
  // A word space into the image (at most its width): a word that ends at the image's edge ("text<img> word") stays a word of its own.
  return gap && gap.left + Math.min(gap.right - gap.left, WORD_GAP_EM * placed.size);
}

/**
 * The stretch of the line the images between a run and the text before it take (from the line's
 * left edge): one image, or several side by side ("<img><img>", "<img> <img>"), which leave one gap
 * between the words around them. A bridge over only the image next to the run left the others' gap,
 * and poppler split the line there ("Two" / "images adjacent.").
 */
function imageGapBefore(item: PlacedLine, placed: PlacedRun): { left: number; right: number } | undefined {
  // The image nearest before the run in reading order, then the last run with text before that image:
  // the images after that text stand in the gap. (The run may be any of its part's: a right-to-left
  // part is drawn from its last word.)
  const images: readonly LineImage[] = item.line.images ?? [];
  let nearest = -1;
  for (const image of images) if (image.logical < placed.logical) nearest = Math.max(nearest, image.logical);
  if (nearest === -1) return undefined;
  let textBefore = -1;
  for (const run of item.line.runs) {
    if (run.logical < nearest && run.logical > textBefore && run.run.glyphs.some((glyph) => glyph.text !== "" && !isBlank(glyph.text))) textBefore = run.logical;
  }
  let gap: { left: number; right: number } | undefined;
  for (const image of images) {
    if (image.logical > placed.logical || image.logical < textBefore) continue;
    const left = image.x;
    const right = image.x + image.box.width;
    gap = gap ? { left: Math.min(gap.left, left), right: Math.max(gap.right, right) } : { left, right };
  }
  return gap;
}

interface RtlBridge {
  /** The part's glyph texts as drawn (left to right): poppler places the span's text so and orders it itself. */
  text: string;
  /** Where the span's invisible glyph goes, from the line's left edge; none for the first part. */
  to: number | undefined;
  /**
   * Whether an anchor after the part's last glyph gives it its word space at the image: the part ends
   * (on its left) in left-to-right text drawn as a piece of its own (see partedDrawingOrder), which
   * pdf.js reads left to right; the anchor at the part's first letter goes to the piece drawn first.
   */
  anchorAtEnd: boolean;
}

/**
 * The bridge over an image in a right-to-left line (`imageBefore` mirrored): the text after the image
 * stands left of it, drawn left to right (see partedDrawingOrder), so its first word is drawn last.
 * The span covers the whole part, not that word: pdf.js ends a piece of text at each marked-content
 * operator, and a piece started inside the part would be read before the part's other words. It runs
 * from the part's left end to an invisible glyph a word space into the image from its right edge.
 */
function rtlBridgeOf(item: PlacedLine, order: readonly PlacedRun[], from: number, parts: LineParts): RtlBridge | undefined {
  const placed = order[from]!;
  const gap = imageGapBefore(item, placed);
  const part = parts.partOf(placed);
  let end = from;
  while (end < order.length && parts.partOf(order[end]!) === part) end++;
  const runs = order.slice(from, end);
  const text = popplerTextOf(runs);
  if (text === "") return undefined;
  const last = runs.findLast((run) => run.run.glyphs.some((glyph) => glyph.text !== "" && !isBlank(glyph.text)));
  const anchorAtEnd = end < order.length && last?.run.direction !== "rtl" && readsLeftToRightInPdfjs(runs);
  return { text, to: gap ? gap.right - Math.min(gap.right - gap.left, WORD_GAP_EM * placed.size) : undefined, anchorAtEnd };
}

/**
 * A part of a right-to-left line as poppler would read its glyphs, for the span that stands for them:
 * their texts left to right (poppler lays a span's text out evenly over its box and orders the line
 * itself), with the marks the writer draws for poppler's reordering (see RTL_MARK and LTR_MARK, in
 * drawLine), which the span would otherwise take away: before digits and punctuation of right-to-left
 * text, before each stretch of left-to-right text, after such a stretch ending in punctuation.
 * Without them a word space beside digits or Latin text moved to the stretch's other side
 * ("בשנת  2015נכתב"). White space at either end is left out.
 */
function popplerTextOf(runs: readonly PlacedRun[]): string {
  let text = "";
  let ltrOpen = false;
  for (const placed of [...runs].sort((a, b) => a.x - b.x)) {
    const rtl = placed.run.direction === "rtl";
    let last = "";
    for (const glyph of placed.run.glyphs) {
      if (glyph.text === "") continue;
      if (rtl ? isWeakInRtl(glyph) : !ltrOpen) text += RTL_MARK;
      ltrOpen = !rtl;
      text += glyph.text;
      last = glyph.text;
    }
    if (!rtl && isWeakText(last)) text += LTR_MARK;
  }
  return text.replace(/^\s+|\s+$/gu, "");
}

/** Whether the part a run starts (in drawing order) holds a right-to-left letter. */
function partHasRightToLeft(order: readonly PlacedRun[], from: number, parts: LineParts): boolean {
  const part = parts.partOf(order[from]!);
  for (let r = from; r < order.length && parts.partOf(order[r]!) === part; r++) {
    for (const glyph of order[r]!.run.glyphs) for (const char of glyph.text) if (STRONG_RTL.has(bidi.getBidiCharTypeName(char))) return true;
  }
  return false;
}

/** The gap poppler reads as a space between words (more than a tenth of an em), and well under its gap between columns. */
const WORD_GAP_EM = 0.25;

function wordFrom(glyphs: readonly ShapedGlyph[], from: number): { text: string; glyphs: number } {
  let text = "";
  let count = 0;
  for (let i = from; i < glyphs.length && !/^\s+$/u.test(glyphs[i]!.text); i++) {
    if (glyphs[i]!.text === "") continue;
    text += glyphs[i]!.text;
    count++;
  }
  return { text, glyphs: count };
}

/**
 * A text object's TJ arrays, written into the page's content stream as they are drawn: glyph codes
 * in runs of hex digits ("<00120034>"), adjustments between them, "[...] TJ" around each array.
 */
class TextShow {
  /** Whether a "[" is written and its array not yet closed. */
  private arrayOpen = false;
  /** Whether a "<" is written and its codes not yet closed. */
  private codesOpen = false;

  constructor(private readonly stream: ContentStream) {}

  private item(): void {
    this.stream.byte(this.arrayOpen ? SPACE : OPEN_ARRAY);
    this.arrayOpen = true;
  }

  private openCodes(): void {
    if (this.codesOpen) return;
    this.item();
    this.stream.byte(OPEN_HEX);
    this.codesOpen = true;
  }

  /** A glyph code: consecutive glyphs with no adjustment between them share one string. */
  code(code: number): void {
    this.openCodes();
    this.stream.hex4(code);
  }

  /** Glyph codes already in hex (a glyph's invisible pieces); nothing for "". */
  hexCodes(hex: string): void {
    if (hex === "") return;
    this.openCodes();
    this.stream.text(hex);
  }

  /** Ends the current string of codes: the next code starts a new one. */
  endCodes(): void {
    if (!this.codesOpen) return;
    this.stream.byte(CLOSE_HEX);
    this.codesOpen = false;
  }

  /** An adjustment (thousandths of the font size, positive moves left), negated when `negative`. */
  adjust(value: number, negative = false): void {
    this.endCodes();
    this.item();
    if (negative) this.stream.byte(MINUS_SIGN);
    this.stream.number(value);
  }

  /** Ends the array with its operator, if one is open. */
  flush(): void {
    this.endCodes();
    if (!this.arrayOpen) return;
    this.stream.line("] TJ");
    this.arrayOpen = false;
  }
}

const SPACE = 0x20;
const OPEN_ARRAY = 0x5b;
const OPEN_HEX = 0x3c;
const CLOSE_HEX = 0x3e;
const MINUS_SIGN = 0x2d;

/**
 * Whether a right-to-left word space (glyph `i` of run `index`, in drawing order) is followed by a
 * cluster whose marks are drawn before its letter (stored reversed: "بٌ", "שֶׁ", "هٔ"), in the same
 * face, which pdf.js must not take its held-back space into (see `encodeRtlAnchor`). Such a space is
 * given the text ARABIC LETTER MARK and space, so pdf.js positions it at once, as it does the anchor,
 * and the anchor is left out: drawn after the space, its own space copied beside the word space, the
 * mark between them ("كتابٌ \u061C جميلٌ"), in both extractors. Across a change of face the anchor stays
 * (pdf.js starts a new piece of text there).
 */
function spaceAnchorsNext(order: readonly PlacedRun[], index: number, i: number, parts?: LineParts): boolean {
  const face = order[index]!.run.face;
  for (let k = index, from = i + 1; k < order.length; k++, from = 0) {
    // A part after an image starts a text object of its own, with its own anchor (see drawLineWithFigures).
    if (parts && parts.partOf(order[k]!) !== parts.partOf(order[index]!)) return false;
    const run = order[k]!.run;
    for (let j = from; j < run.glyphs.length; j++) {
      const text = run.glyphs[j]!.text;
      if (text === "") continue;
      return (run.face === face || order[index]!.run.direction !== "rtl") && run.direction === "rtl" && text.length > 1 && MARK_OR_FORMAT.test(text[0]!);
    }
  }
  return false;
}

/**
 * Opens the ActualText span of an emoji sequence poppler would misorder (see popplerMisorders): its
 * text in logical order (`reversed`: the cluster is stored reversed), between the marks. A function,
 * not a closure made for every glyph drawn.
 */
function openEmojiSpan(show: TextShow, out: ContentStream, reversed: boolean, text: string, afterMark: boolean): void {
  show.flush();
  const logical = reversed ? [...text].reverse().join("") : text;
  out.line(`/Span <</ActualText ${pdfTextString(`${afterMark ? RTL_MARK + LTR_MARK : ""}${logical}${LTR_MARK}${RTL_MARK}`)}>> BDC`);
}

/**
 * The emoji sequences drawn one after another from glyph `i` of run `index` (in drawing order) of a
 * right-to-left line, with the word spaces between them: their text in reading order (right to
 * left on the line, each cluster's characters in logical order) and how many glyphs with text after
 * the first the group takes, up to its last sequence; none for a sequence alone. Poppler misorders
 * adjacent spans of one sequence each ("👩🏽‍⚖️ 🇺🇳" copied around "NGO 2026"), so the group is one span.
 */
function emojiGroup(item: PlacedLine, order: readonly PlacedRun[], index: number, i: number): EmojiGroup | undefined {
  const found: { at: number; text: string; left: number; right: number }[] = [];
  let after = 0;
  let taken = -1;
  let sequences = 0;
  let keycaps = 0;
  scan: for (let k = index, from = i; k < order.length; k++, from = 0) {
    const placed = order[k]!;
    const count = placed.run.glyphs.length;
    const scale = placed.size / placed.run.unitsPerEm;
    const pens = penPositions(placed, item.x + placed.x, scale);
    for (let j = from; j < count; j++) {
      const text = placed.run.glyphs[j]!.text;
      if (text === "") continue;
      const blank = isBlank(text);
      // Keycaps: a group with two ("1️⃣ 2️⃣") or with #️⃣ or *️⃣ ("🇺🇳 #️⃣") was put on a line of its own by
      // poppler (measured 2026-11-30; "🇺🇳 1️⃣" and "😀👍🏿❤️ 1️⃣" were not): such keycaps stay spans of their own.
      const keycap = text.includes("\u20E3");
      if (!blank && (!EMOJI_SEQUENCE.test(text) || (keycap && (keycaps > 0 || !/^\d/u.test(text))))) break scan;
      if (keycap) keycaps++;
      taken++;
      // Reading order: the run's place among the line's runs, then the glyph's in the run (a right-to-left run's glyphs are stored left to right).
      const rtl = placed.run.direction === "rtl";
      const glyph = placed.run.glyphs[j]!;
      found.push({
        at: placed.logical * 1e6 + (rtl ? count - 1 - j : j),
        text: rtl ? [...text].reverse().join("") : text,
        left: pens[j]!,
        right: pens[j]! + glyph.xAdvance * scale,
      });
      if (!blank) {
        sequences++;
        after = taken;
      }
    }
  }
  if (sequences < 2) return undefined;
  const inSpan = found.slice(0, after + 1);
  const text = [...inSpan]
    .sort((a, b) => a.at - b.at)
    .map((glyph) => glyph.text)
    .join("");
  return { text, after, left: Math.min(...inSpan.map((glyph) => glyph.left)), right: Math.max(...inSpan.map((glyph) => glyph.right)) };
}

/**
 * A group of emoji sequences in one span (see emojiGroup): its text, the glyphs with text it takes
 * after its first, and its left and right edges on the page. Poppler spreads a span's text from where
 * its first glyph is drawn to where its last one ends, so a span drawn from the right (as pdf.js needs
 * the sequences, in reading order) starts and ends with an invisible glyph at its left and right edges.
 */
interface EmojiGroup {
  text: string;
  after: number;
  left: number;
  right: number;
}

/** An invisible glyph of no width at `to` (from the pen at `from`), the pen then back at `from`. */
function edgeGlyph(show: TextShow, face: LineFace, from: number, to: number, size: number): void {
  const back = ((from - to) * 1000) / size;
  show.adjust(back);
  show.code(face.encodeInvisible("\u2060"));
  show.adjust(-back);
}

/** Writes the end of a text object and the outlines of the text-less glyphs drawn in it, then starts over. */
function endTextObject(out: ContentStream, outlines: ContentStream): void {
  out.line("ET");
  if (outlines.size > 0) {
    out.line("q").append(outlines.bytes()).line("Q");
    outlines.reset();
  }
}

/**
 * Draws one line: each run's glyphs at their shaped positions, with justification as TJ adjustments.
 * Written as bytes into the page's content stream (`PdfkitDocument.content`) as it goes.
 */
function drawLine(drawing: LineDrawing, item: PlacedLine, rtlPage: boolean, parts?: LineParts): void {
  const out = drawing.doc.content();
  // Drawn in a frame at its baseline (see PageFrame): heights from here on are from the baseline.
  moveFrame(out, drawing.frame, drawing.geometry.height - (item.y + item.line.ascent));
  // A line parted at its images opens marked content as it goes: always drawn anew.
  if (parts) {
    drawLineText(drawing, out, item, rtlPage, parts);
    return;
  }
  const drawn = drawnLines.get(item.line);
  if (drawn !== undefined && drawn.x === item.x && drawn.rtlPage === rtlPage && replays(drawing, drawn.steps)) {
    out.append(drawn.bytes);
    drawing.onLineDrawn?.(false);
    return;
  }
  const start = out.size;
  const steps: LineStep[] = [];
  drawing.recorder.tape = steps;
  try {
    drawLineText(drawing, out, item, rtlPage);
  } finally {
    drawing.recorder.tape = undefined;
  }
  drawnLines.set(item.line, { x: item.x, rtlPage, steps, bytes: out.bytes().slice(start) });
  drawing.onLineDrawn?.(true);
}

/**
 * Replays a line's steps (see `DrawnLine`) in this document: each gives its code or name again (handing
 * out the codes a first drawing here would, in the same order) and lists the line's fonts and forms on
 * the page. Whether every result came out as recorded: then the line's bytes are those drawn before.
 */
function replays(drawing: LineDrawing, steps: readonly LineStep[]): boolean {
  let faceId: FaceId | undefined;
  let face: EmbeddedFace | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.face !== faceId) {
      faceId = step.face;
      face = drawing.faceOf(faceId);
    }
    if (step.replay(face!, drawing) !== step.result) return false;
  }
  return true;
}

/** Draws a line's text (see `drawLine`), its frame moved already. */
function drawLineText({ faceOf, glyphForm, fill, outlines, recorder }: TextDrawing, out: ContentStream, item: PlacedLine, rtlPage: boolean, parts?: LineParts): void {
  let outlineX = 0;
  let outlineY = 0;
  const show = new TextShow(out);
  let color = "";
  let fontFace: LineFace | undefined;
  let fontSize = 0;
  let textRise = 0;
  // Runs come in reading order: a right-to-left line reads from its right end (see encodeMarked).
  const runs = item.line.runs;
  const plan = linePlanOf(item.line);
  const { rtlLine, lineHasRtl, backwards } = plan;
  // In a left-to-right line, whether right-to-left text came last, with no letter or digit since (see LTR_MARK).
  let afterRtl = false;
  // Glyphs with text the open span of a group of emoji sequences still takes (see emojiGroup).
  let emojiGroupLeft = 0;
  let openGroup: EmojiGroup | undefined;
  // Whether the glyph drawn last was a word space: pdf.js holds it back (see encodeRtlAnchor).
  let afterSpace = false;
  // Whether that space carried the anchor of the cluster after it (see spaceAnchorsNext).
  let afterAnchorSpace: "rtl" | "ltr" | undefined;
  let lastFace: LineFace | undefined;
  let lastText = "";
  // The text of the glyph drawn last before this one, spaces aside: its last character is looked at (see
  // readsAsLatinInPdfjs) only beside a neutral, so it is not cut out for every glyph.
  let lastShownText = "";
  let lineStart: number | undefined;
  // Whether the text drawn last was left-to-right: the next left-to-right run continues its stretch.
  let ltrStretchOpen = false;
  // A line parted at its images (see drawLineWithFigures) is drawn part by part in reading order, each
  // part's stretches as drawingOrder draws them: pdf.js reads each text object apart and joins them as
  // drawn, so a right-to-left stretch drawn across an image put the words after the image first.
  // The span takes the writer's marks from poppler, so its text carries them (see popplerTextOf).
  const bridgeRtl = rtlLine && parts !== undefined;
  // A line parted at images keeps its order in no plan: the parts come from the caller.
  const planned = bridgeRtl ? undefined : plannedOrder(item.line);
  const order = planned ? planned.order : partedDrawingOrder(runs, parts!);
  const lineEndHyphen = rtlLine || item.line.hyphenated ? undefined : hyphenEnding(order);
  // Parted text (see drawLineWithFigures): the first part opens before BT; each next one in a text object of its own.
  let part = parts ? (order.length > 0 ? parts.partOf(order[0]!) : 0) : 0;
  // The first word after an inline image, spanned over the image for poppler (see bridgeOverImage):
  // the image's left edge until the word is met, then the glyphs of the word left to draw.
  let bridgeFrom: number | undefined;
  let bridgeLeft = 0;
  // In a right-to-left line, the word after an image is the last drawn of its part, left of the image (see rtlBridgeOf).
  let rtlBridge: RtlBridge | undefined;
  let spaceAtPartEnd = false;
  parts?.open(part);
  out.line("BT");
  rtlBridge = bridgeRtl ? rtlBridgeOf(item, order, 0, parts) : undefined;
  // Opened at the part's first letter, so the span's box leaves out a word space at its left end.
  let rtlSpanOpen = false;
  for (let index = 0; index < order.length; index++) {
    const placed = order[index]!;
    if (parts && parts.partOf(placed) !== part) {
      endTextObject(out, outlines);
      outlineX = outlineY = 0;
      part = parts.partOf(placed);
      parts.open(part);
      // A new text object starts from the identity matrix: the next run sets its place (Tm) again.
      out.line("BT");
      lineStart = undefined;
      bridgeFrom = rtlLine || (lineHasRtl && partHasRightToLeft(order, index, parts)) ? undefined : imageBefore(item, placed);
      rtlBridge = bridgeRtl ? rtlBridgeOf(item, order, index, parts) : undefined;
      rtlSpanOpen = false;
    }
    // The first word of a part in a right-to-left line, with another part after it (see encodeRtlAnchor below).
    if (bridgeRtl && (index === 0 || parts.partOf(order[index - 1]!) !== part)) spaceAtPartEnd = order.slice(index + 1).some((run) => parts.partOf(run) !== part);
    const face = faceOf(placed.run.face);
    // Once per face and line: the page's font resources do not change between runs of one face.
    if (face !== fontFace) face.useOnPage();
    const scale = placed.size / placed.run.unitsPerEm;
    if (placed.color !== color) {
      out.line(fill(placed.color));
      color = placed.color;
    }
    // Compared before it is written: a string per run showed as garbage. Sizes that print alike are alike.
    if (face !== fontFace || (placed.size !== fontSize && num(placed.size) !== num(fontSize))) {
      // A left-to-right line with right-to-left text keeps a piece of text per face for pdf.js, as before
      // its faces took one name (see PIECE_NAME): its bidi.js reads each piece alone, and read whole, a line
      // a third right-to-left would be read right to left. Marked content ends a piece; poppler ignores it.
      if (lineHasRtl && fontFace !== undefined && face !== fontFace) out.line("/Span BMC EMC");
      out.byte(SLASH).text(face.resourceName()).byte(SPACE).number(placed.size).line(" Tf");
      fontFace = face;
      fontSize = placed.size;
    }
    const pen = item.x + placed.x;
    // One text position per run: horizontal shifts are TJ adjustments and mark heights a text rise,
    // so extractors see each run as one unbroken piece of text.
    // After the line's first run, a move from the run before (Td) in exact thousandths: a third of each page's deflated bytes were repeated Tm.
    const at = Math.round(pen * 1000);
    if (lineStart === undefined) out.text("1 0 0 1 ").number(pen).line(" 0 Tm");
    else out.number((at - lineStart) / 1000).line(" 0 Td");
    lineStart = at;
    let cursorX = pen;
    const glyphs = placed.run.glyphs;
    const rtl = placed.run.direction === "rtl";
    let startedText = false;
    // A stretch of left-to-right runs in a right-to-left line starts with the mark (see encodeMarked); the
    // runs after its first (its other words and spaces) do not: a mark between them would cut the stretch
    // into words, which both extractors then read right to left ("Watch Rights Human").
    let startedRun = ltrStretchOpen;
    // Each glyph's pen, worked out ahead only for a run drawn from its right end (see readsBackwards).
    const pens = backwards?.has(placed) ? penPositions(placed, pen, scale) : undefined;
    const asDrawn = planned ? planned.asDrawn[index]! : readsAsDrawnInPdfjs(order, index);
    let forwardPen = pen;
    // The ZWNJ or ZWJ the next glyph drawn carries (see carriesJoiner).
    let joiner = "";
    const extra = placed.extra;
    for (let k = 0; k < glyphs.length; k++) {
      const i = pens ? glyphs.length - 1 - k : k;
      const shaped = glyphs[i]!;
      // Text pdf.js reads as drawn: the cluster's characters in logical order (see readsAsDrawnInPdfjs).
      const glyph = asDrawn && shaped.text.length > 1 ? { ...shaped, text: [...shaped.text].reverse().join("") } : shaped;
      const x = (pens ? pens[i]! : forwardPen) + glyph.xOffset * scale;
      // A mark's height, and a superscript's or subscript's baseline shift (paragraph.ts PlacedRun.rise).
      const rise = glyph.yOffset * scale + (placed.rise ?? 0);
      if (glyph.text === "") {
        // A mark or a piece of a letter stands for no text of its own; drawn as a shape, it cannot
        // break the word apart in text extraction (pdf.js and poppler disagree on text-less glyphs).
        // Each outline is a form XObject, written once per document however often it is drawn.
        // Each from the one before (in exact thousandths, as Td above): Arabic draws hundreds of marks a page.
        const atX = Math.round(x * 1000);
        const atY = Math.round(rise * 1000);
        const form = glyphForm(placed.run.face, glyph.id);
        const formFace = placed.run.face;
        const formGlyph = glyph.id;
        recorder.tape?.push({ face: formFace, replay: (_, drawing) => drawing.glyphForm(formFace, formGlyph), result: form });
        outlines
          .text("1 0 0 1 ")
          .number((atX - outlineX) / 1000)
          .byte(SPACE)
          .number((atY - outlineY) / 1000)
          .text(" cm q ");
        outlines.number(scale).text(" 0 0 ").number(scale).text(" 0 0 cm /").text(form).line(" Do Q");
        outlineX = atX;
        outlineY = atY;
      } else if (
        emojiGroupLeft === 0 &&
        bridgeLeft === 0 &&
        bridgeFrom === undefined &&
        (!rtlBridge || rtlSpanOpen) &&
        JOINERS_ONLY.test(glyph.text) &&
        carriesJoiner(glyphs, i, pens ? -1 : 1, lineEndHyphen)
      ) {
        // Drawn as the next glyph's text's start (see carriesJoiner): it has no width of its own.
        joiner += glyph.text;
      } else {
        if (Math.abs(rise - textRise) > 0.001) {
          show.flush();
          out.number(rise).line(" Ts");
          textRise = rise;
        }
        if (Math.abs(x - cursorX) > 0.001) show.adjust(((cursorX - x) * 1000) / placed.size);
        if (rtlBridge && !rtlSpanOpen && !isBlank(glyph.text)) {
          // No text is drawn in the object before it: pdf.js ends its piece at the operator, an empty one.
          show.flush();
          out.line(`/Span <</ActualText ${pdfTextString(rtlBridge.text)}>> BDC`);
          rtlSpanOpen = true;
        }
        if (bridgeFrom !== undefined && !isBlank(glyph.text)) {
          const word = wordFrom(glyphs, i);
          show.flush();
          out.line(`/Span <</ActualText ${pdfTextString(word.text)}>> BDC`);
          // An invisible glyph over the image (its text a format character, which pdf.js skips), then back.
          const back = ((x - (item.x + bridgeFrom)) * 1000) / placed.size;
          show.adjust(back);
          show.code(face.encodeInvisible("\u2060"));
          show.adjust(-back);
          bridgeFrom = undefined;
          bridgeLeft = word.glyphs;
        }
        // Text of one code unit is never split: no lookup for the common case.
        const pieces = glyph.text.length < 2 ? SINGLE : piecesOf(face.caches, glyph);
        // A part's text in a right-to-left line is a piece of its own for pdf.js (it starts at a move back),
        // which drops the part's word space at the image (a space at a piece's start) and joins the parts'
        // words: the anchor at its first letter (its left end) gives it its logical end's space.
        const keepSpace = spaceAtPartEnd && !isBlank(glyph.text);
        if (keepSpace) spaceAtPartEnd = false;
        // An emoji sequence poppler would misorder (see popplerMisorders), its pieces in one span; sequences
        // drawn one after another share one (see emojiGroup), opened at the first and closed after the last.
        const inGroup = emojiGroupLeft > 0;
        const emojiLine = rtlLine && plan.emoji;
        const group = emojiLine && !inGroup && EMOJI_SEQUENCE.test(glyph.text) ? emojiGroup(item, order, index, i) : undefined;
        const emojiSpan = !inGroup && (group !== undefined || (emojiLine && popplerMisorders(glyph.text)));
        const spanText = group ? group.text : glyph.text;
        const spanReversed = group ? false : rtl && glyph === shaped;
        // Inside an emoji sequence's span, for pdf.js alone: poppler copied its space beside the word space.
        const anchorInSpan = emojiSpan && !keepSpace && pieces.before.length > 0 && (!startedText || afterSpace);
        if (keepSpace || (pieces.before.length > 0 && !emojiSpan && afterAnchorSpace !== "rtl" && (!startedText || afterSpace))) {
          // After a left-to-right space that pdf.js positions (see spaceAnchorsNext), poppler alone needs the mark.
          show.code(!keepSpace && afterAnchorSpace === "ltr" ? face.encodeInvisible(RTL_MARK) : face.encodeRtlAnchor());
          show.adjust((scale * 1000) / placed.size);
        }
        startedText = true;
        // A word space before such a cluster is its anchor itself (see spaceAnchorsNext).
        const anchorSpace = glyph.text === " " && spaceAnchorsNext(order, index, i, parts);
        afterSpace = glyph.text === " ";
        afterAnchorSpace = anchorSpace ? placed.run.direction : undefined;
        // Most glyphs have no marks to carry: no lookup, no allocation for them.
        const invisible = pieces.before.length + pieces.after.length > 0 ? face.invisibleCodes(glyph) : NO_INVISIBLE;
        // Inside an emoji sequence's span, its marks too ("\uFE0F❤" stored reversed): poppler copied the VS16 twice.
        if (!emojiSpan) show.hexCodes(invisible.before);
        // A mark for poppler's reordering (see RTL_MARK and LTR_MARK), on an invisible glyph of its own
        // that pdf.js skips (its text is a format character): pdf.js reads these lines right without it.
        let mark = "";
        // pdf.js wants the mark too, in the glyph's own text, between Latin text and a neutral it takes for
        // a Latin letter (see readsAsLatinInPdfjs): on the neutral beside Latin text, on Latin text after one.
        let markForPdfjs = false;
        if (rtl) {
          if (rtlLine && isWeakInRtl(glyph)) {
            mark = RTL_MARK;
            markForPdfjs = readsAsLatinInPdfjs(glyph.text) && (isLatinInPdfjs(lastCharacter(lastShownText)) || isLatinInPdfjs(nextShown(order, index, i)));
          }
          afterRtl = true;
        } else if (rtlLine) {
          if (!startedRun) {
            mark = RTL_MARK;
            markForPdfjs = readsAsLatinInPdfjs(lastCharacter(lastShownText));
          }
        } else if (lineHasRtl) {
          if (!isWeak(glyph)) afterRtl = false;
          else if (afterRtl) {
            // One mark ends the right-to-left stretch for poppler; digits after it ("אבג 123") need none.
            mark = LTR_MARK;
            afterRtl = false;
          }
        }
        startedRun = true;
        ltrStretchOpen = !rtl;
        if (markForPdfjs) {
          if (emojiSpan) {
            openEmojiSpan(show, out, spanReversed, spanText, true);
            if (group) edgeGlyph(show, face, x, group.left, placed.size);
            if (anchorInSpan) {
              show.code(face.encodeRtlAnchor());
              show.adjust((scale * 1000) / placed.size);
            }
            show.hexCodes(invisible.before);
          }
          show.code(face.encodeMarked(glyph, joiner + mark));
        } else {
          if (mark) show.code(face.encodeInvisible(mark));
          // The writer's mark stays outside the span: it ends the stretch before the sequence.
          if (emojiSpan) {
            openEmojiSpan(show, out, spanReversed, spanText, mark === RTL_MARK);
            if (group) edgeGlyph(show, face, x, group.left, placed.size);
            if (anchorInSpan) {
              show.code(face.encodeRtlAnchor());
              show.adjust((scale * 1000) / placed.size);
            }
            show.hexCodes(invisible.before);
          }
          // A part's anchor before European digits (see keepSpace) would make pdf.js read them as Arabic ones, and
          // move a "%" after them: a LEFT-TO-RIGHT MARK in the digit's own text keeps them European.
          const digitAfterAnchor = keepSpace && bidi.getBidiCharTypeName(glyph.text[0]!) === "EN";
          const marked = joiner + (anchorSpace ? (rtl ? RTL_MARK : LTR_MARK) : digitAfterAnchor ? LTR_MARK : "");
          show.code(glyph === lineEndHyphen ? face.encodeLineEndHyphen(glyph) : marked ? face.encodeMarked(glyph, marked) : face.encode(glyph));
        }
        // A joiner ending the text ("क्‍"), one piece and code of its own (see invisiblePieces), goes on with the next glyph drawn.
        const lastAfter = pieces.after.length > 0 ? pieces.after[pieces.after.length - 1]! : "";
        joiner = !emojiSpan && !inGroup && JOINERS_ONLY.test(lastAfter) && carriesJoiner(glyphs, i, pens ? -1 : 1, lineEndHyphen) ? lastAfter : "";
        const after = joiner === "" ? invisible.after : invisible.after.slice(0, -4);
        if (after !== "" && !rtl && pieces.overBase) {
          // Within the base's box, not on its right edge (see MARKS_OVER_BASE).
          const back = (glyph.textAdvance * scale * 20) / placed.size;
          show.adjust(back);
          show.hexCodes(after);
          show.adjust(back, true);
        } else show.hexCodes(after);
        if (group) {
          emojiGroupLeft = group.after;
          openGroup = group;
        } else if (emojiSpan || (inGroup && --emojiGroupLeft === 0)) {
          if (inGroup && openGroup) {
            // The span's last glyph at its right edge (see EmojiGroup), of no width.
            edgeGlyph(show, face, x + textWidth(glyph) * scale, openGroup.right, placed.size);
            openGroup = undefined;
          }
          show.flush();
          out.line("EMC");
        }
        if (bridgeLeft > 0 && --bridgeLeft === 0) {
          show.flush();
          out.line("EMC");
        }
        cursorX = x + textWidth(glyph) * scale;
        // Only right-to-left lines look back (see markForPdfjs): no work for the glyphs of other lines.
        if (rtlLine && glyph.text !== " " && !isBlank(glyph.text)) lastShownText = glyph.text;
        lastFace = face;
        lastText = glyph.text;
      }
      forwardPen += glyph.xAdvance * scale + (extra ? extra[i]! : 0);
    }
    // Left-to-right text ending in punctuation ("(NKHR)") in a line poppler reads right to left: the
    // mark before the parenthesis does not hold it, one after it does. A glyph whose text is only a
    // format character: pdf.js skips it, poppler reads the mark.
    if (!rtl && rtlLine && lastFace && isWeakText(lastText)) show.code(lastFace.encodeInvisible(LTR_MARK));
    if (rtlBridge && rtlSpanOpen && (index === order.length - 1 || parts!.partOf(order[index + 1]!) !== part)) {
      if (rtlBridge.anchorAtEnd) {
        show.code(face.encodeRtlAnchor());
        show.adjust((scale * 1000) / placed.size);
      }
      if (rtlBridge.to !== undefined) {
        // The span's invisible glyph a word space into the image, on its right (see rtlBridgeOf).
        show.adjust(((cursorX - (item.x + rtlBridge.to)) * 1000) / placed.size);
        show.code(face.encodeInvisible("\u2060"));
      }
      show.flush();
      out.line("EMC");
      rtlBridge = undefined;
    }
    show.flush();
  }
  // A left-to-right line ending in punctuation ("(NKHR)", a list item in a right-to-left letter) on a
  // page poppler reads right to left: poppler would take the closing parenthesis for right-to-left
  // text and put it first; a left-to-right mark after it keeps it with the text before it.
  if (rtlPage && !rtlLine && !lineHasRtl && lastFace && isWeakText(lastText)) out.byte(OPEN_HEX).hex4(lastFace.encodeInvisible(LTR_MARK)).line("> Tj");
  // A line broken at a soft hyphen draws its hyphen as a shape, no text. For poppler an invisible
  // glyph stands for "-" (ActualText), so pdftotext joins the word as it does a hyphenated one; pdf.js
  // ignores ActualText and skips the glyph (its text is a format character): neither copies a hyphen.
  if (item.line.hyphenated && lastFace) out.text("/Span <</ActualText <FEFF002D>>> BDC <").hex4(lastFace.encodeInvisible("\u2060")).line("> Tj EMC");
  if (textRise !== 0) out.line("0 Ts");
  endTextObject(out, outlines);
}

const SLASH = 0x2f;
