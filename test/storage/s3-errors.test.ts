import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import { DocumentNotFoundError, StorageAccessDeniedError, StorageIntegrityError, StorageRequestError, StorageUnavailableError } from "../../functions/storage/errors";
import { isWriteConflict, toStorageError } from "../../functions/storage/s3-errors";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { renderedDocument, REVISION } from "./embedded-s3-harness";

function sdkError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: `${name} from the SDK` });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

const KEY = `letters/unsc-dprk-2015/${REVISION}/en/letter.pdf`;

describe("SDK errors become storage errors at the boundary", () => {
  it.each([
    ["NotFound (HEAD)", sdkError("NotFound", 404), DocumentNotFoundError],
    ["NoSuchKey", sdkError("NoSuchKey", 404), DocumentNotFoundError],
    ["AccessDenied", sdkError("AccessDenied", 403), StorageAccessDeniedError],
    ["SignatureDoesNotMatch", sdkError("SignatureDoesNotMatch", 403), StorageAccessDeniedError],
    ["InternalError", sdkError("InternalError", 500), StorageUnavailableError],
    ["SlowDown", sdkError("SlowDown", 503), StorageUnavailableError],
    ["InvalidArgument", sdkError("InvalidArgument", 400), StorageRequestError],
    ["connection refused", networkError("ECONNREFUSED"), StorageUnavailableError],
    ["connection reset", networkError("ECONNRESET"), StorageUnavailableError],
    ["timeout", Object.assign(new Error("timed out"), { name: "TimeoutError" }), StorageUnavailableError],
  ])("maps %s", (_label, error, expected) => {
    const mapped = toStorageError("get", KEY, error);
    expect(mapped).toBeInstanceOf(expected);
    expect(mapped).toMatchObject({ key: KEY, operation: "get" });
    expect(mapped.message).not.toContain("from the SDK");
    if (!(mapped instanceof DocumentNotFoundError)) expect(mapped.cause).toBe(error);
  });
});

describe("a refused conditional write is told apart from a failure", () => {
  it.each([
    ["412 PreconditionFailed", sdkError("PreconditionFailed", 412), true],
    ["409 ConditionalRequestConflict (another write landed mid-request)", sdkError("ConditionalRequestConflict", 409), true],
    ["404 NoSuchKey (If-Match on an object deleted since it was read)", sdkError("NoSuchKey", 404), true],
    ["404 NoSuchBucket", sdkError("NoSuchBucket", 404), false],
    ["409 OperationAborted", sdkError("OperationAborted", 409), false],
    ["500 InternalError", sdkError("InternalError", 500), false],
    ["connection reset", networkError("ECONNRESET"), false],
  ])("%s", (_label, error, conflict) => {
    expect(isWriteConflict(error)).toBe(conflict);
  });
});

/** A client whose answers are scripted per command: the error paths the real server cannot produce on demand. */
function scriptedClient(answer: (command: unknown, call: number) => unknown): { client: S3Client; commands: unknown[] } {
  const commands: unknown[] = [];
  const send = jest.fn(async (command: unknown) => {
    commands.push(command);
    const result = answer(command, commands.length);
    if (result instanceof Error) throw result;
    return result;
  });
  return { client: { send } as unknown as S3Client, commands };
}

