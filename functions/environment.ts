import type { S3Client } from "@aws-sdk/client-s3";
import type { FunctionConfig } from "./config";
import { createS3Client, type S3Connection } from "./storage/s3-client";
import { S3DocumentStore, type ServerSideEncryption } from "./storage/s3-document-store";

/**
 * The parts both Lambda functions build from their validated configuration: the S3 client and the
 * document store. `connection` adds to what the configuration says (tests give credentials for the
 * embedded server; on Lambda the role's come from the default chain).
 */
export function documentStoreOf(config: FunctionConfig, connection: Partial<S3Connection> = {}): { client: S3Client; store: S3DocumentStore } {
  const client = createS3Client({
    region: config.s3.region,
    ...(config.s3.endpoint ? { endpoint: config.s3.endpoint, forcePathStyle: true } : {}),
    ...connection,
  });
  const store = new S3DocumentStore({ client, bucket: config.bucket, maxPresignExpirySeconds: config.urlLifetime.maxSeconds, encryption: encryptionOf(config.encryption) });
  return { client, store };
}

export function encryptionOf(encryption: FunctionConfig["encryption"]): ServerSideEncryption | undefined {
  if (encryption.mode === "kms" && encryption.kmsKeyId) return { mode: "SSE-KMS", kmsKeyId: encryption.kmsKeyId };
  return encryption.mode === "s3" ? { mode: "SSE-S3" } : undefined;
}
