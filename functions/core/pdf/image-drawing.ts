// svg-to-pdfkit draws an SVG's shapes with pdfkit's own path, colour and gradient operators, so a
// logo or signature stays vector (sharp at any zoom, a few KB), where rasterizing it (resvg) would
// embed pixels at one resolution; it is plain JavaScript, so the Lambda bundle needs no native binary.
import SVGtoPDF = require("svg-to-pdfkit");
import { deflateSync, inflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { imageError, type ImageSource } from "../images/image-source";
import type { PlacedImage } from "./page-model";
import { type OpenedImage, openPdfkitImage, type PdfkitPublic, type PngPlanes, recordPdfkitDrawing } from "./pdfkit-adapter";

/** pdfkit's public drawing API; its internals (content and object recording, PNG transparency) are the adapter's. */
export type ImageCanvas = PdfkitPublic;

/** Images opened in one document, by their bytes: a logo drawn on every page is embedded once. */
export type OpenedImages = Map<Uint8Array, OpenedImage>;

const svgTexts = new WeakMap<Uint8Array, string>();

/**
 * The SVG as an `<img>` shows it: its root's width and height give only its intrinsic size, and the
 * picture fills the box the layout gave the image (through its viewBox), so svg-to-pdfkit, which
 * would draw at the root's own width and height, is given the SVG without them.
 */
function svgText(source: ImageSource): string {
  let text = svgTexts.get(source.bytes);
  if (text === undefined) {
    text = Buffer.from(source.bytes)
      .toString("utf8")
      .replace(/<svg\b[^>]*>/i, (root) => root.replace(/\s(?:width|height)\s*=\s*(?:"[^"]*"|'[^']*')/g, ""));
    svgTexts.set(source.bytes, text);
  }
  return text;
}

/**
 * Draws a placed image in pdfkit's coordinates (origin top left, y down), which the caller has
 * restored. PNG and JPEG go through pdfkit's image support (an image XObject; PNG transparency as a
 * soft mask, JPEG EXIF orientation applied as browsers do); SVG through svg-to-pdfkit. Anything
 * svg-to-pdfkit cannot draw is an error naming the file, never a silently different picture.
 */
export function drawImage(doc: ImageCanvas, item: PlacedImage, opened: OpenedImages): void {
  const { source } = item;
  if (source.format === "svg") {
    doc.save();
    doc.translate(item.x, item.y);
    drawSvg(doc, source, item.width, item.height);
    doc.restore();
    return;
  }
  let image = opened.get(source.bytes);
  if (!image) {
    const bytes = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
    try {
      // A PNG's transparency comes from planes decoded once per process (see planesOf), the same in every document.
      image = openPdfkitImage(doc, bytes, source.format === "png" ? (colors, withColour) => planesOf(source.bytes, colors, withColour) : undefined);
    } catch (error) {
      throw imageError(source.file, `cannot be read as ${source.format.toUpperCase()} (${(error as Error).message})`);
    }
    if (source.format === "png") checkPixelData(source);
    opened.set(source.bytes, image);
  }
  try {
    doc.image(image, item.x, item.y, { width: item.width, height: item.height });
  } catch (error) {
    // A PNG's pixels are decoded only here, when the image is embedded.
    throw imageError(source.file, `cannot be decoded as ${source.format.toUpperCase()} (${(error as Error).message})`);
  }
}

/**
 * The operators svg-to-pdfkit wrote for an SVG at a size, drawn at the origin, by the SVG's bytes:
 * each signature of a mail merge is parsed and drawn once per process (nine of them cost about 5 ms
 * a letter), then written again as the same operators. Only a drawing that made no object and no
 * page resource (no gradient, pattern, opacity or mask) is kept: those are drawn afresh each time.
 */
const svgOperators = new WeakMap<Uint8Array, Map<string, string | null>>();

/** Operators that name an entry of the page's resources: `/Gs1 gs`, `/Im1 Do`, `/P1 scn`, `/Sh1 sh`, `/F1 Tf`, `/CS0 cs` (the device colour spaces and `/Pattern` are not resources). */
const RESOURCE_OPERAND = /\/(?!(?:DeviceRGB|DeviceGray|DeviceCMYK|Pattern)\s)[^\s/[\]<>(){}%]+\s+(?:gs|Do|sh|Tf|scn|SCN|cs|CS)\b/;

function namesPageResource(operators: string): boolean {
  return RESOURCE_OPERAND.test(operators);
}

function drawSvg(doc: ImageCanvas, source: ImageSource, width: number, height: number): void {
  let bySize = svgOperators.get(source.bytes);
  if (!bySize) svgOperators.set(source.bytes, (bySize = new Map()));
  const size = `${width} ${height}`;
  const cached = bySize.get(size);
  if (cached) {
    doc.addContent(cached);
    return;
  }
  const problems: string[] = [];
  const drawing = recordPdfkitDrawing(doc, () =>
    SVGtoPDF(doc, svgText(source), 0, 0, {
      width,
      height,
      warningCallback: (message) => problems.push(message),
      // Nested images are refused when the file is checked; a reference that slipped through opens nothing.
      imageCallback: () => "",
    }),
  );
  if (problems.length > 0) throw imageError(source.file, `cannot be drawn in the PDF: ${problems.slice(0, 3).join("; ")}`);
  // A drawing that names a page resource (a graphics state for opacity, a pattern, a shading) is
  // never replayed: the resource it names is on the page and in the document it was first drawn in
  // (pdfkit registers a graphics state once per document and adds it to a page only when it makes it).
  const selfContained = drawing.objects === 0 && drawing.resources === 0 && drawing.operators.length > 0 && !drawing.operators.some(namesPageResource);
  if (bySize.size > 16) bySize.clear();
  bySize.set(size, selfContained ? drawing.operators.join("\n") : null);
}

/** PNGs whose pixel data has inflated whole once in this process, by their bytes. */
const inflatedPngs = new WeakSet<Uint8Array>();

/**
 * A PNG's pixel data (its IDAT chunks, in order) is one zlib stream (PNG 1.2, 10.1): inflated once
 * here, so a file whose chunks are whole but whose pixels are not is refused by name. pdfkit copies an
 * opaque PNG's data into the PDF without reading it, and pngjs's synchronous reader does not always
 * report a bad stream, so neither can be relied on to notice.
 */
function checkPixelData(source: ImageSource): void {
  if (inflatedPngs.has(source.bytes)) return;
  const bytes = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
  const chunks: Buffer[] = [];
  // After the 8-byte signature: length (4), type (4), data, CRC (4).
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString("latin1", at + 4, at + 8) === "IDAT") chunks.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(chunks));
  } catch (error) {
    throw imageError(source.file, `cannot be decoded as PNG (its pixel data: ${(error as Error).message})`);
  }
  inflatedPngs.add(source.bytes);
}

/** A PNG's planes as pdfkit embeds them, deflated, by the PNG's bytes: its colour (for an alpha channel) and its alpha. */
const pngPlanes = new WeakMap<Uint8Array, PngPlanes>();

function planesOf(bytes: Uint8Array, colors: number, withColour: boolean): PngPlanes {
  let planes = pngPlanes.get(bytes);
  if (!planes) {
    // pngjs decodes any bit depth to 8-bit RGBA, synchronously.
    const { data, width, height } = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const pixels = width * height;
    const alpha = new Uint8Array(pixels);
    const colour = withColour ? new Uint8Array(pixels * colors) : null;
    for (let p = 0; p < pixels; p++) {
      alpha[p] = data[p * 4 + 3]!;
      // A grey image's one colour is any of its equal channels.
      if (colour) for (let c = 0; c < colors; c++) colour[p * colors + c] = data[p * 4 + c]!;
    }
    planes = { colour: colour && deflateSync(colour), alpha: deflateSync(alpha) };
    pngPlanes.set(bytes, planes);
  }
  return planes;
}
