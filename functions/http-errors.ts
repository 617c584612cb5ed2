import type { ErrorCode } from "./core/errors";
import { LetterpressError } from "./core/errors";

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
 * What a caller may see of an error: our code and message for the errors a caller can act on,
 * a bare "internal error" for the rest. Never a stack, never an SDK's message.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof LetterpressError) {
    const statusCode = STATUS[error.code];
    const exposed = statusCode < 500;
    const message = exposed ? error.message : statusCode === 503 ? "storage is unavailable; try again later" : "internal error";
    return { statusCode, body: { error: { code: exposed || statusCode === 503 ? error.code : "INTERNAL", message } } };
  }
  return { statusCode: 500, body: { error: { code: "INTERNAL", message: "internal error" } } };
}
