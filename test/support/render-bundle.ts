import { join } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { REPO } from "./letters";

/**
 * The render function's bundle as infra/constructs/letter-function.ts makes it (one minified
 * CommonJS file for Node 22, nothing external), with its metafile: written to `outfile`, or kept in
 * memory when `write` is false.
 */
export function buildRenderBundle(outfile: string, overrides: Pick<BuildOptions, "write"> = {}) {
  return build({
    entryPoints: [join(REPO, "functions/render/handler.ts")],
    bundle: true,
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    metafile: true,
    outfile,
    logLevel: "silent",
    ...overrides,
  });
}
