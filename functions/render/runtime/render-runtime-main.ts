import { readConfig } from "../../config";
import type { DocumentRenderer } from "../../core/render-document";
import { LetterpressError } from "../../core/errors";
import { fromEnvironment } from "../render-environment";
import { createRenderHandler } from "../render-handler";
import { RuntimeApiClient, runInvocationLoop } from "./lambda-runtime-api";
import type { SnapshotLayout } from "./snapshot-renderer";

/**
 * The custom runtime's main function, once the snapshot is restored: the same handler as
 * functions/render/handler.ts (createRenderHandler over fromEnvironment, from this process's
 * environment) given the restored renderer, in the Runtime API loop. A handler that cannot be made
 * (bad configuration) is reported as the init error, as the managed runtime reports a failing module.
 */
export async function runRenderRuntime(renderer: Promise<DocumentRenderer>, layout: SnapshotLayout): Promise<void> {
  const client = RuntimeApiClient.fromEnvironment();
  let handler: ReturnType<typeof createRenderHandler>;
  try {
    // Fonts and hyphenation patterns are read from where the snapshot was built to find them.
    const taskRoot = process.env["LAMBDA_TASK_ROOT"];
    if (taskRoot !== undefined && taskRoot !== layout.taskRoot) {
      throw new LetterpressError("CONFIG_ERROR", `the render snapshot was built for task root ${layout.taskRoot}, but LAMBDA_TASK_ROOT is ${taskRoot}`);
    }
    handler = createRenderHandler(fromEnvironment(readConfig(), {}, renderer));
  } catch (error) {
    await client.initError(error);
    process.exit(1);
  }
  await runInvocationLoop(handler, client);
}
