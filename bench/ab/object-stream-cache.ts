/**
 * What the object-stream cache (object-streams.ts, OBJECT_STREAMS) saves a mail merge, measured on
 * the very texts the writer deflates: a stream of letters to new readers (bench/workload.ts) is
 * rendered once per language while the object streams' texts are recorded (as the writer looks them
 * up in its cache), then the same-run A/B
 * times the one step that changed, alternating which goes first: A deflates every text (main), B
 * looks each up in a cache of the same kind and budget, deflating and keeping it on a miss (the
 * cache starts empty each round and sees the warm-up letters first, as a renderer's would). Figures:
 * hits, and the medians over rounds of microseconds per letter, with the ratio B/A. The machine is shared: read the ratio.
 *
 *   npx tsx bench/ab/object-stream-cache.ts [--locales en,es,el,ar,he,zh] [--docs 30] [--warmups 6] [--rounds 15]
 */
import { deflateSync as deflate } from "node:zlib";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderDocument } from "../../functions/core/render-document";
import type { LocaleId } from "../../functions/core/locales";
import { CACHE_BUDGETS, LruCache } from "../../functions/core/pdf/cache";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: {
    locales: { type: "string", default: "en,es,el,ar,he,zh" },
    docs: { type: "string", default: "30" },
    warmups: { type: "string", default: "6" },
    rounds: { type: "string", default: "15" },
  },
});
/** What objectStream deflates with (object-streams.ts). */
const OBJECT_STREAM_DEFLATE = { level: 6, memLevel: 9 };
/** An object stream's text starts with its index, "number offset" pairs; no other cache's key does. */
const OBJECT_STREAM_TEXT = /^\d+ 0 \d+ \d+ /;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const docs = Number(values.docs);
  const warmups = Number(values.warmups);
  const locales = values.locales.split(",") as LocaleId[];
  // Recording: every object stream's text the writer looks up in its cache (hit or miss), per letter.
  let recording: string[] | null = null;
  const get = LruCache.prototype.get;
  LruCache.prototype.get = function (this: LruCache<unknown, unknown>, key: unknown) {
    if (recording && typeof key === "string" && OBJECT_STREAM_TEXT.test(key.slice(0, 32))) recording.push(key);
    return get.call(this, key);
  };
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const parsed = mailMergeLetter(real, ordinalRange(1, locales.length * (warmups + docs)));
  const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  let next = 0;
  console.log("| locale | streams/letter | KB/letter | hits | A µs/letter | B µs/letter | B/A |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const locale of locales) {
    const letters: string[][] = [];
    for (let i = 0; i < warmups + docs; i++) {
      recording = [];
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[next++] ?? null });
      letters.push(recording);
    }
    recording = null;
    // Copies: the cache must compare texts, not find the very string it was given.
    const copy = (text: string) => Buffer.from(text, "latin1").toString("latin1");
    const runA = () => {
      const start = process.hrtime.bigint();
      for (const texts of letters.slice(warmups)) for (const text of texts) deflate(Buffer.from(text, "latin1"), OBJECT_STREAM_DEFLATE);
      return Number(process.hrtime.bigint() - start) / 1000 / docs;
    };
    let hits = 0;
    const runB = () => {
      const cache = new LruCache<string, Buffer>({ maxBytes: CACHE_BUDGETS.objectStreams, sizeOf: (text, data) => LruCache.weigh.string(text) + LruCache.weigh.bytes(data) });
      const look = (text: string) => {
        let data = cache.get(text);
        if (data === undefined) {
          data = deflate(Buffer.from(text, "latin1"), OBJECT_STREAM_DEFLATE);
          cache.set(text, data);
          return false;
        }
        return true;
      };
      for (const texts of letters.slice(0, warmups)) for (const text of texts) look(copy(text));
      const measured = letters.slice(warmups).map((texts) => texts.map(copy));
      hits = 0;
      const start = process.hrtime.bigint();
      for (const texts of measured) for (const text of texts) if (look(text)) hits++;
      return Number(process.hrtime.bigint() - start) / 1000 / docs;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      if (round % 2 === 0) {
        a.push(runA());
        b.push(runB());
      } else {
        b.push(runB());
        a.push(runA());
      }
    }
    const measured = letters.slice(warmups);
    const streams = measured.reduce((sum, texts) => sum + texts.length, 0);
    const kb = measured.reduce((sum, texts) => sum + texts.reduce((s, text) => s + text.length, 0), 0) / 1024 / docs;
    console.log(
      `| ${locale} | ${(streams / docs).toFixed(2)} | ${kb.toFixed(1)} | ${hits}/${streams} | ${median(a).toFixed(0)} | ${median(b).toFixed(0)} | ${(median(b) / median(a)).toFixed(3)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
