import { availableParallelism } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Paper } from "../functions/core/html/render-html";
import type { Letter } from "../functions/core/letter/parse-letter";
import type { AllowedLocales } from "../functions/core/locales";
import type { DocumentRenderer } from "../functions/core/render-document";
import { countOf, LetterpressError } from "../functions/core/errors";
import { DEFAULTS, RENDER_QUEUES, RENDER_TIMEOUT_SECONDS, SHARE_ROUTES, SHARES_PREFIX, type ShareRouteKey } from "../functions/deployment-contract";
import type { S3Client } from "@aws-sdk/client-s3";
import { createDownloadHandler, type DownloadHandler } from "../functions/download/download-handler";
import { type RenderInvoker, renderThrough } from "../functions/download/render-invoker";
import { logError, type ShareHandlers, sharesUnavailable, wireShareHandlers } from "../functions/download/share-wiring";
import { loadOrCreateLocalKeyRing, readLocalKeyRing } from "../functions/share/local-key-file";
import { S3ShareStore } from "../functions/share/s3-share-store";
import { rereadingKeyRing } from "../functions/share/share-key-ring";
import { createLogFileLogger } from "./log-file";
import { createHandlerLogger, type HandlerLogger, type LogLevel } from "../functions/handler-logger";
import { DirectoryLetterSource, type LetterSource } from "../functions/letters/letter-source";
import { createRenderer } from "../functions/render/create-renderer";
import {
  createRenderHandler,
  createRenderService,
  LETTER_FANNED_OUT,
  type LetterFannedOut,
  RENDER_MESSAGE_FAILED,
  RENDER_PART_FAILED,
  type RenderHandler,
  type RenderMessageFailure,
  type RenderPartFailure,
} from "../functions/render/render-handler";
import { RenderService } from "../functions/render/render-service";
import { createS3Client } from "../functions/storage/s3-client";
import { S3DocumentStore, type ServerSideEncryption } from "../functions/storage/s3-document-store";
import { dataBackedStore } from "../functions/storage/data-backed-store";
import { letterFolderStamp } from "./letter-folder-stamp";
import { localInvoker } from "./local-invoker";
import { type DeadLetter, type Delivery, LocalQueue, localRenderPartQueue } from "./local-queue";
import { startEmbeddedS3 } from "./s3/embedded-s3";

export const REPO_ROOT = resolve(__dirname, "..");
/**
 * Local state (git-ignored): the embedded S3 server's objects, the share key ring, which folder
 * published each letter. `LETTERPRESS_LOCAL_DIR` puts it elsewhere (the tests give each Jest worker
 * its own, so two test files never publish over each other's letters).
 */
export const LOCAL_DIR = process.env.LETTERPRESS_LOCAL_DIR ? resolve(process.env.LETTERPRESS_LOCAL_DIR) : join(REPO_ROOT, ".local");
/** Where the embedded S3 server keeps its objects between runs (git-ignored). */
export const EMBEDDED_S3_DIR = join(LOCAL_DIR, "s3");

/** A folder as the user can find it: relative to where they ran the command when it is under it (`.local/s3`), else absolute. */
function shownPath(path: string): string {
  const below = relative(process.cwd(), path);
  return below && !below.startsWith("..") && !isAbsolute(below) ? below : path;
}
/** Where the local functions' JSON log lines go (Lambda's go to CloudWatch): not among serve's and generate's human lines. */
export const FUNCTIONS_LOG_FILE = join(LOCAL_DIR, "functions.log");
/** Which data folder last published each letter into the embedded S3 (publish-origins.ts). */
export const PUBLISH_ORIGINS_FILE = join(LOCAL_DIR, "letter-origins.json");

/** The local parts the two functions are made of, instead of the bucket's letter data and the Lambda API. */
export interface LocalParts {
  store: S3DocumentStore;
  letters: DirectoryLetterSource;
  renderer: DocumentRenderer | Promise<DocumentRenderer>;
  /** Builds the renderer again from the templates as they are now (`serve` follows the templates folder); without it they are never reloaded. */
  makeRenderer?: () => Promise<DocumentRenderer>;
  urlLifetime?: { defaultSeconds: number; maxSeconds: number };
  /** The languages served: every language the data has by default, as a deployment without ALLOWED_LOCALES. */
  allowedLocales?: AllowedLocales;
  /** Both functions log through it; by default errors and warnings only, as JSON lines in `.local/functions.log`. */
  logger?: HandlerLogger;
  /** How long the download function waits for an on-demand render: the render function's timeout by default. */
  renderTimeoutSeconds?: number;
  /** The download function's clock (a link's stated expiry; when a share link has expired). */
  clock?: () => Date;
  /** Share links, as the download function serves them on AWS, with a key ring kept in a local folder. */
  shares?: LocalShareParts;
  /** The render queues' event source mappings: most invocations at once per queue (2 by default), and a report of each. */
  renderQueues?: { maxConcurrency?: number; onDelivery?(queue: keyof LocalRenderQueues, delivery: Delivery): void };
}

