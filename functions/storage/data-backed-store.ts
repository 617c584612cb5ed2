import { LetterpressError } from "../core/errors";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "./document-store";
import type { LatestPointer, Manifest } from "./manifest";

export interface DataBackedStoreOptions {
  /**
   * A stamp of one letter's data that changes whenever any of its files does (`letterFolderStamp`), or
   * undefined when none can be trusted now; without it, every manifest read reads the letter.
   */
  stampOf?: (letterId: string) => Promise<string | undefined>;
}

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
 *
 * With `stampOf`, a letter's recipients are read once per stamp of its data (local/letter-folder-stamp.ts)
 * rather than on every manifest read (each download and share link opened: ~20 ms of parsing the seed
 * letter): a stamp changes with every write to the letter's files, so the next request after an edit
 * reads them again; no stamp (a folder just changed, or unreadable) reads them every time, as without.
 */
export function dataBackedStore(store: DocumentStore, letters: LetterSource, options: DataBackedStoreOptions = {}): DocumentStore {
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
  const readRecipients = async (letterId: string): Promise<ReadonlySet<string> | undefined> => {
    try {
      return new Set((await letters.loadLetter(letterId)).letter.facts.recipients.map((recipient) => recipient.id));
    } catch (error) {
      if (error instanceof LetterpressError) return undefined;
      throw error;
    }
  };
  const readByStamp = new Map<string, { stamp: string; recipients: ReadonlySet<string> | undefined }>();
  const recipientsOf = async (letterId: string): Promise<ReadonlySet<string> | undefined> => {
    // Taken before the read: a write meanwhile changes the stamp, so the next request reads again.
    const stamp = await options.stampOf?.(letterId);
    const known = readByStamp.get(letterId);
    if (stamp !== undefined && known?.stamp === stamp) return known.recipients;
    const recipients = await readRecipients(letterId);
    if (stamp === undefined) readByStamp.delete(letterId);
    else readByStamp.set(letterId, { stamp, recipients });
    return recipients;
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
