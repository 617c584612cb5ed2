import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { createHmac } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ObjectStore } from "../../../local/s3/object-store";
import { verifySigV4 } from "../../../local/s3/sigv4-verifier";

/**
 * The work the embedded S3 does per request, counted (never timed): the batch stores 2,000 documents
 * through it, and each avoidable HMAC or file opened is paid on every one of them.
 */
jest.mock("node:fs/promises", () => {
  const actual = jest.requireActual<typeof import("node:fs/promises")>("node:fs/promises");
  return { ...actual, open: jest.fn(actual.open) };
});
jest.mock("node:crypto", () => {
  const actual = jest.requireActual<typeof import("node:crypto")>("node:crypto");
  return { ...actual, createHmac: jest.fn(actual.createHmac) };
});

const openSpy = open as unknown as jest.Mock;
const hmacSpy = createHmac as unknown as jest.Mock;

describe("SigV4 verification derives each signing key once", () => {
  // AWS's documented presigned URL (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
  const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const url =
    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  const request = { method: "GET", url, headers: new Map([["host", ["examplebucket.s3.amazonaws.com"]]]) };
  const config = (secret: string) => ({ region: "us-east-1", service: "s3", secrets: new Map([[ACCESS_KEY, secret]]), now: new Date("2013-05-24T00:05:00Z") });

  it("computes one HMAC per request once the day's key is known (four more the first time)", () => {
    hmacSpy.mockClear();
    for (let i = 0; i < 10; i++) expect(verifySigV4(request, config(SECRET))).toMatchObject({ ok: true });
    // Before: 5 HMACs per request (4 to derive the key, 1 to sign), 50 for ten.
    expect(hmacSpy.mock.calls.length).toBeLessThanOrEqual(4 + 10);
  });

  it("keys its cache by the secret too: a rotated secret is not vouched for by the old one's key", () => {
    expect(verifySigV4(request, config(SECRET))).toMatchObject({ ok: true });
    expect(verifySigV4(request, config(`${SECRET}x`))).toMatchObject({ ok: false, error: { code: "SignatureDoesNotMatch" } });
    expect(verifySigV4(request, config(SECRET))).toMatchObject({ ok: true });
  });

  it("holds a bounded number of keys however many scopes it is shown", () => {
    for (let day = 1; day <= 200; day++) {
      const date = `201305${String((day % 28) + 1).padStart(2, "0")}`;
      verifySigV4({ ...request, url: url.replace(/20130524/g, date) }, config(`${SECRET}${day}`));
    }
    // Still right for the documented example after the flood (its key was evicted and derived again).
    expect(verifySigV4(request, config(SECRET))).toMatchObject({ ok: true });
  });
});

describe("a stored object is written once and not read back", () => {
  let dir: string;
  let store: ObjectStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lp-server-work-"));
    store = new ObjectStore(dir, "bucket");
    await store.init();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const meta = (key: string, body: Buffer) => ({
    key,
    etag: "0".repeat(32),
    size: body.length,
    contentType: "application/pdf",
    headers: {},
    userMetadata: {},
    encryption: { algorithm: "AES256" } as const,
  });

  it("returns the metadata it wrote without opening the object file again, and leaves no temporary file", async () => {
    const body = Buffer.from("%PDF-1.7 a letter");
    const key = "letters/x/0123abc/en/letter.pdf";
    await store.put(meta(key, body), body);
    openSpy.mockClear();
    const second = Buffer.from("%PDF-1.7 another letter");
    const outcome = await store.put(meta(key, second), second);
    const file = store.fileOf(key);
    // Before: the new version was opened and parsed again after its rename.
    expect(openSpy.mock.calls.filter(([path]) => path === file)).toEqual([]);
    expect(outcome).toMatchObject({ written: true, meta: { key, size: second.length } });
    // What it returned is what a reader finds.
    const opened = await store.open(key);
    await opened?.handle.close();
    expect(opened?.meta).toEqual(outcome.written ? outcome.meta : undefined);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("still reads the current version where a condition needs it (If-None-Match on an existing key is refused)", async () => {
    const body = Buffer.from("%PDF-1.7 third");
    const outcome = await store.put(meta("letters/x/0123abc/en/letter.pdf", body), body, { ifNoneMatch: "*" });
    expect(outcome).toEqual({ written: false, failed: "If-None-Match" });
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });
});
