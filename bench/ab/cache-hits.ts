/**
 * Which of the typesetter's caches hit in a warm mail merge: each document to a new reader (bench/workload.ts),
 * as the warm A/B renders them, with every cache's lookups counted by kind over the measured documents.
 * Run through tsx (one module graph with the renderer, so the count sees its caches):
 *
 *   npx tsx bench/ab/cache-hits.ts [--locales en,fa] [--docs 20] [--warmups 5]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { LocaleId } from "../../functions/core/locales";
import { TypesetterCaches } from "../../functions/core/pdf/cache";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({ options: { locales: { type: "string", default: "en" }, docs: { type: "string", default: "20" }, warmups: { type: "string", default: "5" } } });

const counts = new Map<string, { hits: number; misses: number }>();
let counting = false;
const of = TypesetterCaches.prototype.of;
TypesetterCaches.prototype.of = function (this: TypesetterCaches, kind) {
  const cache = of.call(this, kind as never) as ReturnType<typeof of>;
  const get = cache.get;
  if (!(get as { counted?: true }).counted) {
    const counted = function (this: typeof cache, key: unknown) {
      const value = get.call(this, key as never);
      if (counting) {
        const count = counts.get(kind.name) ?? { hits: 0, misses: 0 };
        if (value === undefined) count.misses++;
        else count.hits++;
        counts.set(kind.name, count);
      }
      return value;
    };
    (counted as { counted?: true }).counted = true;
    cache.get = counted as typeof cache.get;
  }
  return cache;
} as typeof of;

async function main(): Promise<void> {
  const warmups = Number(values.warmups);
  const docs = Number(values.docs);
  for (const locale of values.locales.split(",") as LocaleId[]) {
    counts.clear();
    const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
    const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
    const parsed = mailMergeLetter(real, ordinalRange(1, 1 + warmups + docs));
    const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    for (let n = 0; n < 1 + warmups + docs; n++) {
      counting = n > warmups;
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[n] ?? null });
    }
    const row = [...counts].map(([name, { hits, misses }]) => `${name} ${hits}/${hits + misses}`).join(", ");
    console.log(`${locale}: hits/lookups over ${docs} documents: ${row}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
