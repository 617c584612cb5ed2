import type { DocumentRequest } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { dispositionFileName } from "../storage/content-disposition";
import type { DocumentStore, StoredDocument } from "../storage/document-store";
import { parseDocumentKey } from "../storage/object-layout";

/** A stored document a link may serve. */
export interface SharedDocument {
  key: string;
  revision: string;
  /** The file name people see, in the document's language (from the stored Content-Disposition). */
  fileName: string | undefined;
}

/** How the share service finds documents; injected so it needs neither S3 nor the renderer. */
export interface ShareDocuments {
  /**
   * The letter's latest revision of the document, made on demand when the data can make it but it is
   * not stored yet. Throws our errors (NOT_FOUND, UNKNOWN_LETTER, STALE_TRANSLATION...) otherwise.
   */
  current(request: DocumentRequest): Promise<SharedDocument>;
  /** The document in a given revision, or undefined when that revision does not have it (any more). */
  atRevision(request: DocumentRequest, revision: string): Promise<SharedDocument | undefined>;
}

/** Makes a document that is not stored yet (the render function on AWS, the local render service). */
export type MakeDocument = (request: DocumentRequest) => Promise<StoredDocument>;

/**
 * `ShareDocuments` over the document store: manifests say what a revision holds, a HEAD confirms the
 * object is still there (a lifecycle rule may have removed an old revision) and gives its file name.
 */
export function storedShareDocuments(store: DocumentStore, makeDocument: MakeDocument): ShareDocuments {
  const atRevision = async (request: DocumentRequest, revision: string): Promise<SharedDocument | undefined> => {
    const entry = (await store.getManifest(request.letterId, revision))?.documents.find(
      (document) => document.locale === request.locale && document.format === request.format && document.recipientId === request.recipientId,
    );
    if (entry === undefined) return undefined;
    const info = await store.head(entry.key);
    if (info === undefined) return undefined;
    return { key: entry.key, revision, fileName: info.contentDisposition === undefined ? undefined : dispositionFileName(info.contentDisposition) };
  };
  return {
    atRevision,
    async current(request) {
      const latest = (await store.getLatest(request.letterId))?.revision;
      const stored = latest === undefined ? undefined : await atRevision(request, latest);
      if (stored !== undefined) return stored;
      const made = await makeDocument(request);
      const found = await atRevision(request, parseDocumentKey(made.key).revision);
      if (found === undefined)
        throw new LetterpressError(
          "NOT_FOUND",
          `letter "${request.letterId}" has no ${request.locale} ${request.format} document${request.recipientId ? ` for ${request.recipientId}` : ""}`,
        );
      return found;
    },
  };
}
