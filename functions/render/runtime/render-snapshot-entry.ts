/**
 * The render function on the custom runtime (provided.al2023, opt-in: infra context
 * `renderRuntime=snapshot`). At bundling time `node --build-snapshot` runs this file: the bundle is
 * evaluated and the renderer built (templates compiled, stylesheets parsed) into a V8 startup snapshot.
 * On Lambda, `bootstrap` starts node from that snapshot and the main function below runs: the same
 * handler as functions/render/handler.ts (createRenderHandler over fromEnvironment, from this
 * process's environment), given the restored renderer, in the Runtime API loop.
 */
// First: the guards a snapshot build needs must be in place before any other module loads.
import "./snapshot-prelude";
import { startupSnapshot } from "node:v8";
import { readConfig } from "../../config";
import { LetterpressError } from "../../core/errors";
import { fromEnvironment } from "../render-environment";
import { createRenderHandler } from "../render-handler";
import { RuntimeApiClient, runInvocationLoop } from "./lambda-runtime-api";
import { buildSnapshotRenderer, snapshotLayout } from "./snapshot-renderer";

const layout = snapshotLayout();
const renderer = buildSnapshotRenderer(layout);

async function main(): Promise<void> {
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

startupSnapshot.setDeserializeMainFunction(() => {
  main().catch((error: unknown) => {
    // The Runtime API itself failed: nothing to report to; Lambda sees the process end and starts another.
    process.stderr.write(`render runtime: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
