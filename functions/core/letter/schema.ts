import * as z from "zod";
import { slug } from "./slug";
import { canonicalLocale, isLocaleId } from "../locales";
import { isKnownLanguage } from "./translation-file-name";
import { bidiControlProblem, blankParagraphProblem, combiningSequenceProblem, controlCharacterProblem, invisibleTextProblem, runTextProblem } from "./text-rules";
import { countryCodeProblem } from "./country-code";

/**
 * The schema of letter data. The TypeScript types are derived from it, so the files, the validator
 * and the code cannot disagree. Limits keep a hostile file from exhausting memory further down.
 */
/**
 * Counts and lengths. What a language costs to render grows with its text, and its text is bounded by
 * the size of its file less its translationOf fingerprints (`fileBytes`, 256 KiB, sized from
 * measurements of render time and memory against the render function's 60 s and 1,024 MB; the
 * figures are beside READER_LIMITS in functions/letters/reader-rules.ts). These limits bound the shape within that size: one text (a segment, a
 * name) may be as long as a long paragraph, a letter as long as any real one; their product allows
 * more text than fits in a file, so no letter within them costs more than the file limit allows.
 * test/reliability/bounded-work.test.ts renders a letter at every limit at once in a 512 MB heap.
 */
export const LIMITS = {
  textLength: 20_000,
  paragraphs: 200,
  segmentsPerParagraph: 100,
  signatories: 500,
  // A changed letter renders in bounded parts, one invocation each (functions/render/render-parts.ts);
  // what grows with recipients is each part's publish (the manifest it re-reads and re-writes, the
  // entries it lists): 2,000 recipients (4,006 documents, a 1.2 MB manifest) measured 1.1-3.9 s to
  // plan and 3.8-4.9 s for a part's publish against the embedded S3 (RELIABILITY.md, issue 15 item 8).
  recipients: 2_000,
  addresseeLines: 12,
  /**
   * Bytes of a data file besides its `translationOf` (`bytesBesidesFingerprints`): the text a language
   * prints, bounded as measured. The fingerprints are bookkeeping, printed by no document: a translation
   * records one per recipient whose words it holds, and at 2,000 recipients they alone, indented, took
   * its file past this size, so the largest letter these limits allow could not be written.
   */
  fileBytes: 256 * 1024,
} as const;

/**
 * Bytes of a data file (`rawBytes` long, parsed as `json`) counted against LIMITS.fileBytes: all of
 * them but its `translationOf`'s, which count as that value written compactly, without white space
 * (the least it can take up, so the text the rest holds is never more than the count says).
 */
export function bytesBesidesFingerprints(rawBytes: number, json: unknown): number {
  const translationOf = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>)["translationOf"] : undefined;
  return translationOf === undefined ? rawBytes : rawBytes - new TextEncoder().encode(JSON.stringify(translationOf)).length;
}

export { SLUG_PATTERN, slug } from "./slug";

/** What a language field expects, with the tag meant when the value is one written another way ("EN", "pt_BR"). */
function expectedLocale(input: unknown): string {
  const expected = `expected a BCP 47 language tag in canonical form (e.g. en, pt-BR, zh-Hant), got ${JSON.stringify(input) ?? "nothing"}`;
  const meant = typeof input === "string" ? canonicalLocale(input.replaceAll("_", "-")) : undefined;
  return meant !== undefined && meant !== input && isKnownLanguage(meant) ? `${expected}; write "${meant}"` : expected;
}

/** A language: a BCP 47 tag in canonical form; which ones exist is decided by the files present. */
export const localeId = z.string({ error: (issue) => expectedLocale(issue.input) }).refine(isLocaleId, { error: (issue) => expectedLocale(issue.input) });

/** A human-readable text field whose visibility `visible` decides: bounded, and read in the order it is written (text-rules.ts). */
const textOf = (visible: (value: string) => string | undefined) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? "missing; expected a string" : `expected a string, received ${describeInput(issue.input)}`) })
    .superRefine((value, ctx) => {
      const problems = [
        visible(value),
        value.length > LIMITS.textLength ? `expected at most ${LIMITS.textLength} characters` : undefined,
        controlCharacterProblem(value),
        bidiControlProblem(value),
        combiningSequenceProblem(value),
      ];
      for (const message of problems) if (message) ctx.addIssue({ code: "custom", message });
    });

/** Every human-readable text field: visible (not only whitespace or invisible characters). */
export const text = textOf(invisibleTextProblem);
/** A paragraph's text run between inline items: whitespace alone is allowed (a space between two quotations). */
const runText = textOf(runTextProblem);

