import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SQSBatchResponse } from "aws-lambda";
import type { RenderReport } from "../../functions/render/render-service";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { flatFontDir, setLambdaEnvironment, uploadLetterData } from "../support/lambda-env";
import { SEED_LETTER } from "../support/letters";

type Handler = (event: unknown) => Promise<RenderReport | RenderReport[] | SQSBatchResponse>;
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "../fixtures/events", name), "utf8"));

describe("the render Lambda handler, against the embedded S3 server", () => {
  let harness: Harness;
  let fonts: Awaited<ReturnType<typeof flatFontDir>>;
  let restore: () => void;
  let handler: Handler;

  beforeAll(async () => {
    harness = await startHarness();
    fonts = await flatFontDir();
    await uploadLetterData(harness);
    restore = setLambdaEnvironment(harness, fonts.dir);
    jest.isolateModules(() => {
      handler = (require("../../functions/render/handler") as { handler: Handler }).handler;
    });
  });
  afterAll(async () => {
    restore();
    await harness.stop();
    await fonts.remove();
  });

  it("renders a direct request from letter data in the bucket and reports what it stored", async () => {
    const report = (await handler(fixture("direct-render.json"))) as RenderReport;
    expect(report.failures).toEqual([]);
    expect(report.created + report.unchanged).toBe(2);
    expect(report.manifestKey).toBe(`letters/${SEED_LETTER}/${report.revision}/manifest.json`);
  });

  it("returns only the failed SQS messages (malformed body, unknown letter), so good ones are not retried", async () => {
    const response = (await handler(fixture("sqs-render-batch.json"))) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "2e1424d4-f796-459a-8184-9c92662be6da" }, { itemIdentifier: "7b4e1f4a-9d52-4c3e-8a57-3f1c2e0d9b61" }]);
  });

  it("re-renders every document of a letter whose data was uploaded, skipping unchanged ones", async () => {
    const reports = (await handler(fixture("s3-data-upload.json"))) as RenderReport[];
    const [general, personalized] = reports;
    expect(general?.failures).toEqual([]);
    expect(personalized?.failures).toEqual([]);
    // Seven languages in two formats, and fifteen recipients' letters in two formats.
    expect((general?.created ?? 0) + (general?.unchanged ?? 0)).toBe(14);
    expect((personalized?.created ?? 0) + (personalized?.unchanged ?? 0)).toBe(30);
    // The Arabic PDF and HTML were stored by the direct request already.
    expect(general?.unchanged).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("fails loudly on an event it does not understand, naming the field", async () => {
    await expect(handler({ letterId: "unsc-dprk-2015", locales: ["xx"] })).rejects.toThrow(/invalid render event: locales\.0/);
  });

  it("reports an unknown letter to a direct caller with its error code", async () => {
    await expect(handler({ letterId: "no-such-letter" })).rejects.toMatchObject({ name: "UNKNOWN_LETTER" });
  });
});
