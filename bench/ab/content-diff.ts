/**
 * How much of a warm letter's page content is new from one reader to the next (issue 13 item 8):
 * renders letters to new readers (bench/workload.ts) in-process, records each page content stream
 * deflated in the measured stretch (a cache miss), and reports, against the previous letter's, the
 * common prefix and suffix and how many of its lines (text objects) are new.
 *
 *   npx tsx bench/ab/content-diff.ts [--locales he,th] [--docs 6] [--warmups 4]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import type { LocaleId } from "../../functions/core/locales";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({ options: { locales: { type: "string", default: "he,th" }, docs: { type: "string", default: "6" }, warmups: { type: "string", default: "4" } } });

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const docs = Number(values.docs);
  const warmups = Number(values.warmups);
  let ordinal = 1;
  for (const locale of values.locales.split(",") as LocaleId[]) {
    const parsed = mailMergeLetter(real, ordinalRange(ordinal, warmups + docs));
    const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    ordinal += warmups + docs;
    const pages: string[][] = [];
    let current: string[] = [];
    const hook = (text: string) => current.push(text);
    (globalThis as { __contentHook?: (text: string) => void }).__contentHook = hook;
    const original = zlib.deflateSync;
    (zlib as { deflateSync: typeof zlib.deflateSync }).deflateSync = ((buffer: Uint8Array, options?: zlib.ZlibOptions) => {
      const text = Buffer.from(buffer).toString("latin1");
      if (text.startsWith("q 1 0 0 -1") || text.startsWith("1 0 0 -1 0 ")) current.push(text);
      return original(buffer, options);
    }) as typeof zlib.deflateSync;
    for (let i = 0; i < warmups + docs; i++) {
      current = [];
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[i] ?? null });
      pages.push(current);
    }
    (zlib as { deflateSync: typeof zlib.deflateSync }).deflateSync = original;
    for (let i = warmups; i < warmups + docs; i++) {
      const [a, b] = [pages[i - 1]![0] ?? "", pages[i]![0] ?? ""];
      let prefix = 0;
      while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
      let suffix = 0;
      while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
      const linesA = new Set(a.split("ET"));
      const linesB = b.split("ET");
      const fresh = linesB.filter((line) => !linesA.has(line));
      console.log(
        `${locale} letter ${i}: ${pages[i]!.length} streams, page 1 ${b.length} B, common prefix ${prefix} B, suffix ${suffix} B, ${fresh.length}/${linesB.length} text objects new (${fresh.reduce((s, l) => s + l.length, 0)} B)`,
      );
      if (process.env.SHOW) {
        const la = a.split("ET");
        const lb = b.split("ET");
        for (let k = 0; k < Math.min(la.length, lb.length, 8); k++)
          if (la[k] !== lb[k]) console.log("A", JSON.stringify(la[k]!.slice(0, 300)), "\nB", JSON.stringify(lb[k]!.slice(0, 300)));
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
