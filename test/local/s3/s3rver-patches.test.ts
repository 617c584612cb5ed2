import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import aws4 from "aws4";
import { dispositionFileName } from "../../../functions/storage/content-disposition";
import { createS3Client } from "../../../functions/storage/s3-client";
import { startHarness, type Harness } from "../../storage/embedded-s3-harness";
import { errorCode, rawRequest } from "./s3-http";

jest.setTimeout(60_000);

/** Runs `task` over `items` with at most `limit` in flight. */
async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.all(items.slice(i, i + limit).map(task))));
  return results;
}

async function putAll(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  await inBatches(keys, 50, (key) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(key) })));
}

async function listAll(client: S3Client, bucket: string, prefix: string, maxKeys?: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix, ...(maxKeys ? { MaxKeys: maxKeys } : {}) })) {
    pages++;
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  return { keys, pages };
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("patched s3rver, through the verifying front", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("pages ListObjectsV2 over more than 1000 keys (the DES continuation token failed under OpenSSL 3)", async () => {
    const keys = Array.from({ length: 1_105 }, (_, i) => `many/${String(i).padStart(5, "0")}.pdf`);
    await putAll(h.client, h.s3.bucket, keys);

    const listed = await listAll(h.client, h.s3.bucket, "many/");

    expect(listed.pages).toBe(2);
    expect(listed.keys).toEqual(keys);
  });

  it("pages with a small MaxKeys in S3's key order, losing nothing where folders and files interleave", async () => {
    // Directory walk order is "a/b" before "a-c" and "a/b" before "a"; S3 order is "a", "a-c", "a/b".
    const keys = ["t/a", "t/a/b", "t/a-c", "t/a/b/c", "t/a0", "t/a.pdf", "t/b", "t/a/z", "t/a-c/d", "t/ab"];
    await putAll(h.client, h.s3.bucket, keys);

    const listed = await listAll(h.client, h.s3.bucket, "t/", 3);

    expect(listed.keys).toEqual([...keys].sort(byteOrder));
    expect(listed.pages).toBe(4);
  });

  it("answers a continuation token it did not issue with 400 InvalidArgument, not a 500", async () => {
    const reply = await rawRequest(h.s3.endpoint, signed(h, "GET", `/${h.s3.bucket}?list-type=2&continuation-token=${encodeURIComponent("bm90IGEgdG9rZW4gYXQgYWxsIGZvciBzdXJlIQ==")}`));
    expect(reply.status).toBe(400);
    expect(reply.body.toString()).toContain("<Code>InvalidArgument</Code>");
  });

  it("refuses If-None-Match: * with 412 when the object exists, and leaves it as it was", async () => {
    const key = "conditional/letter.pdf";
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("first"), IfNoneMatch: "*" }));

    const second = h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("second"), IfNoneMatch: "*" }));

    await expect(second).rejects.toMatchObject({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
    const stored = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
    expect(await stored.Body!.transformToString()).toBe("first");
  });

  it("lets exactly one of many concurrent If-None-Match: * puts of a new key win", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: "race/letter.pdf", Body: Buffer.from(`writer ${i}`), IfNoneMatch: "*" })),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect(attempts.filter((a) => a.status === "rejected").map((a) => (a as PromiseRejectedResult).reason.$metadata.httpStatusCode)).toEqual(Array(11).fill(412));
  });

  it("replaces an object with If-Match on its current ETag, quoted as S3 sends it or bare", async () => {
    const key = "conditional/manifest.json";
    const first = await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("v1") }));
    expect(first.ETag).toBe(`"${md5Hex("v1")}"`);

    const second = await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("v2"), IfMatch: first.ETag }));
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("v3"), IfMatch: second.ETag!.replace(/"/g, "") }));

    expect(await readText(h, key)).toBe("v3");
    // The front passed the signed header on to the server.
    expect(h.s3.requests.filter((r) => r.method === "PUT" && r.headers["if-match"] !== undefined).map((r) => r.status)).toEqual([200, 200]);
  });

  it("refuses If-Match with 412 PreconditionFailed when the ETag is stale, and leaves the object as it was", async () => {
    const key = "conditional/stale.json";
    const first = await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("v1") }));
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("v2") }));

    const stale = h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("lost update"), IfMatch: first.ETag }));

    await expect(stale).rejects.toMatchObject({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
    expect(await readText(h, key)).toBe("v2");
  });

  it("refuses If-Match on an absent key with 412 in S3's XML error shape, and creates nothing", async () => {
    const objectPath = `/${h.s3.bucket}/conditional/absent.json`;

    const reply = await rawRequest(h.s3.endpoint, signed(h, "PUT", objectPath, { "If-Match": `"${md5Hex("anything")}"` }, Buffer.from("new")));

    expect(reply.status).toBe(412);
    expect(errorCode(reply)).toBe("PreconditionFailed");
    expect(reply.body.toString()).toContain("<Condition>If-Match</Condition>");
    await expect(h.client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: "conditional/absent.json" }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it("lets exactly one of many concurrent If-Match puts with the same ETag win", async () => {
    const key = "race/manifest.json";
    const { ETag } = await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("read by every writer") }));

    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from(`writer ${i}`), IfMatch: ETag }))),
    );

    const winners = attempts.flatMap((a, i) => (a.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(attempts.filter((a) => a.status === "rejected").map((a) => (a as PromiseRejectedResult).reason.$metadata.httpStatusCode)).toEqual(Array(11).fill(412));
    expect(await readText(h, key)).toBe(`writer ${winners[0]}`);
  });

  it("answers every GET with the ETag of the bytes it returns, also while puts replace the object", async () => {
    // A new ETag paired with the old bytes would let a read-merge-write with If-Match lose an update.
    const key = "race/read-while-written.json";
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from("version 0") }));
    let writing = true;
    const writer = (async () => {
      for (let version = 1; version <= 60; version++) {
        await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: Buffer.from(`version ${version}`) }));
      }
      writing = false;
    })();
    const mismatches: string[] = [];
    let reads = 0;
    const reader = async () => {
      while (writing) {
        const reply = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
        const body = await reply.Body!.transformToString();
        reads++;
        if (reply.ETag !== `"${md5Hex(body)}"`) mismatches.push(`${body} came with ${reply.ETag}`);
      }
    };

    await Promise.all([writer, reader(), reader(), reader(), reader()]);

    expect(reads).toBeGreaterThan(60);
    expect(mismatches).toEqual([]);
  });

  it("bulk-deletes many keys under shared folders without the folder clean-up race, and removes the folders", async () => {
    for (let round = 0; round < 3; round++) {
      const keys = Array.from({ length: 60 }, (_, i) => `bulk/d${i % 4}/e${i % 3}/k${i}.pdf`);
      await putAll(h.client, h.s3.bucket, keys);

      const result = await h.client.send(new DeleteObjectsCommand({ Bucket: h.s3.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));

      expect(result.Errors ?? []).toEqual([]);
      expect(result.Deleted).toHaveLength(60);
      expect((await listAll(h.client, h.s3.bucket, "bulk/")).keys).toEqual([]);
    }
    const bucketEntries = await readdir(path.join(h.dataDir, h.s3.bucket));
    expect(bucketEntries.filter((name) => name === "bulk")).toEqual([]);
  });

  it("keeps non-ASCII header values sent as raw UTF-8 bytes: metadata comes back RFC 2047-encoded as from S3, the file name in RFC 6266 form", async () => {
    const title = "致安全理事会的信 — رسالة";
    const disposition = 'attachment; filename="致安理会的信.pdf"';
    const objectPath = `/${h.s3.bucket}/unicode/letter.pdf`;
    // Signed over the UTF-8 text; sent as its bytes (Node writes one latin1 character per byte).
    const request = signed(h, "PUT", objectPath, { "x-amz-meta-title": title, "Content-Disposition": disposition }, Buffer.from("pdf"));
    const asBytes = (value: string) => Buffer.from(value, "utf8").toString("latin1");
    request.headers["x-amz-meta-title"] = asBytes(title);
    request.headers["Content-Disposition"] = asBytes(disposition);
    const put = await rawRequest(h.s3.endpoint, request);
    expect(put.body.toString()).toBe("");
    expect(put.status).toBe(200);

    const head = await h.client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: "unicode/letter.pdf" }));

    expect(head.Metadata?.["title"]).toBe(`=?UTF-8?B?${Buffer.from(title).toString("base64")}?=`);
    expect(head.ContentDisposition).toMatch(/^[\x20-\x7e]+$/);
    expect(dispositionFileName(head.ContentDisposition ?? "")).toBe("致安理会的信.pdf");
  });

  it("decodes RFC 2047 metadata sent through the SDK and stores it as text", async () => {
    const title = "Lettre au Conseil de sécurité";
    // Q-encoded on the way in; it comes back B-encoded only if the server decoded and stored the text.
    const qEncoded = "=?UTF-8?Q?Lettre_au_Conseil_de_s=C3=A9curit=C3=A9?=";
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: "unicode/fr.pdf", Body: Buffer.from("x"), Metadata: { title: qEncoded } }));

    const head = await h.client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: "unicode/fr.pdf" }));

    expect(head.Metadata?.["title"]).toBe(`=?UTF-8?B?${Buffer.from(title).toString("base64")}?=`);
  });

  it("serves a non-ASCII response-content-disposition override instead of failing with a 500", async () => {
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: "unicode/override.pdf", Body: Buffer.from("x") }));
    const disposition = 'attachment; filename="رسالة.pdf"';
    const url = await getSignedUrl(h.client, new GetObjectCommand({ Bucket: h.s3.bucket, Key: "unicode/override.pdf", ResponseContentDisposition: disposition }), { expiresIn: 60 });

    const res = await fetch(url);

    expect(res.status).toBe(200);
    expect(dispositionFileName(res.headers.get("content-disposition") ?? "")).toBe("رسالة.pdf");
  });
});

