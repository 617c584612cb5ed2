import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { dispositionFileName } from "../../functions/storage/content-disposition";
import type { StoredDocument } from "../../functions/storage/document-store";
import { ManifestContentionError, PresignExpiryError, StorageIntegrityError, StorageUnavailableError } from "../../functions/storage/errors";
import { latestPointerSchema, manifestSchema, serializeManifest, type Manifest } from "../../functions/storage/manifest";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore, type ManifestRetry } from "../../functions/storage/s3-document-store";
import { forwarded, renderedDocument, REVISION, startHarness, type Harness } from "./embedded-s3-harness";

jest.setTimeout(30_000);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe("S3DocumentStore against the embedded server", () => {
  it("stores a document and reads it back byte for byte", async () => {
    const store = h.store();
    const doc = renderedDocument("en", "pdf", "Letter to the Security Council");

    const { document, outcome } = await store.put(doc, { revision: REVISION, downloadName: "Letter to the Security Council" });

    expect(outcome).toBe("created");
    expect(document).toEqual({
      key: `letters/unsc-dprk-2015/${REVISION}/en/letter.pdf`,
      size: doc.bytes.length,
      sha256: doc.sha256,
      locale: "en",
      format: "pdf",
      recipientId: null,
      contentType: "application/pdf",
    });
    const head = await store.head(document.key);
    expect(head).toMatchObject({ key: document.key, size: doc.bytes.length, sha256: doc.sha256 });
    const { bytes, info } = await store.get(document.key);
    expect(bytes.equals(doc.bytes)).toBe(true);
    expect(info.sha256).toBe(doc.sha256);
  });

  it("answers head of a missing key with undefined and get with DocumentNotFoundError", async () => {
    const store = h.store();
    const key = `letters/unsc-dprk-2015/${REVISION}/en/missing.pdf`;
    await expect(store.head(key)).resolves.toBeUndefined();
    await expect(store.get(key)).rejects.toMatchObject({ name: "DocumentNotFoundError", code: "NOT_FOUND", key, operation: "get" });
  });

  it.each([
    ["ar", "رسالة إلى مجلس الأمن", "pdf", "application/pdf"],
    ["zh", "致安全理事会的信", "html", "text/html; charset=utf-8"],
  ] as const)("stores %s headers as sent: type, localized disposition, immutable caching, sha256", async (locale, name, format, contentType) => {
    const store = h.store();
    const doc = renderedDocument(locale, format, name, "france");
    const { document } = await store.put(doc, { revision: REVISION, downloadName: name });

    expect(document.key).toBe(`letters/unsc-dprk-2015/${REVISION}/${locale}/france/letter.${format}`);
    // Read with the SDK directly: what the server really stored, not what the store reports.
    const head = await h.client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: document.key }));
    expect(head.ContentType).toBe(contentType);
    expect(head.CacheControl).toBe("private, max-age=31536000, immutable");
    expect(head.Metadata).toEqual({ sha256: doc.sha256 });
    expect(head.ContentDisposition).toContain(`filename="unsc-dprk-2015-${locale}-france.${format}"`);
    expect(dispositionFileName(head.ContentDisposition ?? "")).toBe(`${name}.${format}`);
  });

  it("writes nothing when the same bytes are stored again: every write of the re-run is refused by its If-None-Match", async () => {
    const store = h.store();
    const docs = [renderedDocument("en", "pdf", "one"), renderedDocument("fr", "html", "deux")];
    for (const doc of docs) await store.put(doc, { revision: REVISION, downloadName: "Letter" });
    const written = () => h.s3.requests.filter((r) => r.method === "PUT" && r.status === 200).length;
    expect(written()).toBe(2);
    const before = h.s3.requests.length;

    const rerun = await Promise.all(docs.map((doc) => store.put(doc, { revision: REVISION, downloadName: "Letter" })));

    expect(rerun.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
    expect(written()).toBe(2);
    const rerunPuts = h.s3.requests.slice(before).filter((r) => r.method === "PUT");
    expect(rerunPuts.map((r) => r.status)).toEqual([412, 412]);
  });

  it("stores a new document with one request: the PUT's answer (its ETag, the MD5 of what arrived) confirms it", async () => {
    const store = h.store();
    const result = await store.put(renderedDocument("ko", "pdf", "one request"), { revision: REVISION, downloadName: "Letter" });

    expect(result.outcome).toBe("created");
    expect(h.s3.requests.map((r) => r.method)).toEqual(["PUT"]);
    expect((await store.get(result.document.key)).bytes.toString("utf8")).toContain("one request");
  });

  it("confirms by HEAD when the PUT's answer does not vouch for the bytes, and reports the store that kept other bytes", async () => {
    const doc = renderedDocument("en", "html", "ours");
    // A store that answers 200 but then holds something else: the answer's ETag is not our MD5.
    const client = createS3Client({ ...h.s3.connection, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== "PutObjectCommand") return result;
        const input = args.input as PutObjectCommandInput;
        await h.client.send(new PutObjectCommand({ Bucket: input.Bucket, Key: input.Key, Body: "theirs", Metadata: input.Metadata }));
        (result.output as { ETag?: string }).ETag = '"00000000000000000000000000000000"';
        return result;
      },
      { step: "initialize", name: "storeKeepsOtherBytes" },
    );
    const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
    try {
      await expect(store.put(doc, { revision: REVISION, downloadName: "Letter" })).rejects.toBeInstanceOf(StorageIntegrityError);
      expect(h.s3.requests.filter((r) => r.method === "HEAD")).toHaveLength(1);
    } finally {
      client.destroy();
    }
  });

  it("reports a write whose answer carries a SHA-256 other than ours, without asking again", async () => {
    const client = createS3Client({ ...h.s3.connection, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "PutObjectCommand") (result.output as { ChecksumSHA256?: string }).ChecksumSHA256 = createHash("sha256").update("other bytes").digest("base64");
        return result;
      },
      { step: "initialize", name: "answerWithOtherChecksum" },
    );
    const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
    try {
      await expect(store.put(renderedDocument("fr", "pdf", "x"), { revision: REVISION, downloadName: "Lettre" })).rejects.toMatchObject({
        name: "StorageIntegrityError",
        key: `letters/unsc-dprk-2015/${REVISION}/fr/letter.pdf`,
      });
      expect(h.s3.requests.map((r) => r.method)).toEqual(["PUT"]);
    } finally {
      client.destroy();
    }
  });

  it("replaces a document whose stored bytes differ, and confirms the new bytes", async () => {
    const store = h.store();
    await store.put(renderedDocument("en", "pdf", "first rendering"), { revision: REVISION, downloadName: "Letter" });

    const second = renderedDocument("en", "pdf", "second rendering");
    const result = await store.put(second, { revision: REVISION, downloadName: "Letter" });

    expect(result.outcome).toBe("replaced");
    expect((await store.get(result.document.key)).bytes.equals(second.bytes)).toBe(true);
  });

  it("sends a new document with If-None-Match: * and the configured server-side encryption", async () => {
    const store = h.store({ encryption: { mode: "SSE-S3" } });
    await store.put(renderedDocument("en", "pdf", "x"), { revision: REVISION, downloadName: "Letter" });

    const put = h.s3.requests.find((r) => r.method === "PUT");
    expect(put?.headers).toMatchObject({ "if-none-match": "*", "x-amz-server-side-encryption": "AES256", "x-amz-meta-sha256": expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(put?.headers["content-md5"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it("with SSE-KMS, sends the key id and confirms the write by reading the bytes back", async () => {
    const store = h.store({ encryption: { mode: "SSE-KMS", kmsKeyId: "alias/letterpress" } });
    await store.put(renderedDocument("en", "pdf", "kms"), { revision: REVISION, downloadName: "Letter" });

    const put = h.s3.requests.find((r) => r.method === "PUT");
    expect(put?.headers).toMatchObject({ "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "alias/letterpress" });
    expect(h.s3.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  });

  it("writes the manifest after its documents, then the latest pointer, and reads both back", async () => {
    const store = h.store();
    const stored = [];
    for (const doc of [renderedDocument("en", "pdf", "a"), renderedDocument("ar", "html", "b"), renderedDocument("ko", "pdf", "c", "korea")]) {
      stored.push((await store.put(doc, { revision: REVISION, downloadName: "Letter" })).document);
    }

    const manifest = await store.publishRevision("unsc-dprk-2015", REVISION, stored);

    expect(manifest.documents.map((d) => d.key)).toEqual([...stored.map((d) => d.key)].sort());
    await expect(store.getManifest("unsc-dprk-2015", REVISION)).resolves.toEqual(manifest);
    await expect(store.getLatest("unsc-dprk-2015")).resolves.toEqual({
      schemaVersion: 1,
      letterId: "unsc-dprk-2015",
      revision: REVISION,
      manifestKey: `letters/unsc-dprk-2015/${REVISION}/manifest.json`,
    });
    const puts = h.s3.requests.filter((r) => r.method === "PUT").map((r) => r.url.split("?")[0]);
    expect(puts.slice(-2)).toEqual([`/${h.s3.bucket}/letters/unsc-dprk-2015/${REVISION}/manifest.json`, `/${h.s3.bucket}/letters/unsc-dprk-2015/latest.json`]);
    // Stored as plain JSON that matches the schemas, readable without the store.
    const raw = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: `letters/unsc-dprk-2015/${REVISION}/manifest.json` }));
    expect(manifestSchema.parse(JSON.parse(await raw.Body!.transformToString()))).toEqual(manifest);
    const pointer = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: "letters/unsc-dprk-2015/latest.json" }));
    expect(latestPointerSchema.parse(JSON.parse(await pointer.Body!.transformToString())).revision).toBe(REVISION);
  });

  it("publishing the same revision again uploads nothing", async () => {
    const store = h.store();
    const { document } = await store.put(renderedDocument("en", "pdf", "a"), { revision: REVISION, downloadName: "Letter" });
    await store.publishRevision("unsc-dprk-2015", REVISION, [document]);
    const puts = forwarded(h.s3, "PUT");

    await store.publishRevision("unsc-dprk-2015", REVISION, [document]);

    expect(forwarded(h.s3, "PUT")).toBe(puts);
  });

  it("adds to the manifest already there: other entries stay, an entry of the same key is replaced", async () => {
    const store = h.store();
    const put = async (locale: "en" | "ar" | "fr", text: string) =>
      (await store.put(renderedDocument(locale, "pdf", text), { revision: REVISION, downloadName: "Letter" })).document;
    const [en, ar] = [await put("en", "first en"), await put("ar", "ar")];
    await store.publishRevision("unsc-dprk-2015", REVISION, [en, ar]);

    const [enAgain, fr] = [await put("en", "second en"), await put("fr", "fr")];
    const manifest = await store.publishRevision("unsc-dprk-2015", REVISION, [enAgain, fr]);

    expect(manifest.documents).toEqual([ar, enAgain, fr]);
    await expect(store.getManifest("unsc-dprk-2015", REVISION)).resolves.toEqual(manifest);
    // Created only if absent, then replaced only as the version read.
    const manifestPuts = h.s3.requests.filter((r) => r.method === "PUT" && r.url.startsWith(`/${h.s3.bucket}/letters/unsc-dprk-2015/${REVISION}/manifest.json`));
    expect(manifestPuts.map((r) => [r.headers["if-none-match"], r.headers["if-match"]])).toEqual([
      ["*", undefined],
      [undefined, `"${md5Hex(serializeManifest({ schemaVersion: 1, letterId: "unsc-dprk-2015", revision: REVISION, documents: [ar, en] }))}"`],
    ]);
  });

  it("lists every document when 8 publishers of one revision publish different documents at the same time", async () => {
    const publishers = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        // One store per publisher, as one per Lambda; each with two documents of its own.
        const store = h.store();
        const placement = { revision: REVISION, downloadName: "Letter" };
        const documents = [
          (await store.put(renderedDocument("en", "pdf", `pdf ${i}`, `member-${i}`), placement)).document,
          (await store.put(renderedDocument("en", "html", `html ${i}`, `member-${i}`), placement)).document,
        ];
        return { store, documents };
      }),
    );

    const published = await Promise.all(publishers.map(({ store, documents }) => store.publishRevision("unsc-dprk-2015", REVISION, documents)));

    const everyKey = publishers.flatMap(({ documents }) => documents.map((d) => d.key)).sort();
    const manifest = await h.store().getManifest("unsc-dprk-2015", REVISION);
    expect(manifest?.documents.map((d) => d.key)).toEqual(everyKey);
    // The last to publish saw everything; each saw at least its own.
    expect(Math.max(...published.map((m) => m.documents.length))).toBe(16);
    published.forEach((m, i) => expect(m.documents).toEqual(expect.arrayContaining(publishers[i]!.documents)));
    // They did collide: some conditional writes were refused and tried again.
    expect(h.s3.requests.filter((r) => r.url.includes("/manifest.json") && r.method === "PUT" && r.status === 412).length).toBeGreaterThan(0);
  });

  it("publishes without a false failure when another revision's publisher moves the latest pointer right after ours", async () => {
    const client: S3Client = createS3Client({ region: h.s3.region, endpoint: h.s3.endpoint, forcePathStyle: true, credentials: h.s3.credentials, maxAttempts: 1 });
    const pointerKey = "letters/unsc-dprk-2015/latest.json";
    const otherRevision = "fedcba9876543210";
    const otherPointer = { schemaVersion: 1, letterId: "unsc-dprk-2015", revision: otherRevision, manifestKey: `letters/unsc-dprk-2015/${otherRevision}/manifest.json` };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        // The other publisher's pointer lands between our write and anything we might read back.
        if (context.commandName === "PutObjectCommand" && (args.input as PutObjectCommandInput).Key === pointerKey) {
          await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: pointerKey, Body: JSON.stringify(otherPointer) }));
        }
        return result;
      },
      { step: "initialize", name: "concurrentPointerWriter" },
    );
    const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
    try {
      const { document } = await store.put(renderedDocument("en", "pdf", "ours"), { revision: REVISION, downloadName: "Letter" });
      const manifest = await store.publishRevision("unsc-dprk-2015", REVISION, [document]);
      expect(manifest.documents.map((d) => d.key)).toEqual([document.key]);
      // Last writer wins: the pointer names the other revision, and our manifest stands.
      expect((await h.store().getLatest("unsc-dprk-2015"))?.revision).toBe(otherRevision);
      expect((await h.store().getManifest("unsc-dprk-2015", REVISION))?.documents).toEqual([document]);
    } finally {
      client.destroy();
    }
  });

  it("re-reads and merges again when another writer changed the manifest between its read and its write", async () => {
    const { store, conditionalWrites, stop } = storeWithHostileWriter(h, { times: 1 });
    try {
      const { document } = await store.put(renderedDocument("en", "pdf", "ours"), { revision: REVISION, downloadName: "Letter" });

      const manifest = await store.publishRevision("unsc-dprk-2015", REVISION, [document]);

      expect(conditionalWrites()).toBe(2);
      expect(manifest.documents.map((d) => d.key)).toEqual([`letters/unsc-dprk-2015/${REVISION}/en/hostile-1.pdf`, document.key]);
      await expect(h.store().getManifest("unsc-dprk-2015", REVISION)).resolves.toEqual(manifest);
    } finally {
      stop();
    }
  });

  it("gives up with ManifestContentionError after the configured attempts when the manifest keeps changing, and moves no pointer", async () => {
    const { store, conditionalWrites, stop } = storeWithHostileWriter(h, { times: Infinity, manifestRetry: { attempts: 3, baseDelayMs: 1 } });
    try {
      const { document } = await store.put(renderedDocument("en", "pdf", "ours"), { revision: REVISION, downloadName: "Letter" });

      const attempt = store.publishRevision("unsc-dprk-2015", REVISION, [document]);

      await expect(attempt).rejects.toBeInstanceOf(ManifestContentionError);
      await expect(attempt).rejects.toMatchObject({
        code: "STORAGE_ERROR",
        key: `letters/unsc-dprk-2015/${REVISION}/manifest.json`,
        attempts: 3,
        message: expect.stringMatching(/kept changing while it was being published: 3 attempts each lost to another publisher$/),
      });
      expect(conditionalWrites()).toBe(3);
      const listed = (await h.store().getManifest("unsc-dprk-2015", REVISION))?.documents.map((d) => d.key);
      expect(listed).not.toContain(document.key);
      await expect(h.store().getLatest("unsc-dprk-2015")).resolves.toBeUndefined();
    } finally {
      stop();
    }
  });

  it("refuses a manifest retry of fewer than one attempt", () => {
    expect(() => h.store({ manifestRetry: { attempts: 0, baseDelayMs: 10 } })).toThrow(/manifestRetry.attempts/);
  });

  it("refuses to write a manifest listing a document that is not stored", async () => {
    const store = h.store();
    const { document } = await store.put(renderedDocument("en", "pdf", "a"), { revision: REVISION, downloadName: "Letter" });
    const notStored = { ...document, key: `letters/unsc-dprk-2015/${REVISION}/fr/letter.pdf`, locale: "fr" as const };

    await expect(store.publishRevision("unsc-dprk-2015", REVISION, [document, notStored])).rejects.toBeInstanceOf(StorageIntegrityError);
    await expect(store.getManifest("unsc-dprk-2015", REVISION)).resolves.toBeUndefined();
    await expect(store.getLatest("unsc-dprk-2015")).resolves.toBeUndefined();
  });

  it("refuses a manifest entry whose stored bytes changed since it was put", async () => {
    const store = h.store();
    const { document } = await store.put(renderedDocument("en", "pdf", "a"), { revision: REVISION, downloadName: "Letter" });
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: document.key, Body: Buffer.from("tampered"), Metadata: { sha256: "0".repeat(64) } }));

    await expect(store.publishRevision("unsc-dprk-2015", REVISION, [document])).rejects.toMatchObject({ name: "StorageIntegrityError", key: document.key });
  });

  it("hands out a presigned link that plain fetch can download", async () => {
    const store = h.store();
    const doc = renderedDocument("ar", "pdf", "سلام");
    const { document } = await store.put(doc, { revision: REVISION, downloadName: "رسالة" });

    const url = await store.presignDownload(document.key, { expiresInSeconds: 300 });
    const res = await fetch(url);

    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(doc.bytes)).toBe(true);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(dispositionFileName(res.headers.get("content-disposition") ?? "")).toBe("رسالة.pdf");
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("300");
  });

  it("rejects a link lifetime above the configured maximum, or not a positive whole number", async () => {
    const store = h.store({ maxPresignExpirySeconds: 900 });
    const key = `letters/unsc-dprk-2015/${REVISION}/en/letter.pdf`;
    for (const expiresInSeconds of [901, 0, -5, 1.5, Number.NaN]) {
      await expect(store.presignDownload(key, { expiresInSeconds })).rejects.toBeInstanceOf(PresignExpiryError);
    }
    await expect(store.presignDownload(key, { expiresInSeconds: 900 })).resolves.toContain("X-Amz-Expires=900");
  });

  it("refuses a configured maximum beyond S3's seven days", () => {
    expect(() => new S3DocumentStore({ client: h.client, bucket: h.s3.bucket, maxPresignExpirySeconds: 604_801 })).toThrow(/maxPresignExpirySeconds/);
  });

  it("only presigns document keys", async () => {
    const store = h.store();
    await expect(store.presignDownload(`letters/unsc-dprk-2015/${REVISION}/manifest.json`, { expiresInSeconds: 60 })).rejects.toMatchObject({
      name: "InvalidKeySegmentError",
    });
  });

  it("a link signed long enough ago has expired and is refused", async () => {
    const signedAt = new Date(Date.now() - 2 * 3_600_000);
    const store = h.store({ clock: () => signedAt });
    const { document } = await store.put(renderedDocument("en", "pdf", "old"), { revision: REVISION, downloadName: "Letter" });

    const res = await fetch(await store.presignDownload(document.key, { expiresInSeconds: 3_600 }));

    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });

  it("reports a stopped server as StorageUnavailableError naming the key", async () => {
    const store = h.store();
    const doc = renderedDocument("en", "pdf", "x");
    await h.s3.stop();

    const attempt = store.put(doc, { revision: REVISION, downloadName: "Letter" });

    await expect(attempt).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: "STORAGE_ERROR", key: `letters/unsc-dprk-2015/${REVISION}/en/letter.pdf`, operation: "put" });
  });
});

