// `require`, not `import`: a bundler then takes pdfkit's CommonJS build, which finds its module path
// through __filename; the ES build uses import.meta.url, which is empty in a CommonJS Lambda bundle.
import PDFDocument = require("pdfkit");
import type { Font, Glyph } from "fontkit";
import { canonicalLocale, localeInfo } from "../locales";
import type { TypesetterCaches } from "./cache";
import { ContentStream } from "./content-stream";
import { writePackedBody } from "./object-streams";
import { type SubsetTemplate, subsetTemplate, writeFontkitSubset } from "./truetype-subset";

/*
 * The one module that reaches into pdfkit's and fontkit's internals. pdfkit stays the PDF library
 * (it writes the objects, the cross-reference table, the tagged structure and the font dictionaries);
 * the typesetter needs a few things it offers no public way to do: its own glyph codes and ToUnicode
 * map per font, its own deflating, a document ID from the content, an ICC profile from a bundle. Each
 * private member used is named in `INTERNALS` and checked once per process before the first document
 * (`verifyInternals`), so a pdfkit or fontkit upgrade that moves one fails at once, naming it, rather
 * than writing a subtly wrong PDF; test/core/pdf/pdfkit-adapter.test.ts holds the output to each
 * override's promise. The rest of the typesetter sees only the typed interface below.
 */

/** An indirect object of the document (a dictionary, or a stream once bytes are written to it). */
export interface PdfObject {
  readonly data: Record<string, unknown>;
  /** Writes the stream's bytes (already deflated when the dictionary says FlateDecode) and closes the object. */
  end(bytes?: Uint8Array): void;
}

/** Marked content of a structure element on one page, as pdfkit's tagging collects it. */
export interface StructContent {
  push(other: StructContent): void;
}

/** A structure element (pdfkit's PDFStructureElement), opaque to the typesetter. */
export type StructElement = PDFKit.PDFStructureElement;

/** The document information the PDF and its XMP metadata carry. */
export interface DocumentInfo {
  Title: string;
  Author: string;
  Subject: string;
  Keywords: string;
  CreationDate: Date;
  ModDate: Date;
  Creator: string;
  Producer: string;
}

export interface DocumentOptions {
  width: number;
  height: number;
  lang: string;
  info: DocumentInfo;
  /** 16 bytes identifying the document, derived from its content (the trailer's /ID). */
  documentId: Buffer;
  /** The sRGB ICC profile of the PDF/A output intent. */
  iccProfile: () => Uint8Array;
  /** Deflates a stream written in one piece (font programs, outlines, profiles: the same bytes recur across documents). */
  deflateOnce: (bytes: Uint8Array) => Uint8Array;
  /** Deflates a page's content stream, given the page's index (0 for the first page). */
  deflatePieces: (bytes: Buffer, pageIndex: number) => Uint8Array;
  /**
   * true: the file is written with object streams and a cross-reference stream (object-streams.ts),
   * from the objects as pdfkit writes them; false or absent: pdfkit's plain objects and cross-reference table.
   */
  objectStreams?: boolean;
  /** The renderer's caches: object streams a letter repeats from an earlier letter are found there deflated (object-streams.ts). */
  caches?: TypesetterCaches;
  /**
   * The buffer pages' content is written into (reset here), when the caller keeps one across
   * documents: a document's pages are written synchronously, so one buffer serves every document of
   * a process, grown once, where a buffer per document was a 64 KB allocation each. A new one when absent.
   */
  contentBuffer?: ContentStream;
}

/** What the typesetter decides for a font it embeds; the adapter asks when the document ends. */
export interface FontEmbeddingHooks {
  /** The ToUnicode CMap stream's bytes, deflated, for the codes handed out by `addCode`. */
  toUnicode(): Uint8Array;
  /** The subset's font program: `encode` makes it; the caller may return cached bytes for the same glyph list and advances. */
  fontProgram(glyphs: readonly number[], advances: readonly number[], encode: () => Uint8Array): Uint8Array;
  /**
   * When given, the name the CIDFont dictionary (BaseFont) and its descriptor (FontName) carry instead of
   * the face's subset name; the Type0 font keeps the subset name, which pdffonts and viewers list.
   * pdf.js joins text drawn in two fonts into one piece when these names are equal (see pdf-writer.ts, PIECE_NAME).
   */
  pieceName?: string;
}

/** One font as embedded in one document: a CIDFontType2 with Identity-H codes the typesetter hands out. */
export interface FontEmbedding {
  /** The font's resource name, as `Tf` selects it. */
  readonly resourceName: string;
  /**
   * A new code that draws font glyph `glyphId` with an advance of `advance` font units, in the
   * PDF's widths and in the embedded font program alike. Every call gives a new code, so one glyph
   * can stand for different texts in the ToUnicode map.
   */
  addCode(glyphId: number, advance: number): number;
  /** Lists the font in the current page's resources. */
  useOnPage(): void;
}

/** pdfkit's public document API; `openImage` (opens an image once, to draw it many times) is public but missing from @types/pdfkit. */
export type PdfkitPublic = PDFKit.PDFDocument & { openImage(src: Buffer): OpenedImage };

