// `require`, not `import`: a bundler then takes pdfkit's CommonJS build, which finds its module path
// through __filename; the ES build uses import.meta.url, which is empty in a CommonJS Lambda bundle.
import PDFDocument = require("pdfkit");
import type { FaceId, FontLibrary } from "./font-library";
import type { Page, PageGeometry, PlacedLine, StructNode } from "./layout";
import type { ShapedGlyph } from "./shaping";

/* pdfkit's public typings do not describe the pieces of its font and tagging machinery used here. */
interface PdfkitSubset {
  glyphs: number[];
  mapping: Record<number, number>;
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}
interface PdfkitFont {
  id: string;
  scale: number;
  subset: PdfkitSubset;
  widths: number[];
  unicode: number[][];
  ref(): unknown;
  toUnicodeCmap(): unknown;
  document: { ref(): { end(data: string): void } };
}
interface StructContent {
  push(other: StructContent): void;
}
type Doc = PDFKit.PDFDocument & {
  _font: PdfkitFont;
  _id: Buffer;
  info: Record<string, unknown>;
  page: PDFKit.PDFPage & { fonts: Record<string, unknown> };
  _addInfo(): void;
  _addColorOutputIntent(): void;
  _root: { data: Record<string, unknown> };
  ref(data?: Record<string, unknown>): { write(data: Uint8Array): void; end(): void };
  markStructureContent(tag: string): StructContent;
  markContent(tag: string, options?: Record<string, unknown>): Doc;
  endMarkedContent(): Doc;
  struct(type: string, children: unknown[]): unknown;
  addStructure(element: unknown): Doc;
  addContent(data: string): Doc;
};

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
}

/** Encoded subsets by face and glyph list, shared across documents: the same letter embeds the same subset. */
const subsetCache = new Map<string, Uint8Array>();
const SUBSET_CACHE_LIMIT = 500;

/** Empties the subset cache (tests compare cold and warm renders). */
export function clearSubsetCache(): void {
  subsetCache.clear();
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

function num(n: number): string {
  return (Math.round(n * 1000) / 1000).toString();
}

function utf16Hex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += hex4(text.charCodeAt(i));
  return out;
}

/**
 * One face as embedded in one document. Each (glyph, text) pair gets its own glyph id in the subset,
 * so a glyph drawn for different letters (Arabic medial forms share outlines) still maps to the right
 * text in the ToUnicode map, and text extraction and search find the words that are on the page.
 */
class EmbeddedFace {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [""];

  constructor(
    readonly face: FaceId,
    readonly pdf: PdfkitFont,
  ) {
    const subset = pdf.subset;
    const encode = subset.encode.bind(subset);
    subset.encode = () => {
      const key = `${face}:${subset.glyphs.join(",")}`;
      let bytes = subsetCache.get(key);
      if (!bytes) {
        bytes = encode();
        if (subsetCache.size >= SUBSET_CACHE_LIMIT) subsetCache.clear();
        subsetCache.set(key, bytes);
      }
      return bytes;
    };
    pdf.toUnicodeCmap = () => this.toUnicodeCmap();
  }

  encode(glyph: ShapedGlyph): number {
    const key = `${glyph.id}\u0000${glyph.text}`;
    let gid = this.ids.get(key);
    if (gid !== undefined) return gid;
    const subset = this.pdf.subset;
    if (subset.mapping[glyph.id] === undefined) {
      gid = subset.includeGlyph(glyph.id);
    } else {
      subset.glyphs.push(glyph.id);
      gid = subset.glyphs.length - 1;
    }
    this.ids.set(key, gid);
    this.pdf.widths[gid] = glyph.advanceWidth * this.pdf.scale;
    this.pdf.unicode[gid] = [];
    this.texts[gid] = glyph.text;
    return gid;
  }

  /** One bfchar entry per glyph; marks folded into their base and pieces of a letter map to the empty string. */
  private toUnicodeCmap(): unknown {
    const entries: string[] = [];
    this.texts.forEach((text, gid) => entries.push(`<${hex4(gid)}> <${utf16Hex(text)}>`));
    const blocks: string[] = [];
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      blocks.push(`${chunk.length} beginbfchar\n${chunk.join("\n")}\nendbfchar`);
    }
    const cmap = this.pdf.document.ref();
    cmap.end(
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n" +
        `${blocks.join("\n")}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend`,
    );
    return cmap;
  }
}

function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => num(c / 255)).join(" ");
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Writes laid-out pages as a tagged PDF/A-2a document. PDF/A-2a is archival and requires the tagged
 * structure (conformance level "a" = accessible), so it serves screen readers and archives at once;
 * pdfkit can identify a file as PDF/A or as PDF/UA, not both, and PDF/UA adds nothing we could check.
 */
