import type { RenderedDocument } from "../core/documents";
import type { LocaleId } from "../core/locales";
import type { LatestPointer, Manifest, ManifestEntry, WaitingLanguage } from "./manifest";

/** Where a rendered document goes, beyond what the document itself says (letter, locale, recipient, format). */
export interface DocumentPlacement {
  /** Short hex digest of the data and template that produced the document. */
  revision: string;
  /** The file name people see when they download it, in the document's language, without extension. */
  downloadName: string;
  /** The letter's title in the document's language, recorded in the manifest for the letters page. */
  title?: string;
  /** The key's file segment (a slug); `letter` when omitted. */
  file?: string;
}

/** A document confirmed stored: its bytes were read back (or their digests checked) after the write. */
export type StoredDocument = ManifestEntry;

export interface PutResult {
  document: StoredDocument;
  /** `unchanged`: identical bytes were already stored and nothing was uploaded. */
  outcome: "created" | "unchanged" | "replaced";
}

/** What the store knows about an object without reading it. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** From the object's `x-amz-meta-sha256`; undefined for objects we did not write. */
  sha256: string | undefined;
  /**
   * The SHA-256 the store itself computed of the bytes when they were written (S3's full-object
   * `ChecksumSHA256`), as hex; undefined where the store returns none (the embedded server).
   */
  storeSha256: string | undefined;
  contentType: string | undefined;
  contentDisposition: string | undefined;
  cacheControl: string | undefined;
  etag: string | undefined;
}

export interface PublishOptions {
  /**
   * false: list the documents in the revision's manifest but leave `latest.json` as it is (a render
   * fanned out in batches points it once the revision is complete: functions/render/latest-pointer.ts).
   * true by default.
   */
  pointLatest?: boolean;
}

export interface PresignOptions {
  /** How long the link works; at most the configured maximum, otherwise `PresignExpiryError`. */
  expiresInSeconds: number;
}

/**
 * What to withdraw: a whole letter, or only its documents in one language, or only one recipient's
 * copies (in every language, or in one). Every revision is covered: keys are content-addressed, so a
 * document of an older revision is another object that a pinned link may still name.
 */
export interface WithdrawalScope {
  letterId: string;
  /** Only the documents in this language; every language when omitted. */
  locale?: LocaleId;
  /** Only this recipient's copies; with neither this nor `locale`, the whole letter. */
  recipientId?: string;
}

export interface WithdrawalResult {
  /** The documents deleted (their keys), sorted. */
  documents: string[];
  /** Every other object deleted: published entries, and for a whole letter its manifests and latest pointer. */
  records: string[];
  /** The revisions whose manifests were rewritten without the withdrawn documents (a language or recipient). */
  manifestsRewritten: string[];
}

/**
 * Where rendered documents are kept and how they are handed out. Every failure is one of our own
 * errors (see `./errors`): the SDK's errors never leave the implementation.
 */
export interface DocumentStore {
  /**
   * Stores a document under `letters/{letterId}/{revision}/{locale}/[{recipientId}/]{file}.{format}`.
   * Identical bytes already stored are not written again (the write is refused, the object untouched);
   * a write is confirmed before it is reported.
   */
  put(document: RenderedDocument, placement: DocumentPlacement): Promise<PutResult>;
  /** undefined when nothing is stored at `key`. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Throws `DocumentNotFoundError` when nothing is stored at `key`. */
  get(key: string): Promise<{ info: ObjectInfo; bytes: Buffer }>;
  /**
   * Adds documents to the revision's manifest, then points `latest.json` at the revision. What the
   * manifest already lists stays (a document of the same key replaces its entry), also when other
   * publishers of the revision write at the same time: none of their documents is dropped, and none
   * of them starves the others (each records its documents in objects of its own first). Each new
   * document is confirmed stored (HEAD, same SHA-256 and size) first; a missing one is an error. A
   * manifest that does not match its schema is rebuilt from the revision's stored documents.
   * Returns the manifest as written.
   */
  publishRevision(letterId: string, revision: string, newDocuments: readonly StoredDocument[], options?: PublishOptions): Promise<Manifest>;
  /** Points `latest.json` at a revision (which must have a manifest): the revision the letters page and downloads show. */
  pointLatest(letterId: string, revision: string): Promise<void>;
  getManifest(letterId: string, revision: string): Promise<Manifest | undefined>;
  /**
   * The title the publisher of a listed document recorded with it (in its published entry), for a
   * manifest entry that lacks one: a publisher that lists another's documents from their entry keys
   * lists them untitled. One GET; undefined when no title was recorded for these very bytes.
   */
  recordedTitle(entry: ManifestEntry): Promise<string | undefined>;
  getLatest(letterId: string): Promise<LatestPointer | undefined>;
  /**
   * Records the languages the revision's data cannot make yet (stale or broken translation files), for
   * the letters page. Nothing is written when none waits: the revision's data decides them, so a
   * revision's record never changes.
   */
  recordWaitingLanguages(letterId: string, revision: string, languages: readonly WaitingLanguage[]): Promise<void>;
  /** What `recordWaitingLanguages` recorded for the revision; empty when none. */
  getWaitingLanguages(letterId: string, revision: string): Promise<WaitingLanguage[]>;
  /**
   * The letters the store holds documents of (each folder under `letters/`), sorted; a folder whose
   * name is not a valid letter id is left out. Read by the letters page, which lists what is published.
   */
  listLetterIds(): Promise<string[]>;
  /**
   * Deletes the stored documents of `scope` in every revision, and what records them (published entries,
   * manifest entries; for a whole letter, its manifests and latest pointer too), so no listing, download
   * or link finds them again. Idempotent: withdrawing what is not stored deletes nothing.
   */
  withdraw(scope: WithdrawalScope): Promise<WithdrawalResult>;
  /** A time-limited download link for a document key, made now; links are never stored. */
  presignDownload(key: string, options: PresignOptions): Promise<string>;
}
