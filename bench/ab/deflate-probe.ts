/**
 * Which streams a warm personalized letter deflates, and what each zlib setting would cost and save
 * on them (issue 17): renders a stream of letters to new readers (the synthetic mail merge of
 * bench/workload.ts) in-process from the sources, records the input of every `deflateSync` call
 * made in the measured stretch (after warm-ups; the caches' misses are what a letter pays), sorted by
 * kind (page content, ToUnicode CMap, font program, object stream, cross-reference stream, glyph
 * outline, other; and "pieces", the pieces of streams deflated in pieces, each deflated again whole here), then deflates each kind's inputs again at each setting and prints the time (best
 * of `--repeat`, so the shared machine's load counts least) and the bytes per letter.
 *
 *   npx tsx bench/ab/deflate-probe.ts [--locales en,ar,ko,zh] [--docs 20] [--warmups 5] [--repeat 5]
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
const { values } = parseArgs({
  options: {
    locales: { type: "string", default: "en,ar,ko,zh" },
    docs: { type: "string", default: "20" },
    warmups: { type: "string", default: "5" },
    repeat: { type: "string", default: "5" },
  },
});

type Kind = "page content" | "ToUnicode" | "font program" | "object stream" | "xref stream" | "outline" | "pieces" | "other";

function kindOf(bytes: Uint8Array): Kind {
  const head = Buffer.from(bytes.subarray(0, 24)).toString("latin1");
  // Every page starts by flipping to PDF coordinates (pdf-writer.ts), after pdfkit's own first operators.
  if (head.startsWith("1 0 0 -1 0 ") || head.startsWith("q 1 0 0 -1")) return "page content";
  if (head.startsWith("/CIDInit")) return "ToUnicode";
  if (bytes[0] === 0 && bytes[1] === 1 && bytes[2] === 0 && bytes[3] === 0) return "font program";
  if (head.startsWith("OTTO") || head.startsWith("true")) return "font program";
  if (/^\d+ \d+ \d+ \d+/.test(head)) return "object stream";
  if (bytes[0] === 2) return "xref stream";
  if (/^-?[\d.]+ -?[\d.]+ m/.test(head)) return "outline";
  return "other";
}

const SETTINGS: { name: string; options: zlib.ZlibOptions }[] = [
  { name: "level 9 (now)", options: { level: 9 } },
  { name: "level 6", options: { level: 6 } },
  { name: "level 4", options: { level: 4 } },
  { name: "level 1", options: { level: 1 } },
  { name: "9 memLevel 9", options: { level: 9, memLevel: 9 } },
  { name: "6 memLevel 9", options: { level: 6, memLevel: 9 } },
  { name: "9 filtered", options: { level: 9, strategy: zlib.constants.Z_FILTERED } },
  { name: "6 filtered", options: { level: 6, strategy: zlib.constants.Z_FILTERED } },
  { name: "7 filtered", options: { level: 7, strategy: zlib.constants.Z_FILTERED } },
  { name: "8 filtered", options: { level: 8, strategy: zlib.constants.Z_FILTERED } },
  { name: "level 7", options: { level: 7 } },
  { name: "level 8", options: { level: 8 } },
];

async function main(): Promise<void> {
  const locales = values.locales.split(",") as LocaleId[];
  const docs = Number(values.docs);
  const warmups = Number(values.warmups);
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const real = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const original = zlib.deflateSync;
  const originalRaw = zlib.deflateRawSync;
  console.log(`${docs} letters per language to new readers after ${warmups} warm-ups; ms = best of ${values.repeat} passes over the recorded inputs, per letter`);
  console.log("| lang | kind | calls/letter | input KB/letter | " + SETTINGS.map((s) => `${s.name} ms / KB`).join(" | ") + " |");
  console.log(`| --- | --- | --- | --- | ${SETTINGS.map(() => "---").join(" | ")} |`);
  let ordinal = 1;
  for (const locale of locales) {
    const parsed = mailMergeLetter(real, ordinalRange(ordinal, warmups + docs));
    const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    ordinal += warmups + docs;
    const recorded = new Map<Kind, Buffer[]>();
    let recording = false;
    (zlib as { deflateSync: typeof zlib.deflateSync }).deflateSync = ((buffer: zlib.InputType, options?: zlib.ZlibOptions) => {
      if (recording) {
        const bytes = Buffer.from(buffer as Uint8Array);
        const kind = kindOf(bytes);
        recorded.set(kind, [...(recorded.get(kind) ?? []), bytes]);
      }
      return original(buffer, options);
    }) as typeof zlib.deflateSync;
    // Streams deflated in pieces (chunked-deflate.ts: a first page's content, a CJK font program): each piece deflated anew.
    (zlib as { deflateRawSync: typeof zlib.deflateRawSync }).deflateRawSync = ((buffer: zlib.InputType, options?: zlib.ZlibOptions) => {
      if (recording) recorded.set("pieces", [...(recorded.get("pieces") ?? []), Buffer.from(buffer as Uint8Array)]);
      return originalRaw(buffer, options);
    }) as typeof zlib.deflateRawSync;
    for (let i = 0; i < warmups + docs; i++) {
      recording = i >= warmups;
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: ids[i] ?? null });
    }
    (zlib as { deflateSync: typeof zlib.deflateSync }).deflateSync = original;
    (zlib as { deflateRawSync: typeof zlib.deflateRawSync }).deflateRawSync = originalRaw;
    for (const [kind, inputs] of [...recorded].sort((a, b) => a[0].localeCompare(b[0]))) {
      const cells = SETTINGS.map(({ options }) => {
        let best = Infinity;
        let size = 0;
        for (let r = 0; r < Number(values.repeat); r++) {
          const start = performance.now();
          size = 0;
          for (const input of inputs) size += original(input, options).length;
          best = Math.min(best, performance.now() - start);
        }
        return `${(best / docs).toFixed(3)} / ${(size / docs / 1024).toFixed(2)}`;
      });
      const inputKb = inputs.reduce((sum, input) => sum + input.length, 0) / docs / 1024;
      console.log(`| ${locale} | ${kind} | ${(inputs.length / docs).toFixed(1)} | ${inputKb.toFixed(1)} | ${cells.join(" | ")} |`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