/** The render function's two queues (RENDER_QUEUES), in this process. */
export interface LocalRenderQueues {
  /** Render requests and notifications of changed letter data. */
  changes: LocalQueue;
  /** The bounded parts of changed letters, one per invocation. */
  parts: LocalQueue;
}

export interface LocalShareParts {
  /** The documents bucket's client and name (shares are kept under `shares/`). */
  client: S3Client;
  bucket: string;
  /** As the document store has it (SSE-S3 on a real bucket; none on the embedded server). */
  encryption?: ServerSideEncryption;
  /** Where the key ring is generated once and kept (`.local/` for `npm run serve`). */
  keyDir: string;
  /** The local server's URL; known once it listens, hence a promise is fine. */
  linkBaseUrl: string | Promise<string>;
  templatesDir: string;
  maxLifetimeSeconds?: number;
  /**
   * With the ring file gone while links it sealed are still live, make a new ring anyway (`serve
   * --new-share-key`); by default share links are refused until the file is restored (newRingProblem).
   */
  newKeyRing?: boolean;
  /**
   * Where a problem of share links is said besides the functions' log (serve's console): a ring that does
   * not load, one that cannot be read again, a new ring that strands links; each said once, until it changes.
   */
  onProblem?: (text: string) => void;
}

/** How many links a lost ring sealed that are still live (unrevoked, unexpired), and when the last expires. */
async function liveLinks(store: S3ShareStore, now: Date): Promise<{ count: number; lastExpiry: string | undefined }> {
  let count = 0;
  let lastExpiry: string | undefined;
  for (const letterId of await store.listLetterIds()) {
    for (const { record, revocation } of await store.listByLetter(letterId)) {
      if (revocation !== undefined || Date.parse(record.expiresAt) <= now.getTime()) continue;
      count++;
      if (lastExpiry === undefined || record.expiresAt > lastExpiry) lastExpiry = record.expiresAt;
    }
  }
  return { count, lastExpiry };
}

/**
 * Deleting the ring file made a new key at the next start, and every link handed out stopped opening
 * without a word (fresh user, s12 item 6). With links still live, a new ring is refused unless asked for
 * (`newKeyRing`), and said loudly when it is. Undefined when no live link is lost.
 */
export function newRingProblem(file: string, live: { count: number; lastExpiry: string | undefined }, newKeyRing: boolean): { refusal?: string; warning?: string } {
  if (live.count === 0) return {};
  const links = `${countOf(live.count, "share link")} made with the ring it held (stored in the bucket under ${SHARES_PREFIX}, the last expiring ${live.lastExpiry})`;
  if (!newKeyRing)
    return {
      refusal:
        `${shownPath(file)} is missing, but ${links} ${live.count === 1 ? "is" : "are"} still live: a new ring would open none of them. ` +
        "Restore the file (share links then work again, without a restart), or run serve with --new-share-key to start a new ring",
    };
  return { warning: `${shownPath(file)} was missing: started a new key ring; the ${links} will no longer open (their readers see "This link has expired")` };
}

