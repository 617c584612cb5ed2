import type { DocumentFormat, DocumentRequest } from "../core/documents";
import { countOf, LetterpressError, type ErrorCode } from "../core/errors";
import type { LocaleId } from "../core/locales";
import { DEFAULTS, SHARE_LIFETIME_LIMIT_SECONDS } from "../deployment-contract";
import type { KeyRingSource } from "./share-key-ring";
import type { ShareLogger, ShareMetrics } from "./share-observability";
import type { ShareRecord, ShareStore } from "./share-store";
import { newShareId, signShareToken, verifyShareToken, type SharePayload, type TokenRefusal } from "./share-token";
import type { SharedDocument, ShareDocuments } from "./shared-documents";

export const DAY_SECONDS = 86_400;
/** A link's lifetime when the request names none (or the configured maximum, if that is shorter). */
export const DEFAULT_SHARE_LIFETIME_SECONDS = DEFAULTS.shareLifetime.defaultSeconds;
/** No configuration may allow longer: the ceiling, and how long a retired key must be kept. */
export const MAX_SHARE_LIFETIME_SECONDS = SHARE_LIFETIME_LIMIT_SECONDS;
/** Shorter links are a typo (seconds for minutes), not a use. */
export const MIN_SHARE_LIFETIME_SECONDS = 60;

export type ShareFollow = "pinned" | "latest";

export interface CreateShareRequest extends DocumentRequest {
  /** The configured default when null. */
  lifetimeSeconds: number | null;
  follow: ShareFollow;
  /** Who asks, as the API's authorizer names them; null locally. */
  createdBy: string | null;
}

export interface CreatedShare {
  id: string;
  /** The credential: goes into the link handed to the caller, and nowhere else (no store, no log). */
  token: string;
  expiresAt: Date;
  /** The revision served now: for a pinned link, for its whole life. */
  revision: string;
  follow: ShareFollow;
}

export type ShareStatus = "active" | "expired" | "revoked";

export interface ShareSummary {
  id: string;
  letterId: string;
  locale: LocaleId;
  format: DocumentFormat;
  recipientId: string | null;
  follow: ShareFollow;
  revision: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string | null;
  status: ShareStatus;
  revokedAt: string | null;
}

/** Why a link is not served. The token's own reasons, and two that only the service can tell. */
/**
 * DOCUMENT_GONE: the document will not come back (a pinned revision removed; a letter, language or
 * recipient no longer in the data). DOCUMENT_UPDATING: a "latest" link whose language is waiting for
 * its translator (or whose data is mid-edit), with no earlier revision to serve meanwhile: transient.
 */
export type ShareRefusal = TokenRefusal | "REVOKED" | "DOCUMENT_GONE" | "DOCUMENT_UPDATING";

export type ShareResolution =
  | { outcome: "serve"; share: SharePayload; document: SharedDocument }
  | {
      outcome: "refused";
      reason: ShareRefusal;
      /** The document's language, when the token proved to be ours (expired, revoked, gone). */
      locale: LocaleId | undefined;
    };

export interface ShareServiceOptions {
  store: ShareStore;
  /** The ring new links are sealed with and links are opened with (`fixedKeyRing`, or `rereadingKeyRing` where it is rotated). */
  keyRing: KeyRingSource;
  documents: ShareDocuments;
  /** The longest lifetime a request may ask for; at most 90 days. */
  maxLifetimeSeconds: number;
  /** When a request names none; 7 days, or `maxLifetimeSeconds` if shorter. */
  defaultLifetimeSeconds?: number;
  clock: () => Date;
  logger: ShareLogger;
  metrics: ShareMetrics;
  /** 128 random bits; replaceable for tests only. */
  newShareId?: () => string;
}

