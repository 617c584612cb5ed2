import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../functions/storage/s3-client";
import { ObjectStore } from "../../../local/s3/object-store";
import { type Harness, startHarness } from "../../storage/embedded-s3-harness";
import { rawRequest } from "./s3-http";

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
    const copy = new CopyObjectCommand({ Bucket: h.s3.bucket, Key: "copy.pdf", CopySource: `${h.s3.bucket}/kept.pdf` });
    expect(await h.client.send(copy).catch(failureOf)).toEqual({ status: 501, name: "NotImplemented" });
    const kept = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "kept.pdf" }));
    expect(await kept.Body!.transformToString()).toBe("x");
  });

  it("deletes an object (DeleteObject, 204), leaves its neighbours, and answers 204 for a key that holds nothing, as S3 does", async () => {
    await put("letters/a/1/en/letter.pdf", "gone");
    await put("letters/a/1/en/letter.html", "stays");
    const reply = await h.client.send(new DeleteObjectCommand({ Bucket: h.s3.bucket, Key: "letters/a/1/en/letter.pdf" }));
    expect(reply.$metadata.httpStatusCode).toBe(204);
    expect(await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "letters/a/1/en/letter.pdf" })).catch(failureOf)).toEqual({ status: 404, name: "NoSuchKey" });
    const listed = await h.client.send(new ListObjectsV2Command({ Bucket: h.s3.bucket, Prefix: "letters/" }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(["letters/a/1/en/letter.html"]);
    const again = await h.client.send(new DeleteObjectCommand({ Bucket: h.s3.bucket, Key: "letters/a/1/en/letter.pdf" }));
    expect(again.$metadata.httpStatusCode).toBe(204);
  });

  it("refuses a DELETE that is not signed, or signed with a wrong secret, and keeps the object", async () => {
    await put("private.pdf", "x");
    const unsigned = await rawRequest(h.s3.endpoint, { method: "DELETE", path: `/${h.s3.bucket}/private.pdf` });
    expect(unsigned.status).toBe(403);
    const forger = createS3Client({
      ...h.s3.connection,
      credentials: { accessKeyId: h.s3.connection.credentials?.accessKeyId ?? "", secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    try {
      expect(await forger.send(new DeleteObjectCommand({ Bucket: h.s3.bucket, Key: "private.pdf" })).catch(failureOf)).toEqual({ status: 403, name: "SignatureDoesNotMatch" });
    } finally {
      forger.destroy();
    }
    const kept = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "private.pdf" }));
    expect(await kept.Body!.transformToString()).toBe("x");
  });

  it("gives SSE-KMS objects an ETag that is not the MD5 of their bytes, as S3 does", async () => {
    const reply = await put("kms.pdf", "secret", { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/letterpress" });
    expect(reply.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(reply.ETag).not.toBe(`"${createHash("md5").update("secret").digest("hex")}"`);
    expect(reply).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/letterpress" });
  });
});
