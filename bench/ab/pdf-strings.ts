/**
 * What pdfkit's conversion of a string object costs (PDFObject.convert, run by PDFReference.finalize), the
 * work pdfkit-adapter.ts's PDF_STRINGS cache saves a letter: each string of the seed letter's document
 * information (en) written as an object, `--count` times, median of `--rounds`, in µs per string.
 *
 *   npx tsx bench/ab/pdf-strings.ts [--rounds 9] [--count 2000]
 */
import PDFDocument = require("pdfkit");
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "9" }, count: { type: "string", default: "2000" } } });

interface Writer {
  ref(data: unknown): { finalize(): void };
  _write(data: unknown): void;
  _refEnd(): void;
}

async function main(): Promise<void> {
  const root = join(__dirname, "../..");
  const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(root, "data"), "unsc-dprk-2015");
  const { bytes } = await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale: "en", format: "pdf", recipientId: null });
  // The strings as the letter's PDF carries them (poppler reads the information dictionary).
  const work = mkdtempSync(join(tmpdir(), "pdf-strings-"));
  const file = join(work, "letter.pdf");
  writeFileSync(file, bytes);
  const info = execFileSync("pdfinfo", ["-enc", "UTF-8", file], { encoding: "utf8" });
  rmSync(work, { recursive: true, force: true });
  const strings = ["Title", "Author", "Subject", "Keywords", "Creator", "Producer"].map((key) => [key, new RegExp(`^${key}:\\s+(.*)$`, "m").exec(info)?.[1] ?? ""] as const);
  const doc = new PDFDocument({ font: null as unknown as string, autoFirstPage: false }) as unknown as Writer;
  doc._write = () => {};
  doc._refEnd = () => {};
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  for (const [key, text] of strings) {
    const rounds: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < Number(values.count); i++) doc.ref(new String(text)).finalize();
      rounds.push(Number(process.hrtime.bigint() - start) / 1000 / Number(values.count));
    }
    console.log(`${key} (${text.length} characters): ${median(rounds).toFixed(1)} µs`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