const md5Hex = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/**
 * A store whose every conditional manifest write is preceded, the first `times` times, by another
 * writer replacing the manifest through a client of its own: the real server then refuses ours (412).
 */
function storeWithHostileWriter(h: Harness, options: { times: number; manifestRetry?: ManifestRetry }) {
  const client: S3Client = createS3Client({ region: h.s3.region, endpoint: h.s3.endpoint, forcePathStyle: true, credentials: h.s3.credentials, maxAttempts: 1 });
  const key = `letters/unsc-dprk-2015/${REVISION}/manifest.json`;
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as PutObjectCommandInput;
      if (context.commandName === "PutObjectCommand" && input.Key === key && (input.IfMatch ?? input.IfNoneMatch) !== undefined && ++writes <= options.times) {
        await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: key, Body: serializeManifest(hostileManifest(writes)) }));
      }
      return next(args);
    },
    { step: "initialize", name: "hostileManifestWriter" },
  );
  const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600, ...(options.manifestRetry ? { manifestRetry: options.manifestRetry } : {}) });
  return { store, conditionalWrites: () => writes, stop: () => client.destroy() };
}

/** A manifest another writer might publish: a different entry each time, so a different ETag. */
function hostileManifest(n: number): Manifest {
  const entry: StoredDocument = {
    key: `letters/unsc-dprk-2015/${REVISION}/en/hostile-${n}.pdf`,
    size: n,
    sha256: createHash("sha256").update(String(n)).digest("hex"),
    locale: "en",
    format: "pdf",
    recipientId: null,
    contentType: "application/pdf",
  };
  return { schemaVersion: 1, letterId: "unsc-dprk-2015", revision: REVISION, documents: [entry] };
}
