import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ZodType } from "zod";
import { documentFileName, sha256Hex, type RenderedDocument } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { attachmentDisposition } from "./content-disposition";
import type { DocumentPlacement, DocumentStore, ObjectInfo, PresignOptions, PutResult, StoredDocument } from "./document-store";
import { CorruptStoredRecordError, ManifestContentionError, PresignExpiryError, StorageIntegrityError, StorageRequestError } from "./errors";
import {
  latestPointerSchema,
  manifestSchema,
  mergeManifestDocuments,
  serializeLatestPointer,
  serializeManifest,
  type LatestPointer,
  type Manifest,
} from "./manifest";
import { documentKey, latestKey, manifestKey, parseDocumentKey } from "./object-layout";
import { isNotFound, isWriteConflict, toStorageError } from "./s3-errors";

/** S3's own ceiling for a presigned URL (SigV4): seven days. */
export const S3_MAX_PRESIGN_SECONDS = 604_800;

/** Documents under a revision never change: browsers may keep them, shared caches may not. */
const IMMUTABLE = "private, max-age=31536000, immutable";
const REVALIDATE = "no-cache";
const JSON_TYPE = "application/json; charset=utf-8";

/** Enough for a burst of publishers of one revision: each lost attempt means another one got through. */
const DEFAULT_MANIFEST_RETRY: ManifestRetry = { attempts: 10, baseDelayMs: 20 };
const MAX_BACKOFF_MS = 1_000;

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

/** Create if absent, else replace only the version read. */
function writeConditionFor(key: string, current: StoredRecord<unknown> | undefined): WriteCondition {
  if (current === undefined) return { ifNoneMatch: "*" };
  if (current.etag === undefined) throw new StorageRequestError("get", key, new Error("the answer carried no ETag to replace it by"));
  return { ifMatch: current.etag };
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
    };
    return { document: stored, outcome };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        sha256: res.Metadata?.["sha256"],
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

  async publishRevision(letterId: string, revision: string, newDocuments: readonly StoredDocument[]): Promise<Manifest> {
    await this.confirmStored(letterId, revision, newDocuments);
    const manifest = await this.addToManifest(letterId, revision, newDocuments);
    // After the manifest, so the pointer never names a revision without one. It names a revision and
    // nothing else, so the last writer may win.
    const pointer: LatestPointer = { schemaVersion: 1, letterId, revision, manifestKey: manifestKey(letterId, revision) };
    await this.writeLatestPointer({ key: latestKey(letterId), bytes: serializeLatestPointer(pointer), contentType: JSON_TYPE, cacheControl: REVALIDATE });
    return manifest;
  }

  async getManifest(letterId: string, revision: string): Promise<Manifest | undefined> {
    return (await this.readRecord(manifestKey(letterId, revision), manifestSchema))?.record;
  }

  async getLatest(letterId: string): Promise<LatestPointer | undefined> {
    return (await this.readRecord(latestKey(letterId), latestPointerSchema))?.record;
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
      const info = await this.head(doc.key);
      if (info === undefined || info.sha256 !== doc.sha256 || info.size !== doc.size) {
        throw new StorageIntegrityError(doc.key, doc, { size: info?.size, sha256: info?.sha256 });
      }
    }
  }

  /**
   * Read, merge, and write back only if nobody wrote in between: If-Match on the ETag read (or
   * If-None-Match: * for a first manifest). A publisher that loses re-reads and merges again after a
   * jittered wait, so publishers of one revision never drop each other's documents.
   */
  private async addToManifest(letterId: string, revision: string, newDocuments: readonly StoredDocument[]): Promise<Manifest> {
    const key = manifestKey(letterId, revision);
    const { attempts } = this.manifestRetry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.readRecord(key, manifestSchema);
      const documents = mergeManifestDocuments(current?.record.documents ?? [], newDocuments);
      const bytes = serializeManifest({ schemaVersion: 1, letterId, revision, documents });
      const manifest = manifestSchema.parse(JSON.parse(bytes.toString("utf8")));
      // Already listed as they are (a re-run, or our own write whose answer was lost): nothing to write.
      if (current !== undefined && bytes.equals(current.bytes)) return manifest;
      // No confirming HEAD afterwards: another publisher may already have replaced it with more.
      // Content-MD5 makes S3 refuse bytes other than ours; the condition makes sure we replaced
      // exactly the version we merged with.
      const condition = writeConditionFor(key, current);
      const object: ObjectWrite = { key, bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE };
      if ((await this.putObject(object, digestsOf(bytes), condition)) === "written") return manifest;
      if (attempt < attempts) await this.backoff(attempt);
    }
    throw new ManifestContentionError(key, attempts);
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
   * HEAD first: identical bytes already stored are not uploaded again. A new key is written with
   * If-None-Match: * so a concurrent writer is noticed; every write is then confirmed.
   */
  private async writeObject(object: ObjectWrite): Promise<{ outcome: PutResult["outcome"]; digests: Digests }> {
    const digests = digestsOf(object.bytes);
    const existing = await this.head(object.key);
    if (existing !== undefined && this.matches(existing, digests)) return { outcome: "unchanged", digests };

    if (existing === undefined) {
      if ((await this.putObject(object, digests, { ifNoneMatch: "*" })) === "written") {
        await this.confirm(object.key, digests);
        return { outcome: "created", digests };
      }
      // Someone stored it between our HEAD and PUT; theirs is fine if it is the same bytes.
      const raced = await this.head(object.key);
      if (raced !== undefined && this.matches(raced, digests)) return { outcome: "unchanged", digests };
    }
    await this.putObject(object, digests);
    await this.confirm(object.key, digests);
    return { outcome: "replaced", digests };
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
      ...(condition === undefined ? {} : "ifMatch" in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch }),
      ...this.encryptionHeaders(),
    };
    try {
      await this.client.send(new PutObjectCommand(input));
      return "written";
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

  /** After a put: HEAD metadata plus ETag where it is the MD5, otherwise the bytes read back. */
  private async confirm(key: string, digests: Digests): Promise<void> {
    const expected = { size: digests.size, sha256: digests.sha256 };
    if (this.etagIsMd5()) {
      const info = await this.head(key);
      if (info === undefined || !this.matches(info, digests)) {
        throw new StorageIntegrityError(key, expected, { size: info?.size, sha256: info?.sha256 });
      }
      return;
    }
    const { bytes, info } = await this.get(key);
    const found = { size: bytes.length, sha256: sha256Hex(bytes) };
    if (found.sha256 !== digests.sha256 || info.sha256 !== digests.sha256) {
      throw new StorageIntegrityError(key, expected, found);
    }
  }
}
