import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyRenderEvent, letterIdOfDataKey } from "../../functions/render/events";

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "../fixtures/events", name), "utf8"));

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

  it("reads an S3 upload as the decoded object keys", () => {
    const event = fixture("s3-data-upload.json");
    event.Records[0].s3.object.key = "data/unsc-dprk-2015/fr+copy%C3%A9.json";
    expect(classifyRenderEvent(event)).toEqual({ kind: "s3", keys: ["data/unsc-dprk-2015/fr copyé.json"] });
  });

  it.each([
    [{ letterId: "../etc" }, "letterId: expected an id of lowercase letters"],
    [{ letterId: "unsc-dprk-2015", locales: ["de"] }, "locales.0: Invalid option"],
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
