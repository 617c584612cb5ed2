import { LambdaClient } from "@aws-sdk/client-lambda";
import type { FunctionConfig } from "../config";
import { LetterpressError } from "../core/errors";
import { documentStoreOf } from "../environment";
import { createHandlerLogger } from "../handler-logger";
import type { S3Connection } from "../storage/s3-client";
import type { DownloadDependencies } from "./download-handler";
import { lambdaRenderInvoker, type RenderInvoker } from "./render-invoker";

/**
 * The download function's parts on Lambda, from its validated configuration: the store (signing
 * with the function's own, read-only role), the render function reached through the Lambda API,
 * and the logger.
 */
export function fromEnvironment(config: FunctionConfig, connection: Partial<S3Connection> = {}): DownloadDependencies {
  const { store } = documentStoreOf(config, connection);
  return {
    store,
    invokeRender: config.renderFunctionName ? lambdaRenderInvoker(new LambdaClient({ region: config.s3.region }), config.renderFunctionName) : noRenderFunction,
    allowedLocales: config.allowedLocales,
    urlLifetime: config.urlLifetime,
    logger: createHandlerLogger("letterpress-download"),
  };
}

const noRenderFunction: RenderInvoker = async () => {
  throw new LetterpressError("CONFIG_ERROR", "no render function configured for on-demand rendering");
};
