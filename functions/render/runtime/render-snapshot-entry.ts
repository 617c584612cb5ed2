/**
 * The render function on the custom runtime (provided.al2023, opt-in: infra context
 * `renderRuntime=snapshot`). At bundling time `node --build-snapshot` runs this file: the render code
 * is evaluated and the renderer built (templates compiled, stylesheets parsed) into a V8 startup
 * snapshot. On Lambda, `bootstrap` starts node from that snapshot and the main function below runs
 * the same handler as functions/render/handler.ts in the Runtime API loop (render-runtime-main.ts).
 */
// First: the guards a snapshot build needs must be in place before any other module loads.
import "./snapshot-prelude";
import { startupSnapshot } from "node:v8";
import { buildSnapshotRenderer, snapshotLayout } from "./snapshot-renderer";

const layout = snapshotLayout();
const renderer = buildSnapshotRenderer(layout);

startupSnapshot.setDeserializeMainFunction(() => {
  // Required now, not imported: node:http (the AWS SDK's and the Runtime API client's) cannot be in a
  // snapshot (its parser binding is a native object), so the handler's side is evaluated after the
  // restore. esbuild keeps it in the same bundle, lazily: one copy of every module the renderer shares.
  const { runRenderRuntime } = require("./render-runtime-main") as typeof import("./render-runtime-main");
  runRenderRuntime(renderer, layout).catch((error: unknown) => {
    // The Runtime API itself failed: nothing to report to; Lambda sees the process end and starts another.
    process.stderr.write(`render runtime: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
