import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ObjectStore } from "../../../local/s3/object-store";
import { type Harness, startHarness } from "../../storage/embedded-s3-harness";

/** The embedded server's own behaviour where S3 has no counterpart to conform to: its limits and its failures. */

let h: Harness;
const reported: string[] = [];
beforeEach(async () => {
  reported.length = 0;
  h = await startHarness({ onServerError: (request, error) => reported.push(`${request.method} ${request.url.split("?")[0]}: ${(error as Error).message}`) });
});
afterEach(async () => {
  await h.stop();
});

const put = (key: string, body: string, extra: object = {}) => h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from(body), ...extra }));
const failureOf = (error: unknown) => ({ status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, name: (error as Error).name });

describe("the embedded S3 server", () => {
  it("answers a damaged stored object with 500 InternalError and reports the cause", async () => {
    await put("damaged.json", "{}");
    await writeFile(new ObjectStore(h.dataDir, h.s3.bucket).fileOf("damaged.json"), "no metadata line");

    const failure = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "damaged.json" })).catch(failureOf);

    expect(failure).toEqual({ status: 500, name: "InternalError" });
    expect(reported).toEqual([`GET /${h.s3.bucket}/damaged.json: stored object has no metadata line`]);
  });

  it("refuses a key longer than S3's 1024 bytes, or with a segment too long for a file name, with 400 KeyTooLongError", async () => {
    for (const key of [`a/${"x".repeat(1_030)}`, "é".repeat(90)]) {
      expect(await put(key, "x").catch(failureOf)).toEqual({ status: 400, name: "KeyTooLongError" });
    }
  });

  it("answers an operation the application never calls with 501 NotImplemented, not a guess", async () => {
    await put("kept.pdf", "x");
    expect(await h.client.send(new DeleteObjectCommand({ Bucket: h.s3.bucket, Key: "kept.pdf" })).catch(failureOf)).toEqual({ status: 501, name: "NotImplemented" });
    const kept = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "kept.pdf" }));
    expect(await kept.Body!.transformToString()).toBe("x");
  });

  it("gives SSE-KMS objects an ETag that is not the MD5 of their bytes, as S3 does", async () => {
    const reply = await put("kms.pdf", "secret", { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/letterpress" });
    expect(reply.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(reply.ETag).not.toBe(`"${createHash("md5").update("secret").digest("hex")}"`);
    expect(reply).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/letterpress" });
  });
});
