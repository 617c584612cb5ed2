import { PutObjectCommand } from "@aws-sdk/client-s3";
import { renderedDocument, REVISION, startHarness, type Harness } from "./embedded-s3-harness";

jest.setTimeout(300_000);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe("S3DocumentStore.listLetterIds against the embedded server", () => {
  it("says an empty bucket holds no letters", async () => {
    await expect(h.store().listLetterIds()).resolves.toEqual([]);
  });

  it("lists each folder under letters/ once, sorted, however many documents and revisions it holds, and nothing outside letters/", async () => {
    const store = h.store();
    await store.put(renderedDocument("en", "pdf", "one"), { revision: REVISION, downloadName: "One" });
    await store.put(renderedDocument("fr", "html", "two", "france"), { revision: REVISION, downloadName: "Deux" });
    const put = (key: string) => h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: "{}" }));
    await put("letters/zz-last/latest.json");
    await put("letters/a-first/0123456789ab/manifest.json");
    await put("shares/records/not-a-letter.json");
    await put("data/also-not-a-letter.json");
    await put("letters-elsewhere/x/latest.json");
    await expect(store.listLetterIds()).resolves.toEqual(["a-first", "unsc-dprk-2015", "zz-last"]);
  });

  it("leaves out a folder whose name is not a letter id, and an object lying directly under letters/", async () => {
    const put = (key: string) => h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: "{}" }));
    await put("letters/Not A Slug/latest.json");
    await put("letters/stray.json");
    await put("letters/good-one/latest.json");
    await expect(h.store().listLetterIds()).resolves.toEqual(["good-one"]);
  });

  it("follows the listing past its first page (S3 answers at most 1000 keys and common prefixes a page)", async () => {
    const letterIds = Array.from({ length: 1003 }, (_, index) => `letter-${String(index).padStart(4, "0")}`);
    const queue = [...letterIds];
    const putNext = async (): Promise<void> => {
      for (let letterId = queue.shift(); letterId !== undefined; letterId = queue.shift())
        await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: `letters/${letterId}/latest.json`, Body: "{}" }));
    };
    await Promise.all(Array.from({ length: 8 }, putNext));
    const listed = await h.store().listLetterIds();
    expect(listed).toEqual(letterIds);
    expect(h.s3.requests.filter((request) => request.method === "GET" && /[?&]list-type=2/.test(request.url))).toHaveLength(2);
  });
});
