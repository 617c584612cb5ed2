import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../functions/core/documents";
import { flatFontDir, uploadLetterFolder } from "../support/lambda-env";
import { FIXTURES_DIR, loadSeedLetter, SEED_LETTER } from "../support/letters";
import { INTERNAL_ERROR, requestTo } from "./support/fault-proxy";
import { type FaultStack, manifestEntriesNotThere, startFaultStack } from "./support/fault-stack";
import { recordFigures } from "./support/figures";
import { loadRenderHandler, type RenderHandler, uploadLetters } from "./support/render-handler";

/**
 * SQS has no local stand-in here, so this is a small redrive loop around the real render handler:
 * it delivers messages in batches, re-delivers exactly the ones the handler reports in
 * batchItemFailures, and after maxReceiveCount receives moves a message to a dead-letter array, as
 * an SQS queue with a redrive policy does.
 */

const MAX_RECEIVE_COUNT = 3;
const BATCH_SIZE = 10;

interface Message {
  messageId: string;
  body: string;
}

interface RedriveOutcome {
  /** Receives of each message until it was deleted or dead-lettered. */
  receives: Map<string, number>;
  done: string[];
  deadLetters: string[];
  invocations: number;
  /** Failures the handler reported for messages not in the batch it was given. */
  strayFailures: string[];
}