const md5Hex = (text: string) => createHash("md5").update(text).digest("hex");

async function readText(h: Harness, key: string): Promise<string> {
  const reply = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
  return reply.Body!.transformToString();
}

function signed(h: Harness, method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: Buffer) {
  const host = new URL(h.s3.endpoint).host;
  const result = aws4.sign({ host, service: "s3", region: h.s3.region, method, path: pathAndQuery, headers: { ...headers }, body }, h.s3.credentials);
  return { method, path: result.path as string, headers: result.headers as Record<string, string>, body };
}

describe("patched s3rver in a process of its own", () => {
  let child: ChildProcess;
  let dataDir: string;
  let client: S3Client;
  let bucket: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "letterpress-s3-child-"));
    const script = path.join(__dirname, "../../fixtures/storage/embedded-s3-child.ts");
    child = spawn(process.execPath, [require.resolve("tsx/cli"), script, dataDir], { stdio: ["pipe", "pipe", "inherit"] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      child.once("exit", (code) => reject(new Error(`embedded S3 child exited early (${code})`)));
    });
    const info = JSON.parse(line) as { endpoint: string; bucket: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
    bucket = info.bucket;
    client = createS3Client({ region: info.region, endpoint: info.endpoint, forcePathStyle: true, credentials: info.credentials, maxAttempts: 1 });
  });

  afterEach(async () => {
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("survives a storm of concurrent puts and deletes under one prefix (an unhandled stream error used to kill it)", async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const ops = Array.from({ length: 40 }, (_, i) => {
        const key = `storm/d${i % 3}/k${i}.pdf`;
        return [
          client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(4_096, i) })),
          client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }, { Key: `storm/d${(i + 1) % 3}/k${i}.pdf` }] } })),
        ];
      }).flat();
      for (const result of await Promise.allSettled(ops)) {
        statuses.push(result.status === "fulfilled" ? result.value.$metadata.httpStatusCode! : ((result.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1));
      }
    }

    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "storm/after.pdf", Body: Buffer.from("still here") }));
    const after = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "storm/after.pdf" }));
    expect(await after.Body!.transformToString()).toBe("still here");
  });
});
