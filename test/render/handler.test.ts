import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SQSBatchResponse } from "aws-lambda";
import { readConfig } from "../../functions/config";
import { createRenderHandler, type RenderHandler } from "../../functions/render/render-handler";
import { fromEnvironment } from "../../functions/render/render-environment";
import type { RenderReply } from "../../functions/render/render-reply";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { flatFontDir, lambdaEnvironment, QUIET_LOGGER, setLambdaEnvironment, uploadLetterData, uploadLetterFolder } from "../support/lambda-env";
import { FIXTURES_DIR, loadSeedLetter, SEED_LETTER } from "../support/letters";

type RenderReport = RenderReply;
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "../fixtures/events", name), "utf8"));

describe("the render Lambda handler, against the embedded S3 server", () => {
  let harness: Harness;
  let fonts: Awaited<ReturnType<typeof flatFontDir>>;
  let handler: RenderHandler;

  beforeAll(async () => {
    harness = await startHarness();
    fonts = await flatFontDir();
    await uploadLetterData(harness);
    // The deployed wiring (fromEnvironment) from a deployment's environment, pointed at the embedded server.
    const dependencies = fromEnvironment(readConfig(lambdaEnvironment(harness, fonts.dir)), { credentials: harness.s3.credentials });
    handler = createRenderHandler({ ...dependencies, logger: QUIET_LOGGER });
  });
  afterAll(async () => {
    await harness.stop();
    await fonts.remove();
  });

  it("handler.ts is that factory call and nothing more: loaded with a deployment's environment, it renders", async () => {
    const restore = setLambdaEnvironment(harness, fonts.dir);
    try {
      let deployed: RenderHandler | undefined;
      jest.isolateModules(() => {
        deployed = (require("../../functions/render/handler") as { handler: RenderHandler }).handler;
      });
      const reply = (await deployed!({ letterId: SEED_LETTER, locales: ["en"], formats: ["html"] })) as RenderReply;
      expect(reply.failures).toEqual([]);
      expect(reply.documents.map((document) => [document.locale, document.format])).toEqual([["en", "html"]]);
    } finally {
      restore();
    }
  });

  it("renders a direct request from letter data in the bucket and reports what it stored", async () => {
    const report = (await handler(fixture("direct-render.json"))) as RenderReport;
    expect(report.failures).toEqual([]);
    expect(report.created + report.unchanged).toBe(2);
    expect(report.manifestKey).toBe(`letters/${SEED_LETTER}/${report.revision}/manifest.json`);
    // The documents it stored, as the manifest lists them: what the download function looks for.
    const manifest = await harness.store().getManifest(SEED_LETTER, report.revision);
    expect(report.documents).toHaveLength(2);
    for (const document of report.documents) expect(manifest?.documents).toContainEqual(document);
  });

  it("returns only the malformed SQS message for retry: good ones are done, and an unknown letter fails at once (a retry would only repeat it)", async () => {
    const response = (await handler(fixture("sqs-render-batch.json"))) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "2e1424d4-f796-459a-8184-9c92662be6da" }]);
  });

  describe("a deployment's data-change notifications: eight files of one letter, one of a letter whose data is invalid", () => {
    const batch = fixture("sqs-data-changes.json");
    const messageIds: string[] = batch.Records.map((record: { messageId: string }) => record.messageId);
    let response: SQSBatchResponse;
    let letterDataReads: number;

    beforeAll(async () => {
      // The other letter's files are a bad letter of the fixtures (its date is not a date).
      await uploadLetterFolder(harness.client, harness.s3.bucket, join(FIXTURES_DIR, "bad-letters/bad-date"), "data/unga-climate-2026/");
      const before = harness.s3.requests.length;
      response = (await handler(batch)) as SQSBatchResponse;
      letterDataReads = harness.s3.requests.slice(before).filter((request) => request.method === "GET" && /\/data\/unsc-dprk-2015\/letter\.json(\?|$)/.test(request.url)).length;
    }, 120_000);

    it("renders the changed letter once, not once per notification", () => {
      // One render reads the letter's data once: one for its documents, one for its recipients' copies.
      expect(letterDataReads).toBe(2);
    });

    it("re-renders and lists every document of the changed letter", async () => {
      const store = harness.store();
      const latest = await store.getLatest(SEED_LETTER);
      const manifest = await store.getManifest(SEED_LETTER, latest!.revision);
      // Every language in two formats, and every recipient's letter in two formats.
      const { letter } = await loadSeedLetter();
      expect(manifest?.documents).toHaveLength(2 * letter.translations.size + 2 * letter.facts.recipients.length);
    });

    it("returns no notification for retry: the eight are done, and the letter whose data is invalid fails at once (a retry would only repeat it)", () => {
      expect(messageIds).toHaveLength(9);
      expect(response.batchItemFailures).toEqual([]);
    });
  });

  it("still renders a letter when S3 invokes it directly (an event from before the queue), skipping unchanged documents", async () => {
    const reports = (await handler(fixture("s3-data-upload.json"))) as RenderReport[];
    const [general, personalized] = reports;
    expect(reports).toHaveLength(2);
    expect(general?.failures).toEqual([]);
    expect(personalized?.failures).toEqual([]);
    // Every language in two formats, and every recipient's letter in two formats, all stored by the batch above.
    const { letter } = await loadSeedLetter();
    expect([general?.unchanged, personalized?.unchanged]).toEqual([2 * letter.translations.size, 2 * letter.facts.recipients.length]);
  }, 120_000);

  it("acknowledges the test event S3 sends when the notification is set up, touching nothing", async () => {
    const before = harness.s3.requests.length;
    expect(await handler(fixture("sqs-s3-test-event.json"))).toEqual({ batchItemFailures: [] });
    expect(harness.s3.requests.length).toBe(before);
  });

  it("reports a malformed S3 notification as a failure of that message only", async () => {
    const batch = fixture("sqs-malformed-s3-notification.json");
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[0].messageId }] });
  });

  it("fails loudly on an event it does not understand, naming the field", async () => {
    await expect(handler({ letterId: "unsc-dprk-2015", locales: ["xx_YY"] })).rejects.toThrow(/invalid render event: locales\.0/);
  });

  it("reports storage refusing its credentials to a direct caller as a configuration error, not as storage to retry", async () => {
    const env = lambdaEnvironment(harness, fonts.dir);
    const misconfigured = fromEnvironment(readConfig(env), { credentials: { ...harness.s3.credentials, secretAccessKey: "not-the-secret" }, maxAttempts: 1 });
    const refused = createRenderHandler({ ...misconfigured, logger: QUIET_LOGGER });
    await expect(refused({ letterId: SEED_LETTER, locales: ["en"], formats: ["html"] })).rejects.toMatchObject({
      name: "CONFIG_ERROR",
      message: expect.stringContaining("check the function's role"),
    });
  });

  it("reports an unknown letter to a direct caller with its error code", async () => {
    await expect(handler({ letterId: "no-such-letter" })).rejects.toMatchObject({ name: "UNKNOWN_LETTER" });
  });
});
