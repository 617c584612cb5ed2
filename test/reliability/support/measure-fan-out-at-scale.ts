/**
 * Measures what bounds the number of recipients (RELIABILITY.md, issue 15 item 8): against the
 * embedded S3 server over HTTP, for a letter of N recipients in three languages, (1) the invocation
 * that plans the letter's parts (read and parse the letter, compute its revision, plan), and (2) one
 * part's publish into a revision that already lists the other 2N documents (a part re-reads and
 * re-writes the manifest and LISTs every entry of the revision, so its cost grows with N).
 * Documents are small stand-ins stored through the store (their size does not matter to a publish).
 *
 *   npx tsx test/reliability/support/measure-fan-out-at-scale.ts [recipients ...]
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONTENT_TYPES, type RenderedDocument } from "../../../functions/core/documents";
import { createHandlerLogger } from "../../../functions/handler-logger";
import { DirectoryLetterSource } from "../../../functions/letters/letter-source";
import { createRenderer } from "../../../functions/render/create-renderer";
import { createRenderService } from "../../../functions/render/render-handler";
import { startHarness } from "../../storage/embedded-s3-harness";
import { TEMPLATES_DIR } from "../../support/letters";
import { writeCrowdedLetter } from "../../render/support/crowded-letter";

async function measure(recipients: number): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), "letterpress-scale-"));
  const harness = await startHarness();
  try {
    const letterId = "scale";
    await writeCrowdedLetter(dataDir, { letterId, locales: ["en", "fr", "zh"], recipients });
    const store = harness.store();
    const service = await createRenderService({
      renderer: createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }),
      store,
      letters: new DirectoryLetterSource(dataDir),
      allowedLocales: "all",
      dataPrefix: "data/",
      logger: createHandlerLogger("measure", "SILENT"),
    });
    let started = performance.now();
    const { revision, parts, documents } = await service.planParts(letterId);
    const planMs = performance.now() - started;

    // Every document but the last part's, stored and published as earlier parts would have.
    const stand = (request: { locale: string; recipientId: string | null; format: "pdf" | "html" }): RenderedDocument => {
      const bytes = Buffer.from(`${request.locale} ${request.recipientId} ${request.format}`);
      return {
        request: { letterId, locale: request.locale, recipientId: request.recipientId, format: request.format },
        bytes,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        contentType: CONTENT_TYPES[request.format],
      };
    };
    const last = parts[parts.length - 1]!;
    const requests = parts.flatMap((part) =>
      (part.recipients ?? [null]).flatMap((recipientId) => (["pdf", "html"] as const).map((format) => ({ part, locale: part.locale, recipientId, format }))),
    );
    const earlier = requests.filter((request) => request.part !== last);
    const stored = [];
    for (let start = 0; start < earlier.length; start += 50) {
      const chunk = await Promise.all(earlier.slice(start, start + 50).map((request) => store.put(stand(request), { revision, downloadName: "x" })));
      stored.push(...chunk.map((put) => put.document));
    }
    for (let start = 0; start < stored.length; start += 500) await store.publishRevision(letterId, revision, stored.slice(start, start + 500), { pointLatest: false });

    const ours = await Promise.all(requests.filter((request) => request.part === last).map((request) => store.put(stand(request), { revision, downloadName: "x" })));
    started = performance.now();
    const manifest = await store.publishRevision(
      letterId,
      revision,
      ours.map((put) => put.document),
      { pointLatest: false },
    );
    const publishMs = performance.now() - started;
    const manifestBytes = (await store.get(`letters/${letterId}/${revision}/manifest.json`)).bytes.length;
    return {
      recipients,
      documents,
      parts: parts.length,
      planMs: Math.round(planMs),
      lastPartDocuments: ours.length,
      publishMs: Math.round(publishMs),
      listed: manifest.documents.length,
      manifestBytes,
    };
  } finally {
    await harness.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number);
  for (const recipients of counts.length > 0 ? counts : [500, 2000]) process.stdout.write(`${JSON.stringify(await measure(recipients))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
