import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ZodType } from "zod";
import { CONTENT_TYPES, documentFileName, sha256Hex, type RenderedDocument } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { attachmentDisposition } from "./content-disposition";
import type { DocumentPlacement, DocumentStore, ObjectInfo, PresignOptions, PublishOptions, PutResult, StoredDocument, WithdrawalResult, WithdrawalScope } from "./document-store";
import {
  CorruptStoredRecordError,
  DocumentNotFoundError,
  InvalidKeySegmentError,
  ManifestContentionError,
  PresignExpiryError,
  StorageIntegrityError,
  StorageRequestError,
} from "./errors";
import {
  latestPointerSchema,
  type ManifestEntry,
  manifestEntrySchema,
  manifestSchema,
  mergeManifestDocuments,
  serializeLatestPointer,
  serializeManifest,
  type LatestPointer,
  type Manifest,
  type WaitingLanguage,
  waitingLanguagesSchema,
} from "./manifest";
import {
  type DocumentAddress,
  DOCUMENTS_PREFIX,
  documentKey,
  latestKey,
  manifestKey,
  parseDocumentKey,
  parsePublishedEntryKey,
  publishedEntriesPrefix,
  publishedEntryKey,
  revisionPrefix,
  waitingKey,
} from "./object-layout";
import { SLUG_PATTERN } from "../core/letter/slug";
import { isLocaleId } from "../core/locales";
import { isNotFound, isWriteConflict, toStorageError } from "./s3-errors";

/** S3's own ceiling for a presigned URL (SigV4): seven days. */
export const S3_MAX_PRESIGN_SECONDS = 604_800;

/** Documents under a revision never change: browsers may keep them, shared caches may not. */
const IMMUTABLE = "private, max-age=31536000, immutable";
const REVALIDATE = "no-cache";
const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Publishers that follow the protocol need at most two conditional writes (see `mergeIntoManifest`);
 * more attempts only matter when something else rewrites manifests.
 */
const DEFAULT_MANIFEST_RETRY: ManifestRetry = { attempts: 5, baseDelayMs: 20 };
const MAX_BACKOFF_MS = 1_000;
/** Requests in flight at once when a publish confirms or records many documents. */
const PUBLISH_CONCURRENCY = 8;

export type ServerSideEncryption = { mode: "SSE-S3" } | { mode: "SSE-KMS"; kmsKeyId: string };

export interface S3DocumentStoreOptions {
  /** Built once by `createS3Client`; passed in so the store never makes its own. */
  client: S3Client;
  bucket: string;
  /** Longest link `presignDownload` will make; longer requests are rejected, not shortened. */
  maxPresignExpirySeconds: number;
  /** On AWS; the embedded server ignores it. */
  encryption?: ServerSideEncryption | undefined;
  /** The time presigned links are signed at; the system clock when omitted. */
  clock?: () => Date;
  /** How publishing retries when another publisher changed the manifest first; defaults suit production. */
  manifestRetry?: ManifestRetry;
}

export interface ManifestRetry {
  /** Conditional writes in all before giving up with `ManifestContentionError`. */
  attempts: number;
  /** The first wait's ceiling; it doubles each attempt (to 1 s) and the wait is drawn below it. */
  baseDelayMs: number;
}

/** A write that happens only if the object is absent, or is still the version with this ETag. */
type WriteCondition = { ifNoneMatch: "*" } | { ifMatch: string };

/** A stored JSON record, with what is needed to replace exactly this version of it. */
interface StoredRecord<T> {
  record: T;
  bytes: Buffer;
  etag: string | undefined;
}

/** A stored manifest as read for merging: its record, or `corrupt` when its bytes do not match the schema. */
type ManifestVersion = { state: "absent" } | { state: "valid"; stored: StoredRecord<Manifest> } | { state: "corrupt"; etag: string | undefined };

/** One object to write: bytes plus the headers that describe them. */
interface ObjectWrite {
  key: string;
  bytes: Buffer;
  contentType: string;
  cacheControl: string;
  contentDisposition?: string;
}

interface Digests {
  sha256: string;
  md5Hex: string;
  size: number;
}

function digestsOf(bytes: Buffer): Digests {
  return { sha256: sha256Hex(bytes), md5Hex: createHash("md5").update(bytes).digest("hex"), size: bytes.length };
}

