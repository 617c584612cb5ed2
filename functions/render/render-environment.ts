import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { FunctionConfig } from "../config";
import { documentStoreOf } from "../environment";
import { createHandlerLogger } from "../handler-logger";
import { HYPHENATION_BUNDLE_FOLDER } from "../hyphenation/hyphenation-files";
import type { S3Connection } from "../storage/s3-client";
import { S3LetterSource } from "../storage/s3-letter-source";
import type { DocumentRenderer } from "../core/render-document";
import { createRenderer } from "./create-renderer";
import type { RenderDependencies } from "./render-handler";
import { sqsRenderPartQueue } from "./sqs-part-queue";

/**
 * The render function's parts on Lambda, from its validated configuration: the S3 client and store,
 * letter data from the bucket's data prefix, the logger, the renderer over the templates and
 * fonts copied beside the bundle (see infra), and the render part queue a changed letter fans out to.
 * The custom runtime passes the renderer its startup snapshot holds; everything else is made here, from
 * the process's own environment, for both runtimes alike.
 */
export function fromEnvironment(config: FunctionConfig, connection: Partial<S3Connection> = {}, prebuilt?: Promise<DocumentRenderer>): RenderDependencies {
  const { client, store } = documentStoreOf(config, connection);
  return {
    store,
    letters: new S3LetterSource(client, config.bucket, config.dataPrefix),
    // `prebuilt`: the renderer a startup snapshot restored (runtime/render-snapshot-entry.ts), built with the same options but no warm-up.
    renderer:
      prebuilt ??
      createRenderer({
        templatesDir: config.assets.templatesDir ?? join(__dirname, "templates"),
        fontDir: config.assets.fontsDir ?? join(__dirname, "fonts"),
        // Beside the bundle as the fonts are; run from the sources (FONTS_DIR set), the npm package.
        ...(config.assets.fontsDir ? {} : { hyphenationDir: join(__dirname, HYPHENATION_BUNDLE_FOLDER) }),
        paper: "A4",
        // Warming every language up costs about a second of CPU. An instance started for provisioned
        // concurrency does it before any request is routed to it; an on-demand cold start has a request
        // waiting, which would wait for every language instead of paying only for its own.
        warmLocales: config.provisioned ? config.allowedLocales : [],
      }),
    allowedLocales: config.allowedLocales,
    dataPrefix: config.dataPrefix,
    logger: createHandlerLogger("letterpress-render"),
    ...(config.renderPartQueueUrl ? { parts: sqsRenderPartQueue(new SQSClient({ region: config.s3.region }), config.renderPartQueueUrl) } : {}),
  };
}
