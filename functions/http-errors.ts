import type { ErrorCode } from "./core/errors";
import { LetterpressError } from "./core/errors";
import { StorageAccessDeniedError } from "./storage/errors";

/** The one place an error code becomes an HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  NOT_FOUND: 404,
  UNKNOWN_LETTER: 404,
  UNKNOWN_LOCALE: 404,
  INVALID_DATA: 409,
  STALE_TRANSLATION: 409,
  TEMPLATE_ERROR: 500,
  RENDER_ERROR: 500,
  STORAGE_ERROR: 503,
  CONFIG_ERROR: 500,
};

export interface HttpError {
  statusCode: number;
  body: { error: { code: string; message: string } };
}

/**
 * An error as callers and logs should classify it. Storage refusing our credentials is a fault of
 * the deployment's configuration (the function's role, the bucket or key policy): retrying cannot
 * help, so it is a CONFIG_ERROR, not the STORAGE_ERROR ("try again later") of an unavailable store.
 */
export function callerFacing(error: LetterpressError): LetterpressError {
  if (error instanceof StorageAccessDeniedError) {
    return new LetterpressError("CONFIG_ERROR", `configuration error: ${error.message}; check the function's role and the bucket's policy`, { cause: error });
  }
  return error;
}

/** Absolute file system paths (`/srv/app/data`, `C:\app\data`): where the server keeps things is not the caller's business. */
const ABSOLUTE_PATH = /(?:\b[A-Za-z]:\\|(?<![\w.~-])\/)(?:[\w.@~-]+[\\/])*[\w.@~-]+/g;

/** A message fit for a caller: any absolute path in it replaced by a placeholder. */
export function withoutServerPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, "<path>");
}

/**
 * What a caller may see of an error: our code and message for the errors a caller can act on,
 * a bare "internal error" for the rest. Never a stack, never an SDK's message, never a server path.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof LetterpressError) {
    const classified = callerFacing(error);
    const statusCode = STATUS[classified.code];
    const exposed = statusCode < 500;
    const message = exposed ? withoutServerPaths(classified.message) : statusCode === 503 ? "storage is unavailable; try again later" : "internal error";
    return { statusCode, body: { error: { code: exposed || statusCode === 503 ? classified.code : "INTERNAL", message } } };
  }
  return { statusCode: 500, body: { error: { code: "INTERNAL", message: "internal error" } } };
}