/** A calendar date: the format first, then whether the day exists ("2026-02-30" does not). */
const isoDate = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "missing; expected a date as YYYY-MM-DD"
        : `expected a date as "YYYY-MM-DD" (a string), got ${JSON.stringify(issue.input) ?? describeInput(issue.input)}`,
  })
  .superRefine((value, ctx) => {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!parts) return void ctx.addIssue({ code: "custom", message: `expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}` });
    const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
    if (month < 1 || month > 12) return void ctx.addIssue({ code: "custom", message: `"${value}" is not a calendar date: there is no month ${month}; expected YYYY-MM-DD` });
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) {
      const monthName = new Intl.DateTimeFormat("en", { month: "long", timeZone: "UTC" }).format(Date.UTC(year, month - 1, 1));
      ctx.addIssue({ code: "custom", message: `"${value}" is not a calendar date: ${monthName} ${year} has ${daysInMonth} days` });
    }
  });

/**
 * An object with exactly these fields. When something else is found, the error lists the fields it
 * expects (zod says only "expected object, received string").
 */
function fields<Shape extends z.ZodRawShape>(shape: Shape) {
  const names = Object.entries(shape).map(([name, schema]) => (z.safeParse(schema, undefined).success ? `${JSON.stringify(name)}?` : JSON.stringify(name)));
  const legend = names.some((name) => name.endsWith("?")) ? " (? marks an optional one)" : "";
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "invalid_type" ? `expected an object with the fields ${names.join(", ")}${legend}, received ${describeInput(issue.input)}` : undefined),
  });
}

/**
 * A map from ids to values, with no prototype: a key such as "constructor" or "toString" is found
 * only if the data has it (every lookup of a user-supplied key is an own-property lookup).
 */
function recordOf<Value extends z.ZodType>(what: string, value: Value) {
  return z
    .record(slug, value, { error: (issue) => (issue.code === "invalid_type" ? `expected an object of ${what} by id, received ${describeInput(issue.input)}` : undefined) })
    .transform((record) => Object.assign(Object.create(null) as Record<string, z.output<Value>>, record));
}

/** What was found instead, in words: "a string", "an array", "null". */
export function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  const type = typeof input;
  return type === "undefined" ? "nothing" : `${type === "object" ? "an" : "a"} ${type}`;
}

/**
 * The template of a letter that names none. The Security Council template, because every letter
 * written before templates were folders was written for it: letters already stored in a bucket keep
 * rendering as they did, unchanged, and a new letter chooses its look by naming another folder.
 */
export const DEFAULT_TEMPLATE = "un-security-council";

/**
 * Ids of one list are unique: a second paragraph, signatory or recipient with an id already used
 * would give two elements one HTML id, and a translation could not say which it translates.
 */
function uniqueIds(list: string) {
  return (items: readonly { id: string }[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const earlier = first.get(item.id);
      if (earlier === undefined) first.set(item.id, index);
      else ctx.addIssue({ code: "custom", path: [index, "id"], message: `"${item.id}" is already the id of ${list}[${earlier}]; expected an id of its own` });
    });
  };
}

