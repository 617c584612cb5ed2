import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SQSBatchResponse } from "aws-lambda";
import { ENV } from "../../../functions/config";
import type { RenderReport } from "../../../functions/render/render-service";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";
import type { FaultStack } from "./fault-stack";

export type RenderHandler = (event: unknown) => Promise<RenderReport | RenderReport[] | SQSBatchResponse>;

/** The repository's letters uploaded under data/ in the bucket, as the deployment puts them. */
export async function uploadLetters(client: S3Client, bucket: string): Promise<void> {
  for (const letterId of await readdir(DATA_DIR)) {
    for (const file of await readdir(join(DATA_DIR, letterId))) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `data/${letterId}/${file}`, Body: await readFile(join(DATA_DIR, letterId, file)), ContentType: "application/json" }));
    }
  }
}

/**
 * The real render Lambda module, loaded fresh with the environment a deployment gives it, its S3
 * client pointed at the fault proxy. Returns the handler and a function restoring the environment.
 */
export function loadRenderHandler(connection: FaultStack["connection"], fontsDir: string): { handler: RenderHandler; restore(): void } {
  const values: Record<string, string> = {
    [ENV.documentsBucket]: connection.bucket,
    [ENV.s3Endpoint]: connection.endpoint,
    [ENV.region]: connection.region,
    [ENV.templatesDir]: TEMPLATES_DIR,
    [ENV.fontsDir]: fontsDir,
    AWS_ACCESS_KEY_ID: connection.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: connection.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "CRITICAL",
  };
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  let handler: RenderHandler | undefined;
  jest.isolateModules(() => {
    handler = (require("../../../functions/render/handler") as { handler: RenderHandler }).handler;
  });
  return {
    handler: handler!,
    restore: () => {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
