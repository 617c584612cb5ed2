import { z } from "zod";
import { SUPPORTED_LOCALES } from "../locales";

/**
 * The schema of letter data. The TypeScript types are derived from it, so the files, the validator
 * and the code cannot disagree. Limits keep a hostile file from exhausting memory further down.
 */
export const LIMITS = {
  textLength: 20_000,
  paragraphs: 200,
  segmentsPerParagraph: 100,
  signatories: 500,
  recipients: 10_000,
} as const;

/** Ids become S3 keys, file names and URL segments: lowercase letters, digits and inner hyphens only. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const slug = z.string().regex(SLUG_PATTERN, {
  error: "expected an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)",
});

export const localeId = z.enum(SUPPORTED_LOCALES, {
  error: (issue) => `expected one of the supported locales ${SUPPORTED_LOCALES.join(", ")}, got ${JSON.stringify(issue.input)}`,
});

// C0/C1 controls have no place in letter text; embedding and override controls (U+202A-U+202E) can
// make text display differently from what it says ("Trojan Source"), so they are refused. Isolates and
// marks (U+200E, U+200F, U+2066-U+2069) are legitimate in mixed-direction text and are allowed.
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

function describeCodePoint(text: string): string {
  const match = FORBIDDEN_CHARACTER.exec(text);
  const char = match?.[0] ?? "";
  const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  return `U+${code} at character ${match?.index ?? 0}`;
}

export const text = z
  .string({ error: (issue) => (issue.input === undefined ? "missing; expected a string" : "expected a string") })
  .refine((value) => value.trim().length > 0, { error: "expected non-empty text" })
  .refine((value) => value.length <= LIMITS.textLength, {
    error: `expected at most ${LIMITS.textLength} characters`,
  })
  .superRefine((value, ctx) => {
    if (FORBIDDEN_CHARACTER.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `contains a control, bidi override or unpaired surrogate character (${describeCodePoint(value)}); remove it`,
      });
    }
  });

const isoDate = z.iso.date({ error: "expected a date as YYYY-MM-DD" });

/** letter.json: the facts that do not depend on the language. */
export const letterFactsSchema = z.strictObject({
  id: slug,
  sourceLocale: localeId,
  /** The date the letter bears. Optional: the seed does not state it, and nothing is invented. */
  date: isoDate.optional(),
  /** True when the data holds excerpts of a longer letter, as published. */
  excerpt: z.boolean().default(false),
  signatories: z
    // The error states the rule; zod's default is only "Invalid URL" (test/reliability, issue 8).
    .array(z.strictObject({ id: slug, website: z.url({ protocol: /^https$/, error: "expected an https:// URL" }).optional() }))
    .min(1, { error: "expected at least one signatory" })
    .max(LIMITS.signatories),
  recipients: z
    .array(
      z.strictObject({
        id: slug,
        country: z.string().regex(/^[A-Z]{2}$/, { error: "expected an ISO 3166-1 alpha-2 country code" }),
        locale: localeId,
        permanentMember: z.boolean(),
        /** The ambassador's name, when known. Optional: the seed names nobody. */
        representativeName: text.optional(),
      }),
    )
    .max(LIMITS.recipients),
});

export const textSegmentSchema = z.strictObject({ text: text });
export const quoteSegmentSchema = z.strictObject({ quote: text, source: slug });

const segmentSchema = z.union([textSegmentSchema, quoteSegmentSchema], {
  error: 'expected a text segment {"text"} or a quotation {"quote", "source"}',
});

export const paragraphSchema = z.strictObject({
  id: slug,
  content: z
    .array(segmentSchema)
    .min(1, { error: "expected at least one segment" })
    .max(LIMITS.segmentsPerParagraph),
});

/** `<locale>.json`: everything a reader of that language sees that comes from the letter itself. */
export const translationSchema = z.strictObject({
  locale: localeId,
  /** Absent in the source language; in a translation, the source revision it was made from. */
  translationOf: z
    .strictObject({
      locale: localeId,
      sourceSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a SHA-256 as 64 lowercase hex digits" }),
    })
    .optional(),
  title: text,
  summary: text,
  sender: text,
  sources: z.record(slug, text),
  paragraphs: z
    .array(paragraphSchema)
    .min(1, { error: "expected at least one paragraph" })
    .max(LIMITS.paragraphs, { error: `expected at most ${LIMITS.paragraphs} paragraphs` }),
  signatories: z.record(slug, z.strictObject({ name: text, abbreviation: text.optional() })),
  recipients: z.record(slug, z.strictObject({ country: text, representative: text })),
});

export type LetterFacts = z.infer<typeof letterFactsSchema>;
export type Translation = z.infer<typeof translationSchema>;
export type Paragraph = z.infer<typeof paragraphSchema>;
export type Segment = Paragraph["content"][number];
export type Recipient = LetterFacts["recipients"][number];
