// svg-to-pdfkit draws an SVG's shapes with pdfkit's own path, colour and gradient operators, so a
// logo or signature stays vector (sharp at any zoom, a few KB), where rasterizing it (resvg) would
// embed pixels at one resolution; it is plain JavaScript, so the Lambda bundle needs no native binary.
import SVGtoPDF = require("svg-to-pdfkit");
import { imageError, type ImageSource } from "../images/image-source";
import type { PlacedImage } from "./images";

/** The pdfkit calls image drawing makes (pdfkit's public API: `image`, `openImage`). */
export interface ImageCanvas {
  openImage(src: Buffer): unknown;
  image(image: unknown, x: number, y: number, options: { width: number; height: number }): unknown;
}

/** Images opened in one document, by their bytes: a logo drawn on every page is embedded once. */
export type OpenedImages = Map<Uint8Array, unknown>;

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
    const problems: string[] = [];
    SVGtoPDF(doc, svgText(source), item.x, item.y, {
      width: item.width,
      height: item.height,
      warningCallback: (message) => problems.push(message),
      // Nested images are refused when the file is checked; a reference that slipped through opens nothing.
      imageCallback: () => "",
    });
    if (problems.length > 0) throw imageError(source.file, `cannot be drawn in the PDF: ${problems.slice(0, 3).join("; ")}`);
    return;
  }
  let image = opened.get(source.bytes);
  if (!image) {
    try {
      image = doc.openImage(Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength));
    } catch (error) {
      throw imageError(source.file, `cannot be read as ${source.format.toUpperCase()} (${(error as Error).message})`);
    }
    opened.set(source.bytes, image);
  }
  doc.image(image, item.x, item.y, { width: item.width, height: item.height });
}
