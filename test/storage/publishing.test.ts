import { readFile, unlink, writeFile } from "node:fs/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import type { StoredDocument } from "../../functions/storage/document-store";
import { CorruptStoredRecordError } from "../../functions/storage/errors";
import { publishedEntryKey } from "../../functions/storage/object-layout";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { ObjectStore } from "../../local/s3/object-store";
import { forwarded, renderedDocument, REVISION, startHarness, type Harness } from "./embedded-s3-harness";

/**
 * Issue 15, item 5: publishing holds under contention and against damage. Publishers of one revision
 * never starve each other; a stored object damaged at the same size is not called unchanged; a
 * corrupt manifest is rebuilt from the stored documents instead of blocking its letter.
 */

jest.setTimeout(240_000);

const LETTER = "unsc-dprk-2015";
const MANIFEST = `letters/${LETTER}/${REVISION}/manifest.json`;
const placement = { revision: REVISION, downloadName: "Letter" };

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

/** Where the embedded server keeps an object's bytes on disk. */
// Where the embedded server keeps an object's file (its metadata line, then the bytes): damage is done there, out of band.
const objectFile = (key: string) => new ObjectStore(h.dataDir, h.s3.bucket).fileOf(key);

const putMember = async (store: S3DocumentStore, i: number, format: "pdf" | "html" = "pdf") =>
  (await store.put(renderedDocument(i % 2 ? "fr" : "en", format, `copy ${i}`, `member-${i}`), placement)).document;

describe("publishers of one revision under contention", () => {
  it("lists a publisher whose every manifest write is beaten by another publisher: it is helped, not starved", async () => {
    // Before each of our conditional manifest writes, another publisher (a store of its own) publishes
    // a new document of the same revision, so our write always loses the race. The old design retried
    // 10 times and gave up with ManifestContentionError.
    const client: S3Client = createS3Client({ region: h.s3.region, endpoint: h.s3.endpoint, forcePathStyle: true, credentials: h.s3.credentials, maxAttempts: 1 });
    const rival = h.store();
    const rivalDocuments: StoredDocument[] = [];
    let ourConditionalWrites = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as PutObjectCommandInput;
        if (context.commandName === "PutObjectCommand" && input.Key === MANIFEST) {
          ourConditionalWrites++;
          const document = await putMember(rival, 100 + rivalDocuments.length);
          rivalDocuments.push(document);
          await rival.publishRevision(LETTER, REVISION, [document]);
        }
        return next(args);
      },
      { step: "initialize", name: "rivalPublisher" },
    );
    const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
    try {
      const ours = [await putMember(store, 1), await putMember(store, 2, "html")];

      const manifest = await store.publishRevision(LETTER, REVISION, ours);

      expect(manifest.documents).toEqual(expect.arrayContaining(ours));
      // Our one write lost; the rival's write, made after our entries were stored, listed ours.
      expect(ourConditionalWrites).toBeLessThanOrEqual(2);
      const stored = await h.store().getManifest(LETTER, REVISION);
      expect(stored?.documents.map((d) => d.key).sort()).toEqual([...ours, ...rivalDocuments].map((d) => d.key).sort());
    } finally {
      client.destroy();
    }
  });

  it("lists every document when 64 publishers, each with its own client, publish one revision at once: 0 failures", async () => {
    const publishers = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const client = createS3Client({
          region: h.s3.region,
          endpoint: h.s3.endpoint,
          forcePathStyle: true,
          credentials: h.s3.credentials,
          maxAttempts: 1,
          connectionTimeoutMs: 60_000,
          requestTimeoutMs: 120_000,
        });
        const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
        return { client, store, document: await putMember(store, i, i % 3 ? "pdf" : "html") };
      }),
    );
    try {
      const outcomes = await Promise.allSettled(publishers.map(({ store, document }) => store.publishRevision(LETTER, REVISION, [document])));

      expect(outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
      outcomes.forEach((outcome, i) => expect((outcome as PromiseFulfilledResult<{ documents: StoredDocument[] }>).value.documents).toContainEqual(publishers[i]!.document));
      const manifest = await h.store().getManifest(LETTER, REVISION);
      expect(manifest?.documents.map((d) => d.key)).toEqual(publishers.map((p) => p.document.key).sort());
      // Each publisher writes the manifest at most twice: 64 publishers, at most 128 manifest writes.
      const manifestWrites = h.s3.requests.filter((r) => r.method === "PUT" && r.url.startsWith(`/${h.s3.bucket}/${MANIFEST}`)).length;
      expect(manifestWrites).toBeLessThanOrEqual(128);
    } finally {
      for (const { client } of publishers) client.destroy();
    }
  });

  it("records each published document as an entry object of its own, named by its key, SHA-256 and size", async () => {
    const store = h.store();
    const document = await putMember(store, 7);
    await store.publishRevision(LETTER, REVISION, [document]);

    const entryKey = publishedEntryKey(document);
    expect(entryKey).toBe(`letters/${LETTER}/${REVISION}/published/fr/member-7/letter.pdf/${document.sha256}-${document.size}`);
    const entry = await store.head(entryKey);
    expect(entry?.cacheControl).toBe("no-cache");
    // An entry is never a document: it cannot be handed out.
    await expect(store.presignDownload(entryKey, { expiresInSeconds: 60 })).rejects.toMatchObject({ name: "InvalidKeySegmentError" });
  });

  it("a re-publish of documents already listed writes nothing at all", async () => {
    const store = h.store();
    const documents = [await putMember(store, 1), await putMember(store, 2)];
    await store.publishRevision(LETTER, REVISION, documents);
    const puts = forwarded(h.s3, "PUT");

    await store.publishRevision(LETTER, REVISION, documents);

    expect(forwarded(h.s3, "PUT")).toBe(puts);
  });
});

