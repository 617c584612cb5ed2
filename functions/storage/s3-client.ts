import { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";

/** Everything needed to reach the documents bucket; the one place an S3 client is built from configuration. */
export const s3ConnectionSchema = z.object({
  region: z.string().min(1),
  /** A local or S3-compatible server; omit for AWS. */
  endpoint: z.url().optional(),
  /** Local servers have no per-bucket host names. */
  forcePathStyle: z.boolean().default(false),
  /** Omit on AWS to use the default provider chain (the Lambda role). */
  credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().optional() }).optional(),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  connectionTimeoutMs: z.number().int().positive().default(3_000),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /**
   * Sockets the keep-alive agent opens to the endpoint; requests beyond wait for one. The SDK's
   * default (50) suits S3; a local server may want it sized to what it can serve at once. Note that
   * the SDK counts the wait for a socket into `connectionTimeoutMs`.
   */
  maxSockets: z.number().int().positive().default(50),
});
export type S3Connection = z.input<typeof s3ConnectionSchema>;

export function createS3Client(connection: S3Connection): S3Client {
  const c = s3ConnectionSchema.parse(connection);
  return new S3Client({
    region: c.region,
    ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
    forcePathStyle: c.forcePathStyle,
    ...(c.credentials === undefined ? {} : { credentials: c.credentials }),
    maxAttempts: c.maxAttempts,
    // throwOnRequestTimeout: without it @smithy/node-http-handler (4.x) only logs a warning when
    // requestTimeout passes and keeps waiting, so a stalled S3 would hold a batch (or a Lambda) until
    // its own timeout. Found by test/reliability/storage-faults.test.ts (issue 8).
    requestHandler: {
      connectionTimeout: c.connectionTimeoutMs,
      requestTimeout: c.requestTimeoutMs,
      throwOnRequestTimeout: true,
      // Options, not an Agent: the SDK then owns the agent and destroys it with the client.
      httpAgent: { keepAlive: true, maxSockets: c.maxSockets },
      httpsAgent: { keepAlive: true, maxSockets: c.maxSockets },
    },
    // The SDK's default checksums send bodies as aws-chunked, which S3-compatible servers store
    // corrupted; our bodies are Buffers with a signed SHA-256 payload hash and a Content-MD5 instead.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