export function writePdf(pages: readonly Page[], root: StructNode, options: WriteOptions): Promise<Buffer> {
  const { geometry, metadata } = options;
  const doc = new PDFDocument({
    // null, not undefined: pdfkit would otherwise load Helvetica's metrics, a data file a bundle lacks.
    font: null as unknown as string,
    autoFirstPage: false,
    size: [geometry.width, geometry.height],
    margin: 0,
    pdfVersion: "1.7",
    subset: "PDF/A-2a",
    tagged: true,
    lang: options.lang,
    displayTitle: true,
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
  } as PDFKit.PDFDocumentOptions) as Doc;
  doc._id = options.documentId;
  // pdfkit reads the ICC profile relative to its own module, which a bundle does not have; the font library supplies it.
  doc._addColorOutputIntent = function (this: Doc) {
    const profile = options.fonts.iccProfile();
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

  const faces = new Map<FaceId, EmbeddedFace>();
  const faceOf = (id: FaceId): EmbeddedFace => {
    let face = faces.get(id);
    if (!face) {
      doc.font(options.fonts.face(id) as unknown as string, id);
      face = new EmbeddedFace(id, doc._font);
      faces.set(id, face);
    }
    return face;
  };
  const contents = new Map<StructNode, StructContent>();

  for (const page of pages) {
    doc.addPage({ size: [geometry.width, geometry.height], margin: 0 });
    // Back to PDF coordinates (origin bottom left) for our own drawing.
    doc.addContent(`q 1 0 0 -1 0 ${num(geometry.height)} cm`);
    let open: StructNode | null | undefined;
    const mark = (node: StructNode | null) => {
      if (node === open) return;
      if (open !== undefined) doc.endMarkedContent();
      if (node) {
        const content = doc.markStructureContent(node.type);
        const existing = contents.get(node);
        if (existing) existing.push(content);
        else contents.set(node, content);
      } else {
        doc.markContent("Artifact", { type: "Pagination" });
      }
      open = node;
    };
    for (const item of page.items) {
      if (item.kind === "rule") {
        mark(null);
        doc.addContent(`${rgb(item.color)} rg ${num(item.x)} ${num(geometry.height - item.y - item.height)} ${num(item.width)} ${num(item.height)} re f`);
      } else {
        mark(item.node);
        drawLine(doc, item, geometry, options.fonts, faceOf);
      }
    }
    if (open !== undefined) doc.endMarkedContent();
    doc.addContent("Q");
  }

  const build = (node: StructNode): unknown => {
    const children: unknown[] = [];
    const content = contents.get(node);
    if (content) children.push(content);
    for (const child of node.children) {
      const element = build(child);
      if (element) children.push(element);
    }
    return children.length > 0 ? doc.struct(node.type, children) : null;
  };
  const document = build(root);
  if (document) doc.addStructure(document);
  doc.end();
  return finished;
}

/** Glyph outlines as PDF path operators in font units, by face and glyph id. */
const outlineCache = new Map<string, string>();

function outlineOf(fonts: FontLibrary, face: FaceId, id: number): string {
  const key = `${face}:${id}`;
  let path = outlineCache.get(key);
  if (path === undefined) {
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
    path = parts.join(" ");
    outlineCache.set(key, path);
  }
  return path;
}

/** Draws one line: each run's glyphs at their shaped positions, with justification as TJ adjustments. */
function drawLine(doc: Doc, item: PlacedLine, geometry: PageGeometry, fonts: FontLibrary, faceOf: (id: FaceId) => EmbeddedFace): void {
  const baseline = geometry.height - (item.y + item.line.ascent);
  const out: string[] = ["BT"];
  const outlines: string[] = [];
  let color = "";
  let textRise = 0;
  for (const placed of item.line.runs) {
    const face = faceOf(placed.run.face);
    doc.page.fonts[face.pdf.id] ??= face.pdf.ref();
    const scale = placed.size / placed.run.unitsPerEm;
    if (placed.color !== color) {
      out.push(`${rgb(placed.color)} rg`);
      color = placed.color;
    }
    out.push(`/${face.pdf.id} ${num(placed.size)} Tf`);
    let pen = item.x + placed.x;
    // One text position per run: horizontal shifts are TJ adjustments and mark heights a text rise,
    // so extractors see each run as one unbroken piece of text.
    out.push(`1 0 0 1 ${num(pen)} ${num(baseline)} Tm`);
    let cursorX = pen;
    let tj: string[] = [];
    const flush = () => {
      if (tj.length > 0) out.push(`[${tj.join(" ")}] TJ`);
      tj = [];
    };
    placed.run.glyphs.forEach((glyph, i) => {
      const x = pen + glyph.xOffset * scale;
      const rise = glyph.yOffset * scale;
      if (Math.abs(rise - textRise) > 0.001) {
        flush();
        out.push(`${num(rise)} Ts`);
        textRise = rise;
      }
      if (glyph.text === "") {
        // A mark or a piece of a letter stands for no text of its own; drawn as a shape, it cannot
        // break the word apart in text extraction (pdf.js and poppler disagree on text-less glyphs).
        outlines.push(`q ${num(scale)} 0 0 ${num(scale)} ${num(x)} ${num(baseline + rise)} cm ${outlineOf(fonts, placed.run.face, glyph.id)} f Q`);
      } else {
        if (Math.abs(x - cursorX) > 0.001) tj.push(num(((cursorX - x) * 1000) / placed.size));
        tj.push(`<${hex4(face.encode(glyph))}>`);
        cursorX = x + glyph.advanceWidth * scale;
      }
      pen += glyph.xAdvance * scale + (placed.extra?.[i] ?? 0);
    });
    flush();
  }
  if (textRise !== 0) out.push("0 Ts");
  out.push("ET", ...outlines);
  doc.addContent(out.join("\n"));
}
