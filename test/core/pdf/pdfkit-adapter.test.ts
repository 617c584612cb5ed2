import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import * as fontkit from "fontkit";
import type { Font } from "fontkit";
import {
  createPdfkitDocument,
  INTERNALS,
  openPdfkitImage,
  type PdfkitDocument,
  PdfkitInternalsChanged,
  recordPdfkitDrawing,
  verifyInternals,
} from "../../../functions/core/pdf/pdfkit-adapter";
import { packObjectStreams } from "../../../functions/core/pdf/object-streams";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { pdfjsPages, toFile } from "./pdf-inspect";

/*
 * The adapter is the one place that uses pdfkit's and fontkit's private members. Each test here
 * holds one of its overrides to what it promises, read back from the written PDF with qpdf,
 * poppler, pdf.js and fontkit; a pdfkit or fontkit upgrade that changes what one relies on turns
 * its test red (and `verifyInternals` names the member before any document is written).
 */

const fonts = loadFontLibrary();
const serif = fonts.face("serif-regular");

/** Objects of a PDF as qpdf's JSON (version 2) shows them, streams decoded. */
interface QpdfObjects {
  [key: string]: { value?: unknown; stream?: { dict: Record<string, unknown>; data?: string } };
}

function qpdfObjects(file: string): QpdfObjects {
  const json = JSON.parse(execFileSync("qpdf", ["--json=2", "--json-stream-data=inline", "--decode-level=generalized", file], { encoding: "utf8", maxBuffer: 64 << 20 }));
  return json.qpdf[1] as QpdfObjects;
}

function streamWith(objects: QpdfObjects, predicate: (dict: Record<string, unknown>) => boolean): Buffer {
  const found = Object.values(objects).find((object) => object.stream && predicate(object.stream.dict));
  if (!found?.stream?.data) throw new Error("no such stream in the PDF");
  return Buffer.from(found.stream.data, "base64");
}

