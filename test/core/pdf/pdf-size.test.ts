import { readFileSync } from "node:fs";
import type { DocumentRenderer } from "../../../functions/core/render-document";
import { renderDocument } from "../../../functions/core/render-document";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";
import { pdfInfo, run, toFile } from "./pdf-inspect";

/** Issue 17's budgets for the seed letter, tagged PDF/A-2a kept (KB of 1,000 bytes, as the bench counts). */
const BUDGETS = [
  { locale: "en", kb: 25 },
  { locale: "ar", kb: 45 },
  { locale: "ko", kb: 45 },
] as const;

/** The page content streams and forms, decoded (qpdf --qdf), to read the drawing operators. */
function decodedContent(file: string): string {
  const out = `${file}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
  return readFileSync(out, "latin1");
}

describe("PDF size", () => {
  let renderer: DocumentRenderer;
  let seed: ParsedLetter;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    seed = await loadSeedLetter();
  });

  it.each(BUDGETS)("the $locale seed letter is at most $kb KB, still a tagged PDF/A-2a", async ({ locale, kb }) => {
    const { bytes } = await renderDocument(renderer, seed, { letterId: SEED_LETTER, locale, format: "pdf", recipientId: null });
    const file = toFile(bytes);
    // The size shows in a failure: { locale, bytes }.
    expect({ locale, within: bytes.length <= kb * 1000 ? true : bytes.length }).toEqual({ locale, within: true });
    expect(pdfInfo(file)).toMatchObject({ Tagged: "yes", "PDF version": "1.7" });
    const xmp = run("pdfinfo", ["-meta", file]);
    expect(xmp).toContain("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>");
  });

  it("places a line's later runs by Td from the run before, and marks by a move from the mark before", async () => {
    const { bytes } = await renderDocument(renderer, seed, { letterId: SEED_LETTER, locale: "ar", format: "pdf", recipientId: null });
    const content = decodedContent(toFile(bytes));
    const textObjects = content.match(/\nBT\n[\s\S]*?\nET\n/g) ?? [];
    expect(textObjects.length).toBeGreaterThan(10);
    // One absolute text matrix per line, the rest relative moves.
    for (const text of textObjects) expect((text.match(/ Tm\n/g) ?? []).length).toBeLessThanOrEqual(1);
    expect(content).toMatch(/\n-?[\d.]+ 0 Td\n/);
    // Arabic's marks: no absolute "q s 0 0 s x y cm /G Do Q" per mark any more.
    expect(content).not.toMatch(/\nq [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm \/G\d+ Do Q\n/);
    expect(content).toMatch(/\n1 0 0 1 -?[\d.]+ -?[\d.]+ cm q [\d.]+ 0 0 [\d.]+ 0 0 cm \/G\d+ Do Q\n/);
  });
});
