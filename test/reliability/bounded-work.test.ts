/**
 * Bounded work (issue 15 item 8): the largest letter the data rules accept, in all seven languages,
 * renders in one process with a heap the size of the render function's, and the heap after GC stays
 * bounded however many documents the process renders. How this was checked against the old code:
 * on the old limits (2 MiB translations) the child ran out of its 512 MB heap in its first PDF, after about 60 s;
 * with the old caches (bounded by entries only) the heap kept after GC grew with every language,
 * 44 MB after the English PDF to 149 MB after the seventh, past the bound stated here (new caches:
 * 35 to 55 MB).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseLetter } from "../../functions/core/letter/parse-letter";
import { bytesBesidesFingerprints, LIMITS } from "../../functions/core/letter/schema";
import { TOTAL_CACHE_BUDGET } from "../../functions/core/pdf/cache";
import { READER_LIMITS } from "../../functions/letters/reader-rules";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";
import { largestLetterFiles } from "./support/largest-letter";

const MB = 1024 * 1024;
/** Half the render Lambda's 1,024 MB: the old space a render process must fit in, with room for buffers and fonts beside it. */
const HEAP_LIMIT_MB = 512;
/**
 * What a process may keep after GC beyond its state before the first document (fonts, templates):
 * the caches' whole budget and 32 MB for the letter it holds (seven parsed 256 KiB translations and
 * their files) and the last document.
 */
const RETAINED_BOUND = TOTAL_CACHE_BUDGET + 32 * MB;
const LOCALES = ["en", "fr", "es", "ru", "zh", "ar", "ko"] as const;

interface ChildReport {
  fileBytes: number[];
  baseline: number;
  documents: { locale: string; format: string; bytes: number; heapAfterGc: number; cachedBytes: number }[];
}

describe("bounded work", () => {
  test("the generated letter is the largest the rules accept: every translation at the file limit, every count at its limit", () => {
    const files = largestLetterFiles({ locales: LOCALES });
    const translations = files.filter((file) => file.name !== "letter.json");
    for (const file of translations) {
      const raw = "bytes" in file ? file.bytes : Buffer.alloc(0);
      // Counted as the data rules count a file: its bytes, its translationOf fingerprints aside.
      const bytes = bytesBesidesFingerprints(raw.length, JSON.parse(Buffer.from(raw).toString("utf8")));
      expect({ file: file.name, atTheLimit: bytes <= LIMITS.fileBytes && bytes > LIMITS.fileBytes - 64 && raw.length <= READER_LIMITS.maxFileBytes }).toEqual({
        file: file.name,
        atTheLimit: true,
      });
    }
    const parsed = parseLetter("largest", files);
    expect([...parsed.localeErrors.values()].map((error) => error.message)).toEqual([]);
    expect(parsed.letter.facts.signatories).toHaveLength(LIMITS.signatories);
    for (const locale of LOCALES) {
      expect(parsed.letter.translations.get(locale)!.paragraphs).toHaveLength(LIMITS.paragraphs);
    }
  });

  test(`its PDFs and pages in all seven languages render in one process with a ${HEAP_LIMIT_MB} MB heap that stays bounded after GC`, async () => {
    const child = join(__dirname, "support/render-largest-letter.ts");
    const args = ["--expose-gc", `--max-old-space-size=${HEAP_LIMIT_MB}`, ...RENDER_NODE_OPTIONS.split(" "), "--import", "tsx", child, LOCALES.join(","), "0", "1"];
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * MB, cwd: join(__dirname, "../..") }));
    } catch (error) {
      const { code, signal, stderr } = error as { code?: number; signal?: string; stderr?: string };
      const what = (stderr ?? "").includes("heap out of memory") ? `ran out of its ${HEAP_LIMIT_MB} MB heap` : "failed";
      throw new Error(`the render process ${what} (exit ${code}, signal ${signal}): ${(stderr ?? "").slice(-1500)}`);
    }
    const report = JSON.parse(stdout) as ChildReport;
    expect(report.fileBytes.slice(1).every((bytes) => bytes > LIMITS.fileBytes - 64)).toBe(true);
    expect(report.documents.map((document) => `${document.locale}.${document.format}`)).toEqual(LOCALES.flatMap((locale) => [`${locale}.pdf`, `${locale}.html`]));
    for (const document of report.documents) expect(document.bytes).toBeGreaterThan(0);
    const retained = report.documents.map((document) => ({
      document: `${document.locale}.${document.format}`,
      retainedMB: Math.round((document.heapAfterGc - report.baseline) / MB),
    }));
    const overBound = retained.filter((entry) => entry.retainedMB * MB > RETAINED_BOUND);
    expect({ boundMB: RETAINED_BOUND / MB, overBound }).toEqual({ boundMB: RETAINED_BOUND / MB, overBound: [] });
    // The caches filled by half at least (the letter has far more words than they may keep) and held to their budget.
    expect(Math.max(...report.documents.map((document) => document.cachedBytes))).toBeGreaterThan(TOTAL_CACHE_BUDGET / 2);
    expect(Math.max(...report.documents.map((document) => document.cachedBytes))).toBeLessThanOrEqual(TOTAL_CACHE_BUDGET);
  }, 600_000);
});
