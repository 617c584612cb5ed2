import { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";

/** Everything needed to reach the documents bucket; the one place an S3 client is built from configuration. */
export const s3ConnectionSchema = z.object({
  region: z.string().min(1),
  /** A local or S3-compatible server; omit for AWS. */
  endpoint: z.url().optional(),
  /** Local servers have no per-bucket host names. */
  forcePathStyle: z.boolean().default(false),
  /** Omit on AWS to use the default provider chain (the Lambda role). */
  credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().optional() })
    .optional(),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  connectionTimeoutMs: z.number().int().positive().default(3_000),
  requestTimeoutMs: z.number().int().positive().default(30_000),
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
    requestHandler: { connectionTimeout: c.connectionTimeoutMs, requestTimeout: c.requestTimeoutMs, throwOnRequestTimeout: true },
    // The SDK's default checksums send bodies as aws-chunked, which S3-compatible servers store
    // corrupted; our bodies are Buffers with a signed SHA-256 payload hash and a Content-MD5 instead.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
