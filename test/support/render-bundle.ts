import { join } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { REPO } from "./letters";

/**
 * `entryPoint` bundled as infra/constructs/letter-function.ts bundles a function (one minified
 * CommonJS file for Node 22, nothing external), with its metafile: written to `outfile`, or kept in
 * memory when `write` is false.
 */
export function bundleLikeLambda(entryPoint: string, outfile: string, overrides: Pick<BuildOptions, "write" | "nodePaths"> = {}) {
  return build({
    entryPoints: [entryPoint],
    bundle: true,
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    metafile: true,
    outfile,
    logLevel: "silent",
    ...overrides,
  });
}

/** The render function's bundle (see `bundleLikeLambda`). */
export function buildRenderBundle(outfile: string, overrides: Pick<BuildOptions, "write"> = {}) {
  return bundleLikeLambda(join(REPO, "functions/render/handler.ts"), outfile, overrides);
}