/** Replace only the version read. */
function ifMatch(key: string, etag: string | undefined): WriteCondition {
  if (etag === undefined) throw new StorageRequestError("get", key, new Error("the answer carried no ETag to replace it by"));
  return { ifMatch: etag };
}

/** Whether a manifest lists every one of these documents exactly as they are. */
function listsAll(manifest: Manifest, documents: readonly StoredDocument[]): boolean {
  const listed = new Map(manifest.documents.map((entry) => [entry.key, entry]));
  return documents.every((doc) => {
    const entry = listed.get(doc.key);
    // Not the title: a concurrent publisher lists others' documents from their entry keys, which carry
    // none, so asking for it made publishers re-merge each other's documents until they gave up
    // (ManifestContentionError). A reader that finds the title it shows missing reads it from that one
    // entry object (recordedTitle), which keeps publishing linear in requests.
    return entry !== undefined && entry.sha256 === doc.sha256 && entry.size === doc.size && entry.contentType === doc.contentType;
  });
}

function isDocumentKey(key: string): boolean {
  try {
    parseDocumentKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * S3's full-object SHA-256 as hex; undefined when it returned none (the object was written without
 * one, or by a store that keeps none) or only a composite of parts, which is not the bytes' digest.
 */
function storeChecksumHex(checksum: string | undefined, type: string | undefined): string | undefined {
  if (checksum === undefined || type === "COMPOSITE" || checksum.includes("-")) return undefined;
  const hex = Buffer.from(checksum, "base64").toString("hex");
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** Runs `task` over `items`, at most `limit` at once; the first failure is thrown once all have settled. */
async function forEachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

export class S3DocumentStore implements DocumentStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly maxPresignExpirySeconds: number;
  private readonly encryption: ServerSideEncryption | undefined;
  private readonly clock: () => Date;
  private readonly manifestRetry: ManifestRetry;

  constructor(options: S3DocumentStoreOptions) {
    const max = options.maxPresignExpirySeconds;
    if (!Number.isInteger(max) || max < 1 || max > S3_MAX_PRESIGN_SECONDS) {
      throw new LetterpressError("CONFIG_ERROR", `maxPresignExpirySeconds must be a whole number from 1 to ${S3_MAX_PRESIGN_SECONDS}, got ${max}`);
    }
    this.client = options.client;
    this.bucket = options.bucket;
    this.maxPresignExpirySeconds = max;
    this.encryption = options.encryption;
    this.clock = options.clock ?? (() => new Date());
    this.manifestRetry = options.manifestRetry ?? DEFAULT_MANIFEST_RETRY;
    if (!Number.isInteger(this.manifestRetry.attempts) || this.manifestRetry.attempts < 1) {
      throw new LetterpressError("CONFIG_ERROR", `manifestRetry.attempts must be a whole number of at least 1, got ${this.manifestRetry.attempts}`);
    }
  }

  async put(document: RenderedDocument, placement: DocumentPlacement): Promise<PutResult> {
    const { request } = document;
    const key = documentKey({
      letterId: request.letterId,
      revision: placement.revision,
      locale: request.locale,
      recipientId: request.recipientId,
      file: placement.file ?? "letter",
      format: request.format,
    });
    const fallbackName = documentFileName(request).replace(/\.[a-z]+$/, "");
    const { outcome, digests } = await this.writeObject({
      key,
      bytes: document.bytes,
      contentType: document.contentType,
      cacheControl: IMMUTABLE,
      contentDisposition: attachmentDisposition(placement.downloadName, request.format, fallbackName),
    });
    const stored: StoredDocument = {
      key,
      size: digests.size,
      sha256: digests.sha256,
      locale: request.locale,
      format: request.format,
      recipientId: request.recipientId,
      contentType: document.contentType,
      ...(placement.title === undefined ? {} : { title: placement.title }),
    };
    return { document: stored, outcome };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      // ChecksumMode: S3 returns the SHA-256 it computed and checked when the object was written.
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: "ENABLED" }));
      return {
        key,
        size: res.ContentLength ?? 0,
        sha256: res.Metadata?.["sha256"],
        storeSha256: storeChecksumHex(res.ChecksumSHA256, res.ChecksumType),
        contentType: res.ContentType,
        contentDisposition: res.ContentDisposition,
        cacheControl: res.CacheControl,
        etag: res.ETag,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toStorageError("head", key, error);
    }
  }

  async get(key: string): Promise<{ info: ObjectInfo; bytes: Buffer }> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
      const info: ObjectInfo = {
        key,
        size: bytes.length,
        sha256: res.Metadata?.["sha256"],
        storeSha256: storeChecksumHex(res.ChecksumSHA256, res.ChecksumType),
        contentType: res.ContentType,
        contentDisposition: res.ContentDisposition,
        cacheControl: res.CacheControl,
        etag: res.ETag,
      };
      return { info, bytes };
    } catch (error) {
      throw toStorageError("get", key, error);
    }
  }

  async publishRevision(letterId: string, revision: string, newDocuments: readonly StoredDocument[], options: PublishOptions = {}): Promise<Manifest> {
    await this.confirmStored(letterId, revision, newDocuments);
    const manifest = await this.mergeIntoManifest(letterId, revision, newDocuments);
    // After the manifest, so the pointer never names a revision without one.
    if (options.pointLatest !== false) await this.pointLatest(letterId, revision);
    return manifest;
  }

  /** It names a revision and nothing else, so the last writer may win. */
  async pointLatest(letterId: string, revision: string): Promise<void> {
    const pointer: LatestPointer = { schemaVersion: 1, letterId, revision, manifestKey: manifestKey(letterId, revision) };
    await this.writeLatestPointer({ key: latestKey(letterId), bytes: serializeLatestPointer(pointer), contentType: JSON_TYPE, cacheControl: REVALIDATE });
  }

  /**
   * A manifest that does not match its schema does not block its letter's downloads: what the
   * revision's published entries list is read instead (LIST only, so a read-only role can), and the
   * next publish writes it back. Without entries (a revision published before they existed) the
   * error says how to repair it.
   */
  async getManifest(letterId: string, revision: string): Promise<Manifest | undefined> {
    try {
      return (await this.readRecord(manifestKey(letterId, revision), manifestSchema))?.record;
    } catch (error) {
      if (!(error instanceof CorruptStoredRecordError)) throw error;
      const entries = await this.listEntries(letterId, revision);
      if (entries.length === 0) throw error;
      return manifestSchema.parse(JSON.parse(serializeManifest({ schemaVersion: 1, letterId, revision, documents: await this.resolveEntries([], entries, []) }).toString("utf8")));
    }
  }

  /**
   * Read on demand, never during a merge: reading every untitled entry in each merge made publishing
   * quadratic in GETs under contention (commit 6609aa2, reverted). A reader that needs a title reads
   * the one entry it shows, and only when the manifest lacks it.
   */
  async recordedTitle(entry: ManifestEntry): Promise<string | undefined> {
    const key = publishedEntryKey(entry);
    let bytes: Buffer;
    try {
      ({ bytes } = await this.get(key));
    } catch (error) {
      if (error instanceof DocumentNotFoundError) return undefined;
      throw error;
    }
    let recorded: ManifestEntry;
    try {
      recorded = manifestEntrySchema.parse(JSON.parse(bytes.toString("utf8")));
    } catch (cause) {
      throw new CorruptStoredRecordError(key, cause);
    }
    // Only a title recorded for these very bytes: the key names them, but the record is what we trust.
    return recorded.key === entry.key && recorded.sha256 === entry.sha256 && recorded.size === entry.size ? recorded.title : undefined;
  }

  async getLatest(letterId: string): Promise<LatestPointer | undefined> {
    return (await this.readRecord(latestKey(letterId), latestPointerSchema))?.record;
  }

  async recordWaitingLanguages(letterId: string, revision: string, languages: readonly WaitingLanguage[]): Promise<void> {
    if (languages.length === 0) return;
    const key = waitingKey(letterId, revision);
    const sorted = [...languages].sort((a, b) => (a.locale < b.locale ? -1 : a.locale > b.locale ? 1 : 0));
    const bytes = Buffer.from(`${JSON.stringify(waitingLanguagesSchema.parse({ schemaVersion: 1, letterId, revision, languages: sorted }), null, 2)}\n`, "utf8");
    const digests = digestsOf(bytes);
    // Re-planning the same revision (every data change plans it) writes nothing: the bytes are the same.
    const existing = await this.head(key);
    if (existing !== undefined && this.matches(existing, digests)) return;
    await this.putObject({ key, bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE }, digests);
  }

  async getWaitingLanguages(letterId: string, revision: string): Promise<WaitingLanguage[]> {
    return (await this.readRecord(waitingKey(letterId, revision), waitingLanguagesSchema))?.record.languages ?? [];
  }

  async listLetterIds(): Promise<string[]> {
    const letterIds: string[] = [];
    let token: string | undefined;
    try {
      do {
        // One level only (Delimiter "/"): a letter is a folder; its revisions and documents are not read.
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: DOCUMENTS_PREFIX, Delimiter: "/", ContinuationToken: token }));
        for (const common of page.CommonPrefixes ?? []) {
          const letterId = common.Prefix?.slice(DOCUMENTS_PREFIX.length, -1);
          if (letterId !== undefined && SLUG_PATTERN.test(letterId)) letterIds.push(letterId);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw toStorageError("list", DOCUMENTS_PREFIX, error);
    }
    return letterIds.sort();
  }

  /**
   * Order matters for readers meanwhile. A whole letter: its latest pointer first, so from then on no
   * reader looks for its revisions; then everything else under it. A language or a recipient: the
   * published entries first (a manifest rebuilt from them cannot list the documents again), then the
   * documents (a link that still finds one in a manifest gets a 404 HEAD, which links answer as gone),
   * then each manifest that lists one is rewritten without it (conditionally, as publishing does).
   */
  async withdraw(scope: WithdrawalScope): Promise<WithdrawalResult> {
    const { letterId, locale, recipientId } = scope;
    if (!SLUG_PATTERN.test(letterId)) throw new InvalidKeySegmentError("letterId", letterId, "expected a letter id (a slug)");
    if (locale !== undefined && !isLocaleId(locale)) throw new InvalidKeySegmentError("locale", locale, "expected a BCP 47 language tag in canonical form, such as en or pt-BR");
    if (recipientId !== undefined && !SLUG_PATTERN.test(recipientId)) throw new InvalidKeySegmentError("recipientId", recipientId, "expected a recipient id (a slug)");
    const keys = await this.listKeys(`${DOCUMENTS_PREFIX}${letterId}/`);
    const wholeLetter = locale === undefined && recipientId === undefined;
    const inScope = (address: DocumentAddress) => (locale === undefined || address.locale === locale) && (recipientId === undefined || address.recipientId === recipientId);
    const documents: string[] = [];
    const records: string[] = [];
    for (const key of keys) {
      const entry = parsePublishedEntryKey(key);
      if (entry !== undefined) {
        if (wholeLetter || inScope(entry.address)) records.push(key);
      } else if (isDocumentKey(key)) {
        if (wholeLetter || inScope(parseDocumentKey(key))) documents.push(key);
      } else if (wholeLetter) {
        records.push(key);
      }
    }
    if (wholeLetter) {
      const pointer = latestKey(letterId);
      if (records.includes(pointer)) await this.deleteObject(pointer);
      await forEachBounded([...documents, ...records.filter((key) => key !== pointer)], PUBLISH_CONCURRENCY, (key) => this.deleteObject(key));
      return { documents: documents.sort(), records: records.sort(), manifestsRewritten: [] };
    }
    await forEachBounded(records, PUBLISH_CONCURRENCY, (key) => this.deleteObject(key));
    await forEachBounded(documents, PUBLISH_CONCURRENCY, (key) => this.deleteObject(key));
    // Every revision's manifest, not only those whose documents were found: an earlier withdrawal that
    // stopped half-way may have deleted the documents and left them listed.
    const revisions = [...new Set(keys.filter((key) => key.endsWith("/manifest.json")).map((key) => key.split("/")[2] as string))];
    const manifestsRewritten: string[] = [];
    for (const revision of revisions.sort()) {
      if (await this.dropFromManifest(letterId, revision, (entry) => inScope(parseDocumentKey(entry.key)))) manifestsRewritten.push(revision);
    }
    return { documents: documents.sort(), records: records.sort(), manifestsRewritten };
  }

  /** Rewrites a revision's manifest without the entries `drop` picks; false when it lists none of them (or is unreadable: readers then rebuild it from the entries left). */
  private async dropFromManifest(letterId: string, revision: string, drop: (entry: ManifestEntry) => boolean): Promise<boolean> {
    let key: string;
    try {
      key = manifestKey(letterId, revision);
    } catch {
      return false; // not a revision folder of ours
    }
    const { attempts } = this.manifestRetry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.readManifestVersion(key);
      if (current.state !== "valid") return false;
      const { record, etag } = current.stored;
      const kept = record.documents.filter((entry) => !drop(entry));
      if (kept.length === record.documents.length) return false;
      const bytes = serializeManifest({ ...record, documents: kept });
      const object: ObjectWrite = { key, bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE };
      if ((await this.putObject(object, digestsOf(bytes), ifMatch(key, etag))) === "written") return true;
      if (attempt < attempts) await this.backoff(attempt);
    }
    throw new ManifestContentionError(key, attempts);
  }

  private async deleteObject(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // Already gone (a concurrent withdrawal): what was asked for holds.
      if (isNotFound(error)) return;
      throw toStorageError("delete", key, error);
    }
  }

  /**
   * Rejects (never shortens) a lifetime outside 1..maximum: a caller asking for a week while policy
   * allows an hour has a bug worth seeing. The URL is signed now and handed out, never stored.
   */
  async presignDownload(key: string, options: PresignOptions): Promise<string> {
    const seconds = options.expiresInSeconds;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > this.maxPresignExpirySeconds) {
      throw new PresignExpiryError(seconds, this.maxPresignExpirySeconds);
    }
    parseDocumentKey(key);
    try {
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        expiresIn: seconds,
        signingDate: this.clock(),
      });
    } catch (error) {
      throw toStorageError("presign", key, error);
    }
  }

  /**
   * A manifest lists only what is stored. Only the new documents are confirmed: each listed one was
   * confirmed by the publisher that added it, and a revision's documents never change. Confirming
   * every listed document would cost a HEAD per entry on each publish, and let a document of another
   * run stop this one from being listed.
   */
  private async confirmStored(letterId: string, revision: string, documents: readonly StoredDocument[]): Promise<void> {
    for (const doc of documents) {
      const address = parseDocumentKey(doc.key);
      if (address.letterId !== letterId || address.revision !== revision) {
        throw new LetterpressError("INVALID_REQUEST", `${doc.key} does not belong to ${letterId} revision ${revision}`);
      }
      if (doc.contentType !== CONTENT_TYPES[address.format]) {
        throw new LetterpressError("INVALID_REQUEST", `${doc.key}: content type ${JSON.stringify(doc.contentType)}; expected ${JSON.stringify(CONTENT_TYPES[address.format])}`);
      }
    }
    await forEachBounded(documents, PUBLISH_CONCURRENCY, async (doc) => {
      const info = await this.head(doc.key);
      if (info === undefined || info.sha256 !== doc.sha256 || info.size !== doc.size) {
        throw new StorageIntegrityError(doc.key, doc, { size: info?.size, sha256: info?.sha256 });
      }
    });
  }

  /**
   * Adds documents to the revision's manifest without publishers of one revision starving each other.
   *
   * Each publisher first writes one entry object per document (`publishedEntryKey`: a key of its own,
   * so nobody contends for it). Then it reads the manifest and, unless that already lists its
   * documents, LISTs every entry of the revision, merges them into what it read, and writes the result
   * only if nobody wrote in between (If-Match on the ETag read, If-None-Match: * for a first manifest).
   *
   * Why at most two conditional writes: every read we merge from comes after our entries were stored,
   * and our write can only lose to a version written after that read. Our second write names the
   * version we then read, so it too was written after our entries were stored; whoever wins over it
   * read that version after it was written and LISTed after that: with S3's strong
   * list-after-write consistency, its LIST contains our entries, and its manifest lists our
   * documents. So after a second lost write the manifest we read lists ours. Later writers merge
   * into what they read, so nothing listed is ever dropped.
   * `ManifestContentionError` is left for a writer outside this protocol that keeps replacing the
   * manifest with less.
   */
  private async mergeIntoManifest(letterId: string, revision: string, newDocuments: readonly StoredDocument[]): Promise<Manifest> {
    const key = manifestKey(letterId, revision);
    const before = await this.readManifestVersion(key);
    // A re-run, or a publish whose answer was lost: already listed as they are, nothing to write.
    if (before.state === "valid" && listsAll(before.stored.record, newDocuments)) return before.stored.record;
    await this.recordEntries(newDocuments);
    const { attempts } = this.manifestRetry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // Every version merged into is read after our entries were stored: the bound above needs it.
      const current = await this.readManifestVersion(key);
      if (current.state === "valid" && listsAll(current.stored.record, newDocuments)) return current.stored.record;
      // A corrupt manifest is replaced by every stored document of the revision whose bytes check out:
      // that covers every entry (a document is stored before its entry), and leaves out damaged ones.
      const documents =
        current.state === "corrupt"
          ? mergeManifestDocuments(await this.rebuildFromStoredDocuments(letterId, revision), newDocuments)
          : await this.resolveEntries(current.state === "valid" ? current.stored.record.documents : [], await this.listEntries(letterId, revision), newDocuments);
      const bytes = serializeManifest({ schemaVersion: 1, letterId, revision, documents });
      const manifest = manifestSchema.parse(JSON.parse(bytes.toString("utf8")));
      // No confirming HEAD afterwards: another publisher may already have replaced it with more.
      // Content-MD5 makes S3 refuse bytes other than ours; the condition makes sure we replaced
      // exactly the version we merged with.
      const condition = current.state === "absent" ? ({ ifNoneMatch: "*" } as const) : ifMatch(key, current.state === "valid" ? current.stored.etag : current.etag);
      const object: ObjectWrite = { key, bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE };
      if ((await this.putObject(object, digestsOf(bytes), condition)) === "written") return manifest;
      if (attempt < attempts) await this.backoff(attempt);
    }
    throw new ManifestContentionError(key, attempts);
  }

  private async readManifestVersion(key: string): Promise<ManifestVersion> {
    let stored: { info: ObjectInfo; bytes: Buffer };
    try {
      stored = await this.get(key);
    } catch (error) {
      if (error instanceof DocumentNotFoundError) return { state: "absent" };
      throw error;
    }
    const { bytes, info } = stored;
    try {
      return { state: "valid", stored: { record: manifestSchema.parse(JSON.parse(bytes.toString("utf8"))), bytes, etag: info.etag } };
    } catch {
      // Replaced only as the corrupt version read: a concurrent repair wins, and we merge into it.
      return { state: "corrupt", etag: info.etag };
    }
  }

  /** One entry object per document; one already there (a re-run, a concurrent publisher) is fine as it is. */
  private async recordEntries(documents: readonly StoredDocument[]): Promise<void> {
    await forEachBounded(documents, PUBLISH_CONCURRENCY, async (doc) => {
      const bytes = Buffer.from(`${JSON.stringify(doc)}\n`, "utf8");
      await this.putObject({ key: publishedEntryKey(doc), bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE }, digestsOf(bytes), { ifNoneMatch: "*" });
    });
  }

  /** Every published entry of a revision, as manifest entries (read from the keys alone). */
  private async listEntries(letterId: string, revision: string): Promise<ManifestEntry[]> {
    const entries: ManifestEntry[] = [];
    for (const key of await this.listKeys(publishedEntriesPrefix(letterId, revision))) {
      const parsed = parsePublishedEntryKey(key);
      if (parsed === undefined) continue; // not ours: never listed
      const { address } = parsed;
      entries.push({
        key: parsed.key,
        size: parsed.size,
        sha256: parsed.sha256,
        locale: address.locale,
        format: address.format,
        recipientId: address.recipientId,
        contentType: CONTENT_TYPES[address.format],
      });
    }
    return entries;
  }

  /**
   * The manifest's documents: what was listed, every published entry, and ours (just confirmed). Where
   * two of them name one key with different SHA-256s (a document replaced), the stored object decides.
   */
  private async resolveEntries(listed: readonly ManifestEntry[], entries: readonly ManifestEntry[], ours: readonly StoredDocument[]): Promise<ManifestEntry[]> {
    const candidates = new Map<string, ManifestEntry[]>();
    for (const entry of [...listed, ...entries]) {
      const known = candidates.get(entry.key) ?? [];
      if (!known.some((other) => other.sha256 === entry.sha256 && other.size === entry.size)) candidates.set(entry.key, [...known, entry]);
    }
    const resolved: ManifestEntry[] = [];
    for (const [key, versions] of candidates) {
      if (versions.length === 1) {
        resolved.push(versions[0] as ManifestEntry);
        continue;
      }
      const info = await this.head(key);
      const current = versions.find((entry) => entry.sha256 === info?.sha256 && entry.size === info?.size);
      if (current) resolved.push(current);
    }
    return mergeManifestDocuments(resolved, ours);
  }

  /**
   * A corrupt manifest's replacement: every document stored under the revision whose bytes hash to
   * the SHA-256 recorded with it. Rare and thorough: one HEAD per document, and a read where the
   * store returns no checksum of its own.
   */
  private async rebuildFromStoredDocuments(letterId: string, revision: string): Promise<ManifestEntry[]> {
    const keys = (await this.listKeys(revisionPrefix(letterId, revision))).filter((key) => isDocumentKey(key));
    const rebuilt: ManifestEntry[] = [];
    await forEachBounded(keys, PUBLISH_CONCURRENCY, async (key) => {
      const info = await this.head(key);
      if (info?.sha256 === undefined || info.contentType === undefined) return;
      if ((await this.storedSha256(info)) !== info.sha256) return;
      const address = parseDocumentKey(key);
      rebuilt.push({ key, size: info.size, sha256: info.sha256, locale: address.locale, format: address.format, recipientId: address.recipientId, contentType: info.contentType });
    });
    return rebuilt;
  }

  private async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw toStorageError("list", prefix, error);
    }
    return keys;
  }

  /**
   * The SHA-256 of the bytes the store holds now: the checksum S3 computed when they were written
   * where it returns one, else the bytes read back and hashed. Never the size, nor our own metadata,
   * which a same-size corruption or an overwrite that copies our metadata leaves as it was.
   */
  private async storedSha256(info: ObjectInfo): Promise<string> {
    if (info.storeSha256 !== undefined) return info.storeSha256;
    return sha256Hex((await this.get(info.key)).bytes);
  }

  /** Full jitter: publishers that collided spread out instead of colliding again in step. */
  private backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.manifestRetry.baseDelayMs * 2 ** (attempt - 1));
    return sleep(Math.random() * ceiling);
  }

  private async readRecord<T>(key: string, schema: ZodType<T>): Promise<StoredRecord<T> | undefined> {
    let stored: { info: ObjectInfo; bytes: Buffer };
    try {
      stored = await this.get(key);
    } catch (error) {
      if (error instanceof LetterpressError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
    const { bytes, info } = stored;
    try {
      return { record: schema.parse(JSON.parse(bytes.toString("utf8"))), bytes, etag: info.etag };
    } catch (cause) {
      throw new CorruptStoredRecordError(key, cause);
    }
  }

  /**
   * PUT first, with If-None-Match: *: a new revision's keys are absent, so a HEAD before the write
   * only cost a request (a third of a new document's requests in a batch). A key already there
   * refuses the write (412) and keeps its object untouched; a HEAD then decides whether it holds
   * these bytes (`unchanged`) or is replaced. The answer of a created write vouches for the bytes
   * (see `confirmWritten`), so a new document needs one request.
   */
  private async writeObject(object: ObjectWrite): Promise<{ outcome: PutResult["outcome"]; digests: Digests }> {
    const digests = digestsOf(object.bytes);
    const created = await this.sendPut(object, digests, { ifNoneMatch: "*" });
    if (created !== "condition-failed") {
      await this.confirmWritten(object.key, digests, created);
      return { outcome: "created", digests };
    }
    const existing = await this.head(object.key);
    if (existing !== undefined && (await this.holds(existing, digests))) return { outcome: "unchanged", digests };
    const replaced = await this.sendPut(object, digests);
    if (replaced === "condition-failed") throw new StorageRequestError("put", object.key, new Error("an unconditional write was refused as if it had a condition"));
    await this.confirmWritten(object.key, digests, replaced);
    // Gone between the refused write and the HEAD (deleted meanwhile): written anew, not over something.
    return { outcome: existing === undefined ? "created" : "replaced", digests };
  }

  /**
   * The latest pointer only names a revision, and the last writer may win: it is written without the
   * confirming read, which would see a concurrent publisher's pointer and report a false failure.
   * Content-MD5 still makes S3 refuse bytes other than ours.
   */
  private async writeLatestPointer(object: ObjectWrite): Promise<void> {
    const digests = digestsOf(object.bytes);
    const existing = await this.head(object.key);
    if (existing !== undefined && this.matches(existing, digests)) return;
    await this.putObject(object, digests);
  }

  /** `condition-failed`: the write had a condition and S3 refused it because the object is not as named. */
  private async putObject(object: ObjectWrite, digests: Digests, condition?: WriteCondition): Promise<"written" | "condition-failed"> {
    return (await this.sendPut(object, digests, condition)) === "condition-failed" ? "condition-failed" : "written";
  }

  /** A PUT's answer when it was written (its ETag and the checksum S3 kept), else `condition-failed`. */
  private async sendPut(object: ObjectWrite, digests: Digests, condition?: WriteCondition): Promise<PutObjectCommandOutput | "condition-failed"> {
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: object.key,
      Body: object.bytes,
      ContentLength: digests.size,
      // S3 refuses a body that arrives different from what we hashed (BadDigest).
      ContentMD5: Buffer.from(digests.md5Hex, "hex").toString("base64"),
      ContentType: object.contentType,
      CacheControl: object.cacheControl,
      ...(object.contentDisposition === undefined ? {} : { ContentDisposition: object.contentDisposition }),
      Metadata: { sha256: digests.sha256 },
      // S3 checks the body against it, keeps it, and returns it to a HEAD with ChecksumMode (see head).
      ChecksumSHA256: Buffer.from(digests.sha256, "hex").toString("base64"),
      ...(condition === undefined ? {} : "ifMatch" in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch }),
      ...this.encryptionHeaders(),
    };
    try {
      return await this.client.send(new PutObjectCommand(input));
    } catch (error) {
      if (condition !== undefined && isWriteConflict(error)) return "condition-failed";
      throw toStorageError("put", object.key, error);
    }
  }

  private encryptionHeaders(): Partial<PutObjectCommandInput> {
    if (this.encryption === undefined) return {};
    if (this.encryption.mode === "SSE-S3") return { ServerSideEncryption: "AES256" };
    return { ServerSideEncryption: "aws:kms", SSEKMSKeyId: this.encryption.kmsKeyId };
  }

  /** With SSE-KMS the ETag is not the MD5 of the bytes, so the digests cannot vouch for them. */
  private etagIsMd5(): boolean {
    return this.encryption?.mode !== "SSE-KMS";
  }

  /** Same SHA-256 metadata and size, and (where the ETag is the MD5) the same MD5 of the stored bytes. */
  private matches(info: ObjectInfo, digests: Digests): boolean {
    if (info.sha256 !== digests.sha256 || info.size !== digests.size) return false;
    return !this.etagIsMd5() || info.etag?.replace(/"/g, "") === digests.md5Hex;
  }

  /** Whether the stored object is these bytes: its headers agree, and so does the SHA-256 of what is stored. */
  private async holds(info: ObjectInfo, digests: Digests): Promise<boolean> {
    return this.matches(info, digests) && (await this.storedSha256(info)) === digests.sha256;
  }

  /**
   * After a write S3 answered 200: the answer vouches for the bytes where it can. A 200 PUT stores
   * the request as one (metadata and size as sent, the body checked against Content-MD5 and
   * x-amz-checksum-sha256); its ETag is the MD5 of what arrived (not under SSE-KMS), and the
   * SHA-256 S3 kept is returned where the store keeps one. Either, equal to ours, confirms the write
   * without the HEAD that doubled a new document's requests; a checksum that differs is an integrity
   * failure; an answer that vouches for nothing (SSE-KMS without a returned checksum) is confirmed by
   * a HEAD and, where needed, reading the bytes back.
   */
  private async confirmWritten(key: string, digests: Digests, answer: PutObjectCommandOutput): Promise<void> {
    const storeSha256 = storeChecksumHex(answer.ChecksumSHA256, answer.ChecksumType);
    if (storeSha256 !== undefined) {
      if (storeSha256 === digests.sha256) return;
      throw new StorageIntegrityError(key, { size: digests.size, sha256: digests.sha256 }, { size: undefined, sha256: storeSha256 });
    }
    if (this.etagIsMd5() && answer.ETag?.replace(/"/g, "") === digests.md5Hex) return;
    await this.confirm(key, digests);
  }

  /**
   * The metadata and size we sent, and the bytes vouched for by the store's own SHA-256 where it
   * returns one, else by the ETag where that is the MD5 of what arrived, else read back.
   */
  private async confirm(key: string, digests: Digests): Promise<void> {
    const info = await this.head(key);
    if (info !== undefined && info.sha256 === digests.sha256 && info.size === digests.size) {
      if (info.storeSha256 !== undefined || !this.etagIsMd5()) {
        if ((await this.storedSha256(info)) === digests.sha256) return;
      } else if (this.matches(info, digests)) return;
    }
    throw new StorageIntegrityError(key, { size: digests.size, sha256: digests.sha256 }, { size: info?.size, sha256: info?.sha256 });
  }
}
