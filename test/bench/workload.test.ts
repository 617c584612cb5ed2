import { join } from "node:path";
import { renderDocument } from "../../functions/core/render-document";
import type { LocaleId } from "../../functions/core/locales";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { letterFactsSchema, translationSchema } from "../../functions/core/letter/schema";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { REPO_ROOT } from "../../bench/bundle";
import { FULL } from "../../bench/options";
import { BENCH_LETTER_ID, batchJobs, batchLetters, batchMergeOrdinals, mailMergeLetter, ordinalRange, personalizedStream } from "../../bench/workload";

/**
 * Issue 17: the bench's streams must address a reader the process has not rendered before, as a real
 * mail merge does, or the typesetter's content caches hit on a recipient's own words. The old stream
 * cycled the seed letter's 15 recipients (document 16 repeated document 1's reader).
 */
describe("the bench's mail merge", () => {
  let real: ParsedLetter;
  const locales = (): LocaleId[] => [...real.letter.translations.keys()];

  beforeAll(async () => {
    real = await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID);
  });

  it("gives the warm PDF and HTML streams of a full run (as render-entry makes them) no reader twice", () => {
    const pdfLength = 1 + FULL.warmups + FULL.iterations;
    const htmlLength = 1 + FULL.warmups + FULL.htmlIterations;
    for (const locale of locales()) {
      const pdf = personalizedStream(mailMergeLetter(real, ordinalRange(1, pdfLength)), locale, "pdf", pdfLength);
      const html = personalizedStream(mailMergeLetter(real, ordinalRange(1 + pdfLength, htmlLength)), locale, "html", htmlLength);
      const readers = [...pdf, ...html].map((request) => request.recipientId);
      expect(readers).toHaveLength(pdfLength + htmlLength);
      expect(readers).not.toContain(null);
      expect(new Set(readers).size).toBe(readers.length);
    }
  });

  it("refuses a stream longer than its merge rather than cycling back to a reader already rendered", () => {
    expect(() => personalizedStream(real, "en", "pdf", real.letter.facts.recipients.length + 1)).toThrow(/needs as many recipients.*mailMergeLetter/);
    expect(() => personalizedStream(mailMergeLetter(real, ordinalRange(1, 20)), "en", "pdf", 21)).toThrow(/stream of 21 letters/);
  });

  it("sends each of a full batch's letters to a reader of its own, whom its language's merge letter names", () => {
    const jobs = batchJobs(real, locales(), FULL.batchLetters);
    expect(jobs).toHaveLength(FULL.batchLetters);
    expect(new Set(jobs.map((job) => job.recipientId)).size).toBe(jobs.length);
    // Still every pairing of real recipient and language in turn (the costly scripts get their share).
    expect(new Set(jobs.map((job) => job.locale))).toEqual(new Set(locales()));
    const letters = batchLetters(real, batchMergeOrdinals(jobs));
    for (const job of jobs) {
      const merge = letters.get(job.locale) as ParsedLetter;
      expect(merge.letter.facts.recipients.map((recipient) => recipient.id)).toContain(job.recipientId);
      expect(merge.letter.translations.get(job.locale)?.recipients[job.recipientId]).toBeDefined();
    }
    // A language's merge names only its own jobs' readers (the HTML edition's merge-wide fonts cover those).
    const en = jobs.filter((job) => job.locale === "en").map((job) => job.recipientId);
    expect(letters.get("en")?.letter.facts.recipients.map((recipient) => recipient.id)).toEqual(en);
  });

  it("makes synthetic recipients that pass the letter schema, in every language, a few characters longer than the real ones", () => {
    const merge = mailMergeLetter(real, ordinalRange(1, 1000));
    expect(letterFactsSchema.safeParse(merge.letter.facts).success).toBe(true);
    const realIds = new Set(real.letter.facts.recipients.map((recipient) => recipient.id));
    for (const recipient of merge.letter.facts.recipients) expect(realIds.has(recipient.id)).toBe(false);
    for (const [locale, translation] of merge.letter.translations) {
      expect(translationSchema.safeParse(translation).success).toBe(true);
      const original = real.letter.translations.get(locale)?.recipients;
      const printed = translation.recipients["cn-16"];
      // Recipient 16 is derived from the first real one (cn) again, with its own ordinal.
      expect(printed?.representative).toBe(`${original?.cn?.representative} 16`);
      expect(printed?.country).toBe(`${original?.cn?.country} 16`);
      expect(translation.recipients["cn-1"]?.representative).not.toBe(printed?.representative);
    }
    // The real letter is left as loaded: no synthetic fact reaches data/ or the loaded letter.
    expect(real.letter.facts.recipients).toHaveLength(15);
  });

  it("prints the synthetic reader on the page in a Latin and an Arabic letter", async () => {
    const renderer = await createRenderer({ templatesDir: join(REPO_ROOT, "templates"), paper: "A4" });
    const merge = mailMergeLetter(real, ordinalRange(1, 20));
    for (const locale of ["en", "ar"] as const) {
      const [request] = personalizedStream(merge, locale, "html", 20).slice(17);
      const page = (await renderDocument(renderer, merge, request as NonNullable<typeof request>)).bytes.toString("utf8");
      const printed = merge.letter.translations.get(locale)?.recipients["ru-18"]?.representative as string;
      expect(request?.recipientId).toBe("ru-18");
      expect(page).toContain(printed);
    }
  });
});
