import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../../functions/config";
import type { HandlerLogger } from "../../functions/handler-logger";
import { assetPath } from "../../functions/fonts/load-font-library";
import { BUNDLE_FILES } from "../../functions/fonts/font-files";
import type { Harness } from "../storage/embedded-s3-harness";
import { DATA_DIR, TEMPLATES_DIR } from "./letters";

/** The repository's data/ uploaded under the bucket's data prefix, as the CDK app deploys it. */
export async function uploadLetters(client: S3Client, bucket: string, prefix = "data/"): Promise<void> {
  for (const letterId of await readdir(DATA_DIR)) {
    for (const file of await readdir(join(DATA_DIR, letterId))) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${letterId}/${file}`, Body: await readFile(join(DATA_DIR, letterId, file)), ContentType: "application/json" }),
      );
    }
  }
}

/** `uploadLetters` into an embedded server. */
export function uploadLetterData(harness: Harness, prefix = "data/"): Promise<void> {
  return uploadLetters(harness.client, harness.s3.bucket, prefix);
}

/** One folder of letter files uploaded under a key prefix (e.g. `data/<letterId>/`), as a deployment uploads it. */
export async function uploadLetterFolder(client: S3Client, bucket: string, dir: string, prefix: string): Promise<void> {
  for (const file of (await readdir(dir)).filter((name) => name.endsWith(".json"))) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${file}`, Body: await readFile(join(dir, file)), ContentType: "application/json" }));
  }
}

/** A flat folder of the font files, laid out as in the Lambda bundle. */
export async function flatFontDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "letterpress-fonts-"));
  await Promise.all(BUNDLE_FILES.map((file) => copyFile(assetPath(file), join(dir, file.fileName))));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A logger that drops everything: the tests assert on replies and the bucket, not on log lines. */
export const QUIET_LOGGER: HandlerLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Where an S3-compatible server is and how to sign for it: the embedded server, or a fault proxy in front of it. */
export interface S3Endpoint {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The environment a deployed function gets (the variables infra sets), pointed at a local S3 server. */
export function lambdaEnvironment(s3: Harness | S3Endpoint, fontsDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const where = "s3" in s3 ? s3.s3 : s3;
  return {
    [ENV.documentsBucket]: where.bucket,
    [ENV.s3Endpoint]: where.endpoint,
    [ENV.region]: where.region,
    [ENV.templatesDir]: TEMPLATES_DIR,
    [ENV.fontsDir]: fontsDir,
    ...extra,
  };
}

/**
 * Sets the environment a deployed function gets, pointed at the embedded server (with its
 * credentials, for the SDK's default chain); returns a function that restores the previous environment.
 */
export function setLambdaEnvironment(harness: Harness, fontsDir: string, extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    ...lambdaEnvironment(harness, fontsDir, extra),
    AWS_ACCESS_KEY_ID: harness.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: harness.s3.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "CRITICAL",
  };
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
