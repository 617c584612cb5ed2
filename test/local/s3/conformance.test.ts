import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTarget, type S3Target } from "./s3-target";

/**
 * The S3 behaviour the application relies on, written as requests any S3 client makes (the AWS SDK
 * v3, presigned URLs, plain fetch) with assertions real S3 satisfies: run with
 * LETTERPRESS_S3_CONFORMANCE_BUCKET set, the same file checks a real bucket (see ./s3-target.ts).
 */

jest.setTimeout(120_000);

let t: S3Target;
beforeEach(async () => {
  t = await startTarget();
});
afterEach(async () => {
  await t.stop();
});

const md5Hex = (bytes: Buffer | string) => createHash("md5").update(bytes).digest("hex");
const k = (name: string) => `${t.prefix}${name}`;

async function put(key: string, body: string | Buffer, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) {
  return t.client.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: typeof body === "string" ? Buffer.from(body) : body, ...extra }));
}

async function read(key: string, client: S3Client = t.client, bucket = t.bucket): Promise<string> {
  return await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}

/** The status and S3 error name of a rejected SDK call. */
function failure(reason: unknown): { status: number | undefined; name: string } {
  const error = reason as { name: string; $metadata?: { httpStatusCode?: number } };
  return { status: error.$metadata?.httpStatusCode, name: error.name };
}

async function expectFailure(call: Promise<unknown>, status: number, name: string): Promise<void> {
  const reason = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(reason === undefined ? "succeeded" : failure(reason)).toEqual({ status, name });
}

function errorCode(xml: string): string | undefined {
  return /<Error><Code>([^<]+)<\/Code>/.exec(xml)?.[1];
}

