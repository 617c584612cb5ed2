import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PresignExpiryError } from "../storage/errors";
import { parseDocumentKey } from "../storage/object-layout";
import { toStorageError } from "../storage/s3-errors";

export interface PresignSharedDocumentOptions {
  /** A few minutes: the link is made for this one visit, and S3 stops honouring it when the signing credentials expire anyway. */
  expiresInSeconds: number;
  /** What S3 answers as Content-Disposition (`attachment; filename*=...` for PDF, `inline` for HTML). */
  contentDisposition: string;
  /** What S3 answers as Content-Type. */
  contentType: string;
}

/** Signs a short-lived GET of one stored document, with the response headers to ask S3 for. */
export type PresignSharedDocument = (key: string, options: PresignSharedDocumentOptions) => Promise<string>;

/** The share link's redirect never needs longer than this; longer is a bug. */
export const MAX_SHARE_REDIRECT_SECONDS = 900;

/**
 * `PresignSharedDocument` over S3: `response-content-disposition` and `response-content-type` are
 * signed into the URL, so the HTML edition opens in the browser instead of downloading, whatever
 * headers the object was stored with. Only document keys (`letters/...`) can be signed.
 */
export function s3SharedDocumentPresigner(options: { client: S3Client; bucket: string; clock: () => Date }): PresignSharedDocument {
  return async (key, { expiresInSeconds, contentDisposition, contentType }) => {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_SHARE_REDIRECT_SECONDS) {
      throw new PresignExpiryError(expiresInSeconds, MAX_SHARE_REDIRECT_SECONDS);
    }
    parseDocumentKey(key);
    try {
      return await getSignedUrl(
        options.client,
        new GetObjectCommand({ Bucket: options.bucket, Key: key, ResponseContentDisposition: contentDisposition, ResponseContentType: contentType }),
        { expiresIn: expiresInSeconds, signingDate: options.clock() },
      );
    } catch (error) {
      throw toStorageError("presign", key, error);
    }
  };
}
