import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { S3Connection } from "../../functions/storage/s3-client";
import { ObjectStore } from "./object-store";
import { createS3Api } from "./s3-api";
import { startVerifyingFront, type FrontRequestRecord } from "./verifying-front";

/**
 * An S3-compatible server for local runs and tests, owned by this project: the S3 operations the
 * application uses (./s3-api.ts) over objects in a folder (./object-store.ts), reachable only
 * through a front that verifies SigV4 as S3 does (./verifying-front.ts), on a loopback port.
 * Several processes may serve one folder at once: writes of one key are serialised across them.
 */

export const EMBEDDED_S3_REGION = "us-east-1";
export const DEFAULT_BUCKET = "letterpress-documents";
/** Bodies above this are refused; the largest document we store is a few MB. */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

export interface EmbeddedS3Options {
  /** Where objects are kept between runs, e.g. `.local/s3` (git-ignored). */
  dataDir: string;
  /** The server's port; 0 (the default) picks a free one. */
  port?: number;
  bucket?: string;
  /** Fresh random credentials when omitted. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The server's clock, for tests of expiry. */
  clock?: () => Date;
  /** Told of every 5xx the server answers, with its cause; `console.error` when omitted. */
  onServerError?: (request: { method: string; url: string }, error: unknown) => void;
}

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`: use with path-style addressing. */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * How to reach this server with `createS3Client`: path-style, these credentials, and an agent and
   * timeouts sized for a store on the local disk (see LOCAL_STORE_CONNECTION).
   */
  connection: S3Connection;
  /** Requests the server has answered, in order; tests count uploads with it. */
  requests: readonly FrontRequestRecord[];
  stop(): Promise<void>;
}

/**
 * Client settings for a store on this machine. The SDK counts time spent waiting for a free socket
 * in the agent as connection time, so with its 3 s connection timeout a burst of requests queued
 * behind 50 sockets failed as "cannot connect" (a 503 from `serve`) although nothing was wrong.
 * On loopback a server that is down refuses at once, so a long connection timeout only lets a burst
 * queue; the request timeout stays, to catch a stall.
 */
export const LOCAL_STORE_CONNECTION = {
  maxSockets: 64,
  connectionTimeoutMs: 60_000,
  requestTimeoutMs: 60_000,
} as const satisfies Partial<S3Connection>;

function randomCredentials() {
  return {
    accessKeyId: `LP${randomBytes(9).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
}

function logServerError(request: { method: string; url: string }, error: unknown): void {
  // The path only: a presigned query carries a signature.
  console.error(`embedded S3: 5xx for ${request.method} ${request.url.split("?")[0]}:`, error);
}

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const credentials = options.credentials ?? randomCredentials();
  await mkdir(options.dataDir, { recursive: true });
  const store = new ObjectStore(options.dataDir, bucket);
  await store.init();
  const api = createS3Api({ store, maxObjectBytes: MAX_OBJECT_BYTES, onServerError: options.onServerError ?? logServerError });
  const front = await startVerifyingFront({
    handler: api,
    region: EMBEDDED_S3_REGION,
    secrets: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
    maxSignedBodyBytes: MAX_OBJECT_BYTES,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });

  let stopped: Promise<void> | undefined;
  return {
    endpoint: front.endpoint,
    bucket,
    region: EMBEDDED_S3_REGION,
    credentials,
    connection: { region: EMBEDDED_S3_REGION, endpoint: front.endpoint, forcePathStyle: true, credentials, ...LOCAL_STORE_CONNECTION },
    requests: front.requests,
    stop: () => (stopped ??= front.stop()),
  };
}
