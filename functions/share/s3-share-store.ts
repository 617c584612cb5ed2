import { SHARES_PREFIX } from "../deployment-contract";
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import type { ZodType } from "zod";
import { SLUG_PATTERN } from "../core/letter/slug";
import { LetterpressError } from "../core/errors";
import { CorruptStoredRecordError, DocumentNotFoundError, InvalidKeySegmentError } from "../storage/errors";
import { isWriteConflict, toStorageError } from "../storage/s3-errors";
import type { ServerSideEncryption } from "../storage/s3-document-store";
import { SHARE_ID_PATTERN } from "./share-token";
import { revocationSchema, shareRecordSchema, type Revocation, type ShareRecord, type ShareStore, type StoredShare } from "./share-store";

/**
 * Shares in the documents bucket, under a prefix of their own (infra grants the download function
 * read-write here and read-only on `letters/`):
 *
 *   shares/{letterId}/{shareId}.json            the share (never the token)
 *   shares/{letterId}/{shareId}.revoked.json    its revocation, once revoked
 *   shares/_by-id/{shareId}.json                which letter a share id belongs to (for DELETE /shares/{id})
 *
 * Why the bucket and not DynamoDB: shares are made by people, a few a day, and each use of a link
 * costs one HEAD (is it revoked?). S3 is strongly consistent for read-after-write and offers
 * create-once writes (If-None-Match: *), which is all a revocation needs to take effect at once and
 * never be lost; listing a letter's shares is one prefix listing. The bucket already exists with its
 * encryption, TLS-only policy, versioning and access logs; a table would add a resource, its IAM,
 * backups and a second consistency model for no gain at this volume. DynamoDB would win with
 * thousands of shares per letter or queries across letters (by creator, by expiry), or if share
 * records had to change in place; nothing here does. `_by-id` cannot clash with a letter: letter ids
 * are slugs, which never start with "_".
 */
export { SHARES_PREFIX } from "../deployment-contract";

const JSON_TYPE = "application/json; charset=utf-8";
const NO_STORE = "no-store";

function letterSegment(letterId: string): string {
  if (!SLUG_PATTERN.test(letterId)) throw new InvalidKeySegmentError("letterId", letterId, "expected a letter id (a slug)");
  return letterId;
}

function shareSegment(shareId: string): string {
  if (!SHARE_ID_PATTERN.test(shareId)) throw new InvalidKeySegmentError("shareId", shareId, "expected 22 base64url characters");
  return shareId;
}

export const shareRecordKey = (letterId: string, shareId: string) => `${SHARES_PREFIX}${letterSegment(letterId)}/${shareSegment(shareId)}.json`;
export const revocationKey = (letterId: string, shareId: string) => `${SHARES_PREFIX}${letterSegment(letterId)}/${shareSegment(shareId)}.revoked.json`;
export const shareIndexKey = (shareId: string) => `${SHARES_PREFIX}_by-id/${shareSegment(shareId)}.json`;

const indexSchema = shareRecordSchema.pick({ letterId: true });
const KEY_IN_LETTER = /^shares\/[a-z0-9-]+\/([A-Za-z0-9_-]{22})(\.revoked)?\.json$/;

export interface S3ShareStoreOptions {
  /** Built once by `createS3Client`; passed in so the store never makes its own. */
  client: S3Client;
  bucket: string;
  /** As the documents: SSE-S3 or SSE-KMS on AWS; the embedded server ignores it. */
  encryption?: ServerSideEncryption | undefined;
  /** Keys per listing request; S3's own 1000 when omitted (tests use a small page to cross pages). */
  listPageSize?: number;
}

/** Reads in flight at once while listing: enough to be quick, few enough not to exhaust sockets. */
const READ_CONCURRENCY = 16;

/** `Promise.all(items.map(fn))` with at most `limit` calls running at once, results in order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A share created with an id already taken: with 128 random bits, a bug, never chance. */
export class ShareExistsError extends LetterpressError {
  constructor(readonly shareId: string) {
    super("STORAGE_ERROR", `a share with id ${shareId} already exists`);
  }
}