/** An image pdfkit opened, which its `image` draws. */
export type OpenedImage = Parameters<PDFKit.PDFDocument["image"]>[0];

/** A PDF/A-2a tagged document being written: pages, content, fonts, form XObjects and structure. */
export interface PdfkitDocument {
  addPage(width: number, height: number): void;
  /** Appends operators (Latin-1 text) to the current page's content stream. */
  addContent(operators: string): void;
  /**
   * The current page's content stream, to write operators into as bytes (what `addContent` and
   * pdfkit's own drawing write into too, in the order written). Valid until the next `addPage`.
   */
  content(): ContentStream;
  /** A stream object written at once: `dictionary` plus `bytes` (deflate them first if the dictionary says so). */
  addStream(dictionary: Record<string, unknown>, bytes: Uint8Array): PdfObject;
  /** Lists a form XObject in the current page's resources under `name`. */
  useXObjectOnPage(name: string, object: PdfObject): void;
  embedFont(font: Font, hooks: FontEmbeddingHooks): FontEmbedding;
  /** Opens marked content for a structure element of `type`; its content is returned for the structure tree. */
  markStructureContent(type: string): StructContent;
  /** Opens marked content for a pagination artifact (running footers, rules). */
  markArtifact(): void;
  endMarkedContent(): void;
  /**
   * A structure element: `alt` is its alternate description (a figure's), `attributes` its attribute
   * object (/A: a table header cell's `{ O: "Table", Scope: "Column" }`).
   */
  struct(type: string, children: readonly (StructContent | StructElement)[], options?: { alt?: string; attributes?: Record<string, unknown> }): StructElement;
  addStructure(element: StructElement): void;
  /**
   * pdfkit's public drawing API, for what pdfkit draws itself (images, SVG through svg-to-pdfkit),
   * in pdfkit's coordinates (origin top left).
   */
  readonly pdfkit: PdfkitPublic;
  /** Ends the document; resolves to its bytes. */
  end(): Promise<Buffer>;
}

/* ---- pdfkit's and fontkit's internals, as this module relies on them ---- */

/** fontkit's TrueType subset (TTFSubset), which pdfkit's EmbeddedFont holds as `subset`. */
interface SubsetInternals {
  glyphs: number[];
  mapping: Record<number, number>;
  includeGlyph(id: number): number;
  encode(): Uint8Array;
  /** Copies one glyph into the tables `encode` fills. */
  _addGlyph(id: number): number;
  glyf: Uint8Array[];
  loca: { offsets: number[]; version?: number };
  hmtx: { metrics: { advance: number; bearing: number }[]; bearings?: number[] };
  offset: number;
}

/** fontkit's TTFFont, as copying a glyph's TrueType program needs it. */
interface FontInternals {
  loca: { offsets: number[]; version: number };
  createSubset(): SubsetInternals;
  _variationProcessor?: unknown;
  _getTableStream(tag: string): { pos: number; readBuffer(length: number): Uint8Array };
  getGlyph(id: number): Glyph & { _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null; _getMetrics(): { leftBearing: number } };
}

/** pdfkit's EmbeddedFont. */
interface EmbeddedFontInternals {
  id: string;
  scale: number;
  subset: SubsetInternals;
  widths: number[];
  unicode: number[][];
  ref(): unknown;
  toUnicodeCmap(): unknown;
}

/** pdfkit's PDFReference: a dictionary and, for a stream, the chunks written to it. */
interface ReferenceInternals {
  id: number;
  gen: number;
  data: Record<string, unknown>;
  buffer: Uint8Array[];
  compress: boolean;
  write(chunk: Uint8Array | string): void;
  end(chunk?: Uint8Array | string): void;
  finalize(): void;
}

type DocumentInternals = Omit<PDFKit.PDFDocument, "ref" | "addContent" | "font"> & {
  font(src: Font, name: string): DocumentInternals;
  _font: EmbeddedFontInternals;
  _id: Buffer;
  info: Record<string, unknown>;
  page: PageInternals;
  push(chunk: Uint8Array): boolean;
  _offset: number;
  _write(data: Uint8Array | string): void;
  _addInfo(): void;
  metadata: { getXML(): string; getLength(): number };
  _addColorOutputIntent(): void;
  _root: { data: Record<string, unknown> };
  _info: unknown;
  _offsets: unknown[];
  _refEnd(ref: ReferenceInternals): void;
  _finalize(): void;
  ref(data?: Record<string, unknown>): ReferenceInternals;
  addContent(data: string): DocumentInternals;
};

/** pdfkit's PDFPage. */
type PageInternals = PDFKit.PDFPage & {
  fonts: Record<string, unknown>;
  xobjects: Record<string, unknown>;
  resources: { data: Record<string, unknown> };
  /** The page's content stream. */
  content: ReferenceInternals;
  write(chunk: Uint8Array | string): void;
  end(): void;
};

/** Where an internal is found, for the check and its error message. */
type Owner = "PDFDocument" | "PDFPage" | "PDFReference" | "PDFStructureElement" | "EmbeddedFont" | "TTFSubset" | "TTFFont" | "TTFGlyph" | "PNGImage";

