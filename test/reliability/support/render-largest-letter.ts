/**
 * Child process of the bounded-work test and of the size measurement: renders the largest letter's
 * documents one after another and prints, as one JSON line, the heap after a full GC following each
 * document and the time each took. Run with --expose-gc and the heap limit under test.
 *
 * Arguments: <locales, comma-separated> <file bytes> <rounds> [--no-html]
 */
import { parseLetter } from "../../../functions/core/letter/parse-letter";
import { renderDocument } from "../../../functions/core/render-document";
import { createRenderer } from "../../../functions/render/create-renderer";
import { TOTAL_CACHE_BUDGET } from "../../../functions/core/pdf/cache";
import type { LocaleId } from "../../../functions/core/locales";
import { TEMPLATES_DIR } from "../../support/letters";
import { largestLetterFiles } from "./largest-letter";

async function main(): Promise<void> {
  const [localesArg = "en", bytesArg = "0", roundsArg = "1"] = process.argv.slice(2);
  const withHtml = !process.argv.includes("--no-html");
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  const locales = localesArg.split(",") as LocaleId[];
  const files = largestLetterFiles({ locales, fileBytes: Number(bytesArg) || undefined });
  const parsed = parseLetter("largest", files);
  if (parsed.localeErrors.size > 0) throw new Error(`the generated letter is invalid: ${[...parsed.localeErrors.values()].map((error) => error.message).join("; ")}`);
  const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const documents: { locale: string; format: string; bytes: number; ms: number; heapAfterGc: number; maxRss: number; cachedBytes: number }[] = [];
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const locale of locales) {
      for (const format of withHtml ? (["pdf", "html"] as const) : (["pdf"] as const)) {
        const started = performance.now();
        const document = await renderDocument(renderer, parsed, { letterId: "largest", locale, format, recipientId: null });
        const ms = performance.now() - started;
        gc();
        documents.push({
          locale,
          format,
          bytes: document.bytes.length,
          ms: Math.round(ms),
          heapAfterGc: process.memoryUsage().heapUsed,
          maxRss: process.resourceUsage().maxRSS * 1024,
          cachedBytes: renderer.caches.bytes,
        });
      }
    }
  }
  const fileBytes = files.map((file) => ("bytes" in file ? file.bytes.length : 0));
  process.stdout.write(`${JSON.stringify({ fileBytes, baseline, cacheBudget: TOTAL_CACHE_BUDGET, documents })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
