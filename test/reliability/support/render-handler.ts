import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { readConfig } from "../../../functions/config";
import { createRenderHandler, type RenderHandler } from "../../../functions/render/render-handler";
import { fromEnvironment } from "../../../functions/render/render-environment";
import { lambdaEnvironment, QUIET_LOGGER } from "../../support/lambda-env";
import { DATA_DIR } from "../../support/letters";
import type { FaultStack } from "./fault-stack";

export type { RenderHandler };

/** The repository's letters uploaded under data/ in the bucket, as the deployment puts them. */
export async function uploadLetters(client: S3Client, bucket: string): Promise<void> {
  for (const letterId of await readdir(DATA_DIR)) {
    for (const file of await readdir(join(DATA_DIR, letterId))) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `data/${letterId}/${file}`, Body: await readFile(join(DATA_DIR, letterId, file)), ContentType: "application/json" }));
    }
  }
}

/**
 * The render function as deployed: its factory over `fromEnvironment` (the S3 client's retries and
 * timeouts included), from a deployment's environment, its S3 client pointed at the fault proxy.
 * Its logger is silenced. `restore` is kept for callers; nothing global is changed.
 */
export function loadRenderHandler(connection: FaultStack["connection"], fontsDir: string): { handler: RenderHandler; restore(): void } {
  const dependencies = fromEnvironment(readConfig(lambdaEnvironment(connection, fontsDir)), { credentials: connection.credentials });
  return { handler: createRenderHandler({ ...dependencies, logger: QUIET_LOGGER }), restore: () => {} };
}
