import { join, resolve } from "node:path";
import { AssetHashType, DockerImage } from "aws-cdk-lib";
import { Code, type FunctionProps, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { armNodeRunner, bundleRenderSnapshot, RENDER_SNAPSHOT, renderSnapshotAssetHash } from "../bundling/snapshot/render-snapshot-bundle";

const REPO_ROOT = resolve(__dirname, "..", "..");

/** The one handler the custom runtime runs: its snapshot entry makes this module's handler (one code path). */
export const SNAPSHOT_RUNTIME_HANDLER_ENTRY = "functions/render/handler.ts";

/**
 * The render function on the custom runtime: provided.al2023 on arm64, its code the bundle
 * bundleRenderSnapshot makes (the arm64 node from npm, the startup snapshot it built, `bootstrap`),
 * made by CDK's local bundling, offline and never in Docker. Everything else (role, log group,
 * environment with NODE_OPTIONS, tracing, sizing) is what LetterFunction gives the managed one.
 */
export function renderSnapshotFunction(
  scope: Construct,
  id: string,
  common: Omit<FunctionProps, "code" | "handler" | "runtime">,
  props: { entry: string; codeOverride?: Code },
  assets: { from: string; to: string }[],
): LambdaFunction {
  if (props.entry !== SNAPSHOT_RUNTIME_HANDLER_ENTRY) {
    throw new Error(`runtime "snapshot" runs the render function only (${SNAPSHOT_RUNTIME_HANDLER_ENTRY}), not ${props.entry}`);
  }
  const code =
    props.codeOverride ??
    Code.fromAsset(join(REPO_ROOT, "functions", "render", "runtime"), {
      // From the inputs: the blob is not the same bytes twice (see renderSnapshotAssetHash).
      assetHashType: AssetHashType.CUSTOM,
      assetHash: renderSnapshotAssetHash(assets),
      bundling: {
        // Never pulled: local bundling below builds the asset or throws with what is missing.
        image: DockerImage.fromRegistry("letterpress/local-bundling-only"),
        local: {
          tryBundle(outputDir: string): boolean {
            bundleRenderSnapshot({ outputDir, node: RENDER_SNAPSHOT.armNode, taskRoot: RENDER_SNAPSHOT.taskRoot, ship: true, ...armNodeRunner(), assets });
            return true;
          },
        },
      },
    });
  // `handler` is not read by a custom runtime (bootstrap is what runs); Lambda requires a value.
  return new LambdaFunction(scope, id, { ...common, runtime: Runtime.PROVIDED_AL2023, handler: "bootstrap", code });
}
