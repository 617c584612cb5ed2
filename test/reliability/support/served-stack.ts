import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { DocumentRenderer } from "../../../functions/core/render-document";
import { DirectoryLetterSource } from "../../../functions/letters/letter-source";
import { createRenderer } from "../../../functions/render/create-renderer";
import { RenderService } from "../../../functions/render/render-service";
import type { S3DocumentStore } from "../../../functions/storage/s3-document-store";
import type { EmbeddedS3Options } from "../../../local/s3/embedded-s3";
import type { LocalRuntime } from "../../../local/runtime";
import { createLocalServer } from "../../../local/server";
import { type Harness, startHarness } from "../../storage/embedded-s3-harness";
import { DATA_DIR, TEMPLATES_DIR, SHIPPED_LOCALES } from "../../support/letters";

/**
 * What `npm run serve` runs (test/support/local-stack.ts), with the seams these suites need: the
 * front's clock, the link lifetimes, and the renderer wrapped (to count or break renders).
 */
export interface ServedStack {
  harness: Harness;
  store: S3DocumentStore;
  service: RenderService;
  baseUrl: string;
  stop(): Promise<void>;
}

export interface ServedStackOptions {
  lifetime?: { defaultSeconds: number; maxSeconds: number };
  clock?: EmbeddedS3Options["clock"];
  wrapRenderer?: (renderer: DocumentRenderer) => DocumentRenderer;
}

export async function startServedStack(options: ServedStackOptions = {}): Promise<ServedStack> {
  const lifetime = options.lifetime ?? { defaultSeconds: 300, maxSeconds: 3_600 };
  const harness = await startHarness(options.clock ? { clock: options.clock } : {});
  const store = harness.store({ maxPresignExpirySeconds: lifetime.maxSeconds });
  const letters = new DirectoryLetterSource(DATA_DIR);
  const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  const service = new RenderService(options.wrapRenderer ? options.wrapRenderer(renderer) : renderer, store, letters, SHIPPED_LOCALES);
  const runtime: LocalRuntime = { service, store, letters, description: `embedded S3 at ${harness.s3.endpoint}`, close: async () => {} };
  const server: Server = createLocalServer(runtime, lifetime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    harness,
    store,
    service,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await harness.stop();
    },
  };
}
