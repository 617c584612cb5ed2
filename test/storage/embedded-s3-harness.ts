import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { RenderedDocument } from "../../functions/core/documents";
import { sha256Hex } from "../../functions/core/documents";
import type { LocaleId } from "../../functions/core/locales";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore, type S3DocumentStoreOptions } from "../../functions/storage/s3-document-store";
import { startEmbeddedS3, type EmbeddedS3, type EmbeddedS3Options } from "../../local/s3/embedded-s3";

/** One embedded server per test: its own temp directory and random port, stopped and removed afterwards. */
export interface Harness {
  s3: EmbeddedS3;
  client: S3Client;
  dataDir: string;
  store(options?: Partial<Omit<S3DocumentStoreOptions, "client" | "bucket">>): S3DocumentStore;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<EmbeddedS3Options> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "letterpress-s3-"));
  const s3 = await startEmbeddedS3({ dataDir, ...options });
  // The local-store settings `npm run serve` uses, but one attempt: tests count requests exactly.
  const client = createS3Client({ ...s3.connection, maxAttempts: 1 });
  return {
    s3,
    client,
    dataDir,
    store: (overrides = {}) => new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600, ...overrides }),
    stop: async () => {
      client.destroy();
      await s3.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function renderedDocument(locale: LocaleId, format: "pdf" | "html", text: string, recipientId: string | null = null): RenderedDocument {
  const bytes = Buffer.from(format === "pdf" ? `%PDF-1.7\n${text}\n%%EOF\n` : `<!doctype html><p>${text}</p>`, "utf8");
  return {
    request: { letterId: "unsc-dprk-2015", locale, format, recipientId },
    bytes,
    sha256: sha256Hex(bytes),
    contentType: format === "pdf" ? "application/pdf" : "text/html; charset=utf-8",
  };
}

export const REVISION = "3f9a1c2b7d4e";

/** Requests of one method the front forwarded to the server (refused ones excluded). */
export function forwarded(s3: EmbeddedS3, method: string): number {
  return s3.requests.filter((r) => r.method === method && r.refusedWith === undefined).length;
}
