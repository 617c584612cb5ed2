/**
 * One measured process of the warm A/B (bench/ab/warm-ab.ts): a renderer made as the bench's render
 * entry makes it, then a stream of personalized letters of one language. It prints one JSON line:
 * the CPU time of the measured loop (user + system, every thread: the steadier figure on a shared
 * machine), each document's wall time, a digest of every byte it made (A and B must agree unless a
 * change is meant to change output), the process's memory after a full GC, and the garbage
 * collections of the measured loop per document: scavenges of the young generation (its size is fixed
 * by RENDER_NODE_OPTIONS, so their count measures what a document allocates, whatever the machine's load).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { DocumentFormat } from "../../functions/core/documents";
import type { LocaleId } from "../../functions/core/locales";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange } from "../workload";

interface LoopArgs {
  root: string;
  locales: LocaleId[];
  formats: DocumentFormat[];
  warmups: number;
  docs: number;
  /** fresh (default): each document to a new synthetic reader; cycled: the old stream, the letter's real recipients in turn. */
  stream?: "fresh" | "cycled";
}

const args = JSON.parse(process.argv[2] ?? "{}") as LoopArgs;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(args.root, "templates"), paper: "A4" });
  const real = await loadLetter(join(args.root, "data"), "unsc-dprk-2015");
  const perRound = args.locales.length * args.formats.length;
  // Every document to a reader this process has not rendered (a synthetic mail merge, bench/workload.ts):
  // document n of the run goes to synthetic recipient n + 1, whatever its language and format.
  const parsed = args.stream === "cycled" ? real : mailMergeLetter(real, ordinalRange(1, (1 + args.warmups + args.docs) * perRound));
  const ids = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  const recipients = args.stream === "cycled" ? ordinalRange(0, (1 + args.warmups + args.docs) * perRound).map((n) => ids[Math.floor(n / perRound) % ids.length] as string) : ids;
  const digest = createHash("sha256");
  const requests = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) =>
      args.locales.flatMap((locale, l) =>
        args.formats.map((format, f) => ({
          letterId: "unsc-dprk-2015",
          locale,
          format,
          recipientId: recipients[(offset + i) * perRound + l * args.formats.length + f] ?? null,
        })),
      ),
    ).flat();
  for (const request of requests(1 + args.warmups, 0)) await renderDocument(renderer, parsed, request);
  const wallMs: number[] = [];
  const collections = { scavenges: 0, major: 0, gcMs: 0 };
  const count = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.major++;
      collections.gcMs += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const before = process.cpuUsage();
  for (const request of requests(args.docs, 1 + args.warmups)) {
    const start = performance.now();
    const document = await renderDocument(renderer, parsed, request);
    wallMs.push(performance.now() - start);
    digest.update(document.bytes);
  }
  const cpu = cpuMs(process.cpuUsage(before));
  // Node queues each collection's entry for the event loop's next turn, which a loop of promises never reaches.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  count(observer.takeRecords());
  observer.disconnect();
  const window = { startUs, endUs: Number(process.hrtime.bigint() / 1000n) };
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  process.stdout.write(
    `${JSON.stringify({
      documents: wallMs.length,
      cpuMsPerDoc: cpu / wallMs.length,
      wallMs,
      window,
      digest: digest.digest("hex").slice(0, 16),
      perDoc: { scavenges: collections.scavenges / wallMs.length, majorGcs: collections.major / wallMs.length, gcMs: collections.gcMs / wallMs.length },
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      afterGc: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), heapTotal: mb(memory.heapTotal), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers) },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`warm-loop: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