describe("a stored object damaged at the same size", () => {
  it("is replaced, not reported unchanged, when its bytes on the server's disk were altered in place", async () => {
    const store = h.store();
    const doc = renderedDocument("en", "pdf", "the resolution as adopted");
    const { document } = await store.put(doc, placement);
    const damaged = Buffer.from(await readFile(objectFile(document.key)));
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 8) ^ 0x20, damaged.length - 8);
    await writeFile(objectFile(document.key), damaged);
    // The server still reports the size, the ETag and our metadata it had: only the bytes changed.
    expect(await store.head(document.key)).toMatchObject({ size: doc.bytes.length, sha256: doc.sha256 });

    const again = await store.put(doc, placement);

    expect(again.outcome).toBe("replaced");
    expect((await store.get(document.key)).bytes.equals(doc.bytes)).toBe(true);
  });

  it("is replaced when another writer overwrote it with same-size bytes and copied our metadata (SSE-KMS: the ETag is no MD5)", async () => {
    const store = h.store({ encryption: { mode: "SSE-KMS", kmsKeyId: "alias/letterpress" } });
    const doc = renderedDocument("ar", "html", "نص الرسالة");
    const { document } = await store.put(doc, placement);
    const forged = Buffer.from(doc.bytes.toString("latin1").replace(/p>/g, "b>"), "latin1");
    expect(forged.length).toBe(doc.bytes.length);
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: document.key, Body: forged, Metadata: { sha256: doc.sha256 }, ContentType: doc.contentType }));

    const again = await store.put(doc, placement);

    expect(again.outcome).toBe("replaced");
    expect((await store.get(document.key)).bytes.equals(doc.bytes)).toBe(true);
  });

  it("sends S3 the SHA-256 of every upload, so S3 checks the bytes and keeps a checksum of its own", async () => {
    const store = h.store();
    const doc = renderedDocument("ko", "pdf", "서한");
    await store.put(doc, placement);
    const put = h.s3.requests.find((r) => r.method === "PUT");
    expect(put?.headers["x-amz-checksum-sha256"]).toBe(Buffer.from(doc.sha256, "hex").toString("base64"));
  });
});

describe("a corrupt manifest", () => {
  async function publishThree(store: S3DocumentStore) {
    const documents = [await putMember(store, 1), await putMember(store, 2), await putMember(store, 3, "html")];
    await store.publishRevision(LETTER, REVISION, documents);
    return documents;
  }

  it.each([
    ["truncated JSON", Buffer.from('{"schemaVersion":1,"letterId":"unsc-dprk-2015","documents":[{"key"')],
    ["another schema version", Buffer.from('{"schemaVersion":2,"letterId":"unsc-dprk-2015","revision":"3f9a1c2b7d4e","documents":[]}')],
    ["bytes that are not text", Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
  ])("(%s) is read from the published entries meanwhile, and the next publish rebuilds it from the stored documents", async (_label, garbage) => {
    const store = h.store();
    const documents = await publishThree(store);
    const original = await store.getManifest(LETTER, REVISION);
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: MANIFEST, Body: garbage }));

    // Downloads go on: a read-only role can LIST the entries.
    await expect(store.getManifest(LETTER, REVISION)).resolves.toEqual(original);

    const fourth = await putMember(store, 4);
    const manifest = await store.publishRevision(LETTER, REVISION, [fourth]);

    expect(manifest.documents.map((d) => d.key)).toEqual([...documents, fourth].map((d) => d.key).sort());
    expect(manifest.documents).toEqual(expect.arrayContaining([...documents, fourth]));
    await expect(store.getManifest(LETTER, REVISION)).resolves.toEqual(manifest);
    const raw = await h.client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: MANIFEST }));
    expect(JSON.parse(await raw.Body!.transformToString())).toEqual(manifest);
  });

  it("of a revision without entries (published before they existed) says exactly how to repair it, and the next publish does", async () => {
    const store = h.store();
    const documents = await publishThree(store);
    const entries = await h.client.send(new ListObjectsV2Command({ Bucket: h.s3.bucket, Prefix: `letters/${LETTER}/${REVISION}/published/` }));
    // The embedded server does no DELETE (the application never deletes): the entries go on its disk.
    for (const { Key } of entries.Contents ?? []) await unlink(objectFile(Key!));
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: MANIFEST, Body: Buffer.from("[]") }));

    const read = store.getManifest(LETTER, REVISION);
    await expect(read).rejects.toBeInstanceOf(CorruptStoredRecordError);
    await expect(read).rejects.toThrow(
      `stored record ${MANIFEST} does not match its schema ((root): Invalid input: expected object, received array); ` +
        `publishing its letter again rebuilds it from the stored documents (npm run generate -- --letter ${LETTER}, or a render request for the letter)`,
    );

    const fourth = await putMember(store, 4);
    const manifest = await store.publishRevision(LETTER, REVISION, [fourth]);
    expect(manifest.documents.map((d) => d.key)).toEqual([...documents, fourth].map((d) => d.key).sort());
  });

  it("is rebuilt without a stored document whose bytes no longer hash to the SHA-256 recorded with them", async () => {
    const store = h.store();
    const [first, second, third] = await publishThree(store);
    const damaged = Buffer.from(await readFile(objectFile(second!.key)));
    // The file starts with the server's metadata line: damage the document's own bytes, at its end.
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0x01, damaged.length - 1);
    await writeFile(objectFile(second!.key), damaged);
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: MANIFEST, Body: Buffer.from("not json") }));

    const manifest = await store.publishRevision(LETTER, REVISION, [third!]);

    expect(manifest.documents.map((d) => d.key)).toEqual([first!.key, third!.key].sort());
  });
});
