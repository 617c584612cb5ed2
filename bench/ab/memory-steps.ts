/**
 * Where a render worker's memory goes, step by step (issue 17 item 4): the process's RSS, heap,
 * external memory (WebAssembly memories count here at their full size, touched or not) and peak RSS
 * after each step, with a full GC before each reading. Run from the tree (tsx adds ~60 MB of its own
 * to every figure: read the differences between steps, and the bench's figures for the bundle).
 *
 *   node --expose-gc --max-semi-space-size=4 --import tsx bench/ab/memory-steps.ts [--locales zh] [--formats pdf,html] [--docs 15]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { DocumentFormat } from "../../functions/core/documents";
import type { LocaleId } from "../../functions/core/locales";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: { locales: { type: "string", default: "zh" }, formats: { type: "string", default: "pdf,html" }, docs: { type: "string", default: "15" } },
});

const mb = (bytes: number) => Math.round(bytes / 1048576);
function reading(step: string): void {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  console.log(
    `| ${step} | ${mb(memory.rss)} | ${mb(memory.heapUsed)} | ${mb(memory.external)} | ${mb(memory.arrayBuffers)} | ${Math.round(process.resourceUsage().maxRSS / 1024)} |`,
  );
}

async function main(): Promise<void> {
  const locales = values.locales.split(",") as LocaleId[];
  const formats = values.formats.split(",") as DocumentFormat[];
  console.log("| step | RSS MB | heap used | external | array buffers | peak RSS |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  reading("start");
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  reading("renderer and letter");
  const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  for (const locale of locales) {
    for (const format of formats) {
      await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format, recipientId: null });
      reading(`first ${locale} ${format}`);
    }
  }
  for (let i = 0; i < Number(values.docs); i++) {
    for (const locale of locales) {
      for (const format of formats) await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format, recipientId: recipients[i % recipients.length] ?? null });
    }
  }
  reading(`${values.docs} personalized letters each`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
