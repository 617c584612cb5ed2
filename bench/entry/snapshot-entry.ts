/**
 * The bench's cold start from a V8 startup snapshot (`node --snapshot-blob render.blob`): the same
 * work as render-entry.ts's cold mode, with the bundle already evaluated and the renderer already
 * built (templates compiled, stylesheets parsed) in the snapshot, as the render function's custom
 * runtime starts (functions/render/runtime/). bench/bundle.ts builds the blob with the node that runs
 * the bench, the render function's NODE_OPTIONS, and LETTERPRESS_SNAPSHOT_ASSETS set to the bundle.
 */
// First: the guards a snapshot build needs must be in place before any other module loads.
import "../../functions/render/runtime/snapshot-prelude";
import { startupSnapshot } from "node:v8";
import { z } from "zod";
import { buildSnapshotRenderer } from "../../functions/render/runtime/snapshot-renderer";
import { renderCold, renderEntryArgsSchema } from "./cold-run";

const renderer = buildSnapshotRenderer();

function fail(message: string, code: number): never {
  process.stderr.write(`snapshot-entry: ${message}\n`);
  process.exit(code);
}

startupSnapshot.setDeserializeMainFunction(() => {
  const mainStartMs = performance.now();
  // A process started from a snapshot has no script in its argv: the arguments follow the node's own.
  const parsed = renderEntryArgsSchema.safeParse(JSON.parse(process.argv.at(-1) ?? "null"));
  if (!parsed.success) fail(`bad arguments: ${z.prettifyError(parsed.error)}`, 2);
  if (parsed.data.mode !== "cold") fail(`only mode "cold" starts from a snapshot, got "${parsed.data.mode}"`, 2);
  renderCold(renderer, parsed.data, mainStartMs).catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1));
});