/** letter.json: the facts that do not depend on the language. */
export const letterFactsSchema = fields({
  id: slug,
  /** The letter's template: a folder templates/<name>/ (checked against the folders there are when the letter is validated for a renderer). */
  template: slug.default(DEFAULT_TEMPLATE),
  sourceLocale: localeId,
  /** The date the letter bears. Optional: the seed does not state it, and nothing is invented. */
  date: isoDate.optional(),
  /** True when the data holds excerpts of a longer letter, as published. */
  excerpt: z.boolean().default(false),
  signatories: z
    // The error states the rule; zod's default is only "Invalid URL" (test/reliability, issue 8).
    .array(fields({ id: slug, website: z.url({ protocol: /^https$/, error: "expected an https:// URL" }).optional() }))
    .min(1, { error: "expected at least one signatory" })
    .max(LIMITS.signatories)
    .superRefine(uniqueIds("signatories")),
  recipients: z
    .array(
      fields({
        id: slug,
        country: z.string().superRefine((value, ctx) => {
          const problem = countryCodeProblem(value);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
        locale: localeId,
        /** The ambassador's name, when known. Optional: the seed names nobody. */
        representativeName: text.optional(),
      }),
    )
    .max(LIMITS.recipients)
    .superRefine(uniqueIds("recipients")),
});

export const textSegmentSchema = fields({ text: runText });
export const quoteSegmentSchema = fields({ quote: text, source: slug });

const segmentSchema = z.union([textSegmentSchema, quoteSegmentSchema], {
  error: 'expected a text segment {"text"} or a quotation {"quote", "source"}',
});

export const paragraphSchema = fields({
  id: slug,
  content: z
    .array(segmentSchema)
    .min(1, { error: "expected at least one segment" })
    .max(LIMITS.segmentsPerParagraph)
    .superRefine((content, ctx) => {
      // A quotation is visible text itself; a paragraph of text runs only must have some.
      if (content.some((segment) => "quote" in segment)) return;
      const problem = blankParagraphProblem(content.map((segment) => ("text" in segment ? segment.text : "")));
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});

/** A source fingerprint as a translation records it (source-fingerprint.ts). */
const sha256 = z
  .string({ error: (issue) => `${issue.input === undefined ? "missing; " : ""}expected a SHA-256 as 64 lowercase hex digits` })
  .regex(/^[0-9a-f]{64}$/, { error: "expected a SHA-256 as 64 lowercase hex digits" });

/** `<locale>.json`: everything a reader of that language sees that comes from the letter itself. */
export const translationSchema = fields({
  locale: localeId,
  /**
   * Absent in the source language; in a translation, the source revision of each part it was made
   * from: the letter's own text (sourceSha256) and each recipient's words (recipients, by id).
   */
  translationOf: fields({
    locale: localeId,
    sourceSha256: sha256,
    /** Each source paragraph's fingerprint, by id: optional, it names the paragraphs a stale translation must update. */
    paragraphs: recordOf(
      "paragraph fingerprints",
      z
        .string({ error: "expected 16 lowercase hex digits (a paragraph's fingerprint)" })
        .regex(/^[0-9a-f]{16}$/, { error: "expected 16 lowercase hex digits (a paragraph's fingerprint)" }),
    ).optional(),
    /**
     * Each source part but its paragraphs and recipients, by path (`title`, `signatories.hrnk`): optional,
     * it names the parts a stale translation must update beside its paragraphs (partFingerprints).
     */
    parts: z
      .record(
        z.string().regex(/^[A-Za-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)?$/, { error: 'expected a part\'s path, a field or field.id ("title", "signatories.hrnk")' }),
        z
          .string({ error: "expected 16 lowercase hex digits (a part's fingerprint)" })
          .regex(/^[0-9a-f]{16}$/, { error: "expected 16 lowercase hex digits (a part's fingerprint)" }),
        { error: (issue) => (issue.code === "invalid_type" ? `expected an object of part fingerprints by path, received ${describeInput(issue.input)}` : undefined) },
      )
      .optional(),
    recipients: recordOf(
      "recipient fingerprints",
      z
        .string({ error: "expected 16 lowercase hex digits (a recipient's fingerprint)" })
        .regex(/^[0-9a-f]{16}$/, { error: "expected 16 lowercase hex digits (a recipient's fingerprint)" }),
    ).optional(),
  }).optional(),
  title: text,
  summary: text,
  sender: text,
  sources: recordOf("source names", text),
  paragraphs: z
    .array(paragraphSchema)
    .min(1, { error: "expected at least one paragraph" })
    .max(LIMITS.paragraphs, { error: `expected at most ${LIMITS.paragraphs} paragraphs` })
    .superRefine(uniqueIds("paragraphs")),
  signatories: recordOf("signatories", fields({ name: text, abbreviation: text.optional() })),
  recipients: recordOf("recipients", fields({ country: text, representative: text })),
  /**
   * The letter's own words where a template prints the letter's rather than its own messages (see
   * LETTER_WORDS): optional here, required in every language by a template that prints them.
   */
  addressee: z.array(text).min(1, { error: "expected at least one line" }).max(LIMITS.addresseeLines).optional(),
  salutation: text.optional(),
  valediction: text.optional(),
  senderKind: text.optional(),
});

/**
 * The words a letter may carry itself rather than take from its template's messages: whom it is
 * addressed to (the lines of the addressee block), how it greets and takes leave, and what kind of
 * sender signs it. A template that prints one of them needs it in every language of a letter.
 */
export const LETTER_WORDS = ["addressee", "salutation", "valediction", "senderKind"] as const;
export type LetterWord = (typeof LETTER_WORDS)[number];

/**
 * Fields letter.json once had, with why they went: an old file gets a reason, not only "unexpected
 * field". permanentMember was required and read by nothing (issue 12).
 */
export const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  permanentMember: "no longer a field: it was read by nothing; remove it (a template that groups recipients would say how in its own data)",
};

export type LetterFacts = z.infer<typeof letterFactsSchema>;
export type Translation = z.infer<typeof translationSchema>;
export type Paragraph = z.infer<typeof paragraphSchema>;
export type Segment = Paragraph["content"][number];
export type Recipient = LetterFacts["recipients"][number];
