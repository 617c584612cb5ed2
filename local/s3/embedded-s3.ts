import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import S3rver from "s3rver";
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account";
import { startVerifyingFront, type FrontRequestRecord } from "./verifying-front";

/**
 * An S3-compatible server for local runs and tests: s3rver (patched, see patches/) on a random
 * loopback port, behind a front that verifies SigV4 as S3 does. Clients talk to the front only.
 */

export const EMBEDDED_S3_REGION = "us-east-1";
export const DEFAULT_BUCKET = "letterpress-documents";

export interface EmbeddedS3Options {
  /** Where objects are kept between runs, e.g. `.local/s3` (git-ignored). */
  dataDir: string;
  /** The front's port; 0 (the default) picks a free one. */
  port?: number;
  bucket?: string;
  /** Fresh random credentials when omitted. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The front's clock, for tests of expiry. */
  clock?: () => Date;
}

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`: use with path-style addressing. */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Requests the front has answered, in order; tests count uploads with it. */
  requests: readonly FrontRequestRecord[];
  stop(): Promise<void>;
}

function randomCredentials() {
  return {
    accessKeyId: `LP${randomBytes(9).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
}

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const credentials = options.credentials ?? randomCredentials();
  await mkdir(options.dataDir, { recursive: true });

  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: options.dataDir,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  // s3rver only checks that the access key exists (the front has verified the signature); the key
  // must be known to it so it treats requests as authenticated (response-* overrides need that).
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);

  let front;
  try {
    front = await startVerifyingFront({
      upstream: { host: "127.0.0.1", port },
      region: EMBEDDED_S3_REGION,
      secrets: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  } catch (error) {
    DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
    server.httpServer?.closeAllConnections();
    await server.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint: front.endpoint,
    bucket,
    region: EMBEDDED_S3_REGION,
    credentials,
    requests: front.requests,
    stop: () =>
      (stopped ??= (async () => {
        await front.stop();
        DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
        const closed = server.close();
        server.httpServer?.closeAllConnections();
        await closed;
      })()),
  };
}