export interface LocalRuntime {
  /** The render use case, for `generate` (which also wants the bytes and progress). */
  service: RenderService;
  /** The render function, built by the factory the Lambda uses. */
  render: RenderHandler;
  /** The download function, built by the factory the Lambda uses; on-demand renders invoke `render` through a local invoker. */
  download: DownloadHandler;
  queues: LocalRenderQueues;
  /**
   * What an upload of a letter's data does on AWS: S3's notification goes to the changes queue, the
   * render function plans the letter's parts and sends them to the part queue, which invokes it once
   * per part. Resolves when both queues are drained, with the messages that ended in the dead-letter list,
   * the failures, the revision the render planned (undefined when the letter could not be planned), and
   * the letter as the render last read it, for its title (undefined when the render could not read it):
   * `serve` names the letter by it rather than reading the letter once more.
   */
  letterChanged(
    letterId: string,
  ): Promise<{ deadLetters: DeadLetter[]; failures: (RenderPartFailure | RenderMessageFailure)[]; revision: string | undefined; letter: Letter | undefined }>;
  store: S3DocumentStore;
  letters: DirectoryLetterSource;
  /** Where documents are stored, for people: `embedded S3 at http://...` or `s3://bucket`. */
  description: string;
  /** Where the functions' log lines (a failure's cause) go, for people: the log file, or "the functions' log" when a logger was given. */
  functionsLog: string;
  /**
   * Builds the renderer (and the share pages' catalogs, templates/share-pages) again from the
   * templates as they are now and, once both are built, renders every later invocation and answers
   * every later share request with them (renders under way end with the one they began with).
   * Rejects with the templates' problems when either cannot be built, and then those before stay in use.
   */
  reloadRenderer(): Promise<void>;
  /**
   * The revision a letter's documents have on a paper (undefined when the letter cannot be read): an
   * export keeps a file an earlier run made on another paper while it is still that paper's current
   * state. Another paper's renderer is built on first use only (startLocalRuntime; absent elsewhere).
   */
  revisionOnPaper?(letterId: string, paper: Paper): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * The two Lambda functions, made by their own factories from local parts, and wired to each other
 * as on AWS: the download function invokes the render function (here in this process, with Lambda's
 * invoke semantics: JSON payload, function errors, time limit).
 */
export async function wireLocalRuntime(parts: LocalParts, description: string, close: () => Promise<void>): Promise<LocalRuntime> {
  const given = parts.logger ?? createLogFileLogger(FUNCTIONS_LOG_FILE, "letterpress-local", "WARN");
  // The render function says each failed part in its log, as on Lambda; `letterChanged` reads the same
  // lines back so `serve` can print every failure and its reason at once, not only what was dead-lettered.
  const partFailures: (RenderPartFailure | RenderMessageFailure)[] = [];
  // And the revision each changed letter's render planned, so `serve` can tell whether latest.json names it.
  const planned: LetterFannedOut[] = [];
  const logger: HandlerLogger = {
    ...given,
    info: (message, details) => {
      if (message === LETTER_FANNED_OUT && details && !(details instanceof Error)) planned.push(details as unknown as LetterFannedOut);
      given.info(message, details);
    },
    error: (message, details) => {
      if ((message === RENDER_PART_FAILED || message === RENDER_MESSAGE_FAILED) && details && !(details instanceof Error)) {
        partFailures.push(details as unknown as RenderPartFailure | RenderMessageFailure);
      }
      given.error(message, details);
    },
  };
  const allowedLocales = parts.allowedLocales ?? "all";
  // The letter each render reads, kept only while a `letterChanged` of that letter waits for its render
  // (nothing is kept for the download's on-demand renders or generate's): the render's own reading,
  // handed over so `serve` names the letter without parsing it once more. Read through `parts.letters`
  // at each call, so what reads the letters is still the one source (the tests count its reads).
  const readingsWaitedFor = new Map<string, { letter: Letter | undefined; waits: number }>();
  const letters: LetterSource = {
    listLetters: () => parts.letters.listLetters(),
    loadLetter: async (letterId, context) => {
      const parsed = await parts.letters.loadLetter(letterId, context);
      const waiting = readingsWaitedFor.get(letterId);
      if (waiting) waiting.letter = parsed.letter;
      return parsed;
    },
  };
  // The render function and its queues refer to each other, as on AWS: it sends parts to a queue that invokes it.
  // Every caller (queues, download, shares) invokes the render function wired last: reloaded templates reach them all.
  const invokeLate: RenderInvoker = (payload) => current.invoke(payload);
  const queueOf = (name: keyof LocalRenderQueues, batchSize: number) =>
    new LocalQueue({
      name: `render-${name}`,
      invoke: invokeLate,
      batchSize,
      maxConcurrency: parts.renderQueues?.maxConcurrency ?? 2,
      maxReceiveCount: RENDER_QUEUES.maxReceiveCount,
      onDelivery: (delivery) => parts.renderQueues?.onDelivery?.(name, delivery),
    });
  const queues: LocalRenderQueues = { changes: queueOf("changes", RENDER_QUEUES.changes.batchSize), parts: queueOf("parts", RENDER_QUEUES.parts.batchSize) };
  const renderDependencies = (renderer: DocumentRenderer | Promise<DocumentRenderer>) => ({
    renderer,
    store: parts.store,
    letters,
    allowedLocales,
    dataPrefix: DEFAULTS.dataPrefix,
    logger,
    parts: localRenderPartQueue(queues.parts),
  });
  /** The render function over one renderer, and its local invoker. */
  const wireRender = (renderer: DocumentRenderer | Promise<DocumentRenderer>) => {
    const dependencies = renderDependencies(renderer);
    const handler = createRenderHandler(dependencies);
    // One sandbox per core: renders are CPU-bound and share this process, so more at once only split
    // the CPU between them until each runs out its time limit waiting (500s in a burst under load).
    const invoke = localInvoker(handler, { timeoutSeconds: parts.renderTimeoutSeconds ?? RENDER_TIMEOUT_SECONDS, sandboxes: availableParallelism() });
    return { dependencies, handler, invoke };
  };
  let current = wireRender(parts.renderer);
  const invokeRender = invokeLate;
  const letterChanged = async (letterId: string) => {
    const seen = { changes: queues.changes.deadLetters.length, parts: queues.parts.deadLetters.length, failures: partFailures.length, planned: planned.length };
    // The message S3 sends for an object created under data/ (keys of letter ids need no URL-encoding).
    // Two waits for one letter at once (serve renders a letter one at a time; a test may not) share its latest reading.
    const reading = readingsWaitedFor.get(letterId) ?? { letter: undefined, waits: 0 };
    reading.waits++;
    readingsWaitedFor.set(letterId, reading);
    const notification = {
      Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: "local" }, object: { key: `${DEFAULTS.dataPrefix}${letterId}/letter.json` } } }],
    };
    queues.changes.send([JSON.stringify(notification)]);
    try {
      await queues.changes.drained();
      await queues.parts.drained();
    } finally {
      if (--reading.waits === 0) readingsWaitedFor.delete(letterId);
    }
    // Other letters may have been rendering meanwhile: only this letter's messages are its own to report.
    return {
      deadLetters: [...queues.changes.deadLetters.slice(seen.changes), ...queues.parts.deadLetters.slice(seen.parts)].filter((dead) => letterOfMessage(dead.body) === letterId),
      failures: partFailures.slice(seen.failures).filter((failure) => failure.letterId === letterId),
      revision: planned
        .slice(seen.planned)
        .filter((plan) => plan.letterId === letterId)
        .at(-1)?.revision,
      letter: reading.letter,
    };
  };
  // Readers (downloads, share links, the letters page) see only what the data still has: storage/data-backed-store.ts.
  const readersStore = dataBackedStore(parts.store, letters, { stampOf: (letterId) => letterFolderStamp(parts.letters.dataDir, letterId) });
  const shares = parts.shares;
  const wireShares = async (): Promise<ShareHandlers> => {
    if (!shares) throw new Error("this runtime was made without share links");
    return wireShareHandlers({
      client: shares.client,
      bucket: shares.bucket,
      ...(shares.encryption ? { encryption: shares.encryption } : {}),
      documentStore: readersStore,
      makeDocument: renderThrough(invokeRender),
      // Read again at most once a second: `rotateLocalKey` reaches a running server without a restart.
      keyRing: rereadingKeyRing(
        await loadOrCreateLocalKeyRing(shares.keyDir, {
          beforeCreating: async (file) => {
            const store = new S3ShareStore({ client: shares.client, bucket: shares.bucket, encryption: shares.encryption });
            const { refusal, warning } = newRingProblem(file, await liveLinks(store, parts.clock?.() ?? new Date()), shares.newKeyRing ?? false);
            if (refusal) throw new LetterpressError("CONFIG_ERROR", refusal);
            if (warning) {
              logger.warn("share key ring: a new ring", { reason: warning });
              shares.onProblem?.(warning);
            }
          },
        }),
        () => readLocalKeyRing(shares.keyDir),
        {
          maxAgeMs: 1000,
          minRereadMs: 1000,
          onRereadFailed: (error) => {
            const reason = error instanceof Error ? error.message : String(error);
            logger.warn("share key ring: reading it again failed; the ring read before stays in use", { reason });
            sayShareProblem(`the key ring could not be read again (${reason}); the ring read before stays in use`);
          },
        },
      ),
      templatesDir: shares.templatesDir,
      allowedLocales,
      linkBaseUrl: await shares.linkBaseUrl,
      maxLifetimeSeconds: shares.maxLifetimeSeconds ?? DEFAULTS.shareLifetime.maxSeconds,
      logger,
      service: "letterpress-local",
      // No CloudWatch here: the metric lines go to the log, at its level (silent in tests).
      writeMetric: (line) => logger.info("share metric", JSON.parse(line) as Record<string, unknown>),
      ...(parts.clock ? { clock: parts.clock } : {}),
    });
  };
  // The share pages' words (templates/share-pages) are read when the share handlers are wired; the
  // download function calls the ones wired last, so a reload reaches the next request, as for letters.
  // Share links that failed to start (the English page catalog broken, the key ring unreadable) answer
  // 503 until a reload wires them: the routes are the download function's from the start, each request
  // taking the handlers wired last (before, a failed start stayed failed after the file was fixed).
  // A share problem is said on the console once (the log has every one), and that links work again after one.
  let lastSaid: string | undefined;
  const sayShareProblem = (text: string) => {
    if (text === lastSaid) return;
    lastSaid = text;
    shares?.onProblem?.(text);
  };
  const wiredShares = (): Promise<ShareHandlers> => {
    const wiring = wireShares();
    wiring.then(
      () => {
        if (lastSaid !== undefined) shares?.onProblem?.("share links work again");
        lastSaid = undefined;
      },
      (error: unknown) => sayShareProblem(`share links are unavailable (503) until this is fixed: ${error instanceof LetterpressError ? error.message : String(error)}`),
    );
    return wiring;
  };
  let currentShares: Promise<ShareHandlers> | undefined = shares ? wiredShares() : undefined;
  // Said per request (as on Lambda, at its cold start); never an unhandled rejection meanwhile.
  currentShares?.catch(() => undefined);
  // A start that failed is tried again by the next request, at most once a second: a key ring or page
  // catalog fixed on disk brings share links back without a restart, as a rotated ring reaches them.
  let failedWiringAt: number | undefined;
  const shareRoute =
    (route: ShareRouteKey): ShareHandlers[ShareRouteKey] =>
    async (event) => {
      if (failedWiringAt !== undefined && Date.now() - failedWiringAt >= 1000) {
        failedWiringAt = undefined;
        currentShares = wiredShares();
      }
      let handlers: ShareHandlers;
      try {
        handlers = await (currentShares as Promise<ShareHandlers>);
      } catch (error) {
        failedWiringAt ??= Date.now();
        logError(logger, "share links unavailable: configuration error", error);
        return sharesUnavailable(route, true);
      }
      return handlers[route](event);
    };
  const sharesLate = currentShares
    ? Promise.resolve(Object.fromEntries((Object.values(SHARE_ROUTES) as ShareRouteKey[]).map((route) => [route, shareRoute(route)])) as ShareHandlers)
    : undefined;
  const download = createDownloadHandler({
    store: readersStore,
    invokeRender,
    allowedLocales,
    urlLifetime: parts.urlLifetime ?? DEFAULTS.urlLifetime,
    logger,
    ...(parts.clock ? { clock: parts.clock } : {}),
    ...(sharesLate ? { shares: sharesLate } : {}),
  });
  const runtime: LocalRuntime = {
    service: await createRenderService(current.dependencies),
    render: (event) => current.handler(event),
    download,
    queues,
    letterChanged,
    store: parts.store,
    letters: parts.letters,
    description,
    functionsLog: parts.logger ? "the functions' log" : shownPath(FUNCTIONS_LOG_FILE),
    reloadRenderer: async () => {
      if (!parts.makeRenderer) throw new Error("this runtime was made without makeRenderer: its templates cannot be reloaded");
      // Built in full before anything changes: a template that does not load leaves the renderer before in use.
      const renderer = await parts.makeRenderer();
      const next = wireRender(renderer);
      const service = await createRenderService(next.dependencies);
      // The share pages' catalogs too, read in full before either changes (their problems reject here).
      const nextShares = currentShares ? await wireShares() : undefined;
      current = next;
      runtime.service = service;
      if (nextShares) currentShares = Promise.resolve(nextShares);
    },
    close,
  };
  return runtime;
}

