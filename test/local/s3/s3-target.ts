import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../functions/storage/s3-client";
import { startHarness, type Harness } from "../../storage/embedded-s3-harness";

/**
 * What a conformance test talks to: an S3 client, a bucket, the path-style URL of that bucket, and a
 * fresh key prefix so runs never meet each other's objects. By default the embedded server; with
 * LETTERPRESS_S3_CONFORMANCE_BUCKET (and AWS_REGION, credentials from the default chain) the same
 * tests run against that real, private S3 bucket, which is how they are meant to be checked.
 */
export interface S3Target {
  client: S3Client;
  bucket: string;
  /** `https://s3.<region>.amazonaws.com/<bucket>` or `http://127.0.0.1:<port>/<bucket>`. */
  bucketUrl: string;
  prefix: string;
  stop(): Promise<void>;
}

export async function startTarget(): Promise<S3Target> {
  const prefix = `conformance/${randomBytes(6).toString("hex")}/`;
  const realBucket = process.env["LETTERPRESS_S3_CONFORMANCE_BUCKET"];
  if (realBucket) {
    const region = process.env["AWS_REGION"] ?? "us-east-1";
    const client = createS3Client({ region, maxAttempts: 1 });
    return { client, bucket: realBucket, bucketUrl: `https://s3.${region}.amazonaws.com/${realBucket}`, prefix, stop: async () => client.destroy() };
  }
  const h: Harness = await startHarness();
  return { client: h.client, bucket: h.s3.bucket, bucketUrl: `${h.s3.endpoint}/${h.s3.bucket}`, prefix, stop: () => h.stop() };
}

/** An embedded S3 server in a process of its own, on a data folder another process may serve too. */
export interface ChildServer {
  client: S3Client;
  bucket: string;
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL: the process dies wherever it is, as in a crash. */
  stopHard(): Promise<void>;
}

export async function startChildServer(dataDir: string): Promise<ChildServer> {
  const script = path.join(__dirname, "../../fixtures/storage/embedded-s3-child.ts");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", script, dataDir], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`embedded S3 child exited early (${code})`)));
  });
  const info = JSON.parse(line) as { pid: number; endpoint: string; bucket: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  // The server runs in the process we signal (tsx's CLI would run it in a grandchild).
  if (info.pid !== child.pid) throw new Error(`the embedded S3 runs in process ${info.pid}, not in the child ${child.pid}`);
  const client = createS3Client({
    region: info.region,
    endpoint: info.endpoint,
    forcePathStyle: true,
    credentials: info.credentials,
    maxAttempts: 1,
    requestTimeoutMs: 60_000,
    connectionTimeoutMs: 60_000,
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    }
    client.destroy();
  };
  return { client, bucket: info.bucket, endpoint: info.endpoint, pid: info.pid, stop: () => end("SIGTERM"), stopHard: () => end("SIGKILL") };
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "letterpress-s3-shared-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
