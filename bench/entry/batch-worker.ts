/**
 * One worker of the batch figure, bundled like the render Lambda: its own renderer and S3 client,
 * pulling personalized letters from the harness over IPC, rendering each as PDF and HTML and
 * storing both in the embedded S3 over HTTP.
 */
import * as z from "zod";
import type { DocumentFormat } from "../../functions/core/documents";
import { localeIdSchema } from "../../functions/core/locales";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { releaseFontFaces } from "../../functions/fonts/load-font-library";
import { bundledHyphenation } from "./bundled-assets";
import { downloadNameOf } from "../../functions/render/render-and-store";
import { readConfig } from "../../functions/config";
import { ENV } from "../../functions/deployment-contract";
import { documentStoreOf } from "../../functions/environment";
import { BENCH_LETTER_ID, batchLetters } from "../workload";

export const batchInitSchema = z.object({
  type: z.literal("init"),
  templatesDir: z.string().min(1),
  fontDir: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  /** Letters rendered at once by this worker: one renders while the others' uploads are in flight. */
  lanes: z.number().int().min(1).max(16),
  /** false: render only, to tell the renderers' throughput from the store's. */
  store: z.boolean(),
  /** Each language's mail merge: the ordinals of its synthetic recipients (bench/workload.ts batchMergeOrdinals). */
  mailMerge: z.record(z.string(), z.array(z.number().int().min(1))),
  s3: z.object({
    endpoint: z.url(),
    region: z.string().min(1),
    bucket: z.string().min(1),
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  }),
});

const jobSchema = z.object({ index: z.number().int().min(0), locale: localeIdSchema, recipientId: z.string().min(1), revision: z.string() });
export type BatchWorkerJob = z.infer<typeof jobSchema>;

export const parentMessageSchema = z.discriminatedUnion("type", [batchInitSchema, z.object({ type: z.literal("jobs"), jobs: z.array(jobSchema) })]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export type WorkerMessage =
  | { type: "ready"; setupMs: number }
  | { type: "want" }
  | {
      type: "finished";
      letters: number;
      documents: number;
      failures: { index: number; format: DocumentFormat; reason: string }[];
      renderMs: number;
      storeMs: number;
      maxRssKb: number;
      /** This process's CPU time (user + system) from its start to the end of the batch. */
      cpuMs: number;
    };

const cpuMsOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let onJobs: ((jobs: BatchWorkerJob[]) => void) | undefined;

/** The next chunk of jobs from the harness; an empty chunk means the batch is done. */
function requestJobs(): Promise<BatchWorkerJob[]> {
  return new Promise((resolve) => {
    onJobs = resolve;
    send({ type: "want" });
  });
}

async function run(init: z.infer<typeof batchInitSchema>): Promise<void> {
  const started = performance.now();
  const renderer = await createRenderer({ templatesDir: init.templatesDir, ...(init.fontDir ? { fontDir: init.fontDir, hyphenationDir: bundledHyphenation() } : {}), paper: "A4" });
  const letters = batchLetters(await loadLetter(init.dataDir, BENCH_LETTER_ID), init.mailMerge);
  // The store as the render function builds it (same factory, same client settings), pointed at the harness's server.
  const config = readConfig({ [ENV.documentsBucket]: init.s3.bucket, [ENV.s3Endpoint]: init.s3.endpoint, [ENV.region]: init.s3.region, [ENV.encryption]: "none" });
  const { client, store } = documentStoreOf(config, { credentials: init.s3.credentials });
  send({ type: "ready", setupMs: performance.now() - started });

  const totals = { letters: 0, documents: 0, renderMs: 0, storeMs: 0 };
  const failures: Extract<WorkerMessage, { type: "finished" }>["failures"] = [];
  const queue: BatchWorkerJob[] = [];
  let exhausted = false;
  let pending: Promise<BatchWorkerJob[]> | undefined;

  let language: string | undefined;
  async function nextJob(): Promise<BatchWorkerJob | undefined> {
    const job = await takeJob();
    // Jobs come in whole languages (queuesByLanguage): the last language's faces are not needed again.
    if (job !== undefined && language !== undefined && job.locale !== language) releaseFontFaces();
    language = job?.locale ?? language;
    return job;
  }

  async function takeJob(): Promise<BatchWorkerJob | undefined> {
    while (queue.length === 0 && !exhausted) {
      pending ??= requestJobs().then((jobs) => {
        pending = undefined;
        if (jobs.length === 0) exhausted = true;
        queue.push(...jobs);
        return jobs;
      });
      await pending;
    }
    return queue.shift();
  }

  async function lane(): Promise<void> {
    for (let job = await nextJob(); job; job = await nextJob()) {
      for (const format of ["pdf", "html"] as const) {
        const request = { letterId: BENCH_LETTER_ID, locale: job.locale, format, recipientId: job.recipientId };
        try {
          const parsed = letters.get(job.locale);
          if (!parsed) throw new Error(`no mail merge for ${job.locale} in the worker's init`);
          const renderStart = performance.now();
          const document = await renderDocument(renderer, parsed, request);
          const storeStart = performance.now();
          if (init.store) await store.put(document, { revision: job.revision, downloadName: downloadNameOf(parsed, request, renderer.templates) });
          totals.renderMs += storeStart - renderStart;
          totals.storeMs += performance.now() - storeStart;
          totals.documents += 1;
        } catch (error) {
          failures.push({ index: job.index, format, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      totals.letters += 1;
    }
  }

  await Promise.all(Array.from({ length: init.lanes }, () => lane()));
  client.destroy();
  send({ type: "finished", ...totals, failures, maxRssKb: process.resourceUsage().maxRSS, cpuMs: cpuMsOf(process.cpuUsage()) });
}

process.on("message", (raw: unknown) => {
  const message = parentMessageSchema.parse(raw);
  if (message.type === "init") {
    run(message).catch((error: unknown) => {
      process.stderr.write(`batch-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
  } else {
    onJobs?.(message.jobs);
  }
});
