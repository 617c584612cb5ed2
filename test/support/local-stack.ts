import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { AllowedLocales } from "../../functions/core/locales";
import { createHandlerLogger, type HandlerLogger } from "../../functions/handler-logger";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import type { RenderService } from "../../functions/render/render-service";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import type { EmbeddedS3Options } from "../../local/s3/embedded-s3";
import { type LocalRuntime, wireLocalRuntime } from "../../local/runtime";
import { createLocalServer, listenLocalServer } from "../../local/server";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { DATA_DIR, TEMPLATES_DIR } from "./letters";

/**
 * The one helper that stands up letterpress for a test: a fresh embedded S3 server (temp dir, random
 * port) and both functions made by their own factories from local parts, wired to each other as
 * `npm run serve` wires them (local/runtime.ts); `listen` adds the local server.
 */
export interface LocalStack {
  harness: Harness;
  store: S3DocumentStore;
  /** The render use case (what `generate` runs). */
  service: RenderService;
  runtime: LocalRuntime;
  /** Where the share key ring is kept (rotate it with `rotateLocalKey(keyDir)`, then `coldStart`). */
  keyDir: string;
  /** Starts the local HTTP server over this stack, on a random port; share links made through it point at it. */
  listen(): Promise<RunningServer>;
  /**
   * Makes the functions anew over the same bucket, as a Lambda cold start does (the key ring read again); servers started after use them.
   * `newKeyRing`: as `serve --new-share-key` (a new ring even when links the lost one sealed are live).
   */
  coldStart(options?: { newKeyRing?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir?: string;
  /** The templates folder the renderer and the share pages read (the repository's by default). */
  templatesDir?: string;
  /**
   * Builds the renderer again from the templates as they are now (`runtime.reloadRenderer`, as `serve`
   * does on a template change); by default from `templatesDir`, A4.
   */
  makeRenderer?: () => Promise<DocumentRenderer>;
  lifetime?: { defaultSeconds: number; maxSeconds: number };
  /** The S3 front's clock: when it takes a signed link to have expired. */
  clock?: EmbeddedS3Options["clock"];
  /** Wraps the renderer (to count or break renders). */
  wrapRenderer?: (renderer: DocumentRenderer) => DocumentRenderer;
  /** The download function's wait for an on-demand render. */
  renderTimeoutSeconds?: number;
  /** Where both functions log; silent by default. */
  logger?: HandlerLogger;
  /** The download function's clock (share links expire by it); the system clock by default. */
  functionClock?: () => Date;
  /** Where the share key ring is generated; a fresh temporary folder by default (removed by `stop`). */
  keyDir?: string;
  /** The languages served; "all" (every language the data has), as a deployment without ALLOWED_LOCALES, by default. */
  allowedLocales?: AllowedLocales;
  /** Where share links' problems are said besides the log (serve's console). */
  onShareProblem?: (text: string) => void;
}

export interface RunningServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const lifetime = options.lifetime ?? { defaultSeconds: 300, maxSeconds: 3_600 };
  const harness = await startHarness(options.clock ? { clock: options.clock } : {});
  const store = harness.store({ maxPresignExpirySeconds: lifetime.maxSeconds });
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  const makeRenderer = options.makeRenderer ?? (() => createRenderer({ templatesDir, paper: "A4" }));
  const wrapped = () => (options.wrapRenderer ? makeRenderer().then(options.wrapRenderer) : makeRenderer());
  const renderer = wrapped();
  const servers: RunningServer[] = [];
  const keyDir = options.keyDir ?? (await mkdtemp(join(tmpdir(), "letterpress-share-keys-")));
  /** The functions as a cold start makes them: the key ring is read once, here; links point at the next server to listen. */
  const wire = async (newKeyRing = false) => {
    let listening!: (baseUrl: string) => void;
    const linkBaseUrl = new Promise<string>((resolve) => (listening = resolve));
    const runtime = await wireLocalRuntime(
      {
        store,
        letters: new DirectoryLetterSource(options.dataDir ?? DATA_DIR),
        renderer,
        makeRenderer: wrapped,
        urlLifetime: lifetime,
        logger: options.logger ?? createHandlerLogger("letterpress-test", "SILENT"),
        ...(options.renderTimeoutSeconds === undefined ? {} : { renderTimeoutSeconds: options.renderTimeoutSeconds }),
        ...(options.functionClock ? { clock: options.functionClock } : {}),
        ...(options.allowedLocales === undefined ? {} : { allowedLocales: options.allowedLocales }),
        shares: {
          client: harness.client,
          bucket: harness.s3.bucket,
          keyDir,
          linkBaseUrl,
          templatesDir,
          ...(newKeyRing ? { newKeyRing } : {}),
          ...(options.onShareProblem ? { onProblem: options.onShareProblem } : {}),
        },
      },
      `embedded S3 at ${harness.s3.endpoint}`,
      async () => {},
    );
    return { runtime, listening };
  };
  let current = await wire();
  const stack: LocalStack = {
    harness,
    store,
    service: current.runtime.service,
    runtime: current.runtime,
    keyDir,
    listen: async () => {
      const running = await listen(current.runtime);
      servers.push(running);
      current.listening(`${running.baseUrl}/`);
      return running;
    },
    coldStart: async (cold = {}) => {
      current = await wire(cold.newKeyRing);
      stack.runtime = current.runtime;
      stack.service = current.runtime.service;
    },
    stop: async () => {
      await Promise.all(servers.map((running) => running.close()));
      await harness.stop();
      if (!options.keyDir) await rm(keyDir, { recursive: true, force: true });
    },
  };
  return stack;
}

async function listen(runtime: LocalRuntime): Promise<RunningServer> {
  const server = createLocalServer(runtime);
  // As `npm run serve` listens: a deep backlog, so a burst of clients queues instead of being reset.
  const port = await listenLocalServer(server, 0);
  let closed: Promise<void> | undefined;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

/** Reads a JSON fixture file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
