import { s3SharedDocumentPresigner } from "../../functions/share/s3-shared-document-presigner";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { storeDocument } from "./support";

describe("the shared-document presigner, against the embedded S3", () => {
  let harness: Harness;
  let key: string;
  beforeAll(async () => {
    harness = await startHarness();
    key = (await storeDocument(harness.store(), "6e6e6e6f7f7f", "ru", "html", "письмо")).key;
  });
  afterAll(async () => harness?.stop());

  const presign = () => s3SharedDocumentPresigner({ client: harness.client, bucket: harness.s3.bucket, clock: () => new Date() });

  it("signs the response headers it is told into the URL, and S3 answers with them", async () => {
    const url = await presign()(key, { expiresInSeconds: 120, contentDisposition: "inline", contentType: "text/html; charset=utf-8" });
    expect(new URL(url).searchParams.get("response-content-disposition")).toBe("inline");
    const reply = await fetch(url);
    expect([reply.status, reply.headers.get("content-disposition"), reply.headers.get("content-type")]).toEqual([200, "inline", "text/html; charset=utf-8"]);
    // Changing what was signed breaks the signature: a reader cannot turn the page into a download of something else.
    const altered = new URL(url);
    altered.searchParams.set("response-content-type", "text/plain");
    expect((await fetch(altered)).status).toBe(403);
  });

  it("signs document keys only, never a share record or anything else in the bucket", async () => {
    const options = { expiresInSeconds: 60, contentDisposition: "inline", contentType: "text/html" };
    await expect(presign()("shares/_by-id/AAAAAAAAAAAAAAAAAAAAAA.json", options)).rejects.toThrow('invalid key "shares/_by-id/AAAAAAAAAAAAAAAAAAAAAA.json"');
    await expect(presign()("letters/unsc-dprk-2015/latest.json", options)).rejects.toThrow("invalid key");
  });

  it("refuses a lifetime beyond 15 minutes or not a whole positive number", async () => {
    for (const seconds of [0, 901, 1.5, -60]) {
      await expect(presign()(key, { expiresInSeconds: seconds, contentDisposition: "inline", contentType: "text/html" })).rejects.toThrow(
        `a download link may live 1 to 900 whole seconds; ${seconds} was requested`,
      );
    }
  });
});
