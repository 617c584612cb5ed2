/**
 * Bounded work per invocation (issue 15 item 8): a changed letter is planned once and rendered as
 * bounded parts, each one message of the part queue and one invocation of the render function,
 * through the local stack (local/runtime.ts: the render function's own factory, its two queues as
 * local SQS equivalents, the embedded S3 server over HTTP). Bounds are asserted by counting the
 * documents each invocation rendered, never by time.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { HandlerLogger } from "../../functions/handler-logger";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { copiesPerPart, estimatedCostMs, PART_SIZING, partMessageBody, type RenderPart } from "../../functions/render/render-parts";
import { DOCUMENT_FORMATS, planDocuments } from "../../functions/core/documents";
import { readPublishedLetters } from "../../functions/download/letters-page";
import type { Delivery } from "../../local/local-queue";
import { type LocalRuntime, wireLocalRuntime } from "../../local/runtime";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { TEMPLATES_DIR } from "../support/letters";
import { writeCrowdedLetter } from "./support/crowded-letter";

const LETTER = "crowded";
const LOCALES = ["en", "fr"] as const;
/** Enough recipients that each language needs two parts of personalized copies (the real letter's text allows 50 a part). */
const RECIPIENTS = 2 * (PART_SIZING.maxCopies + 15);
/** A letter never rendered here: all its copies are more than one invocation may render. */
const TOO_MANY = { letterId: "too-many-at-once", recipients: 200 };

interface Invocation {
  queue: "changes" | "parts";
  delivery: Delivery;
  /** PDFs the invocation rendered: the queues run one invocation at a time here, so each is its own. */
  pdfs: number;
  /** Recipients whose copies it rendered (null: a letter to the whole Council). */
  copies: (string | null)[];
  bodies: string[];
}

