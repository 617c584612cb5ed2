import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { DOCUMENT_FORMATS, type DocumentFormat } from "../core/documents";
import { SLUG_PATTERN } from "../core/letter/slug";
import { type LocaleId, localeIdSchema } from "../core/locales";
import type { KeyRing } from "./share-key-ring";

/**
 * Share tokens. A link hands its token to whoever holds the URL, and URLs end up in proxies' logs,
 * browser histories and chat previews, so a token says nothing to anyone but us: which letter, which
 * reader, which language stay sealed.
 *
 * - New tokens (version 2) are `<kid>.<sealed>`: `sealed` is the base64url of
 *   `nonce (12 bytes) | ciphertext | tag (16 bytes)`, AES-256-GCM (NIST SP 800-38D) over the payload
 *   tuple's JSON, with the key id as additional authenticated data, so a token cannot be moved to
 *   another key. The AES key is derived from the ring's key by HKDF-SHA256 (RFC 5869) with the info
 *   string `SEAL_INFO`, so the ring's keys serve one purpose each: the ring's key never encrypts.
 * - Version 1 tokens, made before, are `<kid>.<payload>.<signature>`: the base64url of the tuple's JSON
 *   in the clear, signed with HMAC-SHA256 over `<kid>.<payload>`. They are still read, until the last
 *   of them expires (at most the longest share lifetime, 90 days after the upgrade), and never made.
 *
 * The payload tuple is `[version, shareId, letterId, locale, format, recipientId|null,
 * revision|"latest", expiresAt]`. The kid travels outside the sealed part, so the tag is checked
 * before a byte of the payload is parsed: nothing an attacker wrote is interpreted until it is proved
 * to be ours.
 */

/** Whole-token ceiling: the longest real token is about 400 characters (64-character ids). */
export const MAX_TOKEN_LENGTH = 512;
const SIGNED_VERSION = 1;
const SEALED_VERSION = 2;
/** HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. */
const SIGNATURE_LENGTH = 43;
const SIGNED_SHAPE = /^([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A nonce, a tag and at least one byte between them: 39 base64url characters and up. */
const SEALED_SHAPE = /^([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{39,478})$/;
/**
 * The sealed payload is padded with spaces (which JSON.parse ignores) to the first of these lengths
 * it fits, so a token's length does not tell which letter, language or format it opens: every link
 * with ids of up to about 30 characters is as long as any other (the schema's longest payload fits the last).
 */
const PADDED_PAYLOAD_BYTES = [160, 288];
/** HKDF's info for the AES key of version 2 tokens: names the use, so no other use can share the derived key. */
const SEAL_INFO = "letterpress share token v2 AES-256-GCM";

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
  z.union([z.literal(SIGNED_VERSION), z.literal(SEALED_VERSION)]),
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

const sealKeys = new WeakMap<Buffer, Buffer>();

/** The AES-256 key a ring key seals version 2 tokens with (HKDF-SHA256, no salt, `SEAL_INFO`). */
function sealKeyOf(key: Buffer): Buffer {
  let sealKey = sealKeys.get(key);
  if (sealKey === undefined) {
    sealKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), SEAL_INFO, 32));
    sealKeys.set(key, sealKey);
  }
  return sealKey;
}

/**
 * Seals a share with the ring's current key (version 2). Validates the payload first: a token is never
 * made for something `verifyShareToken` would refuse as malformed. Two tokens for one share differ (a
 * fresh 96-bit nonce each), yet verify to the same payload.
 */
export function signShareToken(payload: SharePayload, ring: KeyRing): string {
  const tuple = payloadSchema.parse([SEALED_VERSION, payload.shareId, payload.letterId, payload.locale, payload.format, payload.recipientId, payload.revision, payload.expiresAt]);
  const key = ring.keys.get(ring.currentKeyId);
  if (key === undefined) throw new Error(`the key ring's current key "${ring.currentKeyId}" is not in the ring`);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", sealKeyOf(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(ring.currentKeyId, "ascii"));
  const json = JSON.stringify(tuple);
  const length = Buffer.byteLength(json, "utf8");
  const padded = json.padEnd(json.length + Math.max(0, (PADDED_PAYLOAD_BYTES.find((bytes) => bytes >= length) ?? length) - length), " ");
  const sealed = Buffer.concat([nonce, cipher.update(padded, "utf8"), cipher.final(), cipher.getAuthTag()]);
  const token = `${ring.currentKeyId}.${sealed.toString("base64url")}`;
  if (token.length > MAX_TOKEN_LENGTH) throw new Error(`a share token came out ${token.length} characters long; at most ${MAX_TOKEN_LENGTH}`);
  return token;
}

type Opened = { ok: true; keyId: string; json: string; version: number } | { ok: false; reason: TokenRefusal };

/** Version 1: checks the HMAC in constant time and gives the payload's JSON. */
function openSigned(shape: RegExpExecArray, ring: KeyRing): Opened {
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
  return { ok: true, keyId, json: Buffer.from(encodedPayload, "base64url").toString("utf8"), version: SIGNED_VERSION };
}

/** Version 2: opens the seal (GCM checks the tag before any plaintext is used) and gives the payload's JSON. */
function openSealed(shape: RegExpExecArray, ring: KeyRing): Opened {
  const [, keyId, encodedSealed] = shape as unknown as [string, string, string];
  const key = ring.keys.get(keyId);
  if (key === undefined) return { ok: false, reason: "UNKNOWN_KEY" };
  const sealed = Buffer.from(encodedSealed, "base64url");
  // Only the canonical spelling is ours (a last character's stray low bits would decode alike).
  if (sealed.length <= NONCE_BYTES + TAG_BYTES || sealed.toString("base64url") !== encodedSealed) return { ok: false, reason: "TAMPERED" };
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKeyOf(key), sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, "ascii"));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    return { ok: true, keyId, json: plain.toString("utf8"), version: SEALED_VERSION };
  } catch {
    return { ok: false, reason: "TAMPERED" };
  }
}

/**
 * Checks a token in this order, each step before the next looks at anything more: length and shape
 * (MALFORMED), key id in the ring (UNKNOWN_KEY), tag or signature (TAMPERED), payload (MALFORMED; its
 * version must be the token form's), expiry against `now` (EXPIRED). `now` comes from the caller's clock.
 */
export function verifyShareToken(token: string, ring: KeyRing, now: Date): TokenVerification {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "MALFORMED" };
  const signed = SIGNED_SHAPE.exec(token);
  const sealed = signed ? null : SEALED_SHAPE.exec(token);
  if (!signed && !sealed) return { ok: false, reason: "MALFORMED" };
  const opened = signed ? openSigned(signed, ring) : openSealed(sealed as RegExpExecArray, ring);
  if (!opened.ok) return opened;

  let tuple: z.infer<typeof payloadSchema>;
  try {
    tuple = payloadSchema.parse(JSON.parse(opened.json));
  } catch {
    // Ours yet unreadable: a token from a future version of this format, or a bug.
    return { ok: false, reason: "MALFORMED" };
  }
  const [version, shareId, letterId, locale, format, recipientId, revision, expiresAt] = tuple;
  if (version !== opened.version) return { ok: false, reason: "MALFORMED" };
  const payload: SharePayload = { shareId, letterId, locale, format, recipientId, revision, expiresAt };
  if (Math.floor(now.getTime() / 1000) >= expiresAt) return { ok: false, reason: "EXPIRED", payload };
  return { ok: true, token: { keyId: opened.keyId, payload } };
}
