import * as z from "zod";
import { DOCUMENT_FORMATS } from "../core/documents";
import { slug } from "../core/letter/slug";
import { localeIdSchema } from "../core/locales";
import { KEY_ID_PATTERN, SHARE_ID_PATTERN } from "./share-token";

/**
 * What is kept of a share: everything but the token. The token is never stored (nor logged): whoever
 * can read the bucket can read the documents anyway, but a stored token would also outlive a key
 * rotation's intent and turn up in backups and access logs.
 */
export const shareRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: z.string().regex(SHARE_ID_PATTERN),
  letterId: slug,
  locale: localeIdSchema,
  format: z.enum(DOCUMENT_FORMATS),
  recipientId: slug.nullable(),
  /** "pinned": serves `revision` for the link's whole life; "latest": the letter's latest revision. */
  follow: z.enum(["pinned", "latest"]),
  /** The revision when the link was made (the one served when pinned). */
  revision: z.string().regex(/^[0-9a-f]{7,64}$/),
  keyId: z.string().regex(KEY_ID_PATTERN),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** Who made the link, as the API's authorizer named them; null when it did not (local runs). */
  createdBy: z.string().max(256).nullable(),
});
export type ShareRecord = z.infer<typeof shareRecordSchema>;

export const revocationSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: z.string().regex(SHARE_ID_PATTERN),
  letterId: slug,
  revokedAt: z.iso.datetime(),
  revokedBy: z.string().max(256).nullable(),
});
export type Revocation = z.infer<typeof revocationSchema>;

export interface StoredShare {
  record: ShareRecord;
  /** Present once the share is revoked; a revocation is never undone. */
  revocation: Revocation | undefined;
}

/**
 * Where shares and revocations are kept. Every write is create-once: a share record and a revocation
 * are never replaced, so a revocation cannot be lost to a concurrent write and takes effect for every
 * reader as soon as `revoke` returns (the store must offer read-after-write consistency, as S3 does).
 */
export interface ShareStore {
  /** Stores a new share; fails if a share with its id exists. */
  create(record: ShareRecord): Promise<void>;
  /** The share with this id, or undefined. */
  find(shareId: string): Promise<StoredShare | undefined>;
  /** Every share of a letter, newest first. */
  listByLetter(letterId: string): Promise<StoredShare[]>;
  /** Records a revocation; returns the one in force (an earlier one, `created: false`, if the share was already revoked). */
  revoke(revocation: Revocation): Promise<{ revocation: Revocation; created: boolean }>;
  /** Whether the share is revoked: the one check made on every use of a link. */
  isRevoked(letterId: string, shareId: string): Promise<boolean>;
}
