import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { DOCUMENT_FORMATS, type DocumentFormat } from "../core/documents";
import { SLUG_PATTERN } from "../core/letter/slug";
import { type LocaleId, localeIdSchema } from "../core/locales";
import type { KeyRing } from "./share-key-ring";

/**
 * Share tokens: `<kid>.<payload>.<signature>`, each part base64url (the kid is plain ASCII already).
 *
 * - `payload` is the base64url of a JSON array (compact, fixed order):
 *   `[1, shareId, letterId, locale, format, recipientId|null, revision|"latest", expiresAt]`.
 * - `signature` is HMAC-SHA256 over `<kid>.<payload>` with the key `kid` names in the key ring, so the
 *   key id is signed too and a link cannot be moved to another key.
 *
 * The kid travels outside the payload so the signature is checked before a byte of the payload is
 * parsed: nothing an attacker wrote is interpreted until it is proved to be ours.
 */

/** Whole-token ceiling: the longest real token is about 400 characters (64-character ids). */
export const MAX_TOKEN_LENGTH = 512;
const TOKEN_VERSION = 1;
/** HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. */
const SIGNATURE_LENGTH = 43;
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;

export const SHARE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const REVISION_PATTERN = /^[0-9a-f]{7,64}$/;

/** Why a token was refused. Precise for logs and metrics; people see one of two pages (see share-refusal-page). */
export type TokenRefusal = "MALFORMED" | "UNKNOWN_KEY" | "TAMPERED" | "EXPIRED";

/** What a link grants: one document (pinned to a revision, or the latest one) until `expiresAt`. */
export interface SharePayload {
  /** 128 random bits, base64url (22 characters). */
  shareId: string;
  letterId: string;
  locale: LocaleId;
  format: DocumentFormat;
  recipientId: string | null;
  /** A revision, or "latest" to follow the letter's latest revision. */
  revision: string;
  /** Unix time in whole seconds; the link is refused from this second on. */
  expiresAt: number;
}

export interface VerifiedShareToken {
  keyId: string;
  payload: SharePayload;
}

export type TokenVerification =
  | { ok: true; token: VerifiedShareToken }
  | { ok: false; reason: TokenRefusal /** Only for EXPIRED: the signature held, so this is ours. */; payload?: SharePayload };

const slug = z.string().regex(SLUG_PATTERN);
const payloadSchema = z.tuple([
  z.literal(TOKEN_VERSION),
  z.string().regex(SHARE_ID_PATTERN),
  slug,
  localeIdSchema,
  z.enum(DOCUMENT_FORMATS),
  slug.nullable(),
  z.union([z.literal("latest"), z.string().regex(REVISION_PATTERN)]),
  z
    .number()
    .int()
    .positive()
    .max(2 ** 40),
]);

/** A fresh share id: 128 bits from the operating system's CSPRNG. */
export function newShareId(): string {
  return randomBytes(16).toString("base64url");
}

function sign(key: Buffer, signedPart: string): Buffer {
  return createHmac("sha256", key).update(signedPart, "ascii").digest();
}

/**
 * Signs a share with the ring's current key. Validates the payload first: a token is never made for
 * something `verifyShareToken` would refuse as malformed.
 */
export function signShareToken(payload: SharePayload, ring: KeyRing): string {
  const tuple = payloadSchema.parse([TOKEN_VERSION, payload.shareId, payload.letterId, payload.locale, payload.format, payload.recipientId, payload.revision, payload.expiresAt]);
  const key = ring.keys.get(ring.currentKeyId);
  if (key === undefined) throw new Error(`the key ring's current key "${ring.currentKeyId}" is not in the ring`);
  const signedPart = `${ring.currentKeyId}.${Buffer.from(JSON.stringify(tuple), "utf8").toString("base64url")}`;
  const token = `${signedPart}.${sign(key, signedPart).toString("base64url")}`;
  if (token.length > MAX_TOKEN_LENGTH) throw new Error(`a share token came out ${token.length} characters long; at most ${MAX_TOKEN_LENGTH}`);
  return token;
}

/**
 * Checks a token in this order, each step before the next looks at anything more: length and shape
 * (MALFORMED), key id in the ring (UNKNOWN_KEY), signature in constant time (TAMPERED), payload
 * (MALFORMED), expiry against `now` (EXPIRED). `now` comes from the caller's clock.
 */
export function verifyShareToken(token: string, ring: KeyRing, now: Date): TokenVerification {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "MALFORMED" };
  const shape = TOKEN_SHAPE.exec(token);
  if (!shape) return { ok: false, reason: "MALFORMED" };
  const [, keyId, encodedPayload, encodedSignature] = shape as unknown as [string, string, string, string];
  const key = ring.keys.get(keyId);
  if (key === undefined) return { ok: false, reason: "UNKNOWN_KEY" };
  const presented = Buffer.from(encodedSignature, "base64url");
  // 43 characters may carry stray low bits in the last one; only the canonical spelling is ours.
  if (presented.length !== 32 || presented.toString("base64url") !== encodedSignature || encodedSignature.length !== SIGNATURE_LENGTH) {
    return { ok: false, reason: "TAMPERED" };
  }
  const expected = sign(key, `${keyId}.${encodedPayload}`);
  if (!timingSafeEqual(presented, expected)) return { ok: false, reason: "TAMPERED" };

  let tuple: z.infer<typeof payloadSchema>;
  try {
    tuple = payloadSchema.parse(JSON.parse(Buffer.from(encodedPayload, "base64url").toString("utf8")));
  } catch {
    // Signed by us yet unreadable: a token from a future version of this format, or a bug.
    return { ok: false, reason: "MALFORMED" };
  }
  const [, shareId, letterId, locale, format, recipientId, revision, expiresAt] = tuple;
  const payload: SharePayload = { shareId, letterId, locale, format, recipientId, revision, expiresAt };
  if (Math.floor(now.getTime() / 1000) >= expiresAt) return { ok: false, reason: "EXPIRED", payload };
  return { ok: true, token: { keyId, payload } };
}
