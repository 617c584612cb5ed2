import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DOCUMENT_FORMATS, planDocuments } from "../../functions/core/documents";
import { parseLetter } from "../../functions/core/letter/parse-letter";
import { LIMITS } from "../../functions/core/letter/schema";
import { loadLetter } from "../../functions/letters/load-letters";
import { classifyRenderMessage, planRenderBatch } from "../../functions/render/events";
import {
  copiesPerPart,
  copyCostMs,
  documentsOfPart,
  MAX_RECIPIENTS_PER_PART,
  PART_SIZING,
  partMessageBody,
  planRenderParts,
  type RenderPart,
  translationBytes,
} from "../../functions/render/render-parts";
import { sqsRenderPartQueue } from "../../functions/render/sqs-part-queue";
import { largestLetterFiles } from "../reliability/support/largest-letter";
import { writeCrowdedLetter } from "./support/crowded-letter";

const REVISION = "0123456789abcdef";

describe("sizing a part", () => {
  it("gives the largest translation the rules accept parts of 5 copies, within half the render timeout by the measured cost", () => {
    const largest = translationBytes(parseLetter("largest", largestLetterFiles({ locales: ["en"] })), "en");
    expect(copiesPerPart(largest)).toBe(5);
    expect(copiesPerPart(largest) * copyCostMs(largest)).toBeLessThanOrEqual(PART_SIZING.budgetMs);
    expect((copiesPerPart(largest) + 1) * copyCostMs(largest)).toBeGreaterThan(PART_SIZING.budgetMs);
  });

  it("caps a part of small letters at the part limit, and never makes a part of no copy", () => {
    expect(copiesPerPart(0)).toBe(PART_SIZING.maxCopies);
    expect(copiesPerPart(9 * 1024)).toBe(PART_SIZING.maxCopies);
    // Text far beyond the file limit still makes progress, one copy a part.
    expect(copiesPerPart(100 * 1024 * 1024)).toBe(1);
    expect(MAX_RECIPIENTS_PER_PART).toBe(PART_SIZING.maxCopies);
  });

  it("measures a language's text as its file has it", () => {
    const parsed = parseLetter("largest", largestLetterFiles({ locales: ["en"] }));
    const bytes = translationBytes(parsed, "en");
    // The parsed translation re-serialized: the file less its indentation and line breaks.
    expect(bytes).toBeGreaterThan(LIMITS.fileBytes * 0.8);
    expect(bytes).toBeLessThanOrEqual(LIMITS.fileBytes);
    expect(translationBytes(parsed, "fr")).toBe(0);
  });
});

describe("planRenderParts", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "letterpress-parts-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`splits a letter with LIMITS.recipients (${LIMITS.recipients}) recipients into parts that each hold at most a part's copies, every document exactly once`, async () => {
    const locales = ["en", "fr", "zh"];
    await writeCrowdedLetter(dataDir, { letterId: "most-recipients", locales, recipients: LIMITS.recipients });
    const parsed = await loadLetter(dataDir, "most-recipients");
    expect([...parsed.localeErrors.values()]).toEqual([]);
    const requests = [
      ...planDocuments(parsed.letter, parsed.localeErrors, { formats: DOCUMENT_FORMATS, personalized: false }),
      ...planDocuments(parsed.letter, parsed.localeErrors, { formats: DOCUMENT_FORMATS, personalized: true }),
    ];
    const parts = planRenderParts(parsed, REVISION, requests);

    for (const part of parts) {
      expect(part.recipients?.length ?? 1).toBeLessThanOrEqual(copiesPerPart(translationBytes(parsed, part.locale)));
      expect(documentsOfPart(part)).toBeLessThanOrEqual(PART_SIZING.maxCopies * DOCUMENT_FORMATS.length);
      // Every part is a valid message of the part queue.
      expect(classifyRenderMessage(partMessageBody(part))).toEqual({ kind: "part", part });
    }
    expect(parts.map((part) => [part.index, part.of])).toEqual(parts.map((_, index) => [index, parts.length]));
    const covered = parts.flatMap((part) => (part.recipients ?? [null]).flatMap((recipientId) => DOCUMENT_FORMATS.map((format) => `${part.locale}/${recipientId}/${format}`)));
    expect(covered.sort()).toEqual(requests.map((request) => `${request.locale}/${request.recipientId}/${request.format}`).sort());
    expect(new Set(covered).size).toBe(covered.length);
    // A copy prints one recipient's entry, not all of them: the recipients' entries in every translation
    // do not shrink the parts (the real letter's text allows the cap).
    expect(Math.max(...parts.map((part) => part.recipients?.length ?? 0))).toBe(PART_SIZING.maxCopies);
    // One part per language for its letter to the Council, then ceil(recipients / part size) per language.
    const perLanguage = Math.ceil(LIMITS.recipients / locales.length);
    expect(parts.length).toBeGreaterThanOrEqual(locales.length * (1 + Math.ceil((perLanguage - 1) / PART_SIZING.maxCopies)));
  }, 60_000);
});