/** The letter a render queue's message is about: a part's, a render request's, or an S3 notification's key under data/. */
export function letterOfMessage(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { part?: { letterId?: unknown }; letterId?: unknown; Records?: { s3?: { object?: { key?: unknown } } }[] };
    const named = message.part?.letterId ?? message.letterId;
    if (typeof named === "string") return named;
    const key = message.Records?.[0]?.s3?.object?.key;
    return typeof key === "string" && key.startsWith(DEFAULTS.dataPrefix) ? key.slice(DEFAULTS.dataPrefix.length).split("/")[0] : undefined;
  } catch {
    return undefined;
  }
}

export interface LocalRuntimeOptions {
  dataDir: string;
  templatesDir: string;
  paper: Paper;
  /** A real bucket instead of the embedded server (credentials from the AWS default chain). */
  bucket?: string;
  /** An S3-compatible endpoint for that bucket. */
  endpoint?: string;
  region?: string;
  urlLifetime?: { defaultSeconds: number; maxSeconds: number };
  logLevel?: LogLevel;
  /** The local server's URL, where share links point (`http://127.0.0.1:8080/`); no share links without it. */
  shareLinkBaseUrl?: string | Promise<string>;
  /** Start a new share key ring when its file is gone though links it sealed are live (LocalShareParts.newKeyRing). */
  newShareKey?: boolean;
  /** Where share links' problems are said besides the log (LocalShareParts.onProblem). */
  onShareProblem?: (text: string) => void;
}

