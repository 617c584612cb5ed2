import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import type { LocaleId } from "../../../functions/core/locales";
import { FONT_PIECES_FROM_BYTES, fontProgramPieces } from "../../../functions/core/pdf/font-pieces";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fixture, options, popplerPages, run, toFile } from "./pdf-inspect";

/** The fixture letter addressed to one reader: name and title in the addressee block. */
function addressedTo(locale: LocaleId, name: string, title: string): string {
  const html = fixture(`letter-${locale}.html`);
  const addressed = html.replace(/<address class="addressee">[\s\S]*?<\/address>/, `<address class="addressee">${name}<br>${title}</address>`);
  expect(addressed).not.toBe(html);
  return addressed;
}

/** The font programs embedded in a PDF, as mutool extracts them. */
function fontPrograms(pdf: Buffer): Buffer[] {
  const file = toFile(pdf);
  const dir = mkdtempSync(join(tmpdir(), "font-pieces-"));
  try {
    execFileSync("mutool", ["extract", file], { cwd: dir, stdio: "ignore" });
    return readdirSync(dir)
      .filter((name) => /^font-.*\.(ttf|otf|cff)$/.test(name))
      .sort()
      .map((name) => readFileSync(join(dir, name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The inputs of every deflate while `act` runs (whole streams and pieces alike). */
async function deflatedDuring<T>(act: () => Promise<T>): Promise<{ result: T; inputs: Buffer[] }> {
  const inputs: Buffer[] = [];
  const { deflateSync, deflateRawSync } = zlib;
  const record = (buffer: zlib.InputType) => inputs.push(Buffer.from(buffer as Uint8Array));
  const whole = jest.spyOn(zlib, "deflateSync").mockImplementation(((buffer: zlib.InputType, options?: zlib.ZlibOptions) => {
    record(buffer);
    return deflateSync(buffer, options);
  }) as typeof zlib.deflateSync);
  const raw = jest.spyOn(zlib, "deflateRawSync").mockImplementation(((buffer: zlib.InputType, options?: zlib.ZlibOptions) => {
    record(buffer);
    return deflateRawSync(buffer, options);
  }) as typeof zlib.deflateRawSync);
  try {
    return { result: await act(), inputs };
  } finally {
    whole.mockRestore();
    raw.mockRestore();
  }
}

describe("font programs deflated in pieces", () => {
  test("a second reader whose name brings new glyphs deflates a small part of the new font subset anew, and reads back right", async () => {
    const fonts = loadFontLibrary();
    const title = "中国常驻联合国代表";
    const first = await renderPdf(addressedTo("zh", "龍飛鳳 阁下", title), options("zh", { fonts }));
    const secondLetter = addressedTo("zh", "麒麟鶴 阁下", title);
    const { result: second, inputs } = await deflatedDuring(() => renderPdf(secondLetter, options("zh", { fonts })));

    // The second reader's glyphs made a new subset: a font program the first letter lacks.
    const before = fontPrograms(first).map((program) => program.toString("base64"));
    const programs = fontPrograms(second);
    const changed = programs.filter((program) => !before.includes(program.toString("base64")));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.map((program) => program.length >= FONT_PIECES_FROM_BYTES)).toEqual(changed.map(() => true));
    // Of the changed programs' bytes, what went through deflate again (whole, or as pieces: parts of a program).
    const anew = inputs.filter((input) => input.length >= 16 && changed.some((program) => program.indexOf(input) >= 0)).reduce((sum, input) => sum + input.length, 0);
    const total = changed.reduce((sum, program) => sum + program.length, 0);
    // The share shows in a failure: { anew, total }.
    expect({ anew, total, small: anew < 0.35 * total }).toEqual({ anew, total, small: true });

    // Every code still maps to its text, and the file is sound.
    const file = toFile(second);
    expect(popplerPages(file)[0]!.replace(/\s+/g, "")).toContain("麒麟鶴阁下");
    expect(run("qpdf", ["--check", file])).toContain("No syntax or stream encoding errors found");
    // The same bytes as the letter rendered alone, with cold caches: what was deflated before does not show.
    expect(second.equals(await renderPdf(secondLetter, options("zh", { fonts: loadFontLibrary() })))).toBe(true);
  });

  test("the pieces of a font program cover it in order, and bytes inserted near its end leave the pieces before them as they were", async () => {
    const pdf = await renderPdf(addressedTo("zh", "龍飛鳳 阁下", "中国常驻联合国代表"), options("zh"));
    const program = fontPrograms(pdf).sort((a, b) => b.length - a.length)[0]!;
    const pieces = fontProgramPieces(program);
    expect(Buffer.concat(pieces).equals(program)).toBe(true);
    expect(pieces.every((piece) => piece.length > 0)).toBe(true);
    expect(pieces.length).toBeGreaterThan(4);
    // 40 bytes inserted 2 KB before the end: every piece ending before them is unchanged.
    const at = program.length - 2048;
    const edited = Buffer.concat([program.subarray(0, at), Buffer.alloc(40, 0x5a), program.subarray(at)]);
    const editedPieces = fontProgramPieces(edited).map((piece) => piece.toString("base64"));
    let end = 0;
    for (const piece of pieces) {
      end += piece.length;
      if (end <= at) expect(editedPieces).toContain(piece.toString("base64"));
    }
  });
});
