import { DocumentNotFoundError, StorageAccessDeniedError, StorageRequestError, StorageUnavailableError, type StorageError, type StorageOperation } from "./errors";

/** The parts of an SDK error we look at; anything thrown may lack them (network errors do). */
interface SdkErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

export function isNotFound(error: unknown): boolean {
  const name = (error as SdkErrorShape | null)?.name;
  return name === "NotFound" || name === "NoSuchKey" || httpStatusOf(error) === 404;
}

export function isPreconditionFailed(error: unknown): boolean {
  return httpStatusOf(error) === 412 || (error as SdkErrorShape | null)?.name === "PreconditionFailed";
}

/**
 * A conditional write refused because the object is not in the state the condition named: 412;
 * 409 ConditionalRequestConflict, S3's answer when another write to the key lands mid-request; or
 * NoSuchKey, which S3 may answer an If-Match write whose object was deleted since it was read.
 */
export function isWriteConflict(error: unknown): boolean {
  const name = (error as SdkErrorShape | null)?.name;
  return isPreconditionFailed(error) || (httpStatusOf(error) === 409 && name === "ConditionalRequestConflict") || name === "NoSuchKey";
}

/** An SDK error as one of ours, at the boundary: no SDK type escapes the storage module. */
export function toStorageError(operation: StorageOperation, key: string, error: unknown): StorageError {
  if (isNotFound(error)) return new DocumentNotFoundError(operation, key);
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) return new StorageAccessDeniedError(operation, key, error);
  // No status: the request never got an answer (refused, reset, timed out).
  if (status === undefined || status >= 500) return new StorageUnavailableError(operation, key, error);
  return new StorageRequestError(operation, key, error);
}