/**
 * What `npm run generate` and `npm run serve` run: the functions' factories over local parts,
 * letters from a folder, and either the embedded S3 server (the default) or a real bucket.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const urlLifetime = options.urlLifetime ?? DEFAULTS.urlLifetime;
  const embedded = options.bucket ? undefined : await startEmbeddedS3({ dataDir: EMBEDDED_S3_DIR });
  const client = embedded
    ? createS3Client(embedded.connection)
    : createS3Client({ region: options.region ?? DEFAULTS.region, ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}) });
  const bucket = embedded ? embedded.bucket : (options.bucket as string);
  const store = new S3DocumentStore({ client, bucket, maxPresignExpirySeconds: urlLifetime.maxSeconds, ...(embedded ? {} : { encryption: { mode: "SSE-S3" as const } }) });
  const close = async () => {
    client.destroy();
    await embedded?.stop();
  };
  const startRenderer = createRenderer({ templatesDir: options.templatesDir, paper: options.paper, brokenTemplates: "set-aside" });
  try {
    const runtime = await wireLocalRuntime(
      {
        store,
        letters: new DirectoryLetterSource(options.dataDir),
        // At start, a broken template folder is set aside, not every letter (fresh user 7, item 4). A reload
        // (serve following templates/) sets aside only those: a template broken while editing keeps the renderer before.
        renderer: startRenderer,
        makeRenderer: async () =>
          createRenderer({ templatesDir: options.templatesDir, paper: options.paper, brokenTemplates: new Set((await startRenderer).templates.broken.keys()) }),
        urlLifetime,
        ...(options.shareLinkBaseUrl
          ? {
              shares: {
                client,
                bucket,
                keyDir: LOCAL_DIR,
                linkBaseUrl: options.shareLinkBaseUrl,
                templatesDir: options.templatesDir,
                ...(embedded ? {} : { encryption: { mode: "SSE-S3" as const } }),
                ...(options.newShareKey ? { newKeyRing: true } : {}),
                ...(options.onShareProblem ? { onProblem: options.onShareProblem } : {}),
              },
            }
          : {}),
        ...(options.logLevel ? { logger: createHandlerLogger("letterpress-local", options.logLevel) } : {}),
      },
      embedded ? `embedded S3 at ${embedded.endpoint}, bucket ${bucket}, data in ${shownPath(EMBEDDED_S3_DIR)}` : `s3://${bucket}`,
      close,
    );
    // Other papers' services, made when an export first asks (the revision is read, nothing rendered).
    const otherPapers = new Map<Paper, Promise<RenderService>>();
    runtime.revisionOnPaper = async (letterId, paper) => {
      let service = paper === options.paper ? Promise.resolve(runtime.service) : otherPapers.get(paper);
      if (!service) {
        service = createRenderer({ templatesDir: options.templatesDir, paper, brokenTemplates: "set-aside" }).then(
          (renderer) => new RenderService(renderer, store, new DirectoryLetterSource(options.dataDir), "all"),
        );
        otherPapers.set(paper, service);
      }
      try {
        return (await (await service).planParts(letterId)).revision;
      } catch {
        return undefined;
      }
    };
    return runtime;
  } catch (error) {
    // Unreadable templates: nothing runs, so nothing may keep the process alive.
    await close();
    throw error;
  }
}