function objectUrl(key: string): string {
  return `${t.bucketUrl}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

describe("conditional writes", () => {
  it("If-None-Match: * creates an absent key once, then refuses with 412 PreconditionFailed and keeps the first bytes", async () => {
    const key = k("create-once.json");
    const first = await put(key, "first", { IfNoneMatch: "*" });
    expect(first.ETag).toBe(`"${md5Hex("first")}"`);

    await expectFailure(put(key, "second", { IfNoneMatch: "*" }), 412, "PreconditionFailed");
    expect(await read(key)).toBe("first");
  });

  it("of 16 concurrent If-None-Match: * writers of a new key exactly one wins; the stored bytes are the winner's", async () => {
    const key = k("race/new.json");
    const attempts = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => put(key, `writer ${i}`, { IfNoneMatch: "*" })));

    const winners = attempts.flatMap((attempt, i) => (attempt.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    // S3 answers a loser 412, or 409 ConditionalRequestConflict when the winner is still in flight.
    for (const attempt of attempts) if (attempt.status === "rejected") expect([412, 409]).toContain(failure(attempt.reason).status);
    expect(await read(key)).toBe(`writer ${winners[0]}`);
  });

  it("If-Match replaces exactly the version named by its ETag, quoted as S3 sends it or bare", async () => {
    const key = k("manifest.json");
    const v1 = await put(key, "v1");
    const v2 = await put(key, "v2", { IfMatch: v1.ETag });
    await put(key, "v3", { IfMatch: v2.ETag!.replace(/"/g, "") });
    expect(await read(key)).toBe("v3");
  });

  it("If-Match with a stale ETag is refused with 412 and changes nothing", async () => {
    const key = k("stale.json");
    const v1 = await put(key, "v1");
    await put(key, "v2");

    await expectFailure(put(key, "lost update", { IfMatch: v1.ETag }), 412, "PreconditionFailed");
    expect(await read(key)).toBe("v2");
  });

  it("If-Match on a key that does not exist is refused with 404 NoSuchKey and creates nothing", async () => {
    const key = k("absent.json");
    await expectFailure(put(key, "new", { IfMatch: `"${md5Hex("anything")}"` }), 404, "NoSuchKey");
    await expectFailure(t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key })), 404, "NotFound");
  });

  it("of 16 concurrent If-Match writers holding the same ETag exactly one wins", async () => {
    const key = k("race/manifest.json");
    const { ETag } = await put(key, "read by every writer");
    const attempts = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => put(key, `writer ${i}`, { IfMatch: ETag })));

    const winners = attempts.flatMap((attempt, i) => (attempt.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === "rejected") expect([412, 409]).toContain(failure(attempt.reason).status);
    expect(await read(key)).toBe(`writer ${winners[0]}`);
  });

  it("read-merge-write with If-Match loses no update among concurrent writers", async () => {
    const key = k("race/list.json");
    await put(key, "[]");
    const writer = async (id: number) => {
      let written = 0;
      for (let round = 0; round < 6; round++) {
        for (;;) {
          const current = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
          const items = JSON.parse(await current.Body!.transformToString()) as string[];
          try {
            await put(key, JSON.stringify([...items, `${id}.${round}`]), { IfMatch: current.ETag });
            written++;
            break;
          } catch (error) {
            if (![412, 409].includes(failure(error).status ?? 0)) throw error;
          }
        }
      }
      return written;
    };
    const written = await Promise.all([0, 1, 2, 3].map(writer));

    const items = JSON.parse(await read(key)) as string[];
    expect(written).toEqual([6, 6, 6, 6]);
    expect(items.sort()).toEqual([0, 1, 2, 3].flatMap((id) => [0, 1, 2, 3, 4, 5].map((round) => `${id}.${round}`)).sort());
  });

  it("every GET answers with the ETag of the bytes it returns, also while writers replace the object", async () => {
    const key = k("race/read-while-written.json");
    await put(key, "version 0");
    let writing = true;
    const writer = (async () => {
      for (let version = 1; version <= 30; version++) await put(key, `version ${version}`);
      writing = false;
    })();
    const mismatches: string[] = [];
    const reader = async () => {
      while (writing) {
        const reply = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
        const body = await reply.Body!.transformToString();
        if (reply.ETag !== `"${md5Hex(body)}"`) mismatches.push(`${body} came with ${reply.ETag}`);
      }
    };
    await Promise.all([writer, reader(), reader()]);
    expect(mismatches).toEqual([]);
  });
});

describe("objects: bytes, headers and digests", () => {
  it("keeps the headers and metadata the document store sends, and answers SSE-S3 with the MD5 as ETag", async () => {
    const key = k("letters/x/en/letter.pdf");
    const body = Buffer.from("%PDF-1.7 bytes");
    const disposition = `attachment; filename="Letter.pdf"; filename*=UTF-8''${encodeURIComponent("Письмо.pdf")}`;
    const reply = await put(key, body, {
      ContentType: "application/pdf",
      CacheControl: "private, max-age=31536000, immutable",
      ContentDisposition: disposition,
      ContentMD5: createHash("md5").update(body).digest("base64"),
      Metadata: { sha256: createHash("sha256").update(body).digest("hex") },
      ServerSideEncryption: "AES256",
    });
    expect(reply.ETag).toBe(`"${md5Hex(body)}"`);
    expect(reply.ServerSideEncryption).toBe("AES256");

    const head = await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key }));
    expect(head).toMatchObject({
      ContentLength: body.length,
      ContentType: "application/pdf",
      CacheControl: "private, max-age=31536000, immutable",
      ContentDisposition: disposition,
      ETag: `"${md5Hex(body)}"`,
      Metadata: { sha256: createHash("sha256").update(body).digest("hex") },
      ServerSideEncryption: "AES256",
    });
    expect(head.LastModified).toBeInstanceOf(Date);
  });

  it("refuses a body that does not match its Content-MD5 with 400 BadDigest, and stores nothing", async () => {
    const key = k("bad-digest.pdf");
    await expectFailure(put(key, "the bytes sent", { ContentMD5: createHash("md5").update("other bytes").digest("base64") }), 400, "BadDigest");
    await expectFailure(t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key })), 404, "NotFound");
  });

  it("treats keys that differ in case, dots or doubled slashes as different objects", async () => {
    const names = ["Case.txt", "case.txt", "a//b", "a/b", "./dot", "../up", "é/ü.txt", "sp ace+plus%25"];
    for (const name of names) await put(k(name), `body of ${name}`);
    for (const name of names) expect(await read(k(name))).toBe(`body of ${name}`);
  });

  it("answers GET and HEAD of a missing key with 404 NoSuchKey (HEAD without a body)", async () => {
    const key = k("missing.pdf");
    await expectFailure(t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: key })), 404, "NoSuchKey");
    await expectFailure(t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key })), 404, "NotFound");
    const url = await getSignedUrl(t.client, new GetObjectCommand({ Bucket: t.bucket, Key: key }), { expiresIn: 60 });
    const reply = await fetch(url);
    const xml = await reply.text();
    expect({ status: reply.status, code: errorCode(xml) }).toEqual({ status: 404, code: "NoSuchKey" });
    expect(xml).toContain(`<Key>${key}</Key>`);
  });

  it("answers a bucket that does not exist with 404 NoSuchBucket", async () => {
    const bucket = `${t.bucket}-missing-${Date.now()}`;
    await expectFailure(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: k("x") })), 404, "NoSuchBucket");
  });
});

describe("GET with Range", () => {
  const body = "0123456789abcdefghij"; // 20 bytes

  async function ranged(range: string) {
    const reply = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: k("range.txt"), Range: range }));
    return { status: reply.$metadata.httpStatusCode, contentRange: reply.ContentRange, length: reply.ContentLength, text: await reply.Body!.transformToString() };
  }

  beforeEach(async () => {
    await put(k("range.txt"), body);
  });

  it.each([
    ["bytes=0-4", "bytes 0-4/20", "01234"],
    ["bytes=5-", "bytes 5-19/20", "56789abcdefghij"],
    ["bytes=-10", "bytes 10-19/20", "abcdefghij"],
    ["bytes=-1", "bytes 19-19/20", "j"],
    ["bytes=-50", "bytes 0-19/20", body],
    ["bytes=15-99", "bytes 15-19/20", "fghij"],
    ["bytes=19-19", "bytes 19-19/20", "j"],
  ])("%s answers 206 with %s", async (range, contentRange, text) => {
    expect(await ranged(range)).toEqual({ status: 206, contentRange, length: text.length, text });
  });

  it("a range starting past the end is refused with 416 InvalidRange", async () => {
    await expectFailure(ranged("bytes=20-"), 416, "InvalidRange");
    await expectFailure(ranged("bytes=100-200"), 416, "InvalidRange");
  });

  it("a range S3 cannot read is ignored: the whole object, 200", async () => {
    for (const range of ["bytes=abc", "items=0-4", "bytes=5-2"]) {
      const reply = await ranged(range);
      expect({ range, status: reply.status, text: reply.text }).toEqual({ range, status: 200, text: body });
    }
  });

  it("a presigned GET takes a Range header too", async () => {
    const url = await getSignedUrl(t.client, new GetObjectCommand({ Bucket: t.bucket, Key: k("range.txt") }), { expiresIn: 60 });
    const reply = await fetch(url, { headers: { Range: "bytes=-3" } });
    expect({ status: reply.status, range: reply.headers.get("content-range"), text: await reply.text() }).toEqual({ status: 206, range: "bytes 17-19/20", text: "hij" });
  });
});

describe("ListObjectsV2", () => {
  async function listAll(prefix: string, options: { maxKeys?: number; delimiter?: string; startAfter?: string } = {}) {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let pages = 0;
    const query = {
      Bucket: t.bucket,
      Prefix: prefix,
      ...(options.maxKeys ? { MaxKeys: options.maxKeys } : {}),
      ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
      ...(options.startAfter ? { StartAfter: options.startAfter } : {}),
    };
    for await (const page of paginateListObjectsV2({ client: t.client }, query)) {
      pages++;
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      prefixes.push(...(page.CommonPrefixes ?? []).map((common) => common.Prefix!));
      expect(page.KeyCount).toBe((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0));
    }
    return { keys, prefixes, pages };
  }

  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  // Directory order would put "a/b" before "a-c" and "a"; S3's byte order is "a", "a-c", "a.pdf", "a/b".
  const names = ["a", "a/b", "a-c", "a/b/c", "a0", "a.pdf", "b", "a/z", "a-c/d", "ab", "Z", "é"];

  it("lists in UTF-8 byte order with size and ETag, paging by MaxKeys without losing or repeating a key", async () => {
    for (const name of names) await put(k(name), name);

    const listed = await listAll(t.prefix, { maxKeys: 3 });

    expect(listed.keys).toEqual(names.map(k).sort(byteOrder));
    expect(listed.pages).toBe(4);
    const first = await t.client.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: k("a-c/") }));
    expect(first.Contents).toEqual([expect.objectContaining({ Key: k("a-c/d"), Size: 5, ETag: `"${md5Hex("a-c/d")}"` })]);
  });

  it("rolls keys up to common prefixes at the delimiter, and pages over both", async () => {
    for (const name of names) await put(k(name), name);

    const whole = await listAll(t.prefix, { delimiter: "/" });
    const paged = await listAll(t.prefix, { delimiter: "/", maxKeys: 2 });

    expect(whole.keys).toEqual(["a", "a-c", "a.pdf", "a0", "ab", "b", "Z", "é"].map(k).sort(byteOrder));
    expect(whole.prefixes).toEqual([k("a-c/"), k("a/")]);
    expect(paged.keys).toEqual(whole.keys);
    expect(paged.prefixes).toEqual(whole.prefixes);
    // A prefix that ends inside a segment.
    expect(await listAll(k("a-"), { delimiter: "/" })).toMatchObject({ keys: [k("a-c")], prefixes: [k("a-c/")] });
    expect(await listAll(k("a/"), { delimiter: "/" })).toMatchObject({ keys: [k("a/b"), k("a/z")], prefixes: [k("a/b/")] });
  });

  it("starts after the key named by StartAfter", async () => {
    for (const name of names) await put(k(name), name);
    expect((await listAll(t.prefix, { startAfter: k("a/b") })).keys).toEqual(
      names
        .map(k)
        .filter((key) => byteOrder(key, k("a/b")) > 0)
        .sort(byteOrder),
    );
  });

  it("pages at 1000 keys at most", async () => {
    const keys = Array.from({ length: 1_003 }, (_, i) => k(`many/${String(i).padStart(4, "0")}`));
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => put(key, "x")));

    const first = await t.client.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: k("many/"), MaxKeys: 5_000 }));
    expect({ count: first.KeyCount, truncated: first.IsTruncated }).toEqual({ count: 1_000, truncated: true });
    expect((await listAll(k("many/"))).keys).toEqual(keys);
  });

  it("refuses a continuation token it did not issue with 400 InvalidArgument", async () => {
    await expectFailure(t.client.send(new ListObjectsV2Command({ Bucket: t.bucket, ContinuationToken: "bm90IGEgdG9rZW4gd2UgbWFkZQ==" })), 400, "InvalidArgument");
  });
});

describe("access", () => {
  it("refuses unsigned reads, writes and listings with 403 AccessDenied, and the object stays as it was", async () => {
    const key = k("private.pdf");
    await put(key, "private bytes");

    const replies = [
      await fetch(objectUrl(key)),
      await fetch(objectUrl(key), { method: "HEAD" }),
      await fetch(objectUrl(key), { method: "PUT", body: "replaced" }),
      await fetch(`${t.bucketUrl}?list-type=2`),
      await fetch(`${t.bucketUrl}?list-type=2&prefix=${encodeURIComponent(t.prefix)}`),
    ];

    expect(replies.map((reply) => reply.status)).toEqual([403, 403, 403, 403, 403]);
    const codes = await Promise.all(replies.map(async (reply) => errorCode(await reply.text())));
    // HEAD answers carry no body.
    expect(codes).toEqual(["AccessDenied", undefined, "AccessDenied", "AccessDenied", "AccessDenied"]);
    expect(await read(key)).toBe("private bytes");
  });

  it("serves a presigned GET, and refuses it tampered (403 SignatureDoesNotMatch) or expired (403 AccessDenied)", async () => {
    const key = k("en/letter.pdf");
    await put(key, "%PDF letter");
    await put(k("fr/letter.pdf"), "%PDF lettre");
    const url = new URL(await getSignedUrl(t.client, new GetObjectCommand({ Bucket: t.bucket, Key: key }), { expiresIn: 60 }));
    expect(await (await fetch(url)).text()).toBe("%PDF letter");

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace("/en/", "/fr/");
    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "3600");
    for (const tampered of [otherKey, longer]) {
      const reply = await fetch(tampered);
      expect({ status: reply.status, code: errorCode(await reply.text()) }).toEqual({ status: 403, code: "SignatureDoesNotMatch" });
    }

    const expired = await getSignedUrl(t.client, new GetObjectCommand({ Bucket: t.bucket, Key: key }), { expiresIn: 60, signingDate: new Date(Date.now() - 3_600_000) });
    const reply = await fetch(expired);
    const xml = await reply.text();
    expect({ status: reply.status, code: errorCode(xml) }).toEqual({ status: 403, code: "AccessDenied" });
    expect(xml).toContain("<Message>Request has expired</Message>");
  });

  it("refuses a presigned GET used for a PUT", async () => {
    const key = k("presigned-get.pdf");
    await put(key, "original");
    const url = await getSignedUrl(t.client, new GetObjectCommand({ Bucket: t.bucket, Key: key }), { expiresIn: 60 });
    const reply = await fetch(url, { method: "PUT", body: "overwritten" });
    expect({ status: reply.status, code: errorCode(await reply.text()) }).toEqual({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await read(key)).toBe("original");
  });
});
