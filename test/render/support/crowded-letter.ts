import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { translationOfSource } from "../../../functions/core/letter/source-fingerprint";
import { DATA_DIR, SEED_LETTER } from "../../support/letters";

export interface CrowdedLetterOptions {
  letterId: string;
  /** The source language first; every one must be a language of the seed letter. */
  locales: readonly string[];
  recipients: number;
  /** Extra facts for letter.json (a `date`, to make another revision of the same text). */
  facts?: Record<string, unknown>;
}

const read = (file: string) => JSON.parse(readFileSync(join(DATA_DIR, SEED_LETTER, file), "utf8")) as Record<string, unknown>;

/**
 * Writes a letter folder made from the seed letter's text with many recipients: `r1`..`rN`, their
 * languages taken in turn from `locales`, every translation naming every recipient (as the data
 * rules require) and recording the new source's fingerprint, so no language is stale.
 */
export async function writeCrowdedLetter(dataDir: string, options: CrowdedLetterOptions): Promise<{ recipientIds: string[]; byLocale: Map<string, string[]> }> {
  const [source, ...others] = options.locales;
  if (!source) throw new Error("at least one locale");
  const seedFacts = read("letter.json");
  const recipientIds = Array.from({ length: options.recipients }, (_, index) => `r${index + 1}`);
  const byLocale = new Map<string, string[]>(options.locales.map((locale) => [locale, []]));
  const recipients = recipientIds.map((id, index) => {
    const locale = options.locales[index % options.locales.length] as string;
    byLocale.get(locale)?.push(id);
    return { id, country: "FR", locale };
  });
  const facts = { ...seedFacts, id: options.letterId, sourceLocale: source, recipients, ...options.facts };
  const named = (translation: Record<string, unknown>) => ({
    ...translation,
    recipients: Object.fromEntries(recipientIds.map((id) => [id, { country: `Country ${id}`, representative: `Representative ${id}` }])),
  });
  const { translationOf: _none, ...sourceText } = named(read(`${source}.json`)) as Record<string, unknown>;
  const dir = join(dataDir, options.letterId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "letter.json"), JSON.stringify(facts, null, 2));
  await writeFile(join(dir, `${source}.json`), JSON.stringify(sourceText, null, 2));
  for (const locale of others) {
    const translation = { ...named(read(`${locale}.json`)), translationOf: translationOfSource(sourceText, source, recipientIds) };
    // Written compactly, as the largest letter the limits allow need not be indented (its fingerprints have room of their own: reader-rules.ts).
    await writeFile(join(dir, `${locale}.json`), JSON.stringify(translation));
  }
  return { recipientIds, byLocale };
}