/** pdfkit's PNGImage (an opened PNG): what its transparency handling reads and calls. */
interface PngImageInternals {
  /** png-js's decoder of the file: `colors` is the colour channels without alpha. */
  image: { colors: number };
  imgData: Uint8Array | null;
  alphaChannel?: Uint8Array;
  /** Decodes every pixel (asynchronously) to split an alpha channel off the colour: replaced by `openPdfkitImage`. */
  splitAlphaChannel(): unknown;
  /** Decodes a palette image's transparency (asynchronously): replaced by `openPdfkitImage`. */
  loadIndexedAlphaChannel(): unknown;
  /** Writes the image object from `imgData` and `alphaChannel`. */
  finalize(): unknown;
}

/** pdfkit's PDFStructureElement: its dictionary takes the attribute object. */
interface StructElementInternals {
  dictionary: { data: Record<string, unknown> };
}

/**
 * Every private member of pdfkit and fontkit this module uses, with what it must be. `verifyInternals`
 * checks them on real objects; the test file checks that what each override promises still shows
 * in the output.
 */
export const INTERNALS: readonly {
  owner: Owner;
  member: string;
  kind: "function" | "object" | "number" | "string" | "boolean" | "array" | "optional";
  /** Set only once a font is selected (checked with the fonts' members), a page added, or on an opened PNG. */
  once?: "font" | "page" | "png";
  /** Used only for a TrueType-outlined font (a `glyf` table): a CFF font keeps fontkit's own subsetting. */
  trueType?: true;
}[] = [
  { owner: "PDFDocument", member: "_id", kind: "object" },
  { owner: "PDFDocument", member: "_write", kind: "function" },
  { owner: "PDFDocument", member: "_offset", kind: "number" },
  { owner: "PDFDocument", member: "push", kind: "function" },
  { owner: "PDFDocument", member: "_addInfo", kind: "function" },
  { owner: "PDFDocument", member: "_addColorOutputIntent", kind: "function" },
  { owner: "PDFDocument", member: "_root", kind: "object" },
  { owner: "PDFDocument", member: "_offsets", kind: "array" },
  { owner: "PDFDocument", member: "_refEnd", kind: "function" },
  { owner: "PDFDocument", member: "_finalize", kind: "function" },
  { owner: "PDFDocument", member: "info", kind: "object" },
  { owner: "PDFDocument", member: "ref", kind: "function" },
  { owner: "PDFDocument", member: "addContent", kind: "function" },
  { owner: "PDFDocument", member: "_font", kind: "object", once: "font" },
  { owner: "PDFDocument", member: "page", kind: "object", once: "page" },
  { owner: "PDFPage", member: "content", kind: "object", once: "page" },
  { owner: "PDFPage", member: "write", kind: "function", once: "page" },
  { owner: "PDFPage", member: "end", kind: "function", once: "page" },
  { owner: "PDFReference", member: "buffer", kind: "array" },
  { owner: "PDFReference", member: "compress", kind: "boolean" },
  { owner: "PDFReference", member: "finalize", kind: "function" },
  { owner: "PDFReference", member: "data", kind: "object" },
  { owner: "PDFReference", member: "id", kind: "number" },
  { owner: "PDFReference", member: "gen", kind: "number" },
  { owner: "PDFStructureElement", member: "dictionary", kind: "object" },
  { owner: "EmbeddedFont", member: "id", kind: "string" },
  { owner: "EmbeddedFont", member: "scale", kind: "number" },
  { owner: "EmbeddedFont", member: "subset", kind: "object" },
  { owner: "EmbeddedFont", member: "widths", kind: "array" },
  { owner: "EmbeddedFont", member: "unicode", kind: "array" },
  { owner: "EmbeddedFont", member: "toUnicodeCmap", kind: "function" },
  { owner: "EmbeddedFont", member: "ref", kind: "function" },
  { owner: "TTFSubset", member: "glyphs", kind: "array" },
  { owner: "TTFSubset", member: "mapping", kind: "object" },
  { owner: "TTFSubset", member: "includeGlyph", kind: "function" },
  { owner: "TTFSubset", member: "encode", kind: "function" },
  { owner: "TTFSubset", member: "_addGlyph", kind: "function", trueType: true },
  { owner: "TTFFont", member: "loca", kind: "object", trueType: true },
  { owner: "TTFFont", member: "_getTableStream", kind: "function", trueType: true },
  { owner: "TTFFont", member: "createSubset", kind: "function", trueType: true },
  { owner: "TTFFont", member: "_variationProcessor", kind: "optional", trueType: true },
  { owner: "TTFGlyph", member: "_decode", kind: "function", trueType: true },
  { owner: "TTFGlyph", member: "_getMetrics", kind: "function", trueType: true },
  { owner: "PNGImage", member: "image", kind: "object", once: "png" },
  { owner: "PNGImage", member: "imgData", kind: "object", once: "png" },
  { owner: "PNGImage", member: "splitAlphaChannel", kind: "function", once: "png" },
  { owner: "PNGImage", member: "loadIndexedAlphaChannel", kind: "function", once: "png" },
  { owner: "PNGImage", member: "finalize", kind: "function", once: "png" },
];