describe("S3DocumentStore error paths", () => {
  const doc = renderedDocument("en", "pdf", "x");
  const placement = { revision: REVISION, downloadName: "Letter" };

  it("reports a write the server stored differently as StorageIntegrityError", async () => {
    const { client } = scriptedClient((command, call) => {
      if (command instanceof HeadObjectCommand && call === 1) return sdkError("NotFound", 404);
      if (command instanceof PutObjectCommand) return {};
      return { ContentLength: doc.bytes.length, Metadata: { sha256: "f".repeat(64) }, ETag: '"00"' };
    });
    const store = new S3DocumentStore({ client, bucket: "b", maxPresignExpirySeconds: 60 });

    await expect(store.put(doc, placement)).rejects.toBeInstanceOf(StorageIntegrityError);
  });

  it("treats a lost If-None-Match race with identical bytes as unchanged, without a second upload, trusting S3's own SHA-256", async () => {
    const md5 = createHash("md5").update(doc.bytes).digest("hex");
    // A new document is one If-None-Match PUT (no HEAD before it); refused, one HEAD decides.
    const { client, commands } = scriptedClient((command) => {
      if (command instanceof PutObjectCommand) return sdkError("PreconditionFailed", 412);
      return {
        ContentLength: doc.bytes.length,
        Metadata: { sha256: doc.sha256 },
        ETag: `"${md5}"`,
        ChecksumSHA256: Buffer.from(doc.sha256, "hex").toString("base64"),
        ChecksumType: "FULL_OBJECT",
      };
    });
    const store = new S3DocumentStore({ client, bucket: "b", maxPresignExpirySeconds: 60 });

    await expect(store.put(doc, placement)).resolves.toMatchObject({ outcome: "unchanged" });
    expect(commands.filter((c) => c instanceof PutObjectCommand)).toHaveLength(1);
    // The checksum S3 computed vouches for the bytes: nothing is read back.
    expect(commands.filter((c) => c instanceof GetObjectCommand)).toHaveLength(0);
    expect(commands.filter((c) => c instanceof HeadObjectCommand).map((c) => (c as HeadObjectCommand).input.ChecksumMode)).toEqual(["ENABLED"]);
  });

  it("does not call an object unchanged when S3's own SHA-256 differs, though size, metadata and ETag agree", async () => {
    const md5 = createHash("md5").update(doc.bytes).digest("hex");
    const other = Buffer.from("y".repeat(doc.bytes.length));
    // The If-None-Match PUT is refused (an object is there), the HEAD finds other bytes under the same
    // size, metadata and ETag, the PUT that replaces them lands, and the HEAD after it (SSE-KMS: the PUT's
    // answer proves nothing) finds ours.
    const { client, commands } = scriptedClient((command, call) => {
      if (command instanceof PutObjectCommand) return call === 1 ? sdkError("PreconditionFailed", 412) : {};
      const checksum = call === 2 ? other : doc.bytes;
      return {
        ContentLength: doc.bytes.length,
        Metadata: { sha256: doc.sha256 },
        ETag: `"${md5}"`,
        ChecksumSHA256: createHash("sha256").update(checksum).digest("base64"),
        ChecksumType: "FULL_OBJECT",
      };
    });
    const store = new S3DocumentStore({ client, bucket: "b", maxPresignExpirySeconds: 60, encryption: { mode: "SSE-KMS", kmsKeyId: "k" } });

    await expect(store.put(doc, placement)).resolves.toMatchObject({ outcome: "replaced" });
    expect(commands.filter((c) => c instanceof PutObjectCommand).map((c) => (c as PutObjectCommand).input.IfNoneMatch)).toEqual(["*", undefined]);
  });

  it("reports a refused upload as StorageAccessDeniedError naming the key", async () => {
    const { client } = scriptedClient((command) => (command instanceof HeadObjectCommand ? sdkError("NotFound", 404) : sdkError("AccessDenied", 403)));
    const store = new S3DocumentStore({ client, bucket: "b", maxPresignExpirySeconds: 60 });

    await expect(store.put(doc, placement)).rejects.toMatchObject({ name: "StorageAccessDeniedError", key: KEY, operation: "put" });
  });

  it("reports a stored manifest that does not match its schema as CorruptStoredRecordError", async () => {
    const { client } = scriptedClient(() => ({ Body: { transformToByteArray: async () => Buffer.from('{"schemaVersion":2}') } }));
    const store = new S3DocumentStore({ client, bucket: "b", maxPresignExpirySeconds: 60 });

    await expect(store.getManifest("unsc-dprk-2015", REVISION)).rejects.toMatchObject({ name: "CorruptStoredRecordError" });
  });
});
