/**
 * What deflating the first page's content in pieces (functions/core/pdf/chunked-deflate.ts) costs
 * and saves for warm letters to new readers (the synthetic mail merge of bench/workload.ts): records
 * every page content stream of 5 warm-up letters and `--docs` measured ones per language, then
 * replays the measured letters' streams through each way of deflating them, with a cache that holds
 * what the warm-ups left (as a warm process's would): whole (sha256 of the page, deflated on a
 * miss: the old way) and pieces of several shapes (later pages whole). Prints per letter: pieces of
 * page one / pieces deflated anew, KB of content deflated anew, ms (best of `--repeat` replays: the
 * machine is shared; the KB are the steadier figure), and the
 * deflated KB of all pages. Same bytes in, so the figures compare the deflating alone.
 *
 *   npx tsx bench/ab/content-chunks.ts [--locales he,th,es,en,ar,zh] [--docs 25] [--repeat 7]
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import type { LocaleId } from "../../functions/core/locales";
import { ContentStream } from "../../functions/core/pdf/content-stream";
import { contentPieces, type DeflatedPiece, deflateInPieces, type PieceShape } from "../../functions/core/pdf/chunked-deflate";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: { locales: { type: "string", default: "he,th,es,en,ar,zh" }, docs: { type: "string", default: "25" }, repeat: { type: "string", default: "7" } },
});
const WARMUPS = 5;
const OPTIONS = { level: 7, strategy: zlib.constants.Z_FILTERED };
/** The writer's PAGE_CONTENT_DEFLATE, for whole pages and pieces. */
const PIECE_OPTIONS = OPTIONS;
const SHAPES: PieceShape[] = [
  { cutOdds: 12, dictionaryBytes: 32768 },
  { cutOdds: 12, dictionaryBytes: 8192 },
  { cutOdds: 12, dictionaryBytes: 6144 },
  { cutOdds: 12, dictionaryBytes: 5120 },
  { cutOdds: 12, dictionaryBytes: 4096 },
];

/** One letter's page content streams, in page order. */
type Letter = Buffer[];

function replay(letters: readonly Letter[], warm: readonly Letter[], shape: PieceShape | undefined): { ms: number; kb: number; pieces: number; misses: number; anew: number } {
  let anew = 0;
  const deflate = (cache: Map<string, DeflatedPiece>, pages: Letter) => {
    let size = 0;
    pages.forEach((bytes, index) => {
      if (shape && index === 0) {
        size += deflateInPieces(
          bytes,
          {
            get: (key) => cache.get(key),
            set: (key, piece) => {
              anew += piece.length;
              cache.set(key, piece);
            },
          },
          PIECE_OPTIONS,
          shape,
        ).length;
        return;
      }
      const key = createHash("sha256").update(bytes).digest("base64");
      let out = cache.get(key);
      if (!out) {
        anew += bytes.length;
        cache.set(key, (out = { bytes: zlib.deflateSync(bytes, OPTIONS), adler: 0, length: 0 }));
      }
      size += out.bytes.length;
    });
    return size;
  };
  const warmCache = new Map<string, DeflatedPiece>();
  for (const pages of warm) deflate(warmCache, pages);
  let best = Infinity;
  let size = 0;
  let misses = 0;
  for (let r = 0; r < Number(values.repeat); r++) {
    const cache = new Map(warmCache);
    const before = cache.size;
    const start = performance.now();
    size = 0;
    anew = 0;
    for (const pages of letters) size += deflate(cache, pages);
    best = Math.min(best, performance.now() - start);
    misses = cache.size - before;
  }
  const pieces = letters.reduce((sum, pages) => sum + (shape ? contentPieces(pages[0]!, shape).length : 1), 0);
  return { ms: best / letters.length, kb: size / letters.length / 1024, pieces: pieces / letters.length, misses: misses / letters.length, anew: anew / letters.length / 1024 };
}

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const docs = Number(values.docs);
  console.log(
    `${docs} letters per language to new readers after ${WARMUPS} warm-ups; per letter: pieces of page one / deflated anew, KB of content deflated anew (dictionaries not counted), ms (best of ${values.repeat}), KB of all pages`,
  );
  console.log(`| lang | whole | ${SHAPES.map((s) => `odds ${s.cutOdds}, dictionary ${s.dictionaryBytes} B`).join(" | ")} |`);
  console.log(`| --- | --- | ${SHAPES.map(() => "---").join(" | ")} |`);
  let ordinal = 1;
  for (const locale of values.locales.split(",") as LocaleId[]) {
    const parsed = mailMergeLetter(real, ordinalRange(ordinal, WARMUPS + docs));
    const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    ordinal += WARMUPS + docs;
    const letters: Letter[] = [];
    let current: Letter = [];
    // Every page's content as the writer hands it on (ContentStream.bytes at the page's end), cached or not.
    const bytes = ContentStream.prototype.bytes;
    ContentStream.prototype.bytes = function (this: ContentStream) {
      const out = bytes.call(this);
      const head = Buffer.from(out.subarray(0, 12)).toString("latin1");
      if (head.startsWith("q 1 0 0 -1") || head.startsWith("1 0 0 -1 0 ")) current.push(Buffer.from(out));
      return out;
    };
    for (let i = 0; i < WARMUPS + docs; i++) {
      current = [];
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[i] ?? null });
      letters.push(current);
    }
    ContentStream.prototype.bytes = bytes;
    const cells = [undefined, ...SHAPES].map((shape) => {
      const { ms, kb, pieces, misses, anew } = replay(letters.slice(WARMUPS), letters.slice(0, WARMUPS), shape);
      return `${pieces.toFixed(1)} / ${misses.toFixed(1)}, ${anew.toFixed(1)} KB anew, ${ms.toFixed(3)} ms, ${kb.toFixed(2)} KB`;
    });
    console.log(`| ${locale} | ${cells.join(" | ")} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