/** A pdfkit or fontkit upgrade changed something this adapter relies on. */
export class PdfkitInternalsChanged extends Error {
  constructor(owner: string, member: string, expected: string, found: string) {
    super(`pdfkit-adapter: ${owner}.${member} should be ${expected}, found ${found}; a pdfkit or fontkit upgrade changed an internal this adapter relies on`);
    this.name = "PdfkitInternalsChanged";
  }
}

function check(objects: Readonly<Record<Owner, object>>, owner: Owner, member: string, kind: (typeof INTERNALS)[number]["kind"]): void {
  const object = objects[owner] as Record<string, unknown>;
  // An optional member may be absent (fontkit sets `_variationProcessor` only for a variable font).
  const value = object[member];
  const found = Array.isArray(value) ? "an array" : value === undefined || value === null ? String(value) : typeof value === "object" ? "an object" : `a ${typeof value}`;
  const ok = kind === "optional" ? true : kind === "array" ? Array.isArray(value) : kind === "object" ? typeof value === "object" && value !== null : typeof value === kind;
  if (!ok) throw new PdfkitInternalsChanged(owner, member, kind === "array" || kind === "object" ? `an ${kind}` : `a ${kind}`, found);
}

/** The options that make pdfkit write PDF/A-2a (and mix in the members that go with it). */
const PDF_A = {
  // null, not undefined: pdfkit would otherwise load Helvetica's metrics, a data file a bundle lacks.
  font: null as unknown as string,
  pdfVersion: "1.7",
  subset: "PDF/A-2a",
  tagged: true,
} as const satisfies PDFKit.PDFDocumentOptions;

const DOCUMENT_OWNERS: ReadonlySet<Owner> = new Set(["PDFDocument", "PDFReference", "PDFStructureElement"]);

/**
 * Checks the document's and a reference's members of `INTERNALS` on a document of its own: pdfkit
 * waits for every reference of a document to be ended before it ends, so the check's must not be the real one's.
 */
function verifyDocumentInternals(): void {
  const doc = new PDFDocument({ ...PDF_A, autoFirstPage: false }) as unknown as DocumentInternals;
  const objects = { PDFDocument: doc, PDFReference: doc.ref({}), PDFStructureElement: doc.struct("P", {}, []) } as Record<Owner, object>;
  for (const { owner, member, kind, once } of INTERNALS) if (DOCUMENT_OWNERS.has(owner) && !once) check(objects, owner, member, kind);
}

/** Checks the font's members of `INTERNALS` on the embedded font pdfkit made of a fontkit font. */
function verifyFontInternals(doc: DocumentInternals, font: Font): void {
  const objects = {
    PDFDocument: doc,
    EmbeddedFont: doc._font,
    TTFSubset: doc._font.subset,
    TTFFont: font,
    TTFGlyph: font.getGlyph(font.glyphForCodePoint(0x20).id),
  } as Record<Owner, object>;
  const trueType = !isCff(doc._font.subset);
  for (const { owner, member, kind, once, trueType: onlyTrueType } of INTERNALS) {
    if (((!DOCUMENT_OWNERS.has(owner) && once !== "png" && once !== "page") || once === "font") && (trueType || !onlyTrueType)) check(objects, owner, member, kind);
  }
}

/** Checks an opened PNG's members of `INTERNALS` (and png-js's channel count under `image`). */
function verifyPngInternals(image: PngImageInternals): void {
  for (const { owner, member, kind, once } of INTERNALS) if (once === "png") check({ PNGImage: image } as Record<Owner, object>, owner, member, kind);
  if (typeof image.image.colors !== "number") throw new PdfkitInternalsChanged("PNGImage", "image.colors", "a number", typeof image.image.colors);
}

/** A 2x1 PNG with an alpha channel, to check PNGImage's members on a real one. */
const CHECK_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR4nGM4wcXVwHWC6z8ADN4DOLqqrZIAAAAASUVORK5CYII=", "base64");

/** Whether fontkit subsets the font as CFF (pdfkit's own test, in EmbeddedFont.embed). */
function isCff(subset: SubsetInternals): boolean {
  return (subset as SubsetInternals & { cff?: unknown }).cff != null;
}

/** Checks the document's members that exist once it has a page. */
function verifyPageInternals(doc: DocumentInternals): void {
  for (const { owner, member, kind, once } of INTERNALS) if (once === "page") check({ PDFDocument: doc, PDFPage: doc.page } as Record<Owner, object>, owner, member, kind);
}

/**
 * Checks every member of `INTERNALS` on a real document, reference, embedded font, subset and
 * glyph of `font` (a TrueType font). Throws `PdfkitInternalsChanged` naming the first one missing.
 */
export function verifyInternals(font: Font): void {
  verifyDocumentInternals();
  const doc = new PDFDocument({ ...PDF_A, autoFirstPage: false }) as unknown as DocumentInternals;
  doc.addPage({ size: [100, 100], margin: 0 });
  verifyPageInternals(doc);
  doc.font(font, "Check");
  verifyFontInternals(doc, font);
  verifyPngInternals((doc as unknown as PdfkitPublic).openImage(CHECK_PNG) as unknown as PngImageInternals);
}

