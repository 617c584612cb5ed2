import { readFileSync } from "node:fs";
import { run, wordBoxes } from "./pdf-inspect";

/** Reading images back from a PDF with poppler and qpdf: pixels, word boxes, image XObjects, Figures. */

export interface Box {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/**
 * Jest runs test code in a vm context, where each read of a global (Math) goes through the context's
 * interceptor, tens of times slower than a local (jestjs/jest#5163, nodejs/node#31658): the
 * per-pixel loops below read these module constants instead.
 */
const { abs, max, min, round } = Math;

/** The pages as RGB pixels, at 72 dpi by default: one pixel a point. */
export function pixels(file: string, page: number, dpi = 72): { width: number; height: number; at(x: number, y: number): [number, number, number] } {
  const ppm = Buffer.from(run("sh", ["-c", `pdftoppm -r ${dpi} -f ${page} -l ${page} "${file}" | base64 -w0`]), "base64");
  // P6 header: "P6\n<w> <h>\n255\n".
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString("latin1"))!;
  const width = Number(header[1]);
  const offset = header[0].length;
  return {
    width,
    height: Number(header[2]),
    at: (x, y) => {
      const i = offset + (round(y) * width + round(x)) * 3;
      return [ppm[i]!, ppm[i + 1]!, ppm[i + 2]!];
    },
  };
}

/** The bounding box of the pixels of one colour (within 24 of each channel). */
export function colourBox(file: string, page: number, rgb: [number, number, number], dpi = 72): Box | null {
  const image = pixels(file, page, dpi);
  let box: Box | null = null;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const p = image.at(x, y);
      if (abs(p[0] - rgb[0]) <= 24 && abs(p[1] - rgb[1]) <= 24 && abs(p[2] - rgb[2]) <= 24) {
        if (!box) box = { xMin: x, yMin: y, xMax: x + 1, yMax: y + 1 };
        else {
          box.xMin = min(box.xMin, x);
          box.yMin = min(box.yMin, y);
          box.xMax = max(box.xMax, x + 1);
          box.yMax = max(box.yMax, y + 1);
        }
      }
    }
  }
  // In points: a finer raster keeps an image's edge column, which a 72 dpi one may resample away.
  const pt = 72 / dpi;
  return box && { xMin: box.xMin * pt, yMin: box.yMin * pt, xMax: box.xMax * pt, yMax: box.yMax * pt };
}

/** pdftotext's word boxes, by page, each with its box apart (from pdf-inspect's `wordBoxes`). */
export function words(file: string): { page: number; text: string; box: Box }[] {
  return wordBoxes(file).map(({ page, text, xMin, yMin, xMax, yMax }) => ({ page, text, box: { xMin, yMin, xMax, yMax } }));
}

/** pdfimages -list: the image XObjects, each with its page, kind, size in pixels and encoding. */
export function imageList(file: string): { page: number; type: string; width: number; height: number; enc: string }[] {
  return run("pdfimages", ["-list", file])
    .split("\n")
    .slice(2)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const c = line.trim().split(/\s+/);
      return { page: Number(c[0]), type: c[2]!, width: Number(c[3]), height: Number(c[4]), enc: c[8]! };
    });
}

/** The structure elements of a type, with their /Alt, from qpdf's uncompressed output. */
export function structureElements(file: string, type: string): { alt: string | null }[] {
  const out = `${file}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
  const text = readFileSync(out, "latin1");
  return [...text.matchAll(/\d+ 0 obj\n<<([\s\S]*?)\n>>\nendobj/g)]
    .map((m) => m[1]!)
    .filter((dict) => new RegExp(`/S /${type}\\b`).test(dict))
    .map((dict) => {
      const literal = /\/Alt \(([^)]*)\)/.exec(dict)?.[1];
      // pdfkit writes text outside ASCII as UTF-16BE with a byte order mark, in hex.
      const hex = /\/Alt <feff([0-9a-f]*)>/i.exec(dict)?.[1];
      return { alt: literal ?? (hex ? Buffer.from(hex, "hex").swap16().toString("utf16le") : null) };
    });
}
