import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";
import { editionStylesheets, fillLetter } from "../../../functions/core/html/render-html";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../../functions/core/locales";
import { TypesetterCaches } from "../../../functions/core/pdf/cache";
import { type PackedBodyInput, packObjectStreams, writePackedBody } from "../../../functions/core/pdf/object-streams";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import type { TemplateEngine } from "../../../functions/core/template/template-engine";
import { createEngine, loadSeedLetter, SHIPPED_LOCALES } from "../../support/letters";
import { fixture, options, pdfInfo, popplerPages, run, toFile } from "./pdf-inspect";

/** Every object of a file as qpdf reads it: values, stream dictionaries and raw (undecoded) stream data. */
function qpdfObjects(file: string): Record<string, unknown> {
  const json = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", "--decode-level=none", "--json-stream-data=inline", file])) as { qpdf: [unknown, Record<string, unknown>] };
  return json.qpdf[1];
}

/** `qpdf --check`: its exit status and whole report (a warning exits 3, an error 2). */
function qpdfCheck(file: string): { status: number | null; report: string } {
  const result = spawnSync("qpdf", ["--check", file], { encoding: "utf8" });
  return { status: result.status, report: result.stdout + result.stderr };
}

const execFileAsync = promisify(execFile);

/** A command's standard output, as pdf-inspect's `run` gives it, without blocking the test while it runs. */
async function output(command: string, args: string[]): Promise<string> {
  return (await execFileAsync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/**
 * What each reader makes of a file: poppler's text (as popplerPages splits it), fonts, metadata and
 * structure tree; pdf.js's text (extract-text.mjs, as pdfjsPages runs it) and structure tree
 * (table-structure.mjs). Each reader is its own process, so they run at once: one after another
 * they left the second core idle while Jest runs in one worker (pdfinfo -struct-text alone takes seconds).
 */
async function readings(file: string) {
  const [poppler, fonts, info, structText, pdfjsText, pdfjsTree] = await Promise.all([
    output("pdftotext", ["-enc", "UTF-8", file, "-"]),
    output("pdffonts", [file]),
    output("pdfinfo", ["-enc", "UTF-8", file]),
    output("pdfinfo", ["-struct-text", file]),
    output(process.execPath, [join(__dirname, "extract-text.mjs"), file]),
    output(process.execPath, [join(__dirname, "table-structure.mjs"), file]),
  ]);
  return {
    popplerPages: poppler.split("\f").slice(0, -1),
    pdffonts: fonts,
    // The sizes differ by design (the packed file is smaller); every other line must not.
    pdfinfoWithoutSize: info.replace(/^File size:.*\n/m, ""),
    structText,
    pdfjsPages: JSON.parse(pdfjsText) as string[],
    pdfjsStructure: JSON.parse(pdfjsTree) as unknown,
  };
}

describe("object streams", () => {
  let seed: ParsedLetter;
  let engine: TemplateEngine;
  const sizes: Record<string, [number, number]> = {};

  /** The seed letter as the renderer makes it (create-renderer.ts), plain and repacked. */
  async function seedPdf(locale: LocaleId, objectStreams: boolean): Promise<Buffer> {
    const { fragment, view } = fillLetter(engine, seed.letter, locale);
    return renderPdf(fragment, {
      ...options(locale),
      stylesheets: editionStylesheets(engine, locale, "A4", view.title),
      metadata: { title: view.title, author: view.sender, subject: view.summary, keywords: [view.letterId], creationDate: new Date("2015-12-01T00:00:00Z") },
      images: engine.set.assets,
      objectStreams,
    });
  }

  beforeAll(async () => {
    seed = await loadSeedLetter();
    engine = await createEngine();
  });

  afterAll(() => {
    // The sizes show in the test log: before -> after per language, in KB of 1,000 bytes as the bench counts.
    console.log(
      Object.entries(sizes)
        .map(([locale, [before, after]]) => `${locale} ${(before / 1000).toFixed(1)} KB -> ${(after / 1000).toFixed(1)} KB`)
        .join("\n"),
    );
  });

  it.each(SHIPPED_LOCALES)("keep every object, text, font and tag of the %s seed letter, and make it smaller", async (locale) => {
    const plain = await seedPdf(locale, false);
    const packed = await seedPdf(locale, true);
    sizes[locale] = [plain.length, packed.length];
    expect(packed.equals(packObjectStreams(plain))).toBe(true);
    const before = toFile(plain);
    const after = toFile(packed);

    expect(qpdfCheck(after)).toEqual({ status: 0, report: expect.stringContaining("No syntax or stream encoding errors found") });
    // Written with object streams and a cross-reference stream, no classic table left.
    const raw = packed.toString("latin1");
    expect(raw).toMatch(/\/Type \/ObjStm/);
    expect(raw).toMatch(/\/Type \/XRef/);
    expect(raw).not.toMatch(/\nxref\n|\ntrailer\n/);
    // PDF/A wants the XMP metadata readable without decoding: it stays a plain stream.
    expect(raw).toMatch(/<pdfaid:part>2<\/pdfaid:part>|pdfaid:part="2"/);
    expect(raw.startsWith("%PDF-1.7\n")).toBe(true);

    // Every object of the plain file, with the same number, value and stream bytes.
    const plainObjects = qpdfObjects(before);
    const packedObjects = qpdfObjects(after);
    for (const [key, value] of Object.entries(plainObjects)) {
      if (key === "trailer") continue;
      expect({ key, value: packedObjects[key] }).toEqual({ key, value });
    }
    const { "/Size": _size, ...trailer } = (plainObjects["trailer"] as { value: Record<string, unknown> }).value;
    expect((packedObjects["trailer"] as { value: Record<string, unknown> }).value).toMatchObject(trailer);

    // What readers get: poppler's text, fonts, metadata and structure tree; pdf.js's text and structure tree.
    const [read, readPlain] = await Promise.all([readings(after), readings(before)]);
    expect(read.popplerPages).toEqual(readPlain.popplerPages);
    expect(read.pdffonts).toEqual(readPlain.pdffonts);
    expect(read.pdfinfoWithoutSize).toEqual(readPlain.pdfinfoWithoutSize);
    expect(read.structText).toEqual(readPlain.structText);
    expect(read.pdfjsPages).toEqual(readPlain.pdfjsPages);
    expect(read.pdfjsStructure).toEqual(readPlain.pdfjsStructure);
    expect(pdfInfo(after)).toMatchObject({ Tagged: "yes", "PDF version": "1.7" });
    expect(packed.length).toBeLessThan(plain.length);
  });

  it("give the same bytes for the same input", async () => {
    const first = await seedPdf("en", true);
    const again = await seedPdf("en", true);
    expect(again.equals(first)).toBe(true);
  });

  it("cut objects at the table's offsets, so strings that say endobj, endstream or stream mislead nothing", async () => {
    const title = "endobj) stream\nendstream\nendobj 1 0 obj << /Type /XRef >> (trailer startxref %%EOF";
    const plain = await renderPdf(fixture("letter-en.html"), options("en", { objectStreams: false, metadata: { ...options("en").metadata, title } }));
    const packed = packObjectStreams(plain);
    const file = toFile(packed);
    expect(qpdfCheck(file).status).toBe(0);
    const plainFile = toFile(plain);
    expect(pdfInfo(file).Title).toContain("endobj) stream");
    expect(pdfInfo(file)).toEqual({ ...pdfInfo(plainFile), "File size": expect.any(String) });
    expect(popplerPages(file)).toEqual(popplerPages(plainFile));
  });

  it("refuse a file already repacked, naming why", async () => {
    const packed = await renderPdf(fixture("letter-en.html"), options("en"));
    expect(() => packObjectStreams(packed)).toThrow(/PDF object streams: startxref \d+ does not point at an xref table/);
  });

  it("refuse an incrementally updated file (its trailer has /Prev)", async () => {
    const plain = await renderPdf(fixture("letter-en.html"), options("en", { objectStreams: false }));
    const updated = Buffer.from(plain.toString("latin1").replace("trailer\n<<\n", "trailer\n<<\n/Prev 9\n"), "latin1");
    expect(() => packObjectStreams(updated)).toThrow(/trailer has \/Prev/);
  });

  it("refuse a header below PDF 1.5, which object streams would make untrue", async () => {
    const plain = await renderPdf(fixture("letter-en.html"), options("en", { objectStreams: false }));
    const old = Buffer.from(plain.toString("latin1").replace("%PDF-1.7", "%PDF-1.4"), "latin1");
    expect(() => packObjectStreams(old)).toThrow(/declares PDF 1\.4, below 1\.5/);
  });

  it("refuse a table whose offset does not start the object it names", async () => {
    const plain = await renderPdf(fixture("letter-en.html"), options("en", { objectStreams: false }));
    const text = plain.toString("latin1");
    // Shift the first in-use entry's offset by one byte.
    const broken = text.replace(/\n(\d{10}) 00000 n /, (_match, offset: string) => `\n${String(Number(offset) + 1).padStart(10, "0")} 00000 n `);
    expect(() => packObjectStreams(Buffer.from(broken, "latin1"))).toThrow(/offset \d+ does not start object \d+ 0/);
  });
});

describe("object streams of a mail merge", () => {
  /** A small file's objects as a writer hands them over: a catalog, its pages, and one structure element whose text is `alt`. */
  function body(alt: string, caches?: TypesetterCaches): PackedBodyInput {
    // Each value a new string: a cache must compare texts, not find the very string it was given.
    const text = (value: string) => Buffer.from(value, "latin1").toString("latin1");
    return {
      head: Buffer.from("%PDF-1.7\n", "latin1"),
      kept: [],
      packable: [
        { number: 1, value: text("<<\n/Type /Catalog\n/Pages 2 0 R\n>>") },
        { number: 2, value: text("<<\n/Type /Pages\n/Kids []\n/Count 0\n>>") },
        { number: 3, value: text(`<<\n/S /Figure\n/Alt (${alt})\n>>`) },
      ],
      free: [{ number: 0, generation: 65535 }],
      objectCount: 4,
      trailer: ["/Root 1 0 R"],
      ...(caches ? { caches } : {}),
    };
  }
  /** writePackedBody's pieces: the head, the object stream's dictionary, its deflated data, its end, then the cross-reference stream. */
  const STREAM_DATA = 2;

  it("takes an object stream an earlier letter made from the caches, deflated, and gives the bytes a deflate would", () => {
    const caches = new TypesetterCaches();
    const first = writePackedBody(body("Seal of the sender", caches));
    const again = writePackedBody(body("Seal of the sender", caches));
    // The very buffer the first letter deflated: no second deflate.
    expect(again[STREAM_DATA]).toBe(first[STREAM_DATA]);
    expect(caches.entries.objectStreams).toBe(1);
    expect(Buffer.concat(again).equals(Buffer.concat(writePackedBody(body("Seal of the sender"))))).toBe(true);
  });

  it("deflates a stream whose text differs in one object anew: each file inflates to its own objects", () => {
    const caches = new TypesetterCaches();
    const first = writePackedBody(body("Seal of the sender", caches));
    const other = writePackedBody(body("Seal of the reader", caches));
    expect(other[STREAM_DATA]).not.toBe(first[STREAM_DATA]);
    expect(caches.entries.objectStreams).toBe(2);
    expect(inflateSync(first[STREAM_DATA] as Buffer).toString("latin1")).toContain("/Alt (Seal of the sender)");
    expect(inflateSync(other[STREAM_DATA] as Buffer).toString("latin1")).toContain("/Alt (Seal of the reader)");
    expect(Buffer.concat(other).equals(Buffer.concat(writePackedBody(body("Seal of the reader"))))).toBe(true);
  });
});