/** Whether this process checked the internals already: once is enough, and the check builds objects. */
let documentVerified = false;
let pageVerified = false;
let pngVerified = false;

/** A PNG's planes as the PDF embeds them, deflated: its colour without alpha (null for a palette image) and its alpha. */
export interface PngPlanes {
  colour: Uint8Array | null;
  alpha: Uint8Array;
}

/**
 * Opens an image (PNG or JPEG) with pdfkit's public `openImage`, to draw with its `image`. pdfkit
 * embeds a PNG with transparency by decoding every pixel through png-js asynchronously, after the
 * page, in whatever order zlib's threads end (two transparent images could change places in the
 * file), for every document. Given `planes`, such a PNG takes its colour and alpha planes from it,
 * synchronously, instead: the bytes are the same whichever document is first. `planes` receives
 * the PNG's colour channel count and whether the colour is wanted (not for a palette image).
 */
export function openPdfkitImage(pdfkit: PdfkitPublic, bytes: Buffer, planes?: (colors: number, withColour: boolean) => PngPlanes): OpenedImage {
  const image = pdfkit.openImage(bytes);
  if (!planes || !isPng(bytes)) return image;
  const png = image as unknown as PngImageInternals;
  if (!pngVerified) {
    verifyPngInternals(png);
    pngVerified = true;
  }
  png.splitAlphaChannel = () => {
    const { colour, alpha } = planes(png.image.colors, true);
    png.imgData = colour;
    png.alphaChannel = alpha;
    return png.finalize();
  };
  // A palette image keeps its indices as they are.
  png.loadIndexedAlphaChannel = () => {
    png.alphaChannel = planes(png.image.colors, false).alpha;
    return png.finalize();
  };
  return image;
}

function isPng(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
}

/** What a drawing wrote: its content operators in order, how many objects it made, and how many page resources it added. */
export interface RecordedDrawing {
  operators: string[];
  objects: number;
  resources: number;
}

/**
 * Runs `draw` on pdfkit's public API (svg-to-pdfkit draws an SVG through it) and records what it
 * wrote: every content operator (through `addContent`, which pdfkit and svg-to-pdfkit write each
 * operator through), every object made (`ref`) and the page resources added. A drawing that made
 * no object and no resource can be written again as the same operators.
 */
export function recordPdfkitDrawing(pdfkit: PdfkitPublic, draw: () => void): RecordedDrawing {
  const doc = pdfkit as unknown as DocumentInternals;
  const operators: string[] = [];
  let objects = 0;
  const resourcesBefore = pageResources(doc);
  const { addContent, ref } = doc;
  doc.addContent = (data: string) => {
    operators.push(data);
    return addContent.call(doc, data);
  };
  doc.ref = (...args: Parameters<typeof ref>) => {
    objects++;
    return ref.apply(doc, args);
  };
  try {
    draw();
  } finally {
    doc.addContent = addContent;
    doc.ref = ref;
  }
  return { operators, objects, resources: pageResources(doc) - resourcesBefore };
}

/** How many named resources (fonts, XObjects, graphics states, patterns...) the current page lists. */
function pageResources(doc: DocumentInternals): number {
  const data = doc.page?.resources?.data;
  if (!data || typeof data !== "object") throw new PdfkitInternalsChanged("PDFPage", "resources.data", "an object", typeof data);
  let count = 0;
  for (const value of Object.values(data)) if (value && typeof value === "object" && !Array.isArray(value)) count += Object.keys(value).length;
  return count;
}
const fontsVerified = new WeakSet<Font>();

/** A glyph as a TrueType subset copies it: its `glyf` bytes, the components of a compound glyph, its metrics. */
interface GlyphProgram {
  bytes: Uint8Array;
  components: { glyphID: number; pos: number }[] | null;
  advance: number;
  bearing: number;
}

/** Glyph programs by font and glyph id, shared across documents (a font's glyphs never change). */
const glyphPrograms = new WeakMap<Font, Map<number, GlyphProgram>>();

function glyphProgram(font: Font, id: number): GlyphProgram {
  let programs = glyphPrograms.get(font);
  if (!programs) {
    programs = new Map();
    glyphPrograms.set(font, programs);
  }
  let program = programs.get(id);
  if (!program) {
    const internals = font as unknown as FontInternals;
    const glyph = internals.getGlyph(id);
    const start = internals.loca.offsets[id]!;
    const stream = internals._getTableStream("glyf");
    stream.pos += start;
    const bytes = stream.readBuffer(internals.loca.offsets[id + 1]! - start);
    // Only a compound glyph (a negative contour count) needs decoding, for the ids of its components.
    const compound = bytes.length >= 2 && (bytes[0]! & 0x80) !== 0;
    const components = compound ? (glyph._decode()?.components ?? []).map(({ glyphID, pos }) => ({ glyphID, pos })) : null;
    program = { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
    programs.set(id, program);
  }
  return program;
}

/**
 * fontkit's TrueType subsetting, with each glyph's program read once per process (fontkit decodes
 * every glyph's outline on each encode only to tell compound glyphs apart), and with each code's
 * advance the one the typesetter gave it, so the font program says what the PDF's widths say.
 */
function copyGlyphsOnce(subset: SubsetInternals, font: Font, advances: readonly number[]): boolean {
  if ((font as unknown as FontInternals)._variationProcessor) return false;
  subset._addGlyph = function (this: SubsetInternals, id: number): number {
    const program = glyphProgram(font, id);
    const advance = advances[this.glyf.length] ?? program.advance;
    let bytes = program.bytes;
    if (program.components) {
      bytes = new Uint8Array(bytes);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const component of program.components) view.setUint16(component.pos, this.includeGlyph(component.glyphID));
    }
    this.glyf.push(bytes);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance, bearing: program.bearing });
    this.offset += bytes.length;
    return this.glyf.length - 1;
  };
  return true;
}

