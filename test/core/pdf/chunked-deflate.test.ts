import { execFileSync } from "node:child_process";
import { deflateRawSync, deflateSync, inflateSync, constants as zlibConstants } from "node:zlib";
import { renderDocument } from "../../../functions/core/render-document";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";
import { run, toFile } from "./pdf-inspect";
import { adler32, combineAdler32, contentPieces, type DeflatedPiece, deflateInPieces, type PieceMemory } from "../../../functions/core/pdf/chunked-deflate";

const OPTIONS = { level: 7, strategy: zlibConstants.Z_FILTERED };

/** A page of text objects like the writer's, each line's glyph codes and position from `seed`. */
function page(lines: number, seed = 1): Buffer {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const out: string[] = ["q 1 0 0 -1 0 841.89 cm"];
  for (let l = 0; l < lines; l++) {
    const codes = Array.from({ length: 12 }, () => (next() % 200).toString(16).padStart(4, "0")).join("");
    out.push(`BT\n/F1 10.5 Tf\n1 0 0 1 62.25 ${(700 - l * 15.5).toFixed(3)} Tm\n[<${codes}>] TJ\nET`);
  }
  out.push("Q");
  return Buffer.from(`${out.join("\n")}\n`, "latin1");
}

function mapCache() {
  const map = new Map<string, DeflatedPiece>();
  let misses = 0;
  return {
    map,
    get misses() {
      return misses;
    },
    get: (key: string) => map.get(key),
    set: (key: string, piece: DeflatedPiece) => {
      misses++;
      map.set(key, piece);
    },
  };
}

describe("deflateInPieces", () => {
  it("makes a zlib stream that inflates (Adler-32 checked) to the input, for pages of every size", () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from("q Q\n"), page(1), page(7, 3), page(60, 5), Buffer.alloc(70000, "x"), Buffer.concat([page(30), Buffer.alloc(40000, 7)])]) {
      const out = deflateInPieces(bytes, mapCache(), OPTIONS);
      expect(inflateSync(out).equals(bytes)).toBe(true);
    }
  });

  it("gives the same bytes whatever the cache held (a warm render is a cold one)", () => {
    const warm = mapCache();
    deflateInPieces(page(40, 9), warm, OPTIONS);
    const changed = Buffer.from(page(40, 9).toString("latin1").replace("62.25 700.000", "80.5 700.000"), "latin1");
    expect(deflateInPieces(changed, warm, OPTIONS).equals(deflateInPieces(changed, mapCache(), OPTIONS))).toBe(true);
  });

  it("deflates anew only the pieces around a changed line, and cuts that do not move when a line is inserted", () => {
    const base = page(80, 11);
    const lines = base.toString("latin1").split("\nET\n");
    const inserted = Buffer.from([...lines.slice(0, 3), "BT\n/F1 10.5 Tf\n1 0 0 1 9 9 Tm\n[<00ff00fe>] TJ", ...lines.slice(3)].join("\nET\n"), "latin1");
    const shape = { cutOdds: 4, dictionaryBytes: 2048 };
    const pieces = contentPieces(base, shape);
    expect(pieces.length).toBeGreaterThan(8);
    const cache = mapCache();
    deflateInPieces(base, cache, OPTIONS, shape);
    const before = cache.misses;
    const out = deflateInPieces(inserted, cache, OPTIONS, shape);
    expect(inflateSync(out).equals(inserted)).toBe(true);
    // The piece holding the new line, and the one after it if the line is in its dictionary; at most one more if the new line is a cut.
    expect(cache.misses - before).toBeLessThanOrEqual(3);
    expect(
      contentPieces(inserted, shape)
        .slice(-(pieces.length - 2))
        .map(String),
    ).toEqual(pieces.slice(-(pieces.length - 2)).map(String));
  });

  it("deflates anew only the piece holding a change far enough from its end: the next one's dictionary, its end, is as it was", () => {
    const shape = { cutOdds: 4, dictionaryBytes: 256 };
    const base = page(80, 11);
    const pieces = contentPieces(base, shape);
    // A piece of several lines, not the last: its first line's font changes, more than 256 bytes before its end.
    const changedPiece = pieces.findIndex((piece, p) => p < pieces.length - 1 && piece.length > 600);
    expect(changedPiece).toBeGreaterThanOrEqual(0);
    const at = pieces[changedPiece]!.byteOffset - base.byteOffset + pieces[changedPiece]!.indexOf("/F1");
    const changed = Buffer.from(base);
    changed.write("/F2", at, "latin1");
    expect(contentPieces(changed, shape).map((piece) => piece.length)).toEqual(pieces.map((piece) => piece.length));
    const cache = mapCache();
    deflateInPieces(base, cache, OPTIONS, shape);
    const before = cache.misses;
    const out = deflateInPieces(changed, cache, OPTIONS, shape);
    expect(inflateSync(out).equals(changed)).toBe(true);
    expect(cache.misses - before).toBe(1);
  });

  it("looks up (hashes) only the pieces unlike the last stream's in the same place, in the bytes it makes without that memory", () => {
    const shape = { cutOdds: 4, dictionaryBytes: 256 };
    const base = page(80, 11);
    const pieces = contentPieces(base, shape);
    // A change more than the dictionary's 256 bytes before its piece's end: the next piece's key stays.
    const changedPiece = pieces.findIndex((piece, p) => p < pieces.length - 1 && piece.length > 600);
    const at = pieces[changedPiece]!.byteOffset - base.byteOffset + pieces[changedPiece]!.indexOf("/F1");
    const changed = Buffer.from(base);
    changed.write("/F2", at, "latin1");
    // Counted through the cache: a piece matched in the memory is not looked up by its digest.
    let lookups = 0;
    const cache = mapCache();
    const counted = { get: (key: string) => (lookups++, cache.get(key)), set: cache.set };
    const memory: PieceMemory = { bytes: Buffer.alloc(0), pieces: [] };
    deflateInPieces(base, counted, OPTIONS, shape, contentPieces(base, shape), memory);
    expect(lookups).toBe(pieces.length);
    lookups = 0;
    const out = deflateInPieces(changed, counted, OPTIONS, shape, contentPieces(changed, shape), memory);
    expect(lookups).toBe(1);
    expect(out.equals(deflateInPieces(changed, mapCache(), OPTIONS, shape))).toBe(true);
    // The same stream again: no lookup at all.
    lookups = 0;
    expect(deflateInPieces(Buffer.from(changed), counted, OPTIONS, shape, contentPieces(changed, shape), memory).equals(out)).toBe(true);
    expect(lookups).toBe(0);
  });

  it("keeps back-references into the piece before (its dictionary): smaller than the pieces deflated alone", () => {
    const bytes = page(80, 13);
    expect(contentPieces(bytes).length).toBeGreaterThan(3);
    const alone = contentPieces(bytes).reduce((sum, piece) => sum + deflateRawSync(piece, { ...OPTIONS, finishFlush: zlibConstants.Z_SYNC_FLUSH }).length, 0);
    const pieces = deflateInPieces(bytes, mapCache(), OPTIONS).length;
    expect(pieces).toBeLessThan(alone * 0.9);
    expect(pieces).toBeGreaterThan(deflateSync(bytes, OPTIONS).length);
  });
});

