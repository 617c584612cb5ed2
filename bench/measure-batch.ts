import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedS3 } from "../local/s3/embedded-s3";
import type { Bundle } from "./bundle";
import type { ParentMessage, WorkerMessage } from "./entry/batch-worker";
import { type BatchJob, batchMergeOrdinals } from "./workload";
import { RENDER_NODE_OPTIONS } from "../functions/render/node-options";

export interface BatchOptions {
  workers: number;
  /** Letters each worker renders at once (one renders while the others upload). */
  lanes: number;
  /** Jobs handed to a worker per request. */
  chunk: number;
  /** false: render only (nothing stored), to tell the renderers' throughput from the store's. */
  store: boolean;
}

export interface BatchResult {
  stored: boolean;
  letters: number;
  /** Documents rendered, and stored when `stored` (a PDF and an HTML page per letter). */
  documents: number;
  failures: number;
  /** The first few failures' reasons. */
  failureSamples: string[];
  workers: number;
  /** From forking the workers to the last document stored. */
  wallMs: number;
  /** From forking the workers until every one had its renderer ready (included in wallMs). */
  startupMs: number;
  lettersPerSecond: number;
  documentsPerSecond: number;
  /** PUT requests the embedded S3 accepted during the batch (0 when rendering only). */
  putsStored: number;
  /** Requests the embedded S3 answered during the batch, by method (the store's round trips per document). */
  requests: { put: number; head: number; get: number; other: number };
  /** Summed over workers: time inside renderDocument and inside store.put (uploads overlap renders). */
  renderMs: number;
  storeMs: number;
  /**
   * CPU time (user + system) the batch cost, ms: the workers' (render, and the S3 client when storing)
   * and the embedded S3 server's (this process, otherwise idle while the batch runs). Robust where
   * wall time is not: the machine is shared, and these say which side of the HTTP connection a change
   * should go to.
   */
  workerCpuMs: number;
  serverCpuMs: number;
  /** The largest worker's process.resourceUsage().maxRSS. */
  workerMaxRssKb: number;
}

/**
 * The batch figure: personalized letters rendered as PDF and HTML by a pool of worker processes (each
 * its own bundled renderer and S3 client) and stored in the embedded S3 over HTTP. Every letter has
 * its own revision, so every document is a new object: nothing is skipped as already stored.
 */
export async function measureBatch(bundle: Bundle, jobs: readonly BatchJob[], options: BatchOptions): Promise<BatchResult> {
  const s3Dir = await mkdtemp(join(tmpdir(), "letterpress-bench-s3-"));
  const s3 = await startEmbeddedS3({ dataDir: s3Dir });
  const runId = randomBytes(4).toString("hex");
  const queues = queuesByLanguage(
    jobs.map((job) => ({ ...job, revision: `${runId}${job.index.toString(16).padStart(6, "0")}` })),
    options.workers,
  );
  const children: ChildProcess[] = [];
  try {
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    let readyCount = 0;
    let startupMs = 0;
    const finished = await Promise.all(
      Array.from(
        { length: options.workers },
        (_, index) =>
          new Promise<Extract<WorkerMessage, { type: "finished" }>>((resolve, reject) => {
            const child = fork(bundle.batchWorker, [], {
              execArgv: [],
              stdio: ["ignore", "inherit", "inherit", "ipc"],
              // The SDK warns once per process that it will soon need Node 22; not news in a bench.
              env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_OPTIONS: RENDER_NODE_OPTIONS },
            });
            children.push(child);
            const send = (message: ParentMessage) => child.send(message);
            child.on("message", (message: WorkerMessage) => {
              if (message.type === "ready") {
                readyCount += 1;
                if (readyCount === options.workers) startupMs = performance.now() - started;
              } else if (message.type === "want") {
                send({ type: "jobs", jobs: nextChunk(queues, index, options.chunk) });
              } else {
                resolve(message);
                child.disconnect();
              }
            });
            child.on("error", reject);
            child.on("exit", (code) => reject(new Error(`batch worker ${index} exited with ${code} before finishing`)));
            send({
              type: "init",
              templatesDir: bundle.templatesDir,
              fontDir: bundle.fontDir,
              dataDir: bundle.dataDir,
              lanes: options.lanes,
              store: options.store,
              mailMerge: batchMergeOrdinals(jobs),
              s3: { endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, credentials: s3.credentials },
            });
          }),
      ),
    );
    const wallMs = performance.now() - started;
    const serverCpu = process.cpuUsage(cpuAtStart);
    const documents = finished.reduce((sum, worker) => sum + worker.documents, 0);
    const failures = finished.flatMap((worker) => worker.failures);
    return {
      stored: options.store,
      letters: jobs.length,
      documents,
      failures: failures.length,
      failureSamples: [...new Set(failures.map((failure) => failure.reason))].slice(0, 3),
      workers: options.workers,
      wallMs,
      startupMs,
      lettersPerSecond: (jobs.length / wallMs) * 1000,
      documentsPerSecond: (documents / wallMs) * 1000,
      putsStored: s3.requests.filter((request) => request.method === "PUT" && request.status === 200).length,
      requests: countByMethod(s3.requests),
      renderMs: finished.reduce((sum, worker) => sum + worker.renderMs, 0),
      storeMs: finished.reduce((sum, worker) => sum + worker.storeMs, 0),
      workerCpuMs: finished.reduce((sum, worker) => sum + worker.cpuMs, 0),
      serverCpuMs: (serverCpu.user + serverCpu.system) / 1000,
      workerMaxRssKb: Math.max(...finished.map((worker) => worker.maxRssKb)),
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await s3.stop();
    await rm(s3Dir, { recursive: true, force: true });
  }
}

function countByMethod(requests: readonly { method: string }[]): BatchResult["requests"] {
  const counts = { put: 0, head: 0, get: 0, other: 0 };
  for (const { method } of requests) {
    if (method === "PUT") counts.put += 1;
    else if (method === "HEAD") counts.head += 1;
    else if (method === "GET") counts.get += 1;
    else counts.other += 1;
  }
  return counts;
}

/**
 * The batch's jobs dealt to the workers by language: each worker gets whole languages (balanced by
 * their number of jobs), so it loads only those languages' faces and pays their first use once, and
 * its caches (shaped words, font subsets of the HTML edition) see each language's recipients again.
 * Mixed languages cost every worker every face: about 250 ms of first use per language and worker,
 * and a worker holding all seven-plus scripts' tables at once.
 */
export function queuesByLanguage<T extends { locale: string }>(jobs: readonly T[], workers: number): T[][] {
  const byLanguage = new Map<string, T[]>();
  for (const job of jobs) byLanguage.set(job.locale, [...(byLanguage.get(job.locale) ?? []), job]);
  const queues: T[][] = Array.from({ length: workers }, () => []);
  // Largest language first, each to the least loaded worker (greedy balancing).
  for (const languageJobs of [...byLanguage.values()].sort((a, b) => b.length - a.length)) {
    const lightest = queues.reduce((best, queue, index) => (queue.length < (queues[best] as T[]).length ? index : best), 0);
    (queues[lightest] as T[]).push(...languageJobs);
  }
  return queues;
}

/** A worker's next jobs: from its own queue, else from the end of the longest other queue (so no worker idles while another has work). */
export function nextChunk<T>(queues: T[][], worker: number, chunk: number): T[] {
  const own = queues[worker] ?? [];
  if (own.length > 0) return own.splice(0, chunk);
  const longest = queues.reduce((best, queue) => (queue.length > best.length ? queue : best), own);
  return longest.splice(Math.max(0, longest.length - chunk), chunk);
}
