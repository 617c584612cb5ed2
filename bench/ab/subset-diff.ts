/**
 * How much of a warm letter's font subsets equals the previous letter's (issue 13 item 8), and what
 * deflating them in pieces (font-pieces.ts) deflates anew, costs in bytes and in this process's CPU
 * time: renders a mail merge to new readers (bench/workload.ts), records every subset the typesetter's
 * caches take in (misses: what a letter pays), pairs each with the previous letter's of the same font
 * (the longest common start) and prints the tables that differ (--diff), then deflates the sequence
 * whole and in pieces at a few shapes (whatever their size), a piece cache kept across letters.
 *
 *   npx tsx bench/ab/subset-diff.ts [--locales el,en,ar,ja] [--docs 20] [--warmups 5] [--diff]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { deflateSync } from "node:zlib";
import type { LocaleId } from "../../functions/core/locales";
import { LruCache } from "../../functions/core/pdf/cache";
import { type DeflatedPiece, deflateInPieces } from "../../functions/core/pdf/chunked-deflate";
import { fontProgramPieces } from "../../functions/core/pdf/font-pieces";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: {
    locales: { type: "string", default: "el,en,ar,ja" },
    docs: { type: "string", default: "20" },
    warmups: { type: "string", default: "5" },
    diff: { type: "boolean", default: false },
  },
});

function tables(bytes: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let i = 0; i < bytes.readUInt16BE(4); i++) {
    const at = 12 + i * 16;
    out.set(bytes.toString("latin1", at, at + 4), bytes.subarray(bytes.readUInt32BE(at + 8), bytes.readUInt32BE(at + 8) + bytes.readUInt32BE(at + 12)));
  }
  return out;
}

function common(a: Buffer, b: Buffer): { prefix: number; suffix: number } {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { prefix, suffix };
}

const FONT = { level: 6, memLevel: 9 };
const SHAPES = [12, 13, 14].flatMap((bits) => [1, 4].map((dictionaryPieces) => ({ name: `font 2^${bits} dict ${dictionaryPieces}`, bits, dictionaryPieces })));

async function main(): Promise<void> {
  const docs = Number(values.docs);
  const warmups = Number(values.warmups);
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  let taken: { font: Buffer[] } = { font: [] };
  const set = LruCache.prototype.set;
  LruCache.prototype.set = function (this: LruCache<unknown, unknown>, key: unknown, value: unknown) {
    if (value instanceof Uint8Array && ["true", "OTTO"].includes(Buffer.from(value.subarray(0, 4)).toString("latin1"))) taken.font.push(Buffer.from(value));
    return set.call(this, key, value);
  };
  console.log(`${docs} letters per language to new readers after ${warmups} warm-ups; KB per letter`);
  console.log("| lang | shape | new subsets/letter | input KB | whole: ms, out KB | pieces: deflated anew KB, pieces anew, ms, out KB |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  let ordinal = 1;
  for (const locale of values.locales.split(",") as LocaleId[]) {
    const parsed = mailMergeLetter(real, ordinalRange(ordinal, warmups + docs));
    const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    ordinal += warmups + docs;
    const letters: { font: Buffer[] }[] = [];
    for (let i = 0; i < warmups + docs; i++) {
      taken = { font: [] };
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[i] ?? null });
      letters.push(taken);
    }
    if (values.diff) {
      for (let i = warmups; i < letters.length; i++) {
        for (const font of letters[i]!.font) {
          const best = letters[i - 1]!.font.map((p) => ({ p, ...common(p, font) })).sort((x, y) => y.prefix - x.prefix)[0];
          if (!best || font.toString("latin1", 0, 4) === "OTTO") continue;
          const a = tables(best.p);
          const changed = [...tables(font)]
            .filter(([tag, t]) => !a.get(tag)?.equals(t))
            .map(([tag, t]) => {
              const c = common(a.get(tag) ?? Buffer.alloc(0), t);
              return `${tag}(${a.get(tag)?.length}->${t.length}, same start ${c.prefix}, end ${c.suffix})`;
            });
          console.log(`${locale} letter ${i}: ${font.length} B, same start ${best.prefix} end ${best.suffix}; ${changed.join(" ")}`);
        }
      }
    }
    for (const shape of SHAPES) {
      const options = FONT;
      const piecesOf = (bytes: Buffer) => fontProgramPieces(bytes, shape.bits, shape.dictionaryPieces);
      // Best of 3 passes, each replaying the whole merge on an empty piece cache and timing the measured letters.
      let best = { whole: Infinity, pieces: Infinity };
      let sizes = { anew: 0, piecesAnew: 0, input: 0, whole: 0, out: 0, count: 0 };
      for (let pass = 0; pass < 7; pass++) {
        const cache = new Map<string, DeflatedPiece>();
        const s = { anew: 0, piecesAnew: 0, input: 0, whole: 0, out: 0, count: 0 };
        let counting = false;
        const pieceCache = {
          get: (key: string) => cache.get(key),
          set: (key: string, piece: DeflatedPiece) => {
            cache.set(key, piece);
            if (!counting) return;
            s.anew += piece.length;
            s.piecesAnew++;
          },
        };
        let wholeMs = 0;
        let piecesMs = 0;
        letters.forEach((letter, i) => {
          counting = i >= warmups;
          for (const bytes of letter.font) {
            // CPU time of this process (µs): the machine is shared, and wall time counts the others.
            let start = process.cpuUsage().user;
            const deflated = deflateInPieces(bytes, pieceCache, options, { cutOdds: 1, dictionaryBytes: 32 * 1024, dictionaryPieces: shape.dictionaryPieces }, piecesOf(bytes));
            if (counting) piecesMs += (process.cpuUsage().user - start) / 1000;
            start = process.cpuUsage().user;
            const whole = deflateSync(bytes, options).length;
            if (!counting) continue;
            wholeMs += (process.cpuUsage().user - start) / 1000;
            s.count++;
            s.input += bytes.length;
            s.whole += whole;
            s.out += deflated.length;
          }
        });
        best = { whole: Math.min(best.whole, wholeMs), pieces: Math.min(best.pieces, piecesMs) };
        sizes = s;
      }
      const kb = (n: number) => (n / docs / 1024).toFixed(2);
      const ms = (n: number) => (n / docs).toFixed(3);
      console.log(
        `| ${locale} | ${shape.name} | ${(sizes.count / docs).toFixed(1)} | ${kb(sizes.input)} | ${ms(best.whole)}, ${kb(sizes.whole)} | ${kb(sizes.anew)}, ${(sizes.piecesAnew / docs).toFixed(1)}, ${ms(best.pieces)}, ${kb(sizes.out)} |`,
      );
    }
  }
  LruCache.prototype.set = set;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