function dictWith(objects: QpdfObjects, predicate: (dict: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = Object.values(objects).find((object) => object.value && typeof object.value === "object" && predicate(object.value as Record<string, unknown>));
  if (!found) throw new Error("no such dictionary in the PDF");
  return found.value as Record<string, unknown>;
}

const DOCUMENT_ID = Buffer.from("00112233445566778899aabbccddeeff", "hex");
const TITLE = 'Letters & "Rights" <draft>';

/** The codes the sample document draws: one glyph twice (two texts, two widths), a compound glyph, a plain one. */
const SAMPLE = [
  { char: "A", text: "A", advance: 700 },
  { char: "A", text: "Z", advance: 900 },
  { char: "é", text: "é", advance: 560 },
  { char: "x", text: "x", advance: 530 },
] as const;

interface Sample {
  pdf: Buffer;
  file: string;
  codes: number[];
  deflatedOnce: number;
  deflatedPieces: number;
  fontPrograms: { glyphs: number[]; advances: number[] }[];
}

async function writeSample(font: Font = serif, objectStreams = false): Promise<Sample> {
  const sample = { deflatedOnce: 0, deflatedPieces: 0, fontPrograms: [] as Sample["fontPrograms"], codes: [] as number[] };
  const doc = createPdfkitDocument({
    width: 200,
    height: 100,
    lang: "en",
    info: {
      Title: TITLE,
      Author: "A & B",
      Subject: "s",
      Keywords: "k",
      CreationDate: new Date("2015-12-01T09:00:00Z"),
      ModDate: new Date("2015-12-01T09:00:00Z"),
      Creator: "c",
      Producer: "p",
    },
    documentId: DOCUMENT_ID,
    iccProfile: () => fonts.iccProfile(),
    deflateOnce: (bytes) => {
      sample.deflatedOnce++;
      return deflateSync(bytes);
    },
    deflatePieces: (bytes) => {
      sample.deflatedPieces++;
      return deflateSync(bytes);
    },
    objectStreams,
  });
  const texts: string[] = [""];
  const embedding = doc.embedFont(font, {
    fontProgram: (glyphs, advances, encode) => {
      sample.fontPrograms.push({ glyphs: [...glyphs], advances: [...advances] });
      return encode();
    },
    toUnicode: () => {
      const entries = texts.map((text, code) => `<${code.toString(16).padStart(4, "0")}> <${[...text].map((c) => c.charCodeAt(0).toString(16).padStart(4, "0")).join("")}>`);
      const cmap = `/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n${entries.length} beginbfchar\n${entries.join("\n")}\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`;
      return deflateSync(Buffer.from(cmap, "latin1"));
    },
  });
  doc.addPage(200, 100);
  embedding.useOnPage();
  for (const { char, text, advance } of SAMPLE) {
    const code = embedding.addCode(font.glyphForCodePoint(char.codePointAt(0)!).id, advance);
    texts[code] = text;
    sample.codes.push(code);
  }
  const content = doc.markStructureContent("P");
  doc.addContent(`BT /${embedding.resourceName} 20 Tf 10 40 Td <${sample.codes.map((c) => c.toString(16).padStart(4, "0")).join("")}> Tj ET`);
  doc.endMarkedContent();
  const outline = doc.addStream({ Type: "XObject", Subtype: "Form", BBox: [0, 0, 10, 10], Filter: "FlateDecode" }, deflateSync(Buffer.from("0 0 10 10 re f", "latin1")));
  doc.useXObjectOnPage("G1", outline);
  doc.markArtifact();
  doc.addContent("q /G1 Do Q");
  doc.endMarkedContent();
  doc.addStructure(doc.struct("Document", [doc.struct("P", [content], { alt: "a sample", attributes: { O: "Table", Scope: "Column" } })]));
  const pdf = await doc.end();
  return { ...sample, pdf, file: toFile(pdf) };
}

describe("the pdfkit adapter", () => {
  let sample: Sample;
  let objects: QpdfObjects;
  beforeAll(async () => {
    sample = await writeSample();
    objects = qpdfObjects(sample.file);
  });
  afterAll(() => rmSync(sample.file, { force: true }));

  it("finds every pdfkit and fontkit internal it relies on, with the shape it expects", () => {
    expect(() => verifyInternals(serif)).not.toThrow();
    // Each face kind the typesetter embeds: a TrueType font of another script and a CJK face.
    expect(() => verifyInternals(fonts.face("naskh-regular"))).not.toThrow();
    expect(INTERNALS.length).toBeGreaterThan(30);
  });

  it("names the member, loudly, when an upgrade removes one", () => {
    jest.isolateModules(() => {
      // A fresh pdfkit, with one private method gone as an upgrade might take it.
      const PDFDocument = require("pdfkit") as { prototype: Record<string, unknown> };
      const saved = PDFDocument.prototype._addInfo;
      delete PDFDocument.prototype._addInfo;
      try {
        const adapter = require("../../../functions/core/pdf/pdfkit-adapter") as typeof import("../../../functions/core/pdf/pdfkit-adapter");
        expect(() => adapter.verifyInternals(serif)).toThrow(adapter.PdfkitInternalsChanged);
        expect(() => adapter.verifyInternals(serif)).toThrow("PDFDocument._addInfo should be a function, found undefined");
      } finally {
        PDFDocument.prototype._addInfo = saved;
      }
    });
    expect(new PdfkitInternalsChanged("TTFSubset", "_addGlyph", "a function", "undefined").message).toContain("TTFSubset._addGlyph");
  });

  it("writes a file qpdf finds sound: offsets counted by the byte writer (_write, _offset), streams deflated by the caller (finalize)", () => {
    const out = execFileSync("qpdf", ["--check", sample.file], { encoding: "utf8" });
    expect(out).toContain("No syntax or stream encoding errors found");
    // The page content went through deflatePieces, the font program, ICC profile and the rest through deflateOnce.
    expect(sample.deflatedPieces).toBeGreaterThanOrEqual(1);
    expect(sample.deflatedOnce).toBeGreaterThanOrEqual(2);
    // Streams handed in deflated are not deflated again: the form's content decodes to what was written.
    expect(streamWith(objects, (dict) => dict["/Subtype"] === "/Form").toString("latin1")).toBe("0 0 10 10 re f");
  });

  it("writes page content as given (addContent), one content stream per page", () => {
    const content = streamWith(objects, (dict) => !("/Type" in dict) && !("/Subtype" in dict) && !("/Length1" in dict) && !("/N" in dict)).toString("latin1");
    expect(content).toContain("/G1 Do");
    expect(content).toMatch(/<0001000200030004> Tj/);
  });

  it("sets the trailer's /ID from the document id (_id)", () => {
    const trailer = execFileSync("qpdf", ["--show-object=trailer", sample.file], { encoding: "utf8" });
    expect(trailer).toContain("<00112233445566778899aabbccddeeff>");
  });

  it("embeds the output intent's ICC profile from the caller (_addColorOutputIntent)", () => {
    const intent = dictWith(objects, (dict) => dict["/Type"] === "/OutputIntent");
    expect(intent["/S"]).toBe("/GTS_PDFA1");
    const profile = streamWith(objects, (dict) => dict["/N"] === 3);
    expect(profile.equals(Buffer.from(fonts.iccProfile()))).toBe(true);
  });

  it("escapes the metadata in XMP (_addInfo) and keeps it exact in the info dictionary", () => {
    const xmp = streamWith(objects, (dict) => dict["/Subtype"] === "/XML").toString("utf8");
    expect(xmp).toContain('Letters &amp; "Rights" &lt;draft&gt;');
    expect(xmp).not.toContain("<draft>");
    const info = execFileSync("pdfinfo", [sample.file], { encoding: "utf8" });
    expect(info).toContain(`Title:           ${TITLE}`);
  });

  it("gives every code its own width, also a second code for one glyph (widths, subset.glyphs)", () => {
    const cidFont = dictWith(objects, (dict) => dict["/Subtype"] === "/CIDFontType2");
    const widths = (cidFont["/W"] as [number, number[]])[1];
    const scale = 1000 / serif.unitsPerEm;
    expect(sample.codes).toEqual([1, 2, 3, 4]);
    for (const [i, { advance }] of SAMPLE.entries()) expect(widths[sample.codes[i]!]).toBeCloseTo(advance * scale, 3);
  });

  it("maps each code to the caller's text (toUnicodeCmap), as poppler and pdf.js read it", () => {
    const expected = SAMPLE.map(({ text }) => text).join("");
    expect(execFileSync("pdftotext", [sample.file, "-"], { encoding: "utf8" }).trim()).toBe(expected);
    expect(pdfjsPages(sample.file).join("").trim()).toBe(expected);
  });

  it("embeds a font program whose glyphs are the codes' glyphs, with the codes' advances and compound glyphs' components remapped (_addGlyph)", () => {
    const descriptor = dictWith(objects, (dict) => dict["/Type"] === "/FontDescriptor");
    const program = Buffer.from(objects[`obj:${descriptor["/FontFile2"]}`]!.stream!.data!, "base64");
    const embedded = fontkit.create(program) as Font;
    for (const [i, { char, advance }] of SAMPLE.entries()) {
      const glyph = embedded.getGlyph(sample.codes[i]!);
      expect(glyph.advanceWidth).toBe(advance);
      // The same outline as the original glyph: for "é" that means its components point at the right subset glyphs.
      const original = serif.glyphForCodePoint(char.codePointAt(0)!);
      expect(glyph.path.toSVG()).toBe(original.path.toSVG());
      expect(glyph.path.toSVG()).not.toBe("");
    }
  });

  it("hands the font program to the caller's cache with the glyph list and advances (encode)", () => {
    expect(sample.fontPrograms).toHaveLength(1);
    const { glyphs, advances } = sample.fontPrograms[0]!;
    expect(glyphs.slice(1, 5)).toEqual(SAMPLE.map(({ char }) => serif.glyphForCodePoint(char.codePointAt(0)!).id));
    expect(advances.slice(1, 5)).toEqual(SAMPLE.map(({ advance }) => advance));
  });

  it("gives a structure element its alternate text and attribute object (PDFStructureElement.dictionary)", () => {
    const element = dictWith(objects, (dict) => dict["/S"] === "/P");
    expect(element["/Alt"]).toBe("u:a sample");
    expect(element["/A"]).toEqual({ "/O": "/Table", "/Scope": "/Column" });
  });

  it("writes object streams as pdfkit ends each object (_write, _refEnd, _finalize): the bytes packObjectStreams makes of the plain file", async () => {
    const packed = await writeSample(serif, true);
    try {
      // Written directly, never parsed back: the same file as repacking the plain one.
      expect(packed.pdf.equals(packObjectStreams(sample.pdf))).toBe(true);
      expect(packed.pdf.toString("latin1")).toMatch(/\/Type \/ObjStm/);
      expect(packed.pdf.toString("latin1")).not.toMatch(/\nxref\n|\ntrailer\n/);
      expect(execFileSync("qpdf", ["--check", packed.file], { encoding: "utf8" })).toContain("No syntax or stream encoding errors found");
      // Every object of the plain file, decoded, with the same number and value.
      const repacked = qpdfObjects(packed.file);
      for (const [key, value] of Object.entries(objects)) if (key !== "trailer") expect({ key, value: repacked[key] }).toEqual({ key, value });
    } finally {
      rmSync(packed.file, { force: true });
    }
  });

  it("writes the same bytes twice for the same input", async () => {
    const again = await writeSample();
    rmSync(again.file, { force: true });
    expect(again.pdf.equals(sample.pdf)).toBe(true);
  });
});

/** A PNG file of the given header fields, pixel rows (filter byte included) and extra chunks before IDAT. */
function png(width: number, height: number, colourType: number, rows: Buffer, extra: [string, Buffer][] = []): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    ...extra.map(([type, data]) => chunk(type, data)),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A document of one 100 x 100 page, with the adapter's defaults. */
function pageDocument(): PdfkitDocument {
  const doc = createPdfkitDocument({
    width: 100,
    height: 100,
    lang: "en",
    info: { Title: "t", Author: "a", Subject: "s", Keywords: "k", Creator: "c", Producer: "p", CreationDate: new Date(0), ModDate: new Date(0) },
    documentId: DOCUMENT_ID,
    iccProfile: () => fonts.iccProfile(),
    deflateOnce: (bytes) => deflateSync(bytes),
    deflatePieces: (bytes) => deflateSync(bytes),
  });
  doc.addPage(100, 100);
  return doc;
}

describe("the pdfkit adapter's image drawing (openPdfkitImage, recordPdfkitDrawing)", () => {
  // Two pixels, RGBA: red half transparent, green opaque.
  const RGBA = png(2, 1, 6, Buffer.from([0, 200, 10, 10, 128, 10, 200, 10, 255]));
  // Two pixels of a palette of two colours, the first half transparent (tRNS).
  const PALETTE = png(2, 1, 3, Buffer.from([0, 0, 1]), [
    ["PLTE", Buffer.from([200, 10, 10, 10, 200, 10])],
    ["tRNS", Buffer.from([128])],
  ]);

  it("names PNGImage's member, loudly, when an upgrade removes one", () => {
    jest.isolateModules(() => {
      const PDFDocument = require("pdfkit") as new (options: object) => { openImage(src: Buffer): object };
      const prototype = Object.getPrototypeOf(new PDFDocument({ autoFirstPage: false, font: null }).openImage(RGBA)) as Record<string, unknown>;
      const saved = prototype.splitAlphaChannel;
      delete prototype.splitAlphaChannel;
      try {
        const adapter = require("../../../functions/core/pdf/pdfkit-adapter") as typeof import("../../../functions/core/pdf/pdfkit-adapter");
        expect(() => adapter.verifyInternals(serif)).toThrow("PNGImage.splitAlphaChannel should be a function, found undefined");
      } finally {
        prototype.splitAlphaChannel = saved;
      }
    });
    expect(INTERNALS.filter((internal) => internal.owner === "PNGImage").map((internal) => internal.member)).toEqual([
      "image",
      "imgData",
      "splitAlphaChannel",
      "loadIndexedAlphaChannel",
      "finalize",
    ]);
  });

  it.each([
    ["an alpha channel (splitAlphaChannel)", RGBA, { colors: 3, withColour: true }],
    ["a palette with transparency (loadIndexedAlphaChannel)", PALETTE, { colors: 1, withColour: false }],
  ] as const)("embeds a PNG with %s with the caller's planes, synchronously: its soft mask is the caller's alpha", async (_kind, file, expected) => {
    const doc = pageDocument();
    const asked: { colors: number; withColour: boolean }[] = [];
    const alpha = Buffer.from([7, 250]);
    const image = openPdfkitImage(doc.pdfkit, file, (colors, withColour) => {
      asked.push({ colors, withColour });
      return { colour: withColour ? deflateSync(Buffer.from([1, 2, 3, 4, 5, 6])) : null, alpha: deflateSync(alpha) };
    });
    doc.pdfkit.image(image, 0, 0, { width: 20, height: 10 });
    const written = toFile(await doc.end());
    try {
      expect(asked).toEqual([expected]);
      const objects = qpdfObjects(written);
      const mask = streamWith(objects, (dict) => dict["/Subtype"] === "/Image" && dict["/ColorSpace"] === "/DeviceGray" && dict["/SMask"] === undefined);
      expect([...mask]).toEqual([...alpha]);
      if (expected.withColour) expect([...streamWith(objects, (dict) => dict["/Subtype"] === "/Image" && dict["/SMask"] !== undefined)]).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      rmSync(written, { force: true });
    }
  });

  it("records a drawing's operators (addContent), the objects it made (ref) and the page resources it added", async () => {
    const doc = pageDocument();
    const plain = recordPdfkitDrawing(doc.pdfkit, () => {
      doc.pdfkit.rect(10, 10, 20, 20).fill("#c00000");
    });
    expect(plain.objects).toBe(0);
    expect(plain.resources).toBe(0);
    expect(plain.operators.join("\n")).toMatch(/re/);
    const translucent = recordPdfkitDrawing(doc.pdfkit, () => {
      doc.pdfkit.fillOpacity(0.5).rect(40, 40, 20, 20).fill("#00c000");
    });
    expect(translucent.objects).toBeGreaterThan(0);
    expect(translucent.resources).toBeGreaterThan(0);
    // What was recorded is what the page's content stream holds, and the page is written as usual afterwards.
    doc.addContent("0 0 1 1 re f");
    const written = toFile(await doc.end());
    try {
      const content = streamWith(qpdfObjects(written), (dict) => !("/Type" in dict) && !("/Subtype" in dict) && !("/Length1" in dict) && !("/N" in dict)).toString("latin1");
      for (const operator of [...plain.operators, ...translucent.operators, "0 0 1 1 re f"]) expect(content).toContain(operator);
    } finally {
      rmSync(written, { force: true });
    }
  });
});
