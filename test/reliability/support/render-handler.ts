import { readConfig } from "../../../functions/config";
import { createRenderHandler, type RenderHandler } from "../../../functions/render/render-handler";
import { fromEnvironment } from "../../../functions/render/render-environment";
import { lambdaEnvironment, QUIET_LOGGER } from "../../support/lambda-env";
import type { FaultStack } from "./fault-stack";

export type { RenderHandler };

export { uploadLetters } from "../../support/lambda-env";

/**
 * The render function as deployed: its factory over `fromEnvironment` (the S3 client's retries and
 * timeouts included), from a deployment's environment, its S3 client pointed at the fault proxy.
 * Its logger is silenced. `restore` is kept for callers; nothing global is changed.
 */
export function loadRenderHandler(connection: FaultStack["connection"], fontsDir: string): { handler: RenderHandler; restore(): void } {
  const dependencies = fromEnvironment(readConfig(lambdaEnvironment(connection, fontsDir)), { credentials: connection.credentials });
  return { handler: createRenderHandler({ ...dependencies, logger: QUIET_LOGGER }), restore: () => {} };
}
