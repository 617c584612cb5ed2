// Lists every glyph each page draws, with pdf.js (through unpdf), in its own Node process as
// extract-text.mjs does: usage `node glyph-runs.mjs file.pdf` -> JSON array (per page) of glyphs
// { kind, font, text, width, y } in drawing order. A glyph is drawn as text (kind "text": its font,
// the text its ToUnicode entry gives, its width in the PDF's width array) or as a shape (kind
// "shape": a form XObject, as our PDF draws a glyph that stands for no text; `width` is 1 when
// it draws a path, 0 for an empty outline). `y` is the baseline's height on the page, in points.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDocumentProxy, getResolvedPDFJS } from "unpdf";

/**
 * The font each page's text operators (Tf) select, in order, named as pdffonts names it (the Type0
 * font's BaseFont). pdf.js names a font by its CIDFont's BaseFont, which our PDFs with right-to-left
 * text give every face alike (pdf-writer.ts, PIECE_NAME): read from the file as qpdf writes it out
 * uncompressed. pdf.js's operator list has one setFont for each Tf, in the same order.
 */
function fontsSelected(file) {
  const dir = mkdtempSync(join(tmpdir(), "glyph-runs-"));
  try {
    const qdf = join(dir, "qdf.pdf");
    execFileSync("qpdf", ["--qdf", "--object-streams=disable", file, qdf]);
    const text = readFileSync(qdf, "latin1");
    const objects = new Map([...text.matchAll(/\n(\d+) 0 obj\n([\s\S]*?)\nendobj/g)].map((m) => [m[1], m[2]]));
    const pages = [];
    for (const body of objects.values()) {
      if (!/\/Type \/Page\b/.test(body)) continue;
      const resources = /\/Resources (\d+) 0 R/.exec(body)?.[1];
      const fontDict = /\/Font <<([\s\S]*?)>>/.exec(resources ? (objects.get(resources) ?? "") : body)?.[1] ?? "";
      const baseFont = new Map([...fontDict.matchAll(/\/(\S+) (\d+) 0 R/g)].map((m) => [m[1], /\/BaseFont \/(\S+)/.exec(objects.get(m[2]) ?? "")?.[1] ?? m[1]]));
      const contents = /\/Contents (\d+) 0 R/.exec(body)?.[1];
      const content = objects.get(contents) ?? "";
      pages.push([...content.matchAll(/\/(\S+) [\d.]+ Tf/g)].map((m) => baseFont.get(m[1]) ?? m[1]));
    }
    return pages;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// pdf.js's operator lists transfer buffers with ArrayBuffer.prototype.transferToFixedLength (Node 21+);
// on Node 20 a copy does what the transfer would.
if (!ArrayBuffer.prototype.transferToFixedLength) {
  ArrayBuffer.prototype.transferToFixedLength = function transferToFixedLength(length = this.byteLength) {
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
    return copy;
  };
}

/** m × n for PDF matrices [a b c d e f]. */
function multiply(m, n) {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}
const IDENTITY = [1, 0, 0, 1, 0, 0];

const { OPS } = await getResolvedPDFJS();
const pdf = await getDocumentProxy(new Uint8Array(readFileSync(process.argv[2])), { fontExtraProperties: true });
const selected = fontsSelected(process.argv[2]);
const pages = [];
for (let p = 1; p <= pdf.numPages; p++) {
  const page = await pdf.getPage(p);
  const list = await page.getOperatorList();
  const glyphs = [];
  let font = "";
  let fonts = 0;
  let ctm = IDENTITY;
  const stack = [];
  let lineMatrix = IDENTITY;
  let leading = 0;
  const moveText = (tx, ty) => {
    lineMatrix = multiply([1, 0, 0, 1, tx, ty], lineMatrix);
  };
  for (let i = 0; i < list.fnArray.length; i++) {
    const op = list.fnArray[i];
    const args = list.argsArray[i];
    if (op === OPS.save) stack.push(ctm);
    else if (op === OPS.restore) ctm = stack.pop() ?? IDENTITY;
    else if (op === OPS.transform) ctm = multiply(args, ctm);
    else if (op === OPS.beginText) lineMatrix = IDENTITY;
    else if (op === OPS.setTextMatrix) lineMatrix = Array.from(args[0] ?? args).length === 6 ? Array.from(args[0]?.length === 6 ? args[0] : args) : lineMatrix;
    else if (op === OPS.moveText) moveText(args[0], args[1]);
    else if (op === OPS.setLeadingMoveText) {
      leading = -args[1];
      moveText(args[0], args[1]);
    } else if (op === OPS.setLeading) leading = args[0];
    else if (op === OPS.nextLine) moveText(0, -leading);
    else if (op === OPS.setFont) {
      const loaded = page.commonObjs.has(args[0]) ? page.commonObjs.get(args[0]) : undefined;
      font = selected[p - 1]?.[fonts++] ?? loaded?.name ?? String(args[0]);
    } else if (op === OPS.showText) {
      const y = multiply(lineMatrix, ctm)[5];
      for (const glyph of args[0]) {
        if (typeof glyph === "number" || glyph === null) continue;
        glyphs.push({ kind: "text", font, text: glyph.unicode, width: glyph.width, y });
      }
    } else if (op === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      ctm = multiply(args[0] ?? IDENTITY, ctm);
      // An outline with no path (the space glyph HarfBuzz puts in place of a variation selector) draws nothing.
      let depth = 0;
      let paths = 0;
      for (let k = i + 1; k < list.fnArray.length; k++) {
        if (list.fnArray[k] === OPS.paintFormXObjectBegin) depth++;
        else if (list.fnArray[k] === OPS.paintFormXObjectEnd && depth-- === 0) break;
        // pdf.js gives an empty path (the outline's bare "f") as a null path.
        else if (list.fnArray[k] === OPS.constructPath && list.argsArray[k]?.[1]?.some((path) => path !== null)) paths++;
      }
      glyphs.push({ kind: "shape", font: "", text: "", width: paths > 0 ? 1 : 0, y: ctm[5] });
    } else if (op === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? IDENTITY;
  }
  pages.push(glyphs);
}
process.stdout.write(JSON.stringify(pages));
