import { SHIPPED_LOCALES } from "./letters";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { RenderService } from "../../functions/render/render-service";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import type { LocalRuntime } from "../../local/runtime";
import { createLocalServer } from "../../local/server";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { DATA_DIR, TEMPLATES_DIR } from "./letters";

/** The local pipeline on a fresh embedded S3 server (temp dir, random port): what `npm run serve` runs. */
export interface LocalStack {
  harness: Harness;
  store: S3DocumentStore;
  service: RenderService;
  runtime: LocalRuntime;
  stop(): Promise<void>;
}

export async function startLocalStack(options: { dataDir?: string } = {}): Promise<LocalStack> {
  const harness = await startHarness();
  const store = harness.store();
  const letters = new DirectoryLetterSource(options.dataDir ?? DATA_DIR);
  const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  const service = new RenderService(renderer, store, letters, SHIPPED_LOCALES);
  const runtime: LocalRuntime = { service, store, letters, description: `embedded S3 at ${harness.s3.endpoint}`, close: async () => {} };
  return { harness, store, service, runtime, stop: () => harness.stop() };
}

export interface RunningServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

export async function listen(stack: LocalStack, lifetime?: { defaultSeconds: number; maxSeconds: number }): Promise<RunningServer> {
  const server = createLocalServer(stack.runtime, lifetime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a JSON fixture file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
