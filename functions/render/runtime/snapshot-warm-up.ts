import LineBreaker = require("linebreak");
import { fillLetter } from "../../core/html/render-html";
import { LetterpressError } from "../../core/errors";
import { parseLetter, type ParsedLetter } from "../../core/letter/parse-letter";
import { sourceFingerprint } from "../../core/letter/source-fingerprint";
import { bidi } from "../../core/pdf/shaping";
import type { DocumentRenderer } from "../../core/render-document";

/*
 * A startup snapshot holds the heap as the build left it: code a build ran is compiled (its bytecode
 * kept), data a library makes on first use is made. What the snapshot's build cannot run is the PDF
 * itself (HarfBuzz is WebAssembly, which a snapshot build does not define, and the font files are read
 * after the restore), so the warm-up runs what comes before and beside it, on a letter of its own:
 * the letter read and validated (zod builds each schema's parser on first use), the letter template
 * filled (Handlebars), the Unicode tables of line breaking and bidi inflated. With the templates
 * precompiled (preparedBesideCode), 6-14% less CPU to the first PDF (bench/README.md). Its output is
 * dropped; the one cache it fills that documents read (the template's message formatters of en and
 * ar) is filled the same way by any document (test/render/runtime/snapshot-warm-up.test.ts).
 */

const WARM_UP_LETTER_ID = "snapshot-warm-up";

/** A letter in two scripts and both directions, with every kind of field the schema checks. */
function warmUpLetterFiles(): { name: string; bytes: Uint8Array }[] {
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const translation = (locale: string, sentence: string) => ({
    locale,
    title: sentence.slice(0, 40),
    summary: sentence,
    sender: sentence.slice(0, 30),
    sources: { report: sentence.slice(0, 50) },
    paragraphs: [
      { id: "opening", content: [{ text: `${sentence} ` }, { quote: sentence.slice(0, 60), source: "report" }, { text: ` (2015) ${sentence}` }] },
      { id: "closing", content: [{ text: sentence }] },
    ],
    signatories: { "first-org": { name: sentence.slice(0, 20) }, "second-org": { name: sentence.slice(5, 25) } },
    recipients: { gb: { country: sentence.slice(0, 12), representative: sentence.slice(0, 40) } },
  });
  const english = translation(
    "en",
    "Excellencies, we urge the Security Council to hold a formal session on the human rights situation in North Korea (DPRK) before the end of 2015.",
  );
  const arabic = {
    ...translation("ar", "أصحاب السعادة، نحث مجلس الأمن على عقد جلسة رسمية بشأن حالة حقوق الإنسان في كوريا الشمالية (DPRK) قبل نهاية عام 2015."),
    translationOf: { locale: "en", sourceSha256: sourceFingerprint(english) },
  };
  return [
    { name: "ar.json", bytes: json(arabic) },
    { name: "en.json", bytes: json(english) },
    {
      name: "letter.json",
      bytes: json({
        id: WARM_UP_LETTER_ID,
        sourceLocale: "en",
        excerpt: true,
        signatories: [{ id: "first-org" }, { id: "second-org" }],
        recipients: [{ id: "gb", country: "GB", locale: "en" }],
      }),
    },
  ];
}

/** The warm-up letter, parsed as the render function parses a letter it reads. */
function parsedWarmUpLetter(): ParsedLetter {
  const parsed = parseLetter(WARM_UP_LETTER_ID, warmUpLetterFiles());
  const problem = [...parsed.localeErrors.values()][0];
  // The warm-up letter is ours: a schema it no longer meets is a build error, not a silently colder start.
  if (problem) throw new LetterpressError("CONFIG_ERROR", `the snapshot's warm-up letter no longer validates: ${problem.message}`);
  return parsed;
}

/**
 * Runs, while a startup snapshot is built, the work of a first document that needs neither
 * WebAssembly nor the font files (see above), for each template of the renderer that has the
 * warm-up letter's languages. Changes no byte of any document: nothing it makes is kept where a
 * document reads.
 */
export function warmUpForSnapshot(renderer: DocumentRenderer): void {
  const parsed = parsedWarmUpLetter();
  // The template a letter gets without naming one; another template's partials are filled on its first document.
  const engine = renderer.templates.forLetter(parsed.letter);
  for (const locale of parsed.letter.translations.keys()) {
    if (!(locale in engine.set.catalogs)) continue;
    const text = fillLetter(engine, parsed.letter, locale, "gb").fragment.replace(/<[^>]*>/g, " ");
    // The typesetter's Unicode tables: line-break classes and bidi types, inflated on first lookup.
    const breaker = new LineBreaker(text);
    while (breaker.nextBreak()) {}
    bidi.getEmbeddingLevels(text, locale === "ar" ? "rtl" : "ltr");
  }
}