/** Each font's subset template (see truetype-subset.ts), from fontkit's encoding of its one-glyph subset. */
const subsetTemplates = new WeakMap<Font, SubsetTemplate>();

/** fontkit's TTFSubset.encode, the same bytes, without restructure (truetype-subset.ts), the font's template made once. */
function encodeTrueTypeSubset(subset: SubsetInternals, font: Font): Uint8Array {
  const internals = font as unknown as FontInternals;
  let template = subsetTemplates.get(font);
  if (!template) {
    template = subsetTemplate(internals.createSubset().encode(), internals.loca.version);
    subsetTemplates.set(font, template);
  }
  return writeFontkitSubset(subset, template);
}

/**
 * Gives the CIDFont dictionary and the font descriptor pdfkit writes for `pdf` the name `name` (see
 * `FontEmbeddingHooks.pieceName`): pdfkit names them in `embed`, with no option, so the dictionaries
 * are renamed as `embed` makes them.
 */
function renameDescendant(doc: DocumentInternals, pdf: EmbeddedFontInternals, name: string): void {
  const internals = pdf as unknown as { embed(): unknown };
  const embed = internals.embed.bind(pdf);
  internals.embed = () => {
    const ref = doc.ref;
    doc.ref = (data) => {
      if (data?.Type === "FontDescriptor") data.FontName = name;
      else if (data?.Subtype === "CIDFontType2" || data?.Subtype === "CIDFontType0") data.BaseFont = name;
      return ref.call(doc, data);
    };
    try {
      return embed();
    } finally {
      doc.ref = ref;
    }
  };
}

class Embedding implements FontEmbedding {
  /** The advance of each code, in font units. */
  private readonly advances: number[] = [];

  constructor(
    private readonly doc: DocumentInternals,
    private readonly pdf: EmbeddedFontInternals,
    font: Font,
    hooks: FontEmbeddingHooks,
  ) {
    const subset = pdf.subset;
    const copied = !isCff(subset) && copyGlyphsOnce(subset, font, this.advances);
    const encode = copied ? () => encodeTrueTypeSubset(subset, font) : subset.encode.bind(subset);
    subset.encode = () => hooks.fontProgram(subset.glyphs, this.advances, encode);
    if (hooks.pieceName !== undefined) renameDescendant(doc, pdf, hooks.pieceName);
    pdf.toUnicodeCmap = () => {
      const cmap = doc.ref({ Filter: "FlateDecode" });
      cmap.compress = false;
      cmap.end(hooks.toUnicode());
      return cmap;
    };
  }

  get resourceName(): string {
    return this.pdf.id;
  }

  addCode(glyphId: number, advance: number): number {
    const subset = this.pdf.subset;
    let code: number;
    if (subset.mapping[glyphId] === undefined) {
      code = subset.includeGlyph(glyphId);
    } else {
      // A second code for a glyph already in the subset: fontkit's `includeGlyph` would return the first.
      subset.glyphs.push(glyphId);
      code = subset.glyphs.length - 1;
    }
    this.advances[code] = advance;
    this.pdf.widths[code] = advance * this.pdf.scale;
    // Our ToUnicode map replaces pdfkit's; an entry keeps pdfkit's width and CIDSet loops in step.
    this.pdf.unicode[code] = [];
    return code;
  }

  useOnPage(): void {
    this.doc.page.fonts[this.pdf.id] ??= this.pdf.ref();
  }
}

/**
 * Changes to how pdfkit writes, none visible in the bytes: a stream is deflated by the caller's
 * functions (which cache), and text is turned into bytes natively (pdfkit converts every string
 * character by character; ours are all Latin-1, written as bytes by a ContentStream). Returns the current page's content stream.
 */
