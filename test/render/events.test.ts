import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyRenderEvent, classifyRenderMessage, letterIdOfDataKey, planRenderBatch } from "../../functions/render/events";

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "../fixtures/events", name), "utf8"));
type SqsRecord = { messageId: string; body: string; eventSource: "aws:sqs" };
const records = (name: string): SqsRecord[] => fixture(name).Records;
/** The body of a record of a fixture batch, parsed, for a test to change one field of. */
const bodyOf = (name: string, index = 0) => JSON.parse(records(name)[index]!.body);

describe("classifyRenderEvent", () => {
  it("reads a direct invocation as a render request", () => {
    expect(classifyRenderEvent(fixture("direct-render.json"))).toEqual({ kind: "direct", request: { letterId: "unsc-dprk-2015", locales: ["ar"], formats: ["pdf", "html"] } });
  });

  it("reads an SQS batch as its records, leaving each body to be validated on its own", () => {
    const event = classifyRenderEvent(fixture("sqs-render-batch.json"));
    expect(event.kind).toBe("sqs");
    expect(event.kind === "sqs" && event.records.map((record) => record.messageId)).toEqual([
      "059f36b4-87a3-44ab-83d2-661975830a7d",
      "2e1424d4-f796-459a-8184-9c92662be6da",
      "7b4e1f4a-9d52-4c3e-8a57-3f1c2e0d9b61",
      "c80e8021-a70a-42c7-a470-796e1186f753",
    ]);
  });

  it("reads S3 invoking the function itself as the decoded object keys", () => {
    const event = fixture("s3-data-upload.json");
    event.Records[0].s3.object.key = "data/unsc-dprk-2015/fr+copy%C3%A9.json";
    expect(classifyRenderEvent(event)).toEqual({ kind: "s3", keys: ["data/unsc-dprk-2015/fr copyé.json"] });
  });

  it.each([
    [{ letterId: "../etc" }, "letterId: expected an id of lowercase letters"],
    [{ letterId: "unsc-dprk-2015", locales: ["de_DE"] }, "locales.0: expected a BCP 47 language tag"],
    [{ letterId: "unsc-dprk-2015", extra: true }, 'Unrecognized key: "extra"'],
    [{ letterId: "unsc-dprk-2015", formats: [] }, "formats: Too small"],
    [{ Records: [{ eventSource: "aws:sqs" }] }, "Records.0.messageId"],
    [null, "event: Invalid input: expected object, received null"],
  ])("refuses the malformed event %j, naming the field", (event, message) => {
    const result = classifyRenderEvent(event);
    expect(result.kind).toBe("invalid");
    expect(result.kind === "invalid" && result.reason).toContain(message);
  });
});

describe("letterIdOfDataKey", () => {
  it.each([
    ["data/unsc-dprk-2015/fr.json", "unsc-dprk-2015"],
    ["data/unsc-dprk-2015/letter.json", "unsc-dprk-2015"],
    ["data/unsc-dprk-2015/notes.txt", undefined],
    ["data/unsc-dprk-2015/deep/fr.json", undefined],
    ["data/../letters/fr.json", undefined],
    ["letters/unsc-dprk-2015/fr.json", undefined],
  ])("maps %s to %s", (key, letterId) => {
    expect(letterIdOfDataKey(key, "data/")).toBe(letterId);
  });
});

