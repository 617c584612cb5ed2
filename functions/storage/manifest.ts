import * as z from "zod";
import { DOCUMENT_FORMATS } from "../core/documents";
import { localeIdSchema } from "../core/locales";

/** One document of a revision, as confirmed stored: the manifest never lists anything else. */
export const manifestEntrySchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  locale: localeIdSchema,
  format: z.enum(DOCUMENT_FORMATS),
  /** null for the letter to the whole Council. */
  recipientId: z.string().nullable(),
  contentType: z.string().min(1),
  /** The letter's title in the document's language, for the letters page (absent in manifests written before it was recorded). */
  title: z.string().optional(),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/** `letters/{letterId}/{revision}/manifest.json`: every document of one revision of a letter. */
export const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  letterId: z.string(),
  revision: z.string(),
  documents: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** `letters/{letterId}/latest.json`: which revision is current. */
export const latestPointerSchema = z.object({
  schemaVersion: z.literal(1),
  letterId: z.string(),
  revision: z.string(),
  manifestKey: z.string(),
});
export type LatestPointer = z.infer<typeof latestPointerSchema>;

const byKey = (a: ManifestEntry, b: ManifestEntry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * A manifest's bytes. Documents are sorted by key and nothing time-dependent is recorded, so the same
 * documents always give the same bytes and a re-run stores nothing new.
 */
export function serializeManifest(manifest: Manifest): Buffer {
  const documents = [...manifest.documents].sort(byKey);
  return Buffer.from(`${JSON.stringify({ ...manifest, documents }, null, 2)}\n`, "utf8");
}

/**
 * The documents of a manifest with more added: a document of the same key replaces the listed one,
 * every other listed document stays. Sorted by key, as the manifest is stored.
 */
export function mergeManifestDocuments(listed: readonly ManifestEntry[], added: readonly ManifestEntry[]): ManifestEntry[] {
  const merged = new Map(listed.map((document) => [document.key, document]));
  for (const document of added) merged.set(document.key, document);
  return [...merged.values()].sort(byKey);
}

/**
 * `letters/{letterId}/{revision}/waiting.json`: the languages of the letter the revision's data cannot
 * make yet (a translation stale after its source changed, a file with an error), each with the file to
 * fix. Written by the render when it plans the revision, only when some language waits; read by the
 * letters page, which otherwise sees only what was published and would drop them silently.
 */
export const waitingLanguagesSchema = z.object({
  schemaVersion: z.literal(1),
  letterId: z.string(),
  revision: z.string(),
  languages: z.array(z.object({ locale: localeIdSchema, file: z.string().min(1), reason: z.string() })),
});
export type WaitingLanguages = z.infer<typeof waitingLanguagesSchema>;
export type WaitingLanguage = WaitingLanguages["languages"][number];

export function serializeLatestPointer(pointer: LatestPointer): Buffer {
  return Buffer.from(`${JSON.stringify(pointer, null, 2)}\n`, "utf8");
}