function tuneOutput(doc: DocumentInternals, options: DocumentOptions): () => ContentStream {
  /** Page content streams by page index, written in one piece (see `pageContent`) but deflated as content (`deflatePieces`). */
  const pageContents = new WeakMap<ReferenceInternals, number>();
  let pagesEnded = 0;
  const ref = doc.ref.bind(doc);
  doc.ref = (data) => {
    const reference = ref(data);
    const finalize = reference.finalize;
    reference.finalize = function (this: ReferenceInternals) {
      if (this.compress && this.buffer.length > 0) {
        const pageIndex = pageContents.get(this);
        this.buffer = [
          this.buffer.length === 1 && pageIndex === undefined ? options.deflateOnce(this.buffer[0]!) : options.deflatePieces(Buffer.concat(this.buffer), pageIndex ?? -1),
        ];
        this.compress = false;
      }
      finalize.call(this);
    };
    return reference;
  };
  doc._write = function (this: DocumentInternals, data: Uint8Array | string) {
    const bytes = typeof data === "string" ? Buffer.from(`${data}\n`, "latin1") : data;
    this.push(bytes);
    this._offset += bytes.length;
  };
  /**
   * Each page's operators written as bytes into one stream (reset at each page's end), handed to the
   * page's content object when the page ends: a string per operator, joined, showed in profiles.
   */
  const stream = options.contentBuffer ?? new ContentStream();
  stream.reset();
  const installed = new WeakSet<PageInternals>();
  const pageContent = (page: PageInternals): ContentStream => {
    if (!installed.has(page)) {
      installed.add(page);
      // pdfkit writes to a page's content directly too (closing marked content at its end): in the same order.
      page.write = (chunk) => {
        if (typeof chunk === "string") stream.line(chunk);
        else stream.append(chunk);
      };
      const end = page.end;
      page.end = function (this: PageInternals) {
        const pageIndex = pagesEnded++;
        if (stream.size > 0) {
          pageContents.set(this.content, pageIndex);
          // The content object copies the bytes when it ends, below (Buffer.concat, then deflated: see finalize
          // above); an object kept uncompressed would keep the view of a buffer the next page overwrites.
          const bytes = stream.bytes();
          this.content.write(this.content.compress ? bytes : bytes.slice());
        }
        try {
          return end.call(this);
        } finally {
          stream.reset();
        }
      };
    }
    return stream;
  };
  doc.addContent = function (this: DocumentInternals, data: string) {
    pageContent(this.page).line(data);
    return this;
  };
  if (options.objectStreams) writeObjectStreams(doc, options.caches);
  return () => pageContent(doc.page);
}

/**
 * Writes the document as `packObjectStreams` would repack pdfkit's plain file, without the plain
 * file: each object pdfkit finalizes is kept (its pieces as pdfkit writes them) instead of being
 * written, and at the end the header is followed by the stream objects, the object streams and the
 * cross-reference stream (`writePackedBody`). Parsing the finished file back cost a twentieth of a
 * warm render. The bytes are those `packObjectStreams` makes of the plain file (the tests compare).
 */
function writeObjectStreams(doc: DocumentInternals, caches: TypesetterCaches | undefined): void {
  // pdfkit writes the header in its constructor, then nothing but objects (each ending in `_refEnd`) until `_finalize`.
  /** The pieces pdfkit wrote since the last object ended: the object being finalized. */
  let pieces: (Uint8Array | string)[] = [];
  const streams: { number: number; generation: number; whole: Buffer }[] = [];
  const values: { number: number; value: string }[] = [];
  // Text stays text until written: most objects go into an object stream, made of one string.
  doc._write = (data: Uint8Array | string) => {
    pieces.push(data);
  };
  const refEnd = doc._refEnd;
  doc._refEnd = function (this: DocumentInternals, reference: ReferenceInternals) {
    const written = pieces;
    pieces = [];
    // pdfkit writes "n g obj", the dictionary, ["stream", the bytes, "\nendstream"], "endobj", each a piece.
    if (written.length !== 3 && written.length !== 6) {
      throw new PdfkitInternalsChanged("PDFReference", "finalize", "3 or 6 writes per object", `${written.length} for object ${reference.id}`);
    }
    const isStream = written.length === 6;
    if (isStream || reference.gen !== 0) {
      const whole = Buffer.concat(written.map((piece) => (typeof piece === "string" ? Buffer.from(`${piece}\n`, "latin1") : piece)));
      streams.push({ number: reference.id, generation: reference.gen, whole });
    } else {
      const value = written[1] as Uint8Array | string;
      values.push({ number: reference.id, value: trimmedValue(typeof value === "string" ? value : Buffer.from(value).toString("latin1")) });
    }
    refEnd.call(this, reference);
  };
  doc._finalize = function (this: DocumentInternals) {
    const byNumber = (a: { number: number }, b: { number: number }) => a.number - b.number;
    // Trailing newline of the last piece ("endobj\n") stands for the one packObjectStreams adds after each kept object.
    const kept = streams.sort(byNumber).map((object) => ({ ...object, whole: object.whole.subarray(0, object.whole.length - 1) }));
    const id = `<${this._id.toString("hex")}>`;
    const body = writePackedBody({
      // The header is written already: positions count from the file's start.
      head: Buffer.alloc(0),
      written: this._offset,
      kept,
      packable: values.sort(byNumber),
      free: [{ number: 0, generation: 65535 }],
      objectCount: this._offsets.length + 1,
      trailer: [`/Root ${this._root}`, `/Info ${this._info}`, `/ID [${id} ${id}]`],
      caches,
    });
    for (const bytes of body) this.push(bytes);
    this.push(null);
  };
}

