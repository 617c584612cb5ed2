import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ZodType } from "zod";
import { documentFileName, sha256Hex, type RenderedDocument } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { attachmentDisposition } from "./content-disposition";
import type { DocumentPlacement, DocumentStore, ObjectInfo, PresignOptions, PutResult, StoredDocument } from "./document-store";
import { CorruptStoredRecordError, PresignExpiryError, StorageIntegrityError } from "./errors";
import {
  latestPointerSchema,
  manifestSchema,
  serializeLatestPointer,
  serializeManifest,
  type LatestPointer,
  type Manifest,
} from "./manifest";
import { documentKey, latestKey, manifestKey, parseDocumentKey } from "./object-layout";
import { isNotFound, isPreconditionFailed, toStorageError } from "./s3-errors";

/** S3's own ceiling for a presigned URL (SigV4): seven days. */
export const S3_MAX_PRESIGN_SECONDS = 604_800;

/** Documents under a revision never change: browsers may keep them, shared caches may not. */
const IMMUTABLE = "private, max-age=31536000, immutable";
const REVALIDATE = "no-cache";
const JSON_TYPE = "application/json; charset=utf-8";

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

export class S3DocumentStore implements DocumentStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly maxPresignExpirySeconds: number;
  private readonly encryption: ServerSideEncryption | undefined;
  private readonly clock: () => Date;

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

  async publishRevision(letterId: string, revision: string, documents: readonly StoredDocument[]): Promise<Manifest> {
    const key = manifestKey(letterId, revision);
    // A manifest lists only what is stored: each document is confirmed again, right before writing it.
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
    const manifest: Manifest = { schemaVersion: 1, letterId, revision, documents: [...documents] };
    const bytes = serializeManifest(manifest);
    await this.writeObject({ key, bytes, contentType: JSON_TYPE, cacheControl: REVALIDATE });
    const pointer: LatestPointer = { schemaVersion: 1, letterId, revision, manifestKey: key };
    await this.writeObject({ key: latestKey(letterId), bytes: serializeLatestPointer(pointer), contentType: JSON_TYPE, cacheControl: REVALIDATE });
    return manifestSchema.parse(JSON.parse(bytes.toString("utf8")));
  }

  getManifest(letterId: string, revision: string): Promise<Manifest | undefined> {
    return this.readRecord(manifestKey(letterId, revision), manifestSchema);
  }

  getLatest(letterId: string): Promise<LatestPointer | undefined> {
    return this.readRecord(latestKey(letterId), latestPointerSchema);
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

  private async readRecord<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
    let bytes: Buffer;
    try {
      ({ bytes } = await this.get(key));
    } catch (error) {
      if (error instanceof LetterpressError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
    try {
      return schema.parse(JSON.parse(bytes.toString("utf8")));
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
      try {
        await this.putObject(object, digests, { ifNoneMatch: true });
        await this.confirm(object.key, digests);
        return { outcome: "created", digests };
      } catch (error) {
        if (!isPreconditionFailed(error)) throw error;
        // Someone stored it between our HEAD and PUT; theirs is fine if it is the same bytes.
        const raced = await this.head(object.key);
        if (raced !== undefined && this.matches(raced, digests)) return { outcome: "unchanged", digests };
      }
    }
    await this.putObject(object, digests, { ifNoneMatch: false });
    await this.confirm(object.key, digests);
    return { outcome: "replaced", digests };
  }

  private async putObject(object: ObjectWrite, digests: Digests, options: { ifNoneMatch: boolean }): Promise<void> {
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
      ...(options.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      ...this.encryptionHeaders(),
    };
    try {
      await this.client.send(new PutObjectCommand(input));
    } catch (error) {
      if (options.ifNoneMatch && isPreconditionFailed(error)) throw error;
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
