import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { FunctionConfig } from "../config";
import { LetterpressError } from "../core/errors";
import { documentStoreOf, encryptionOf } from "../environment";
import { DOWNLOAD_SERVICE_NAME } from "../deployment-contract";
import { createHandlerLogger } from "../handler-logger";
import { secretsManagerSecretReader } from "../share/secrets-manager-key-source";
import { loadKeyRingFromSecret, rereadingKeyRing } from "../share/share-key-ring";
import type { S3Connection } from "../storage/s3-client";
import type { DownloadDependencies } from "./download-handler";
import { lambdaRenderInvoker, renderThrough, type RenderInvoker } from "./render-invoker";
import { wireShareHandlers } from "./share-wiring";

/**
 * The download function's parts on Lambda, from its validated configuration: the store (signing
 * with the function's own role), the render function reached through the Lambda API, the logger,
 * and, when configured, the share routes over the key ring in Secrets Manager (read at the cold start,
 * and again as `KEY_RING_REREAD` says, so a rotation reaches warm instances; infra/README.md).
 */
export function fromEnvironment(config: FunctionConfig, connection: Partial<S3Connection> = {}): DownloadDependencies {
  const { client, store } = documentStoreOf(config, connection);
  const logger = createHandlerLogger(DOWNLOAD_SERVICE_NAME);
  const invokeRender = config.renderFunctionName ? lambdaRenderInvoker(new LambdaClient({ region: config.s3.region }), config.renderFunctionName) : noRenderFunction;
  const share = config.share;
  return {
    store,
    invokeRender,
    allowedLocales: config.allowedLocales,
    urlLifetime: config.urlLifetime,
    logger,
    ...(config.signIn ? { signIn: config.signIn } : {}),
    ...(share
      ? {
          shares: (async () =>
            wireShareHandlers({
              client,
              bucket: config.bucket,
              encryption: encryptionOf(config.encryption),
              documentStore: store,
              makeDocument: renderThrough(invokeRender),
              keyRing: await keyRingOf(share.keysSecretId, config.s3.region, logger),
              templatesDir: config.assets.templatesDir ?? join(__dirname, "templates"),
              allowedLocales: config.allowedLocales,
              linkBaseUrl: share.linkBaseUrl,
              maxLifetimeSeconds: share.maxLifetimeSeconds,
              logger,
              service: DOWNLOAD_SERVICE_NAME,
            }))(),
        }
      : {}),
  };
}

/**
 * How often a warm instance reads the ring again: every 5 minutes for the key new links are sealed
 * with (the rotation keeps a retired key a day longer than its links can live, key-rotation.ts), and
 * at once, at most every 10 seconds, when a link names a key it has not seen (sealed by a newer instance).
 */
export const KEY_RING_REREAD = { maxAgeMs: 5 * 60_000, minRereadMs: 10_000 } as const;

async function keyRingOf(secretId: string, region: string, logger: ReturnType<typeof createHandlerLogger>) {
  const readSecret = secretsManagerSecretReader(new SecretsManagerClient({ region }));
  const read = () => loadKeyRingFromSecret(readSecret, secretId);
  // Read now: a broken ring fails the start (share routes 503, one log line), as before.
  return rereadingKeyRing(await read(), read, {
    ...KEY_RING_REREAD,
    onRereadFailed: (error) =>
      logger.warn("share key ring: reading it again failed; the ring read before stays in use", { reason: error instanceof Error ? error.message : String(error) }),
  });
}

const noRenderFunction: RenderInvoker = async () => {
  throw new LetterpressError("CONFIG_ERROR", "no render function configured for on-demand rendering");
};