/** An object's value as `packObjectStreams` cuts it: without the white space (PDF's six characters) around it. */
function trimmedValue(text: string): string {
  // By character codes: a regular expression anchored at the end tried every position of each value.
  let start = 0;
  let end = text.length;
  while (end > 0 && isPdfWhitespace(text.charCodeAt(end - 1))) end--;
  while (start < end && isPdfWhitespace(text.charCodeAt(start))) start++;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** PDF's white-space characters (ISO 32000-1, 7.2.2): NUL, tab, line feed, form feed, carriage return, space. */
function isPdfWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x0c || code === 0x00;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Starts a tagged PDF/A-2a document. PDF/A-2a is archival and requires the tagged structure
 * (conformance level "a" = accessible), so it serves screen readers and archives at once; pdfkit
 * can identify a file as PDF/A or as PDF/UA, not both, and PDF/UA adds nothing we could check.
 */
export function createPdfkitDocument(options: DocumentOptions): PdfkitDocument {
  if (!documentVerified) {
    verifyDocumentInternals();
    documentVerified = true;
  }
  const doc = new PDFDocument({
    ...PDF_A,
    autoFirstPage: false,
    size: [options.width, options.height],
    margin: 0,
    lang: options.lang,
    displayTitle: true,
    info: options.info,
  } as PDFKit.PDFDocumentOptions) as unknown as DocumentInternals;
  doc._id = options.documentId;
  // A right-to-left language's pages are read from right to left: viewers lay out facing pages and
  // order thumbnails so (ISO 32000-1 12.2, Table 150). displayTitle made the dictionary.
  const language = canonicalLocale(options.lang);
  if (language !== undefined && localeInfo(language).dir === "rtl") (doc._root.data.ViewerPreferences as PdfObject).data.Direction = "R2L";
  const pageContent = tuneOutput(doc, options);
  // pdfkit reads the ICC profile relative to its own module, which a bundle does not have.
  doc._addColorOutputIntent = function (this: DocumentInternals) {
    const profile = options.iccProfile();
    const profileRef = this.ref({ Length: profile.length, N: 3 });
    profileRef.write(profile);
    profileRef.end();
    const intent = this.ref({
      Type: "OutputIntent",
      S: "GTS_PDFA1",
      Info: new String("sRGB IEC61966-2.1"),
      OutputConditionIdentifier: new String("sRGB IEC61966-2.1"),
      DestOutputProfile: profileRef,
    });
    intent.end();
    this._root.data.OutputIntents = [intent];
  };
  // RDF ignores the white space pdfkit indents its XMP with: a quarter of a stream PDF/A keeps unfiltered.
  const xmpText = doc.metadata.getXML.bind(doc.metadata);
  doc.metadata.getXML = () => xmpText().replace(/>\s+</g, "><");
  // pdfkit also writes the text's length under a non-standard "/length" key: the shortened text's, not the indented one's.
  doc.metadata.getLength = () => doc.metadata.getXML().length;
  // pdfkit copies the metadata into XMP without escaping it.
  const addInfo = doc._addInfo.bind(doc);
  doc._addInfo = () => {
    const saved = { ...doc.info };
    for (const key of ["Title", "Author", "Subject", "Keywords", "Creator", "Producer"]) {
      if (typeof saved[key] === "string") doc.info[key] = xmlEscape(saved[key] as string);
    }
    addInfo();
    Object.assign(doc.info, saved);
  };

  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  let fontCount = 0;

  return {
    addPage(width, height) {
      doc.addPage({ size: [width, height], margin: 0 });
      if (!pageVerified) {
        verifyPageInternals(doc);
        pageVerified = true;
      }
    },
    addContent(operators) {
      doc.addContent(operators);
    },
    content() {
      return pageContent();
    },
    addStream(dictionary, bytes) {
      const reference = doc.ref(dictionary);
      // Bytes handed in are final (deflated by the caller where the dictionary says so).
      reference.compress = false;
      reference.end(bytes);
      return reference;
    },
    useXObjectOnPage(name, object) {
      doc.page.xobjects[name] ??= object;
    },
    embedFont(font, hooks) {
      doc.font(font, `F${++fontCount}`);
      if (!fontsVerified.has(font)) {
        verifyFontInternals(doc, font);
        fontsVerified.add(font);
      }
      return new Embedding(doc, doc._font, font, hooks);
    },
    markStructureContent(type) {
      return doc.markStructureContent(type) as unknown as StructContent;
    },
    markArtifact() {
      doc.markContent("Artifact", { type: "Pagination" });
    },
    endMarkedContent() {
      doc.endMarkedContent();
    },
    struct(type, children, options = {}) {
      const element = doc.struct(type, options.alt !== undefined ? { alt: options.alt } : {}, children as PDFKit.PDFStructureElementChild[]);
      if (options.attributes) (element as unknown as StructElementInternals).dictionary.data.A = options.attributes;
      return element;
    },
    pdfkit: doc as unknown as PdfkitPublic,
    addStructure(element) {
      doc.addStructure(element);
    },
    end() {
      doc.end();
      return finished;
    },
  };
}
