import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { FunctionConfig } from "../config";
import { LetterpressError } from "../core/errors";
import { documentStoreOf, encryptionOf } from "../environment";
import { DOWNLOAD_SERVICE_NAME } from "../deployment-contract";
import { createHandlerLogger } from "../handler-logger";
import { secretsManagerSecretReader } from "../share/secrets-manager-key-source";
import { loadKeyRingFromSecret } from "../share/share-key-ring";
import type { S3Connection } from "../storage/s3-client";
import type { DownloadDependencies } from "./download-handler";
import { lambdaRenderInvoker, renderThrough, type RenderInvoker } from "./render-invoker";
import { wireShareHandlers } from "./share-wiring";

/**
 * The download function's parts on Lambda, from its validated configuration: the store (signing
 * with the function's own role), the render function reached through the Lambda API, the logger,
 * and, when configured, the share routes over the key ring in Secrets Manager (read once per cold
 * start; see infra/README.md for rotation).
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
              keyRing: await loadKeyRingFromSecret(secretsManagerSecretReader(new SecretsManagerClient({ region: config.s3.region })), share.keysSecretId),
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

const noRenderFunction: RenderInvoker = async () => {
  throw new LetterpressError("CONFIG_ERROR", "no render function configured for on-demand rendering");
};
