import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { readConfig } from "../../functions/config";
import { fromEnvironment } from "../../functions/download/download-environment";
import { createDownloadHandler } from "../../functions/download/download-handler";
import type { HandlerLogger } from "../../functions/handler-logger";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { lambdaEnvironment } from "../support/lambda-env";

const sample = JSON.parse(readFileSync(join(__dirname, "../fixtures/events/api-download.json"), "utf8")) as APIGatewayProxyEventV2;

describe("the download handler when storage refuses its credentials (a configuration fault)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.stop());

  it("answers 500 without asking the caller to retry, and logs a configuration error naming the refused request", async () => {
    // A role or key that S3 refuses: here a wrong secret, which the embedded server's SigV4 front answers with 403.
    const client = createS3Client({
      region: harness.s3.region,
      endpoint: harness.s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: harness.s3.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    const logged: { level: string; message: string; attributes: unknown }[] = [];
    const logger: HandlerLogger = {
      info: (message, attributes) => logged.push({ level: "info", message, attributes }),
      warn: (message, attributes) => logged.push({ level: "warn", message, attributes }),
      error: (message, attributes) => logged.push({ level: "error", message, attributes }),
    };
    const invokeRender = jest.fn(async () => ({ payload: new Uint8Array() }));
    try {
      const handler = createDownloadHandler({
        store: new S3DocumentStore({ client, bucket: harness.s3.bucket, maxPresignExpirySeconds: 3_600 }),
        invokeRender,
        allowedLocales: "all",
        urlLifetime: { defaultSeconds: 300, maxSeconds: 3_600 },
        logger,
      });
      const reply = await handler(sample);
      expect(reply.statusCode).toBe(500);
      expect(JSON.parse(reply.body!)).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
      expect(logged).toEqual([
        {
          level: "error",
          message: "download failed: configuration error",
          attributes: {
            code: "CONFIG_ERROR",
            reason: expect.stringMatching(/^configuration error: storage denied get of letters\/unsc-dprk-2015\/latest\.json; check the function's role/),
          },
        },
      ]);
      // Nothing was rendered: the refusal is not mistaken for a missing document.
      expect(invokeRender).not.toHaveBeenCalled();
    } finally {
      client.destroy();
    }
  });
});

describe("the download function as deployed (fromEnvironment) without a render function configured", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.stop());

  it("answers a document not stored yet with a 500 and logs the missing RENDER_FUNCTION_NAME as a configuration error", async () => {
    const logged: { message: string; attributes: unknown }[] = [];
    const record = (message: string, attributes?: unknown) => logged.push({ message, attributes });
    const dependencies = fromEnvironment(readConfig(lambdaEnvironment(harness, "/nonexistent-fonts")), { credentials: harness.s3.credentials, maxAttempts: 1 });
    const handler = createDownloadHandler({ ...dependencies, logger: { info: record, warn: record, error: record } });
    const reply = await handler(sample);
    expect(reply.statusCode).toBe(500);
    expect(JSON.parse(reply.body!)).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
    expect(logged).toEqual([
      { message: "download failed: configuration error", attributes: { code: "CONFIG_ERROR", reason: "no render function configured for on-demand rendering" } },
    ]);
  });
});
