import { join, resolve } from "node:path";
import type { Paper } from "../functions/core/html/render-html";
import { DirectoryLetterSource } from "../functions/letters/letter-source";
import { createRenderer } from "../functions/render/create-renderer";
import { RenderService } from "../functions/render/render-service";
import { createS3Client } from "../functions/storage/s3-client";
import { S3DocumentStore } from "../functions/storage/s3-document-store";
import { startEmbeddedS3 } from "./s3/embedded-s3";

export const REPO_ROOT = resolve(__dirname, "..");
/** Where the embedded S3 server keeps its objects between runs (git-ignored). */
export const EMBEDDED_S3_DIR = join(REPO_ROOT, ".local", "s3");

export interface LocalRuntimeOptions {
  dataDir: string;
  templatesDir: string;
  paper: Paper;
  /** A real bucket instead of the embedded server (credentials from the AWS default chain). */
  bucket?: string;
  /** An S3-compatible endpoint for that bucket. */
  endpoint?: string;
  region?: string;
  urlLifetime?: { defaultSeconds: number; maxSeconds: number };
}

export interface LocalRuntime {
  service: RenderService;
  store: S3DocumentStore;
  letters: DirectoryLetterSource;
  /** Where documents are stored, for people: `embedded S3 at http://...` or `s3://bucket`. */
  description: string;
  close(): Promise<void>;
}

/**
 * The same pipeline the render function runs, wired to local parts: letters from a folder, and
 * either the embedded S3 server (the default) or a real bucket.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const urlLifetime = options.urlLifetime ?? { defaultSeconds: 300, maxSeconds: 3600 };
  const embedded = options.bucket ? undefined : await startEmbeddedS3({ dataDir: EMBEDDED_S3_DIR });
  const client = embedded
    ? createS3Client({ region: embedded.region, endpoint: embedded.endpoint, forcePathStyle: true, credentials: embedded.credentials })
    : createS3Client({ region: options.region ?? "us-east-1", ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}) });
  const bucket = embedded ? embedded.bucket : (options.bucket as string);
  const store = new S3DocumentStore({ client, bucket, maxPresignExpirySeconds: urlLifetime.maxSeconds, ...(embedded ? {} : { encryption: { mode: "SSE-S3" as const } }) });
  const letters = new DirectoryLetterSource(options.dataDir);
  const renderer = await createRenderer({ templatesDir: options.templatesDir, paper: options.paper });
  const service = new RenderService(renderer, store, letters, "all");
  return {
    service,
    store,
    letters,
    description: embedded ? `embedded S3 at ${embedded.endpoint} (bucket ${bucket}, data in .local/s3)` : `s3://${bucket}`,
    close: async () => {
      client.destroy();
      await embedded?.stop();
    },
  };
}