describe("Adler-32", () => {
  it("matches zlib's trailer, and combines as zlib's adler32_combine", () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from("Wikipedia"), Buffer.alloc(100000, 255), page(50, 2)]) {
      const trailer = deflateSync(bytes).subarray(-4).readUInt32BE();
      expect(adler32(bytes)).toBe(trailer);
      for (const cut of [0, 1, Math.floor(bytes.length / 3), bytes.length]) {
        const [a, b] = [bytes.subarray(0, cut), bytes.subarray(cut)];
        expect(combineAdler32(adler32(a), adler32(b), b.length)).toBe(trailer);
      }
    }
    expect(adler32(Buffer.from("Wikipedia"))).toBe(0x11e60398);
  });
});

describe("a rendered letter's page content", () => {
  /** The raw (still deflated) content streams of each page, in page order, read with qpdf. */
  function rawContents(pdf: Buffer): Buffer[] {
    const file = toFile(pdf);
    const json = JSON.parse(run("qpdf", ["--json", file])) as { pages: { contents: string[] }[] };
    return json.pages.map((page) => execFileSync("qpdf", [`--show-object=${page.contents[0]!.split(" ")[0]}`, "--raw-stream-data", file]));
  }

  it("is page one in pieces (sync-flushed blocks, checked by inflating) and later pages whole", async () => {
    const { bytes } = await renderDocument(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }), await loadSeedLetter(), {
      letterId: SEED_LETTER,
      locale: "ar",
      format: "pdf",
      recipientId: null,
    });
    const [first, ...later] = rawContents(bytes);
    const syncFlush = Buffer.from([0, 0, 0xff, 0xff]);
    expect(first!.indexOf(syncFlush)).toBeGreaterThan(0);
    expect(inflateSync(first!).toString("latin1")).toContain("\nET\n");
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((page) => page.equals(deflateSync(inflateSync(page), OPTIONS)))).toBe(true);
  });
});