function sqsEvent(batch: readonly Message[], receives: ReadonlyMap<string, number>): SQSEvent {
  const records: SQSRecord[] = batch.map((message) => ({
    messageId: message.messageId,
    receiptHandle: `handle-${message.messageId}-${receives.get(message.messageId)}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(receives.get(message.messageId)),
      SentTimestamp: "1764000000000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1764000000001",
    },
    messageAttributes: {},
    md5OfBody: sha256Hex(message.body).slice(0, 32),
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:111122223333:letterpress-render",
    awsRegion: "us-east-1",
  }));
  return { Records: records };
}

async function redrive(handler: RenderHandler, messages: readonly Message[]): Promise<RedriveOutcome> {
  const queue = [...messages];
  const outcome: RedriveOutcome = { receives: new Map(), done: [], deadLetters: [], invocations: 0, strayFailures: [] };
  // Bounded: every message is received at most MAX_RECEIVE_COUNT times.
  while (queue.length > 0 && outcome.invocations < messages.length * MAX_RECEIVE_COUNT) {
    const batch = queue.splice(0, BATCH_SIZE);
    for (const message of batch) outcome.receives.set(message.messageId, (outcome.receives.get(message.messageId) ?? 0) + 1);
    outcome.invocations++;
    const response = (await handler(sqsEvent(batch, outcome.receives))) as SQSBatchResponse;
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const id of failed) if (!batch.some((message) => message.messageId === id)) outcome.strayFailures.push(id);
    for (const message of batch) {
      if (!failed.has(message.messageId)) outcome.done.push(message.messageId);
      else if ((outcome.receives.get(message.messageId) ?? 0) >= MAX_RECEIVE_COUNT) outcome.deadLetters.push(message.messageId);
      else queue.push(message);
    }
  }
  return outcome;
}

describe("SQS-driven renders with partial batch failures and a dead-letter queue", () => {
  let stack: FaultStack;
  let fonts: Awaited<ReturnType<typeof flatFontDir>>;
  let loaded: ReturnType<typeof loadRenderHandler>;

  beforeAll(async () => {
    stack = await startFaultStack({ maxAttempts: 1 });
    fonts = await flatFontDir();
    await uploadLetters(stack.direct.client, stack.direct.bucket);
    loaded = loadRenderHandler(stack.connection, fonts.dir);
  });
  afterAll(async () => {
    loaded.restore();
    await stack.stop();
    await fonts.remove();
  });

  it("retries only the failed messages, completes a transiently failing one, fails a deterministic one at once, and dead-letters malformed poison after three receives", async () => {
    const render = (request: object) => JSON.stringify(request);
    const messages: Message[] = [
      { messageId: "good-en-html", body: render({ letterId: SEED_LETTER, locales: ["en"], formats: ["html"] }) },
      { messageId: "transient-es-html", body: render({ letterId: SEED_LETTER, locales: ["es"], formats: ["html"] }) },
      { messageId: "poison-malformed-json", body: '{"letterId": "unsc-dprk-2015", "locales": [' },
      // Well-formed requests the data cannot satisfy: the same on every try, so they fail at once (logged), not retried.
      { messageId: "at-once-unknown-letter", body: render({ letterId: "no-such-letter" }) },
      { messageId: "at-once-unknown-recipient", body: render({ letterId: SEED_LETTER, recipients: ["zz"], formats: ["html"] }) },
      { messageId: "poison-extra-field", body: render({ letterId: SEED_LETTER, priority: "high" }) },
      { messageId: "poison-proto-key", body: '{"letterId":"unsc-dprk-2015","__proto__":{"polluted":true}}' },
      { messageId: "poison-traversal-id", body: render({ letterId: "../secrets" }) },
      { messageId: "good-ru-pdf", body: render({ letterId: SEED_LETTER, locales: ["ru"], formats: ["pdf"] }) },
    ];
    // The es document's upload fails on every attempt the SDK makes during the first delivery only.
    stack.proxy.schedule({ match: requestTo("PUT", /\/es\/letter\.html$/), times: 3, fault: INTERNAL_ERROR });

    const outcome = await redrive(loaded.handler, messages);

    expect(outcome.strayFailures).toEqual([]);
    expect(outcome.done.sort()).toEqual(["at-once-unknown-letter", "at-once-unknown-recipient", "good-en-html", "good-ru-pdf", "transient-es-html"]);
    expect(outcome.deadLetters.sort()).toEqual(
      messages
        .filter((message) => message.messageId.startsWith("poison-"))
        .map((message) => message.messageId)
        .sort(),
    );
    expect(Object.fromEntries(outcome.receives)).toEqual({
      "good-en-html": 1,
      "good-ru-pdf": 1,
      "at-once-unknown-letter": 1,
      "at-once-unknown-recipient": 1,
      "transient-es-html": 2,
      ...Object.fromEntries(outcome.deadLetters.map((id) => [id, MAX_RECEIVE_COUNT])),
    });
    expect(outcome.invocations).toBe(MAX_RECEIVE_COUNT);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();

    // What the done messages asked for is stored, listed and verified; nothing listed is missing.
    const latest = await stack.direct.store.getLatest(SEED_LETTER);
    const manifest = await stack.direct.store.getManifest(SEED_LETTER, latest!.revision);
    expect(manifest?.documents.map((entry) => `${entry.locale}.${entry.format}`).sort()).toEqual(["en.html", "es.html", "ru.pdf"]);
    for (const entry of manifest!.documents) expect(sha256Hex((await stack.direct.store.get(entry.key)).bytes)).toBe(entry.sha256);
    expect(await manifestEntriesNotThere(stack.direct)).toEqual([]);

    recordFigures("sqs-redrive", {
      messages: messages.length,
      invocations: outcome.invocations,
      receives: [...outcome.receives.values()].reduce((sum, n) => sum + n, 0),
      completed: outcome.done.length,
      deadLettered: outcome.deadLetters.length,
      faultsInjected: stack.proxy.injected().length,
    });
  });

  it("re-delivers every notification of a letter whose render failed transiently, renders it once per delivery, and fails a letter whose data is invalid at once", async () => {
    // A deployment: S3's notifications of the eight files of one letter and of one file of a letter with
    // invalid data (a bad letter of the fixtures, its date not a date), and S3's test event.
    const notifications = (name: string): Message[] =>
      (JSON.parse(readFileSync(join(FIXTURES_DIR, "events", name), "utf8")).Records as Message[]).map(({ messageId, body }) => ({ messageId, body }));
    const changes = notifications("sqs-data-changes.json");
    const [testEvent] = notifications("sqs-s3-test-event.json");
    const seedChanges = changes.slice(0, 8).map((message) => message.messageId);
    const invalidChange = changes[8]!.messageId;
    await uploadLetterFolder(stack.direct.client, stack.direct.bucket, join(FIXTURES_DIR, "bad-letters/bad-date"), "data/unga-climate-2026/");
    // One document's upload fails on every attempt during the first delivery only: the whole letter's messages come back.
    stack.proxy.schedule({ match: requestTo("PUT", /\/ko\/letter\.pdf$/), times: 3, fault: INTERNAL_ERROR });
    const readsBefore = stack.proxy.records.length;

    const outcome = await redrive(loaded.handler, [...changes, testEvent!]);

    expect(outcome.strayFailures).toEqual([]);
    expect(outcome.done.sort()).toEqual([...seedChanges, testEvent!.messageId, invalidChange].sort());
    expect(outcome.deadLetters).toEqual([]);
    expect(Object.fromEntries(outcome.receives)).toEqual({
      ...Object.fromEntries(seedChanges.map((id) => [id, 2])),
      [testEvent!.messageId]: 1,
      [invalidChange]: 1,
    });
    // Two deliveries of the letter, each one render: its documents, then its recipients' copies, each reading letter.json once.
    const letterReads = stack.proxy.records.slice(readsBefore).filter((request) => request.method === "GET" && /\/data\/unsc-dprk-2015\/letter\.json(\?|$)/.test(request.url));
    expect(letterReads).toHaveLength(2 * 2);

    const latest = await stack.direct.store.getLatest(SEED_LETTER);
    const manifest = await stack.direct.store.getManifest(SEED_LETTER, latest!.revision);
    // Every language's PDF and HTML, and every recipient's, counted from the data.
    const { letter } = await loadSeedLetter();
    expect(manifest?.documents).toHaveLength(2 * letter.translations.size + 2 * letter.facts.recipients.length);
    expect(await manifestEntriesNotThere(stack.direct)).toEqual([]);
  }, 300_000); // Two deliveries of a whole letter in every language: bounded by work, given time for a machine under load.

  it("reports an SQS record that is itself malformed by failing the invocation with a named error", async () => {
    await expect(loaded.handler({ Records: [{ eventSource: "aws:sqs", body: "{}" }] })).rejects.toThrow(/^invalid render event: Records\.0\.messageId: /);
  });
});
