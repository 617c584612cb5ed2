import { countOf, LetterpressError, type ErrorCode } from "../core/errors";

/** What the store was doing when it failed; names the S3 operation in our own words. */
export type StorageOperation = "put" | "head" | "get" | "list" | "presign" | "delete";

/** Every storage failure names the key and the operation; the SDK error, if any, is the cause. */
export class StorageError extends LetterpressError {
  constructor(
    code: ErrorCode,
    readonly operation: StorageOperation,
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The store cannot be reached or answered with a server error: retrying later may help. */
export class StorageUnavailableError extends StorageError {
  constructor(operation: StorageOperation, key: string, cause: unknown) {
    super("STORAGE_ERROR", operation, key, `storage unavailable during ${operation} of ${key}`, { cause });
  }
}

/** The store refused our credentials or signature (403). A configuration problem, not a retryable one. */
export class StorageAccessDeniedError extends StorageError {
  constructor(operation: StorageOperation, key: string, cause: unknown) {
    super("STORAGE_ERROR", operation, key, `storage denied ${operation} of ${key}`, { cause });
  }
}

/** The store answered with an error we have no better name for. */
export class StorageRequestError extends StorageError {
  constructor(operation: StorageOperation, key: string, cause: unknown) {
    super("STORAGE_ERROR", operation, key, `storage request failed during ${operation} of ${key}`, { cause });
  }
}

export class DocumentNotFoundError extends StorageError {
  constructor(operation: StorageOperation, key: string) {
    super("NOT_FOUND", operation, key, `no stored object at ${key}`);
  }
}

/** After a put, the stored object is not the bytes we sent: corrupted on the way or overwritten. */
export class StorageIntegrityError extends StorageError {
  constructor(
    key: string,
    readonly expected: { size: number; sha256: string },
    readonly found: { size: number | undefined; sha256: string | undefined },
  ) {
    super(
      "STORAGE_ERROR",
      "put",
      key,
      `stored object ${key} does not match what was written: expected ${countOf(expected.size, "byte")} with sha256 ` +
        `${expected.sha256.slice(0, 12)}, found ${found.size === undefined ? "? bytes" : countOf(found.size, "byte")} with sha256 ${found.sha256?.slice(0, 12) ?? "?"}`,
    );
  }
}

/**
 * Every conditional write of a revision's manifest lost to another publisher, attempt after attempt:
 * the documents are stored but not listed, and publishing again later lists them.
 */
export class ManifestContentionError extends StorageError {
  constructor(
    key: string,
    readonly attempts: number,
  ) {
    super("STORAGE_ERROR", "put", key, `the manifest ${key} kept changing while it was being published: ${attempts} attempts each lost to another publisher`);
  }
}

/** A key segment that is not safe to build an object key from; names the segment and why. */
export class InvalidKeySegmentError extends LetterpressError {
  constructor(
    readonly segment: string,
    readonly value: unknown,
    reason: string,
  ) {
    super("INVALID_REQUEST", `invalid ${segment} ${JSON.stringify(value)}: ${reason}`);
  }
}

/** A presigned link asked to live longer than configuration allows (or not a positive whole number). */
export class PresignExpiryError extends LetterpressError {
  constructor(
    readonly requestedSeconds: number,
    readonly maximumSeconds: number,
  ) {
    super("INVALID_REQUEST", `a download link may live 1 to ${maximumSeconds} whole seconds; ${requestedSeconds} was requested`);
  }
}

/**
 * A manifest or latest pointer in storage that does not match its schema. The message says what
 * repairs it: publishing the letter again rebuilds a manifest from the stored documents (each carries
 * its SHA-256) and rewrites the pointer.
 */
export class CorruptStoredRecordError extends StorageError {
  constructor(key: string, cause: unknown) {
    super(
      "STORAGE_ERROR",
      "get",
      key,
      `stored record ${key} does not match its schema (${describeCause(cause)}); publishing its letter again rebuilds it from the stored documents ` +
        `(npm run generate -- --letter ${letterOfKey(key)}, or a render request for the letter)`,
      { cause },
    );
  }
}

function describeCause(cause: unknown): string {
  const issues = (cause as { issues?: { path: PropertyKey[]; message: string }[] } | null)?.issues;
  const first = Array.isArray(issues) ? issues[0] : undefined;
  const text = first ? `${first.path.map(String).join(".") || "(root)"}: ${first.message}` : cause instanceof Error ? cause.message : String(cause);
  const firstLine = text.split("\n").find((line) => line.trim() !== "") ?? "unreadable";
  return firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine;
}

const letterOfKey = (key: string) => key.split("/")[1] ?? "<letter>";