describe("part messages", () => {
  const part: RenderPart = { letterId: "unsc-dprk-2015", revision: REVISION, locale: "fr", recipients: ["fr", "gb"], index: 2, of: 5 };

  it("reads a part back from its message, and plans it as a job of its own", () => {
    expect(classifyRenderMessage(partMessageBody(part))).toEqual({ kind: "part", part });
    const plan = planRenderBatch([{ messageId: "m1", body: partMessageBody(part), eventSource: "aws:sqs" }], "data/");
    expect(plan).toEqual({ jobs: [{ kind: "part", part, messageIds: ["m1"] }], skipped: [], invalid: [] });
  });

  it.each([
    ["more recipients than a part may hold", { recipients: Array.from({ length: MAX_RECIPIENTS_PER_PART + 1 }, (_, i) => `r${i}`) }, /body\.part\.recipients: Too big/],
    ["a recipient twice", { recipients: ["fr", "fr"] }, /body\.part\.recipients: expected each recipient once/],
    ["no recipient (null is the letter to the Council)", { recipients: [] }, /body\.part\.recipients: Too small/],
    ["a revision that is not hex", { revision: "../../x" }, /body\.part\.revision: expected 7-64 lowercase hex digits/],
    ["a recipient id that is not a slug", { recipients: ["../fr"] }, /body\.part\.recipients\.0: /],
    ["an index beyond the count", { index: 5, of: 5 }, /body\.part\.index: expected index below of/],
    ["a field of its own", { extra: true }, /body\.part: Unrecognized key/],
  ])("refuses a part with %s, naming the field", (_name, change, reason) => {
    const message = classifyRenderMessage(JSON.stringify({ part: { ...part, ...change } }));
    expect(message.kind).toBe("invalid");
    expect(message.kind === "invalid" && message.reason).toMatch(reason);
  });

  it("refuses a part message with anything beside the part", () => {
    const message = classifyRenderMessage(JSON.stringify({ part, letterId: "x" }));
    expect(message.kind === "invalid" && message.reason).toMatch(/Unrecognized key/);
  });
});

describe("the SQS part queue's failures", () => {
  const parts: RenderPart[] = Array.from({ length: 12 }, (_, index) => ({ letterId: "l", revision: REVISION, locale: "en", recipients: [`r${index}`], index, of: 12 }));

  it("names every part SQS refused, with SQS's reason, after sending the rest", async () => {
    const sent: number[] = [];
    const client = {
      send: jest.fn(async (command: { input: { Entries: { Id: string }[] } }) => {
        sent.push(command.input.Entries.length);
        return {
          Successful: [],
          Failed: command.input.Entries.filter((entry) => entry.Id === "3").map((entry) => ({ Id: entry.Id, Code: "InternalError", Message: "try again", SenderFault: false })),
        };
      }),
    } as unknown as SQSClient;
    await expect(sqsRenderPartQueue(client, "https://sqs.eu-west-1.amazonaws.com/1/q").send(parts)).rejects.toThrow(
      "the render part queue refused 1 of 12 parts: part 4: InternalError (try again)",
    );
    // Ten at a time, SendMessageBatch's limit.
    expect(sent).toEqual([10, 2]);
  });

  it("reports a request SQS did not answer as a render error naming the parts it carried", async () => {
    const client = { send: jest.fn(async () => Promise.reject(Object.assign(new Error("socket hang up"), { name: "TimeoutError" }))) } as unknown as SQSClient;
    await expect(sqsRenderPartQueue(client, "https://sqs.eu-west-1.amazonaws.com/1/q").send(parts)).rejects.toMatchObject({
      code: "RENDER_ERROR",
      message: "could not queue parts 1-10 of 12 (TimeoutError)",
    });
  });
});