function whole(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LetterpressError("CONFIG_ERROR", `${name} must be a whole number of seconds from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Error codes meaning the letter's current data cannot make a document (as opposed to a failure of ours). */
const DATA_CANNOT_MAKE: ReadonlySet<ErrorCode> = new Set(["NOT_FOUND", "UNKNOWN_LETTER", "UNKNOWN_LOCALE", "INVALID_DATA", "STALE_TRANSLATION"]);
/**
 * Of those, the ones that pass: a translation waiting for its translator after the source changed,
 * data mid-edit. The letter, its language and its recipient are all still there; a "latest" link then
 * serves the revision it was made from, content-addressed and still stored, until the newest is made.
 */
const DATA_WAITING: ReadonlySet<ErrorCode> = new Set(["STALE_TRANSLATION", "INVALID_DATA"]);

const describeDays = (seconds: number) => (seconds % DAY_SECONDS === 0 ? countOf(seconds / DAY_SECONDS, "day") : countOf(seconds, "second"));

/** What a log line says about a share: the share id and the document, never the token. */
function documentFields(share: { shareId: string; letterId: string; locale: string; format: string; recipientId: string | null }) {
  return { shareId: share.shareId, letterId: share.letterId, locale: share.locale, format: share.format, recipientId: share.recipientId };
}

/**
 * Share links: long-lived, revocable links to one document that need no credentials. A link is a
 * signed token (see share-token); the service makes them, lists and revokes them, and resolves a
 * presented token to the document it may serve now, or to the reason it may not.
 */
export class ShareService {
  private readonly maxLifetimeSeconds: number;
  private readonly defaultLifetimeSeconds: number;
  private readonly newShareId: () => string;

  constructor(private readonly options: ShareServiceOptions) {
    this.maxLifetimeSeconds = whole(options.maxLifetimeSeconds, "the longest share lifetime", MIN_SHARE_LIFETIME_SECONDS, MAX_SHARE_LIFETIME_SECONDS);
    this.defaultLifetimeSeconds = whole(
      options.defaultLifetimeSeconds ?? Math.min(DEFAULT_SHARE_LIFETIME_SECONDS, this.maxLifetimeSeconds),
      "the default share lifetime",
      MIN_SHARE_LIFETIME_SECONDS,
      this.maxLifetimeSeconds,
    );
    this.newShareId = options.newShareId ?? newShareId;
  }

  /** The lifetime bounds in force, for callers that describe them (the API's errors, the index page). */
  get lifetime(): { defaultSeconds: number; maxSeconds: number } {
    return { defaultSeconds: this.defaultLifetimeSeconds, maxSeconds: this.maxLifetimeSeconds };
  }

  /** Why a share may not live `lifetime` seconds (what was expected and what came), or undefined when it may. */
  lifetimeRefusal(lifetime: number): string | undefined {
    if (Number.isInteger(lifetime) && lifetime >= MIN_SHARE_LIFETIME_SECONDS && lifetime <= this.maxLifetimeSeconds) return undefined;
    return `expected whole seconds from ${MIN_SHARE_LIFETIME_SECONDS} to ${this.maxLifetimeSeconds} (${describeDays(this.maxLifetimeSeconds)}), got ${lifetime}`;
  }

  /**
   * Makes a link to one document. The lifetime is checked first (refused, never shortened), then the
   * document must exist or be made now, and the share is stored before the token is handed out, so
   * every link that exists can be listed and revoked.
   */
  async create(request: CreateShareRequest): Promise<CreatedShare> {
    const lifetime = request.lifetimeSeconds ?? this.defaultLifetimeSeconds;
    const refused = this.lifetimeRefusal(lifetime);
    if (refused !== undefined) throw new LetterpressError("INVALID_REQUEST", `lifetimeSeconds: ${refused}`);
    const { letterId, locale, format, recipientId } = request;
    const document = await this.options.documents.current({ letterId, locale, format, recipientId });
    const now = this.options.clock();
    const expiresAt = Math.floor(now.getTime() / 1000) + lifetime;
    const id = this.newShareId();
    const ring = await this.options.keyRing.current();
    const record: ShareRecord = {
      schemaVersion: 1,
      id,
      letterId,
      locale,
      format,
      recipientId,
      follow: request.follow,
      revision: document.revision,
      keyId: ring.currentKeyId,
      createdAt: now.toISOString(),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      createdBy: request.createdBy,
    };
    const token = signShareToken({ shareId: id, letterId, locale, format, recipientId, revision: request.follow === "latest" ? "latest" : document.revision, expiresAt }, ring);
    await this.options.store.create(record);
    this.options.logger.info("share created", {
      ...documentFields({ shareId: id, ...record }),
      revision: record.revision,
      follow: record.follow,
      expiresAt: record.expiresAt,
      keyId: record.keyId,
      outcome: "created",
    });
    this.options.metrics.count("ShareCreated", "created");
    return { id, token, expiresAt: new Date(expiresAt * 1000), revision: document.revision, follow: request.follow };
  }

  /** Every share of a letter, newest first, each with its status now. */
  async list(letterId: string): Promise<ShareSummary[]> {
    const nowIso = this.options.clock().toISOString();
    const shares = await this.options.store.listByLetter(letterId);
    return shares.map(({ record, revocation }) => ({
      id: record.id,
      letterId: record.letterId,
      locale: record.locale,
      format: record.format,
      recipientId: record.recipientId,
      follow: record.follow,
      revision: record.revision,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      createdBy: record.createdBy,
      status: revocation ? "revoked" : record.expiresAt <= nowIso ? "expired" : "active",
      revokedAt: revocation?.revokedAt ?? null,
    }));
  }

  /**
   * Revokes a share for good; every use of its link from the moment this returns is refused. Revoking
   * a revoked share changes nothing and reports the first revocation. Unknown id: NOT_FOUND.
   */
  async revoke(shareId: string, revokedBy: string | null): Promise<{ share: ShareRecord; revokedAt: string; alreadyRevoked: boolean }> {
    const found = await this.options.store.find(shareId);
    if (found === undefined) throw new LetterpressError("NOT_FOUND", `no share with id ${shareId}`);
    const { record } = found;
    const { revocation, created } = await this.options.store.revoke({
      schemaVersion: 1,
      id: record.id,
      letterId: record.letterId,
      revokedAt: this.options.clock().toISOString(),
      revokedBy,
    });
    const outcome = created ? "revoked" : "already-revoked";
    this.options.logger.info("share revoked", { ...documentFields({ shareId: record.id, ...record }), revokedAt: revocation.revokedAt, outcome });
    this.options.metrics.count("ShareRevoked", outcome);
    return { share: record, revokedAt: revocation.revokedAt, alreadyRevoked: !created };
  }

  /**
   * What a presented token may serve now: the signature and expiry (see `verifyShareToken`), then
   * the revocation, then the document (the pinned revision, or the latest one, made if need be).
   * Each use is logged and counted, with the share id when the token proved ours, never the token.
   */
  async resolve(token: string): Promise<ShareResolution> {
    // The key id is the token's clear prefix: the ring that holds it (read again if a rotation made it).
    const keyId = typeof token === "string" ? /^([A-Za-z0-9_-]{1,32})\./.exec(token)?.[1] : undefined;
    const ring = keyId === undefined ? await this.options.keyRing.current() : await this.options.keyRing.holding(keyId);
    const verification = verifyShareToken(token, ring, this.options.clock());
    if (!verification.ok) {
      const proven = verification.payload;
      return this.refuse(verification.reason, proven, verification.reason === "UNKNOWN_KEY" ? { keyId } : {});
    }
    const share = verification.token.payload;
    if (await this.options.store.isRevoked(share.letterId, share.shareId)) return this.refuse("REVOKED", share);
    const request: DocumentRequest = { letterId: share.letterId, locale: share.locale, format: share.format, recipientId: share.recipientId };
    let document: SharedDocument | undefined;
    if (share.revision === "latest") {
      try {
        document = await this.options.documents.current(request);
      } catch (error) {
        // The current data can no longer make it: the letter, language or recipient was removed (the
        // document is gone), or the language waits for its translator (see DATA_WAITING). Any other
        // failure is ours and is reported as such.
        if (!(error instanceof LetterpressError) || !DATA_CANNOT_MAKE.has(error.code)) throw error;
        if (!DATA_WAITING.has(error.code)) return this.refuse("DOCUMENT_GONE", share);
        const shared = (await this.options.store.find(share.shareId))?.record.revision;
        document = shared === undefined ? undefined : await this.options.documents.atRevision(request, shared);
        if (document === undefined) return this.refuse("DOCUMENT_UPDATING", share, { waitingFor: error.code });
        this.options.logger.info("share used", {
          ...documentFields(share),
          revision: document.revision,
          follow: "latest",
          outcome: "served-while-waiting",
          waitingFor: error.code,
        });
        this.options.metrics.count("ShareUsed", "served-while-waiting");
        return { outcome: "serve", share, document };
      }
    } else {
      document = await this.options.documents.atRevision(request, share.revision);
    }
    if (document === undefined) return this.refuse("DOCUMENT_GONE", share);
    this.options.logger.info("share used", { ...documentFields(share), revision: document.revision, follow: share.revision === "latest" ? "latest" : "pinned", outcome: "served" });
    this.options.metrics.count("ShareUsed", "served");
    return { outcome: "serve", share, document };
  }

  private refuse(reason: ShareRefusal, share: SharePayload | undefined, extra: Record<string, unknown> = {}): ShareResolution {
    this.options.logger.warn("share refused", { ...(share ? { ...documentFields(share), revision: share.revision } : {}), ...extra, outcome: reason });
    this.options.metrics.count("ShareRefused", reason);
    return { outcome: "refused", reason, locale: share?.locale };
  }
}