describe("classifyRenderMessage", () => {
  it("reads a render request", () => {
    expect(classifyRenderMessage('{"letterId":"unsc-dprk-2015","locales":["fr"]}')).toEqual({ kind: "request", request: { letterId: "unsc-dprk-2015", locales: ["fr"] } });
  });

  it("reads an S3 notification as the decoded keys of the changed letter data", () => {
    expect(classifyRenderMessage(records("sqs-data-changes.json")[5]!.body)).toEqual({ kind: "data-changed", keys: ["data/unsc-dprk-2015/letter.json"] });
    const body = bodyOf("sqs-data-changes.json");
    body.Records[0].s3.object.key = "data/unsc-dprk-2015/fr+copy%C3%A9.json";
    expect(classifyRenderMessage(JSON.stringify(body))).toEqual({ kind: "data-changed", keys: ["data/unsc-dprk-2015/fr copyé.json"] });
  });

  it("reads the test event S3 sends when the notification is set up as nothing to render", () => {
    expect(classifyRenderMessage(records("sqs-s3-test-event.json")[0]!.body)).toEqual({ kind: "s3-test-event" });
  });

  const withChange = (change: (body: any) => void) => {
    const body = bodyOf("sqs-data-changes.json");
    change(body);
    return JSON.stringify(body);
  };
  it.each([
    [
      "an S3 notification without its object key",
      records("sqs-malformed-s3-notification.json")[0]!.body,
      "body.Records.0.s3.object.key: Invalid input: expected string, received undefined",
    ],
    [
      "an S3 notification of a deletion",
      withChange((body) => (body.Records[0].eventName = "ObjectRemoved:Delete")),
      'body.Records.0.eventName: Invalid string: must start with "ObjectCreated:"',
    ],
    [
      "an S3 notification whose key does not decode",
      withChange((body) => (body.Records[0].s3.object.key = "data/unsc-dprk-2015/%E0%A4%A.json")),
      "body.Records.0.s3.object.key: malformed percent-encoding",
    ],
    ["an S3 notification without records", withChange((body) => (body.Records = [])), "body.Records: Too small"],
    ["a test event not from S3", '{"Event":"s3:TestEvent"}', 'body.Service: Invalid input: expected "Amazon S3"'],
    ["a body that is not JSON", '{"letterId": "unsc-dprk-2015", "locales": [', "body: not JSON"],
    ["a null body", "null", "body: Invalid input: expected object, received null"],
    ["a render request with a field it does not have", '{"letterId":"unsc-dprk-2015","extra":true}', 'body: Unrecognized key: "extra"'],
  ])("refuses %s, naming the field", (_case, body, message) => {
    const result = classifyRenderMessage(body);
    expect(result.kind).toBe("invalid");
    expect(result.kind === "invalid" && result.reason).toContain(message);
  });
});

describe("planRenderBatch", () => {
  it("renders a letter named by eight notifications once, for all eight messages, and another letter on its own", () => {
    const batch = records("sqs-data-changes.json");
    expect(planRenderBatch(batch, "data/")).toEqual({
      jobs: [
        { kind: "letter-changed", letterId: "unsc-dprk-2015", messageIds: batch.slice(0, 8).map((record) => record.messageId) },
        { kind: "letter-changed", letterId: "unga-climate-2026", messageIds: [batch[8]!.messageId] },
      ],
      skipped: [],
      invalid: [],
    });
  });

  it("keeps each render request on its own, acknowledges S3's test event and refuses a malformed message alone", () => {
    const [request] = records("sqs-render-batch.json");
    const [testEvent] = records("sqs-s3-test-event.json");
    const [malformed] = records("sqs-malformed-s3-notification.json");
    const [changed] = records("sqs-data-changes.json");
    const plan = planRenderBatch([request!, testEvent!, malformed!, changed!, request!], "data/");
    expect(plan.jobs).toEqual([
      { kind: "request", request: { letterId: "unsc-dprk-2015", locales: ["fr"], formats: ["html"] }, messageIds: [request!.messageId] },
      { kind: "letter-changed", letterId: "unsc-dprk-2015", messageIds: [changed!.messageId] },
      { kind: "request", request: { letterId: "unsc-dprk-2015", locales: ["fr"], formats: ["html"] }, messageIds: [request!.messageId] },
    ]);
    expect(plan.skipped).toEqual([{ messageId: testEvent!.messageId, reason: "S3 test event" }]);
    expect(plan.invalid).toEqual([{ messageId: malformed!.messageId, reason: expect.stringMatching(/^body\.Records\.0\.s3\.object\.key: /) }]);
  });

  it("acknowledges a notification of an object that is not letter data without rendering anything", () => {
    const body = bodyOf("sqs-data-changes.json");
    body.Records[0].s3.object.key = "data/unsc-dprk-2015/notes/draft.json";
    const plan = planRenderBatch([{ ...records("sqs-data-changes.json")[0]!, body: JSON.stringify(body) }], "data/");
    expect(plan).toEqual({ jobs: [], skipped: [{ messageId: records("sqs-data-changes.json")[0]!.messageId, reason: "no letter data among the keys" }], invalid: [] });
  });
});
