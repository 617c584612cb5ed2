import { createHash } from "node:crypto";

/**
 * Fields of a language file that are not the letter's own text: bookkeeping, and the recipients'
 * words, which are fingerprinted one recipient at a time (see recipientFingerprints).
 */
const OUTSIDE_LETTER_TEXT = new Set(["locale", "translationOf", "recipients"]);

/** JSON with object keys sorted at every depth, so formatting and key order never change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

const sha256Hex = (value: unknown): string => createHash("sha256").update(canonicalJson(value)).digest("hex");

/**
 * SHA-256 of the letter's own text in a language file (everything but its bookkeeping fields and
 * its recipients' words), as lowercase hex: what `translationOf.sourceSha256` records.
 * A translation records the fingerprint of each part of the source it was made from; when a part
 * changes, only what was made from that part is out of date. Adding or removing a recipient
 * changes no part but that recipient's, so no translation is stale for it.
 */
export function sourceFingerprint(translationFile: Record<string, unknown>): string {
  return sha256Hex(Object.fromEntries(Object.entries(translationFile).filter(([key]) => !OUTSIDE_LETTER_TEXT.has(key))));
}

/**
 * Hex digits of a recipient's fingerprint: the first 64 bits of the SHA-256 of its words. Enough to
 * tell words that changed (a change goes unseen with odds of 2^-64), and a quarter of the bytes: a
 * translation read by a third of a letter's 2,000 recipients records 667 of them, and with whole
 * SHA-256s that alone took its file past the data file limit (256 KiB).
 */
export const RECIPIENT_FINGERPRINT_DIGITS = 16;

/**
 * The fingerprint of each recipient's words in a language file (`recipients.<id>`), by recipient id:
 * what `translationOf.recipients.<id>` records. A recipient's documents are stale when its own words changed.
 */
export function recipientFingerprints(translationFile: Record<string, unknown>): Map<string, string> {
  const recipients = translationFile.recipients;
  if (recipients === null || typeof recipients !== "object" || Array.isArray(recipients)) return new Map();
  return new Map(Object.entries(recipients as Record<string, unknown>).map(([id, words]) => [id, sha256Hex(words).slice(0, RECIPIENT_FINGERPRINT_DIGITS)]));
}

/**
 * The fingerprint of each paragraph of a language file (its id and content), by paragraph id, in
 * RECIPIENT_FINGERPRINT_DIGITS hex digits: what `translationOf.paragraphs.<id>` records, so that a stale
 * translation is told which paragraphs changed, were added or removed. `sourceSha256` still decides
 * staleness (it covers the title, sources and the rest too); these only say where the change is.
 */
export function paragraphFingerprints(translationFile: Record<string, unknown>): Map<string, string> {
  const paragraphs = translationFile.paragraphs;
  if (!Array.isArray(paragraphs)) return new Map();
  return new Map(
    paragraphs.flatMap((paragraph) => {
      const id = paragraph !== null && typeof paragraph === "object" ? (paragraph as { id?: unknown }).id : undefined;
      return typeof id === "string" ? [[id, sha256Hex(paragraph).slice(0, RECIPIENT_FINGERPRINT_DIGITS)] as const] : [];
    }),
  );
}

/**
 * The fingerprint of each part of the letter's own text that is not a paragraph, by its path in the
 * file, in RECIPIENT_FINGERPRINT_DIGITS hex digits: a field (`title`, `summary`, `salutation`, ...),
 * or one entry of a field holding entries by id (`signatories.hrnk`, `sources.coi`). What
 * `translationOf.parts` records, so that a stale translation is told exactly which of them changed,
 * beside its paragraphs. Together with paragraphFingerprints it covers all that sourceFingerprint does.
 */
export function partFingerprints(translationFile: Record<string, unknown>): Map<string, string> {
  const parts = new Map<string, string>();
  const fingerprint = (value: unknown) => sha256Hex(value).slice(0, RECIPIENT_FINGERPRINT_DIGITS);
  for (const [field, value] of Object.entries(translationFile)) {
    if (OUTSIDE_LETTER_TEXT.has(field) || field === "paragraphs") continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      for (const [id, entry] of Object.entries(value as Record<string, unknown>)) parts.set(`${field}.${id}`, fingerprint(entry));
    else parts.set(field, fingerprint(value));
  }
  return parts;
}

/** The ids (or paths) of the parts changed, added and removed since a translation recorded `recorded` (translationOf.paragraphs or .parts). */
export function paragraphChanges(recorded: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>): { changed: string[]; added: string[]; removed: string[] } {
  return {
    changed: [...current].filter(([id, fingerprint]) => recorded.has(id) && recorded.get(id) !== fingerprint).map(([id]) => id),
    added: [...current.keys()].filter((id) => !recorded.has(id)),
    removed: [...recorded.keys()].filter((id) => !current.has(id)),
  };
}

/**
 * What a translation made from this source file records as its `translationOf`: the letter's text's
 * fingerprint, and those of the recipients whose words the translation holds (`recipientIds`): its
 * recipients' copies print their readers' words, and its letter to all recipients prints every one's.
 */
export function translationOfSource(
  sourceFile: Record<string, unknown>,
  sourceLocale: string,
  recipientIds: readonly string[],
): { locale: string; sourceSha256: string; parts: Record<string, string>; paragraphs?: Record<string, string>; recipients?: Record<string, string> } {
  const all = recipientFingerprints(sourceFile);
  const recipients = recipientIds.flatMap((id) => (all.has(id) ? [[id, all.get(id) as string] as const] : []));
  const paragraphs = paragraphFingerprints(sourceFile);
  // A translation holding no recipient's words (a letter addressed to its committee alone) records the letter's text only.
  return {
    locale: sourceLocale,
    sourceSha256: sourceFingerprint(sourceFile),
    parts: Object.fromEntries(partFingerprints(sourceFile)),
    ...(paragraphs.size > 0 ? { paragraphs: Object.fromEntries(paragraphs) } : {}),
    ...(recipients.length > 0 ? { recipients: Object.fromEntries(recipients) } : {}),
  };
}
