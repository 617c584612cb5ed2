import { LetterpressError } from "../core/errors";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "./document-store";
import type { LatestPointer, Manifest } from "./manifest";

/**
 * The store as readers see it under `npm run serve`: only what the data still has. A letter whose
 * folder is gone from the data is not listed, has no latest revision and no manifest; a recipient
 * gone from its letter.json has no documents in any revision. So the letters page does not list
 * them, a download finds nothing (and the render, from the data, cannot make them: 404), and a share
 * link to them answers the 410 "gone" page. Their stored copies are kept, hidden, until withdrawn
 * (`npm run withdraw`): deleting them because a folder went missing (moved by mistake, another git
 * branch checked out) would lose every revision and every link for good; putting the folder back
 * shows them again.
 *
 * A letter that is there but cannot be read (mid-edit) hides nothing: which recipients it has is not
 * known, and its documents were published from data that was. Writes go to the store unchanged.
 */
export function dataBackedStore(store: DocumentStore, letters: LetterSource): DocumentStore {
  // No letters at all (or a folder that cannot be listed) shows none, rather than all that is stored.
  const letterIdsNow = () =>
    letters.listLetters().then(
      (listing) => listing.letterIds,
      (error: unknown) => {
        if (error instanceof LetterpressError) return [] as string[];
        throw error;
      },
    );
  const hasLetter = async (letterId: string) => (await letterIdsNow()).includes(letterId);
  /** The letter's recipients now, or undefined when its data cannot be read to say. */
  const recipientsOf = async (letterId: string): Promise<ReadonlySet<string> | undefined> => {
    try {
      return new Set((await letters.loadLetter(letterId)).letter.facts.recipients.map((recipient) => recipient.id));
    } catch (error) {
      if (error instanceof LetterpressError) return undefined;
      throw error;
    }
  };
  return {
    put: (document, placement) => store.put(document, placement),
    head: (key) => store.head(key),
    get: (key) => store.get(key),
    publishRevision: (letterId, revision, documents, options) => store.publishRevision(letterId, revision, documents, options),
    pointLatest: (letterId, revision) => store.pointLatest(letterId, revision),
    recordedTitle: (entry) => store.recordedTitle(entry),
    withdraw: (scope) => store.withdraw(scope),
    recordWaitingLanguages: (letterId, revision, languages) => store.recordWaitingLanguages(letterId, revision, languages),
    getWaitingLanguages: (letterId, revision) => store.getWaitingLanguages(letterId, revision),
    presignDownload: (key, options) => store.presignDownload(key, options),
    async listLetterIds(): Promise<string[]> {
      const [stored, letterIds] = await Promise.all([store.listLetterIds(), letterIdsNow()]);
      return stored.filter((letterId) => letterIds.includes(letterId));
    },
    async getLatest(letterId): Promise<LatestPointer | undefined> {
      return (await hasLetter(letterId)) ? store.getLatest(letterId) : undefined;
    },
    async getManifest(letterId, revision): Promise<Manifest | undefined> {
      if (!(await hasLetter(letterId))) return undefined;
      const manifest = await store.getManifest(letterId, revision);
      // Only a manifest with personal copies needs the letter read.
      if (manifest === undefined || manifest.documents.every((entry) => entry.recipientId === null)) return manifest;
      const recipients = await recipientsOf(letterId);
      if (recipients === undefined) return manifest;
      return { ...manifest, documents: manifest.documents.filter((entry) => entry.recipientId === null || recipients.has(entry.recipientId)) };
    },
  };
}
