import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { sha256Hex, type DocumentRequest } from "../../../functions/core/documents";
import { ERROR_CODES, LetterpressError } from "../../../functions/core/errors";
import type { RenderAndStoreResult } from "../../../functions/render/render-and-store";
import { readConfig } from "../../../functions/config";
import { ENV } from "../../../functions/deployment-contract";
import { documentStoreOf } from "../../../functions/environment";
import { createS3Client } from "../../../functions/storage/s3-client";
import { S3DocumentStore } from "../../../functions/storage/s3-document-store";
import { manifestSchema } from "../../../functions/storage/manifest";
import { type EmbeddedS3, LOCAL_STORE_CONNECTION, startEmbeddedS3 } from "../../../local/s3/embedded-s3";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";

/**
 * The embedded S3 server with the fault proxy in front of it. The store under test talks to the
 * proxy; checks read the bucket directly through the verifying front, never through the faults.
 * The server can be stopped and started again on the same directory, port and credentials.
 */
export interface FaultStack {
  proxy: FaultProxy;
  /** Talks to the proxy: what the code under test uses. */
  store: S3DocumentStore;
  /** Talks to the front directly: what the checks use. */
  direct: { client: S3Client; store: S3DocumentStore; bucket: string };
  /** What a client needs to reach the server through the proxy (the Lambda handlers' environment). */
  connection: { endpoint: string; bucket: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stopS3(): Promise<void>;
  startS3(): Promise<void>;
  stop(): Promise<void>;
}

export interface FaultStackOptions {
  /** The SDK's attempts per request through the proxy: 1 shows every fault, 3 is the SDK's default retry. */
  maxAttempts: number;
  /** The store under test's request timeout; the local store's (60 s) by default. */
  requestTimeoutMs?: number;
}

/**
 * The local runtime's timeouts (60 s): a fault here is injected, never a timeout's luck. With the
 * old 1 s connection timeout (the SDK counts the wait for a pooled socket into it), a machine busy
 * with other work failed documents no fault touched, and the scenarios' counts with them. A server
 * that is down still fails at once: on loopback its port refuses.
 */
const { connectionTimeoutMs, requestTimeoutMs } = LOCAL_STORE_CONNECTION;

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "letterpress-faults-"));
  const credentials = { accessKeyId: `LP${randomBytes(9).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64url") };
  let s3: EmbeddedS3 | undefined = await startEmbeddedS3({ dataDir, credentials });
  const frontPort = Number(new URL(s3.endpoint).port);
  const { bucket, region, endpoint } = s3;
  const proxy = await startFaultProxy(endpoint);
  // The store under test is built as the functions build theirs (documentStoreOf), with these tests' attempts and timeouts.
  const config = readConfig({ [ENV.documentsBucket]: bucket, [ENV.s3Endpoint]: proxy.endpoint, [ENV.region]: region, [ENV.encryption]: "none" });
  const { client, store } = documentStoreOf(config, {
    credentials,
    maxAttempts: options.maxAttempts,
    connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? requestTimeoutMs,
  });
  const directClient = createS3Client({ region, endpoint, forcePathStyle: true, credentials, maxAttempts: 1, connectionTimeoutMs, requestTimeoutMs });
  return {
    proxy,
    store,
    direct: { client: directClient, store: new S3DocumentStore({ client: directClient, bucket, maxPresignExpirySeconds: 3_600 }), bucket },
    connection: { endpoint: proxy.endpoint, bucket, region, credentials },
    stopS3: async () => {
      await s3?.stop();
      s3 = undefined;
    },
    startS3: async () => {
      s3 ??= await startEmbeddedS3({ dataDir, credentials, port: frontPort });
    },
    stop: async () => {
      client.destroy();
      directClient.destroy();
      await proxy.stop();
      await s3?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const documentId = (request: DocumentRequest) => `${request.locale}/${request.recipientId ?? "-"}/${request.format}`;

/** Every object key in the bucket under a prefix, read directly. */
export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

async function readBytes(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await reply.Body!.transformToByteArray());
  } catch {
    return undefined;
  }
}

/**
 * Every manifest in the bucket, each of its entries read back: the entries whose object is missing
 * or whose bytes do not hash to the listed SHA-256. Must always be empty.
 */
export async function manifestEntriesNotThere(direct: FaultStack["direct"]): Promise<string[]> {
  const bad: string[] = [];
  for (const key of (await listKeys(direct.client, direct.bucket, "letters/")).filter((k) => k.endsWith("/manifest.json"))) {
    const manifest = manifestSchema.parse(JSON.parse((await readBytes(direct.client, direct.bucket, key))!.toString("utf8")));
    for (const entry of manifest.documents) {
      const bytes = await readBytes(direct.client, direct.bucket, entry.key);
      if (bytes === undefined || sha256Hex(bytes) !== entry.sha256 || bytes.length !== entry.size) bad.push(`${key} lists ${entry.key}`);
    }
  }
  return bad;
}

export interface BatchAccount {
  planned: number;
  storedVerified: number;
  failed: number;
  /** Planned documents neither stored and verified nor reported failed. */
  lost: number;
}

/**
 * Accounts for every planned document of a batch: stored (and its SHA-256 read back from the
 * bucket matches) or reported failed with a code and a reason, exactly once; nothing failed is
 * listed in this run's manifest. Returns the figures; the caller asserts on them.
 */
export async function accountFor(planned: readonly DocumentRequest[], result: RenderAndStoreResult, direct: FaultStack["direct"]): Promise<BatchAccount & { problems: string[] }> {
  const problems: string[] = [];
  const outcomes = new Map<string, string[]>();
  const note = (request: DocumentRequest, what: string) => outcomes.set(documentId(request), [...(outcomes.get(documentId(request)) ?? []), what]);
  let storedVerified = 0;
  for (const stored of result.stored) {
    note(stored.request, "stored");
    const bytes = await readBytes(direct.client, direct.bucket, stored.document.key);
    if (bytes === undefined) problems.push(`${stored.document.key}: reported stored, not in the bucket`);
    else if (sha256Hex(bytes) !== stored.document.sha256) problems.push(`${stored.document.key}: stored bytes do not hash to the reported SHA-256`);
    else storedVerified++;
  }
  for (const failure of result.failures) {
    note(failure.request, "failed");
    if (!(failure.error instanceof LetterpressError) || !(ERROR_CODES as readonly string[]).includes(failure.error.code))
      problems.push(`${documentId(failure.request)}: failure without a code`);
    if (failure.error.message.length < 10 || /\n\s+at \S+/.test(failure.error.message))
      problems.push(`${documentId(failure.request)}: reason is not a clear message: ${failure.error.message}`);
  }
  let lost = 0;
  for (const request of planned) {
    const seen = outcomes.get(documentId(request)) ?? [];
    if (seen.length === 0) lost++;
    if (seen.length > 1) problems.push(`${documentId(request)}: accounted for ${seen.length} times (${seen.join(", ")})`);
  }
  if (outcomes.size !== planned.length) problems.push(`${outcomes.size} documents accounted for, ${planned.length} planned`);
  const listed = new Set(result.manifest?.documents.map((entry) => `${entry.locale}/${entry.recipientId ?? "-"}/${entry.format}`) ?? []);
  for (const failure of result.failures) if (listed.has(documentId(failure.request))) problems.push(`${documentId(failure.request)}: failed but listed in the manifest`);
  problems.push(...(await manifestEntriesNotThere(direct)));
  return { planned: planned.length, storedVerified, failed: result.failures.length, lost, problems };
}
