import type { DocumentStore } from "../storage/document-store";
import type { Manifest } from "../storage/manifest";

/** What became of `latest.json` after a publish. */
export type PointerOutcome = "pointed" | "already" | "incomplete";

const listsAll = (manifest: Manifest | undefined, keys: ReadonlySet<string>): boolean => {
  if (!manifest) return false;
  const listed = new Set(manifest.documents.map((document) => document.key));
  for (const key of keys) if (!listed.has(key)) return false;
  return true;
};

/**
 * Points `latest.json` at a revision only when that shows no half-made revision: once its manifest
 * lists every document the letter can make (`complete`: every document of every served language
 * that is not refused, general and personalized), or when the letter has no published revision yet
 * (nothing older to be half-replaced: a new letter appears as its documents are stored). Until then
 * the letters page and downloads keep showing the previous revision whole.
 *
 * A changed letter is rendered in parts that publish concurrently: the one that completes the
 * revision may not see the others' documents in the manifest its own publish returned. So an
 * incomplete answer is read again after the publish: manifests only grow, and every publisher reads
 * after its own publish ended, so the last of them to read sees every document and points.
 */
export async function pointLatestWhenComplete(
  store: DocumentStore,
  letterId: string,
  revision: string,
  published: Manifest,
  complete: ReadonlySet<string>,
): Promise<PointerOutcome> {
  if (listsAll(published, complete)) {
    await store.pointLatest(letterId, revision);
    return "pointed";
  }
  const latest = await store.getLatest(letterId);
  if (latest?.revision === revision) return "already";
  if (latest === undefined || listsAll(await store.getManifest(letterId, revision), complete)) {
    await store.pointLatest(letterId, revision);
    return "pointed";
  }
  return "incomplete";
}