export class S3ShareStore implements ShareStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly encryption: ServerSideEncryption | undefined;
  private readonly listPageSize: number | undefined;

  constructor(options: S3ShareStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.encryption = options.encryption;
    this.listPageSize = options.listPageSize;
  }

  /**
   * The index first, then the share: a creation that fails half-way leaves an index entry that
   * points at nothing (`find` answers undefined), never a share that cannot be revoked by id.
   */
  async create(record: ShareRecord): Promise<void> {
    const checked = shareRecordSchema.parse(record);
    if ((await this.putJson(shareIndexKey(checked.id), { letterId: checked.letterId })) === "exists") throw new ShareExistsError(checked.id);
    if ((await this.putJson(shareRecordKey(checked.letterId, checked.id), checked)) === "exists") throw new ShareExistsError(checked.id);
  }

  async find(shareId: string): Promise<StoredShare | undefined> {
    const index = await this.readJson(shareIndexKey(shareId), indexSchema);
    if (index === undefined) return undefined;
    const [record, revocation] = await Promise.all([
      this.readJson(shareRecordKey(index.letterId, shareId), shareRecordSchema),
      this.readJson(revocationKey(index.letterId, shareId), revocationSchema),
    ]);
    return record === undefined ? undefined : { record, revocation };
  }

  /** The letters with shares, in key order (one listing of `shares/` by folder). */
  async listLetterIds(): Promise<string[]> {
    const letterIds: string[] = [];
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: SHARES_PREFIX, Delimiter: "/", ContinuationToken: continuationToken, MaxKeys: this.listPageSize }),
        );
      } catch (error) {
        throw toStorageError("get", SHARES_PREFIX, error);
      }
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const letterId = Prefix?.slice(SHARES_PREFIX.length, -1);
        // `_by-id/` is the index, not a letter.
        if (letterId !== undefined && SLUG_PATTERN.test(letterId)) letterIds.push(letterId);
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return letterIds;
  }

  async listByLetter(letterId: string): Promise<StoredShare[]> {
    const prefix = `${SHARES_PREFIX}${letterSegment(letterId)}/`;
    const ids = new Set<string>();
    const revoked = new Set<string>();
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: continuationToken, MaxKeys: this.listPageSize }));
      } catch (error) {
        throw toStorageError("get", prefix, error);
      }
      for (const object of page.Contents ?? []) {
        const match = KEY_IN_LETTER.exec(object.Key ?? "");
        if (match?.[1] === undefined) continue;
        (match[2] ? revoked : ids).add(match[1]);
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    // The listing already says which shares are revoked: only those revocations are read.
    const shares = await mapBounded([...ids], READ_CONCURRENCY, async (id) => {
      const record = await this.readJson(shareRecordKey(letterId, id), shareRecordSchema);
      const revocation = revoked.has(id) ? await this.readJson(revocationKey(letterId, id), revocationSchema) : undefined;
      return record === undefined ? undefined : { record, revocation };
    });
    return shares
      .filter((share): share is StoredShare => share !== undefined)
      .sort((a, b) => (a.record.createdAt < b.record.createdAt ? 1 : a.record.createdAt > b.record.createdAt ? -1 : a.record.id < b.record.id ? -1 : 1));
  }

  /** Create-once: the first revocation stays in force, and a second one reads it back. */
  async revoke(revocation: Revocation): Promise<{ revocation: Revocation; created: boolean }> {
    const checked = revocationSchema.parse(revocation);
    const key = revocationKey(checked.letterId, checked.id);
    if ((await this.putJson(key, checked)) === "written") return { revocation: checked, created: true };
    const existing = await this.readJson(key, revocationSchema);
    if (existing === undefined) throw new DocumentNotFoundError("get", key);
    return { revocation: existing, created: false };
  }

  /**
   * A GET, not a HEAD: a HEAD's 404 cannot tell a missing key from a missing bucket (it has no body),
   * and a revocation check must never answer "not revoked" because it looked in the wrong place.
   */
  async isRevoked(letterId: string, shareId: string): Promise<boolean> {
    return (await this.readJson(revocationKey(letterId, shareId), revocationSchema)) !== undefined;
  }

  private async readJson<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
    let text: string;
    try {
      const reply = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = (await reply.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      // Only a missing key is "nothing there"; a missing bucket (also a 404) is a configuration error.
      if ((error as { name?: unknown } | null)?.name === "NoSuchKey") return undefined;
      throw toStorageError("get", key, error);
    }
    try {
      return schema.parse(JSON.parse(text));
    } catch (cause) {
      throw new CorruptStoredRecordError(key, cause);
    }
  }

  /** Create-once write (If-None-Match: *): "exists" when something is already stored at the key. */
  private async putJson(key: string, value: unknown): Promise<"written" | "exists"> {
    const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: bytes,
      ContentLength: bytes.length,
      ContentMD5: createHash("md5").update(bytes).digest("base64"),
      ContentType: JSON_TYPE,
      CacheControl: NO_STORE,
      IfNoneMatch: "*",
      ...(this.encryption === undefined
        ? {}
        : this.encryption.mode === "SSE-S3"
          ? { ServerSideEncryption: "AES256" as const }
          : { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: this.encryption.kmsKeyId }),
    };
    try {
      await this.client.send(new PutObjectCommand(input));
      return "written";
    } catch (error) {
      if (isWriteConflict(error)) return "exists";
      throw toStorageError("put", key, error);
    }
  }
}