describe("a changed letter renders as bounded parts through the render queues", () => {
  let harness: Harness;
  let dataDir: string;
  let runtime: LocalRuntime;
  const invocations: Invocation[] = [];
  const logged: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  let rendered: (string | null)[] = [];
  /** A recipient whose PDFs fail while set: a part that cannot be made. */
  let failingRecipient: string | undefined;
  const sentBodies = new Map<string, string>();

  const logger: HandlerLogger = {
    info: (message, attributes = {}) => logged.push({ level: "info", message, attributes }),
    warn: (message, attributes = {}) => logged.push({ level: "warn", message, attributes }),
    error: (message, attributes = {}) => logged.push({ level: "error", message, attributes: attributes instanceof Error ? { error: attributes.message } : attributes }),
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "letterpress-crowded-"));
    await writeCrowdedLetter(dataDir, { letterId: LETTER, locales: LOCALES, recipients: RECIPIENTS });
    await writeCrowdedLetter(dataDir, { ...TOO_MANY, locales: LOCALES });
    harness = await startHarness();
    const wrap = (renderer: DocumentRenderer): DocumentRenderer => ({
      ...renderer,
      pdf: (filled, paper, templates) => {
        const recipientId = filled.view.recipient?.id ?? null;
        if (recipientId !== null && recipientId === failingRecipient) throw new Error(`no PDF for ${recipientId} (the test's fault)`);
        rendered.push(recipientId);
        return renderer.pdf(filled, paper, templates);
      },
    });
    runtime = await wireLocalRuntime(
      {
        store: harness.store(),
        letters: new DirectoryLetterSource(dataDir),
        renderer: createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }).then(wrap),
        logger,
        // The bound is counted, not timed: a machine busy with other work must not turn a part into a timeout.
        renderTimeoutSeconds: 600,
        renderQueues: {
          maxConcurrency: 1,
          onDelivery: (queue, delivery) => {
            invocations.push({ queue, delivery, pdfs: rendered.length, copies: rendered, bodies: delivery.messageIds.map((id) => sentBodies.get(id) ?? "") });
            rendered = [];
          },
        },
      },
      "embedded S3 (test)",
      async () => {},
    );
    // Remember each message's body by id, to read the parts back from the deliveries.
    for (const queue of [runtime.queues.changes, runtime.queues.parts]) {
      const send = queue.send.bind(queue);
      queue.send = (bodies) => {
        const ids = send(bodies);
        ids.forEach((id, index) => sentBodies.set(id, bodies[index] as string));
        return ids;
      };
    }
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const partsOf = (list: Invocation[]) => list.filter((invocation) => invocation.queue === "parts");
  const partOf = (invocation: Invocation) => (JSON.parse(invocation.bodies[0] as string) as { part: RenderPart }).part;

  test("it is planned in one invocation that renders nothing, then one part per invocation, each within its bound", async () => {
    const { deadLetters } = await runtime.letterChanged(LETTER);
    expect(deadLetters).toEqual([]);

    const changes = invocations.filter((invocation) => invocation.queue === "changes");
    expect(changes.map((invocation) => ({ messages: invocation.delivery.messageIds.length, pdfs: invocation.pdfs }))).toEqual([{ messages: 1, pdfs: 0 }]);
    const parts = partsOf(invocations);
    // Per language: the letter to the Council, then its 65 recipients in parts of 50 and 15.
    const perPart = copiesPerPart(9 * 1024);
    expect(perPart).toBe(PART_SIZING.maxCopies);
    expect(parts.map((invocation) => ({ messages: invocation.delivery.messageIds.length, failed: invocation.delivery.failed.length }))).toEqual(
      Array.from({ length: 6 }, () => ({ messages: 1, failed: 0 })),
    );
    expect(parts.map(partOf).map((part) => `${part.locale}:${part.recipients === null ? "council" : part.recipients.length}`)).toEqual([
      "en:council",
      "en:50",
      "en:15",
      "fr:council",
      "fr:50",
      "fr:15",
    ]);
    // The bound, by count: no invocation rendered more copies than one part may hold, and each rendered exactly its part.
    for (const invocation of parts) {
      const part = partOf(invocation);
      expect(invocation.pdfs).toBeLessThanOrEqual(PART_SIZING.maxCopies);
      expect(invocation.copies).toEqual(part.recipients ?? [null]);
    }
    expect(parts.reduce((sum, invocation) => sum + invocation.pdfs, 0)).toBe(RECIPIENTS + LOCALES.length);

    // Published whole: every document in the manifest, and latest.json names the revision.
    const latest = await runtime.store.getLatest(LETTER);
    const manifest = await runtime.store.getManifest(LETTER, latest!.revision);
    expect(manifest!.documents).toHaveLength(2 * (RECIPIENTS + LOCALES.length));
    expect(new Set(manifest!.documents.map((document) => document.recipientId)).size).toBe(RECIPIENTS + 1);
  }, 400_000);

  test("a part delivered again stores nothing new and changes no published byte", async () => {
    const latest = await runtime.store.getLatest(LETTER);
    const manifestKey = `letters/${LETTER}/${latest!.revision}/manifest.json`;
    const before = await runtime.store.get(manifestKey);
    const part = partOf(partsOf(invocations)[1]!);
    const firstKey = `letters/${LETTER}/${latest!.revision}/en/${part.recipients![0]}/letter.pdf`;
    const documentBefore = await runtime.store.head(firstKey);
    logged.length = 0;
    invocations.length = 0;

    runtime.queues.parts.send([partMessageBody(part)]);
    await runtime.queues.parts.drained();

    expect(invocations.map((invocation) => ({ failed: invocation.delivery.failed, pdfs: invocation.pdfs }))).toEqual([{ failed: [], pdfs: part.recipients!.length }]);
    const outcomes = logged.filter((line) => line.message === "document stored").map((line) => line.attributes["outcome"]);
    expect(outcomes).toEqual(Array.from({ length: 2 * part.recipients!.length }, () => "unchanged"));
    const after = await runtime.store.get(manifestKey);
    expect(after.bytes.equals(before.bytes)).toBe(true);
    expect((await runtime.store.head(firstKey))?.etag).toBe(documentBefore?.etag);
    expect((await runtime.store.getLatest(LETTER))?.revision).toBe(latest!.revision);
  }, 120_000);

  test("a failing part is retried, then dead-lettered with every failed document named; the previous revision stays published whole until it is redriven", async () => {
    const previous = (await runtime.store.getLatest(LETTER))!.revision;
    // Another revision of the same text: the letter gets a date.
    const factsPath = join(dataDir, LETTER, "letter.json");
    await writeFile(factsPath, JSON.stringify({ ...JSON.parse(readFileSync(factsPath, "utf8")), date: "2016-02-01" }, null, 2));
    failingRecipient = "r12";
    logged.length = 0;
    invocations.length = 0;

    const { deadLetters } = await runtime.letterChanged(LETTER);

    // The part holding r12 was tried three times (the queue's maxReceiveCount) and dead-lettered; every other part stored.
    expect(deadLetters).toHaveLength(1);
    const dead = JSON.parse(deadLetters[0]!.body) as { part: RenderPart };
    expect(dead.part.recipients).toContain("r12");
    expect(deadLetters[0]).toMatchObject({ receiveCount: 3, reason: "returned in batchItemFailures" });
    const failedLines = logged.filter((line) => line.message === "render part failed");
    expect(failedLines).toHaveLength(3);
    expect(failedLines[0]!.attributes).toMatchObject({
      letterId: LETTER,
      locale: "fr",
      // The PDF failed, and its HTML edition is not published without it (render-and-store.ts): both named.
      failed: [
        { format: "pdf", recipientId: "r12", code: "RENDER_ERROR", reason: expect.stringContaining("no PDF for r12") },
        { format: "html", recipientId: "r12", code: "RENDER_ERROR", reason: expect.stringMatching(/^not stored: the PDF edition of the same document failed.*no PDF for r12/) },
      ],
    });
    // Nothing else failed, and no other document was lost: the rest of the part is stored and listed.
    const revision = dead.part.revision;
    expect(revision).not.toBe(previous);
    const manifest = await runtime.store.getManifest(LETTER, revision);
    const listed = new Set(manifest!.documents.map((document) => `${document.recipientId}.${document.format}`));
    expect(listed.has("r12.pdf")).toBe(false);
    expect(listed.has("r12.html")).toBe(false);
    expect(manifest!.documents).toHaveLength(2 * (RECIPIENTS + LOCALES.length) - 2);

    // Never half-updated: latest.json and the letters page still show the previous revision, whole.
    expect((await runtime.store.getLatest(LETTER))?.revision).toBe(previous);
    const [page] = await readPublishedLetters(runtime.store);
    expect(page).toMatchObject({ letterId: LETTER, revision: previous });
    expect(page && "documents" in page ? page.documents : []).toHaveLength(2 * (RECIPIENTS + LOCALES.length));

    // The fault fixed, the dead letter redriven: the revision completes and is published.
    failingRecipient = undefined;
    runtime.queues.parts.send([deadLetters[0]!.body]);
    await runtime.queues.parts.drained();
    expect((await runtime.store.getLatest(LETTER))?.revision).toBe(revision);
    expect((await runtime.store.getManifest(LETTER, revision))!.documents).toHaveLength(2 * (RECIPIENTS + LOCALES.length));
  }, 400_000);

  test("a direct invocation asking for more than one part's work is refused before any render, naming the estimate and the bound", async () => {
    rendered = [];
    const parsed = await new DirectoryLetterSource(dataDir).loadLetter(TOO_MANY.letterId);
    const all = planDocuments(parsed.letter, parsed.localeErrors, { formats: DOCUMENT_FORMATS, personalized: true });
    expect(estimatedCostMs(parsed, all)).toBeGreaterThan(PART_SIZING.budgetMs);
    await expect(runtime.render({ letterId: TOO_MANY.letterId, recipients: true })).rejects.toMatchObject({
      name: "INVALID_REQUEST",
      message: expect.stringMatching(new RegExp(`asks for ${2 * TOO_MANY.recipients} documents, estimated at \\d+ s of rendering; one invocation renders at most 30 s`)),
    });
    // The same through the render queue: the request fails at once, logged with its code (a retry would
    // only repeat it), and nothing was rendered or published.
    invocations.length = 0;
    logged.length = 0;
    runtime.queues.changes.send([JSON.stringify({ letterId: TOO_MANY.letterId, recipients: true })]);
    await runtime.queues.changes.drained();
    expect(invocations.map((invocation) => invocation.delivery.failed.length)).toEqual([0]);
    expect(logged.filter((line) => line.message === "render message failed").map((line) => line.attributes)).toEqual([
      expect.objectContaining({ letterId: TOO_MANY.letterId, code: "INVALID_REQUEST" }),
    ]);
    expect(rendered).toEqual([]);
    expect(await runtime.store.getLatest(TOO_MANY.letterId)).toBeUndefined();
    // Half of them fit in one invocation.
    const half = all.filter((request) => Number(request.recipientId?.slice(1)) <= TOO_MANY.recipients / 2);
    expect(estimatedCostMs(parsed, half)).toBeLessThanOrEqual(PART_SIZING.budgetMs);
  }, 60_000);

  test("a part of a revision the data has moved past renders nothing and does not move latest.json back", async () => {
    const current = (await runtime.store.getLatest(LETTER))!.revision;
    const stale: RenderPart = { letterId: LETTER, revision: "0123456789ab", locale: "en", recipients: ["r1"], index: 0, of: 1 };
    invocations.length = 0;
    rendered = [];
    logged.length = 0;
    runtime.queues.parts.send([partMessageBody(stale)]);
    await runtime.queues.parts.drained();
    expect(invocations.map((invocation) => ({ failed: invocation.delivery.failed, pdfs: invocation.pdfs }))).toEqual([{ failed: [], pdfs: 0 }]);
    expect(logged.find((line) => line.message.startsWith("render part superseded"))?.attributes).toMatchObject({ revision: "0123456789ab", current });
    expect((await runtime.store.getLatest(LETTER))?.revision).toBe(current);
  }, 60_000);
});
